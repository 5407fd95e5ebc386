/*
 * Unit tests of wa_client, the I/O-free session core: a protocol-level
 * loopback in which the test scripts WhatsApp's server and the phone
 * (tests/unit/wa_server.c, our codecs in the server's role) through
 * registration -> QR -> pair-success -> 515 -> login -> success ->
 * prekeys -> active -> usync check -> about -> groups, then the phone
 * code, keepalive, notifications and every way a connection ends.
 */
#include <check.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "wa/wa_client.h"
#include "wa/wa_creds.h"
#include "wa/wa_crypto.h"
#include "wa/wa_paircode.h"
#include "wa/wa_proto.h"
#include "wa/wa_stanza.h"

#include "wa_server.h"

#define NOW_S	1790000000	/* the server's wall clock in these tests */
#define MAXP	64

/* --- what the client reported -------------------------------------- */

static struct {
	struct wa_buf		 creds;
	int			 ncreds;
	char			 qr[8][512];
	int64_t			 qr_exp[8];
	int			 nqr;
	char			 code[16];
	int			 code_status, ncode;
	int			 paired;
	char			 jid[96], lid[96], phone[32], platform[32],
				 business[128];
	int			 connected;
	struct {
		char		 pn[96], lid[96], push[64], business[64];
	}			 people[MAXP];
	int			 npeople;
	int			 ncheck, check_status;
	int64_t			 check_retry;
	struct {
		char		 phone[20], pn[96], lid[96], business[64];
		int		 state;
	}			 check[8];
	int			 check_n;
	uint64_t		 cookie;
	int			 nabout, about_status, about_state;
	char			 about_text[128], about_jid[96];
	int64_t			 about_t, about_retry;
	int			 ngroups, groups_status;
	size_t			 groups_n;
	char			 group_subject[64], group_jid[96], member_pn[96],
				 member_lid[96];
	int			 member_role;
	uint64_t		 group_size;
	int			 announce, locked;
	int			 changes[8], nchanges;
	char			 change_subject[64];
	size_t			 change_members;
	int			 nclosed;
	struct wa_close		 why;
	uint32_t		 refused[3];
} R;

static void
copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "");
}

static void
on_event(void *arg, const struct wa_event *ev)
{
	size_t i;

	(void)arg;
	switch (ev->type) {
	case WA_EVENT_CREDS:
		wa_buf_reset(&R.creds);
		wa_buf_add(&R.creds, ev->u.creds.blob, ev->u.creds.len);
		R.ncreds++;
		break;
	case WA_EVENT_QR:
		ck_assert_int_lt(R.nqr, 8);
		copy(R.qr[R.nqr], sizeof(R.qr[0]), ev->u.qr.text);
		R.qr_exp[R.nqr++] = ev->u.qr.expires_ms;
		break;
	case WA_EVENT_PAIR_CODE:
		R.ncode++;
		R.code_status = ev->status;
		copy(R.code, sizeof(R.code), ev->u.pair_code.code);
		break;
	case WA_EVENT_PAIRED:
		R.paired++;
		copy(R.jid, sizeof(R.jid), ev->u.paired.jid);
		copy(R.lid, sizeof(R.lid), ev->u.paired.lid);
		copy(R.phone, sizeof(R.phone), ev->u.paired.phone);
		copy(R.platform, sizeof(R.platform), ev->u.paired.platform);
		copy(R.business, sizeof(R.business), ev->u.paired.business);
		break;
	case WA_EVENT_CONNECTED:
		R.connected++;
		break;
	case WA_EVENT_PEOPLE:
		for (i = 0; i < ev->u.people.n && R.npeople < MAXP; i++) {
			copy(R.people[R.npeople].pn, 96, ev->u.people.v[i].pn);
			copy(R.people[R.npeople].lid, 96, ev->u.people.v[i].lid);
			copy(R.people[R.npeople].push, 64,
			    ev->u.people.v[i].push_name);
			copy(R.people[R.npeople].business, 64,
			    ev->u.people.v[i].business);
			R.npeople++;
		}
		break;
	case WA_EVENT_CHECK:
		R.ncheck++;
		R.cookie = ev->cookie;
		R.check_status = ev->status;
		R.check_retry = ev->retry_after_s;
		R.check_n = (int)ev->u.check.n;
		for (i = 0; i < ev->u.check.n && i < 8; i++) {
			copy(R.check[i].phone, 20, ev->u.check.v[i].phone);
			copy(R.check[i].pn, 96, ev->u.check.v[i].pn);
			copy(R.check[i].lid, 96, ev->u.check.v[i].lid);
			copy(R.check[i].business, 64, ev->u.check.v[i].business);
			R.check[i].state = ev->u.check.v[i].state;
		}
		break;
	case WA_EVENT_ABOUT:
		R.nabout++;
		R.cookie = ev->cookie;
		R.about_status = ev->status;
		R.about_retry = ev->retry_after_s;
		R.about_state = ev->u.about.state;
		copy(R.about_jid, sizeof(R.about_jid), ev->u.about.jid);
		copy(R.about_text, sizeof(R.about_text), ev->u.about.text);
		R.about_t = ev->u.about.set_at;
		break;
	case WA_EVENT_GROUPS:
		R.ngroups++;
		R.cookie = ev->cookie;
		R.groups_status = ev->status;
		R.groups_n = ev->u.groups.n;
		if (ev->u.groups.n > 0) {
			const struct wa_group *g = &ev->u.groups.v[0];

			copy(R.group_jid, 96, g->jid);
			copy(R.group_subject, 64, g->subject);
			R.group_size = g->size;
			R.announce = g->announce;
			R.locked = g->locked;
			if (g->nmembers > 0) {
				copy(R.member_pn, 96, g->members[0].pn);
				copy(R.member_lid, 96, g->members[0].lid);
				R.member_role = g->members[0].role;
			}
		}
		break;
	case WA_EVENT_GROUP_CHANGE:
		if (R.nchanges < 8)
			R.changes[R.nchanges++] = ev->u.change->kind;
		if (ev->u.change->subject != NULL)
			copy(R.change_subject, 64, ev->u.change->subject);
		if (ev->u.change->nmembers)
			R.change_members = ev->u.change->nmembers;
		break;
	case WA_EVENT_CLOSED:
		R.nclosed++;
		R.why = ev->u.closed.why;
		memcpy(R.refused, ev->u.closed.version, sizeof(R.refused));
		break;
	}
}

static void
reset_events(void)
{
	struct wa_buf keep = R.creds;
	int n = R.ncreds;

	memset(&R, 0, sizeof(R));
	R.creds = keep;
	R.ncreds = n;
}

/* --- the loopback ---------------------------------------------------- */

static struct wa_client *C;
static struct wa_server *S;
static int64_t T;	/* the client's monotonic clock, ms */

/* Moves bytes both ways until neither side has any. */
static void
pump(void)
{
	const unsigned char *p;
	size_t n;
	int moved;

	do {
		moved = 0;
		if ((p = wa_client_output(C, &n)) != NULL) {
			/* Only a WebSocket close may end the server's side. */
			ck_assert(wa_server_input(S, p, n) == 0 ||
			    wa_server_closed(S));
			wa_client_written(C, n);
			moved = 1;
		}
		if (wa_client_running(C) && (p = wa_server_output(S, &n)) != NULL) {
			/* Split the bytes to exercise reassembly. */
			size_t half = n > 7 ? n / 3 : n;

			wa_client_input(C, p, half, T);
			wa_server_consume(S, half);
			moved = 1;
		}
	} while (moved);
}

/* The next node from the client (asserts there is one). */
static struct wa_node *
srv_next(void)
{
	struct wa_node *n = NULL;

	pump();
	ck_assert_int_eq(wa_server_next(S, &n), 1);
	return n;
}

static void
srv_none(void)
{
	struct wa_node *n = NULL;

	pump();
	ck_assert_int_eq(wa_server_next(S, &n), 0);
}

static void
srv_send(struct wa_node *n)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(wa_server_send(S, n), 0);
	wa_node_free(n);
	pump();
}

static struct wa_node *
mk(const char *tag, const char *const *attrs)
{
	struct wa_node *n = wa_node_new(tag);
	size_t i;

	for (i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		ck_assert_int_eq(wa_node_attr(n, attrs[i], attrs[i + 1]), 0);
	return n;
}

#define A(...)	((const char *const []){ __VA_ARGS__, NULL })

/* <iq from type=result id=of(q)> with optional content kid. */
static struct wa_node *
result_for(const struct wa_node *q, struct wa_node *kid)
{
	struct wa_node *r = mk("iq", A("from", "@s.whatsapp.net", "type",
	    "result", "id", wa_node_get(q, "id")->p));

	if (kid != NULL)
		ck_assert_int_eq(wa_node_add(r, kid), 0);
	return r;
}

static struct wa_node *
error_for(const struct wa_node *q, const char *code, const char *backoff)
{
	struct wa_node *r = mk("iq", A("from", "@s.whatsapp.net", "type",
	    "error", "id", wa_node_get(q, "id")->p)), *e;

	e = wa_node_add_new(r, "error");
	wa_node_attr(e, "code", code);
	wa_node_attr(e, "text", "whatever");
	if (backoff != NULL)
		wa_node_attr(e, "backoff", backoff);
	return r;
}

static void
client_cfg(struct wa_client_cfg *cfg)
{
	wa_client_cfg_default(cfg);
	wa_server_trust(S, &cfg->trust);
	cfg->qr_first_ms = 6000;
	cfg->qr_next_ms = 2000;
	cfg->prekeys = 7;
}

/* A new server and a client started on it (handshake done). */
static void
connect_new(const void *blob, size_t len, enum wa_server_cert cert)
{
	struct wa_client_cfg cfg;

	S = wa_server_new(NOW_S, cert);
	if (C == NULL) {
		client_cfg(&cfg);
		C = wa_client_new(&cfg, blob, len, on_event, NULL);
		ck_assert_ptr_nonnull(C);
	}
	ck_assert_int_eq(wa_client_start(C, T), 0);
	pump();
}

/* The client reconnects to the same server. */
static void
reconnect(void)
{
	wa_server_reconnect(S);
	ck_assert_int_eq(wa_client_start(C, T), 0);
	pump();
}

static void
teardown(void)
{
	wa_client_free(C);
	wa_server_free(S);
	C = NULL;
	S = NULL;
	wa_buf_free(&R.creds);
	memset(&R, 0, sizeof(R));
	T = 0;
}

/* --- the phone's side of pairing ------------------------------------- */

static struct wa_keypair phone_key;	/* the account's identity */

static void
creds_now(struct wa_creds *cr)
{
	memset(cr, 0, sizeof(*cr));
	ck_assert_int_eq(wa_creds_load(cr, R.creds.p, R.creds.len), 0);
}

/* <iq from type=set id><pair-success> signed as the phone would. */
static struct wa_node *
pair_success(const unsigned char adv[32], const unsigned char ident[32],
    int tamper)
{
	struct wa_pb_adv_identity ad;
	struct wa_pb_adv_signed_identity si;
	struct wa_pb_adv_hmac hm;
	struct wa_buf d = { 0 }, s = { 0 }, h = { 0 }, msg = { 0 };
	unsigned char sig[64], mac[32];
	struct wa_node *n, *ps, *dev;

	memset(&ad, 0, sizeof(ad));
	ad.raw_id.v = 4242; ad.raw_id.has = 1;
	ad.timestamp.v = NOW_S; ad.timestamp.has = 1;
	ad.key_index.v = 3; ad.key_index.has = 1;
	wa_pb_encode(&wa_pb_adv_identity_desc, &ad, &d);
	wa_buf_add(&msg, "\x06\x00", 2);
	wa_buf_add(&msg, d.p, d.len);
	wa_buf_add(&msg, ident, 32);
	wa_curve_sign(phone_key.priv, msg.p, msg.len, sig);
	if (tamper == 2)
		sig[3] ^= 1;
	memset(&si, 0, sizeof(si));
	si.details.p = d.p; si.details.len = d.len; si.details.has = 1;
	si.account_signature_key.p = phone_key.pub;
	si.account_signature_key.len = 32;
	si.account_signature_key.has = 1;
	si.account_signature.p = sig; si.account_signature.len = 64;
	si.account_signature.has = 1;
	wa_pb_encode(&wa_pb_adv_signed_identity_desc, &si, &s);
	wa_hmac_sha256(adv, 32, s.p, s.len, mac);
	if (tamper == 1)
		mac[0] ^= 1;
	memset(&hm, 0, sizeof(hm));
	hm.details.p = s.p; hm.details.len = s.len; hm.details.has = 1;
	hm.hmac.p = mac; hm.hmac.len = 32; hm.hmac.has = 1;
	wa_pb_encode(&wa_pb_adv_hmac_desc, &hm, &h);
	n = mk("iq", A("from", "@s.whatsapp.net", "type", "set", "id", "ps-1",
	    "t", "1790000000"));
	ps = wa_node_add_new(n, "pair-success");
	wa_node_add_bytes(ps, "device-identity", h.p, h.len);
	dev = wa_node_add_new(ps, "device");
	wa_node_attr(dev, "jid", "15551234567:7@s.whatsapp.net");
	wa_node_attr(dev, "lid", "99887766:7@lid");
	wa_node_attr(wa_node_add_new(ps, "platform"), "name", "android");
	wa_node_attr(wa_node_add_new(ps, "biz"), "name", "Acme");
	wa_buf_free(&d);
	wa_buf_free(&s);
	wa_buf_free(&h);
	wa_buf_free(&msg);
	return n;
}

/* Registration up to the QR codes; returns with the first QR shown. */
static void
register_to_qr(void)
{
	struct wa_node *pd, *r, *q;

	connect_new(NULL, 0, WA_SERVER_CERT_OK);
	ck_assert_int_eq(R.ncreds, 1);	/* fresh keys reported at start */
	ck_assert_ptr_nonnull(wa_server_payload(S));
	ck_assert_ptr_nonnull(wa_server_payload(S)->pairing_data);
	ck_assert(!wa_server_payload(S)->passive.v);
	pd = mk("iq", A("from", "@s.whatsapp.net", "type", "set", "id", "pd-1"));
	q = wa_node_add_new(pd, "pair-device");
	wa_node_add_bytes(q, "ref", "2@AAAA", 6);
	wa_node_add_bytes(q, "ref", "2@BBBB", 6);
	wa_node_add_bytes(q, "ref", "bad,ref", 7);	/* skipped */
	wa_node_add_bytes(q, "ref", "2@CCCC", 6);
	srv_send(pd);
	r = srv_next();
	ck_assert(wa_node_is(r, "iq") && wa_node_attr_is(r, "type", "result") &&
	    wa_node_attr_is(r, "id", "pd-1") &&
	    wa_node_attr_is(r, "to", "@s.whatsapp.net"));
	wa_node_free(r);
	ck_assert_int_eq(R.nqr, 1);
}

/* QR pairing, the 515 and the login up to <success>'s IQs. */
static void
pair_and_login(void)
{
	struct wa_creds cr;
	struct wa_node *r, *n;
	const struct wa_node *dsn;
	const struct wa_str *v;
	struct wa_pb_adv_signed_identity *si = NULL;
	struct wa_pb_adv_identity *ad = NULL;
	struct wa_buf msg = { 0 };

	register_to_qr();
	creds_now(&cr);
	wa_curve_generate(&phone_key);
	srv_send(pair_success(cr.adv_secret, cr.identity.pub, 0));
	r = srv_next();
	ck_assert(wa_node_attr_is(r, "type", "result") &&
	    wa_node_attr_is(r, "id", "ps-1"));
	dsn = wa_node_child(wa_node_child(r, "pair-device-sign"),
	    "device-identity");
	ck_assert(wa_node_attr_is(dsn, "key-index", "3"));
	v = wa_node_content(dsn);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(wa_pb_decode(&wa_pb_adv_signed_identity_desc, v->p,
	    v->len, (void **)&si), 0);
	/* Sent without the account key, with our device signature. */
	ck_assert(!si->account_signature_key.has && si->device_signature.len == 64);
	wa_buf_add(&msg, "\x06\x01", 2);
	wa_buf_add(&msg, si->details.p, si->details.len);
	wa_buf_add(&msg, cr.identity.pub, 32);
	wa_buf_add(&msg, phone_key.pub, 32);
	ck_assert(wa_curve_verify(cr.identity.pub, msg.p, msg.len,
	    si->device_signature.p));
	ck_assert_int_eq(wa_pb_decode(&wa_pb_adv_identity_desc, si->details.p,
	    si->details.len, (void **)&ad), 0);
	ck_assert(ad->raw_id.v == 4242);
	wa_pb_free(&wa_pb_adv_identity_desc, ad);
	wa_pb_free(&wa_pb_adv_signed_identity_desc, si);
	wa_buf_free(&msg);
	wa_node_free(r);
	wa_creds_clear(&cr);
	ck_assert_int_eq(R.paired, 1);
	ck_assert_str_eq(R.jid, "15551234567:7@s.whatsapp.net");
	ck_assert_str_eq(R.lid, "99887766:7@lid");
	ck_assert_str_eq(R.phone, "15551234567");
	ck_assert_str_eq(R.platform, "android");
	ck_assert_str_eq(R.business, "Acme");
	ck_assert(wa_client_paired(C));

	/* The server restarts the stream: reconnect at once, logging in. */
	n = mk("stream:error", A("code", "515"));
	srv_send(n);
	ck_assert_int_eq(R.nclosed, 1);
	ck_assert(R.why.reason == WA_CLOSE_RESTART && !R.why.permanent);
	reconnect();
	ck_assert_ptr_nonnull(wa_server_payload(S));
	ck_assert(wa_server_payload(S)->username.v == 15551234567ULL &&
	    wa_server_payload(S)->device.v == 7 &&
	    wa_server_payload(S)->passive.v == 1 &&
	    wa_server_payload(S)->pairing_data == NULL);
}

/* <success>, prekey count (low: upload), active: connected. */
static void
login_to_connected(uint64_t count)
{
	struct wa_node *q, *c, *list, *skey;
	struct wa_creds cr;
	char num[24];
	unsigned char msg[33];
	uint32_t next_before;
	int nc = R.ncreds;

	srv_send(mk("success", A("t", "1790000000", "lid", "99887766:7@lid")));
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "xmlns", "encrypt") &&
	    wa_node_attr_is(q, "type", "get") && wa_node_child(q, "count"));
	creds_now(&cr);
	next_before = cr.next_prekey;
	c = wa_node_new("count");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)count);
	wa_node_attr(c, "value", num);
	srv_send(result_for(q, c));
	wa_node_free(q);
	if (count < 5) {
		q = srv_next();
		ck_assert(wa_node_attr_is(q, "xmlns", "encrypt") &&
		    wa_node_attr_is(q, "type", "set"));
		list = wa_node_child(q, "list");
		ck_assert_int_eq(list->nkids, 7);
		skey = wa_node_child(q, "skey");
		msg[0] = 5;
		memcpy(msg + 1, wa_node_child_content(skey, "value")->p, 32);
		ck_assert(wa_curve_verify(cr.identity.pub, msg, 33,
		    (const unsigned char *)wa_node_child_content(skey,
		    "signature")->p));
		srv_send(result_for(q, NULL));
		wa_node_free(q);
		wa_creds_clear(&cr);
		creds_now(&cr);
		ck_assert_uint_eq(cr.next_prekey, next_before + 7);
		ck_assert_int_gt(R.ncreds, nc);
	}
	wa_creds_clear(&cr);
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "xmlns", "passive") &&
	    wa_node_child(q, "active") != NULL);
	ck_assert_int_eq(R.connected, 0);
	srv_send(result_for(q, NULL));
	wa_node_free(q);
	ck_assert_int_eq(R.connected, 1);
	ck_assert(wa_client_connected(C));
}

/* --- the whole way -------------------------------------------------- */

START_TEST(test_full_session)
{
	const char *phones[] = { "+15550000001", "15550000002", "15550000003",
	    "15550000004" };
	struct wa_node *q, *us, *list, *u, *c, *g, *gs, *p, *res;
	const struct wa_node *qq;
	struct wa_creds cr;

	pair_and_login();
	login_to_connected(0);
	ck_assert_int_eq(wa_client_check(C, NULL, 0, 1, T), -1);

	/* Check: 1 in (PN addressing), 2 in (LID addressing), 3 out,
	 * 4 missing from the answer. */
	ck_assert_int_eq(wa_client_check(C, phones, 4, 77, T), 0);
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "xmlns", "usync"));
	qq = wa_node_child(wa_node_child(q, "usync"), "query");
	ck_assert(wa_node_child(qq, "contact") && wa_node_child(qq, "lid") &&
	    wa_node_child(wa_node_child(qq, "business"), "verified_name"));
	list = wa_node_child(wa_node_child(q, "usync"), "list");
	ck_assert_int_eq(list->nkids, 4);
	ck_assert(wa_str_eq(wa_node_child_content(list->kids[1], "contact"),
	    "+15550000002"));
	us = wa_node_new("usync");
	list = wa_node_add_new(us, "list");
	u = mk("user", A("jid", "15550000001@s.whatsapp.net"));
	c = mk("contact", A("type", "in"));
	wa_node_set_string(c, "+15550000001", 12);
	wa_node_add(u, c);
	wa_node_attr(wa_node_add_new(u, "lid"), "val", "111@lid");
	wa_node_add(list, u);
	u = mk("user", A("jid", "222@lid", "pn_jid", "15550000002@s.whatsapp.net"));
	c = mk("contact", A("type", "in"));
	wa_node_set_string(c, "+15550000002", 12);
	wa_node_add(u, c);
	wa_node_add(list, u);
	u = mk("user", A("jid", "15550000003@s.whatsapp.net"));
	c = mk("contact", A("type", "out"));
	wa_node_set_string(c, "+15550000003", 12);
	wa_node_add(u, c);
	wa_node_add(list, u);
	srv_send(result_for(q, us));
	wa_node_free(q);
	ck_assert_int_eq(R.ncheck, 1);
	ck_assert_uint_eq(R.cookie, 77);
	ck_assert_int_eq(R.check_status, WA_IQ_OK);
	ck_assert_int_eq(R.check_n, 4);
	ck_assert_str_eq(R.check[0].phone, "15550000001");
	ck_assert_int_eq(R.check[0].state, WA_CHECK_IN);
	ck_assert_str_eq(R.check[0].pn, "15550000001@s.whatsapp.net");
	ck_assert_str_eq(R.check[0].lid, "111@lid");
	ck_assert_int_eq(R.check[1].state, WA_CHECK_IN);
	ck_assert_str_eq(R.check[1].pn, "15550000002@s.whatsapp.net");
	ck_assert_str_eq(R.check[1].lid, "222@lid");
	ck_assert_int_eq(R.check[2].state, WA_CHECK_OUT);
	ck_assert_int_eq(R.check[3].state, WA_CHECK_UNKNOWN);
	ck_assert_int_eq(R.npeople, 2);
	ck_assert_str_eq(R.people[1].lid, "222@lid");

	/* About: text with its time stamp. */
	ck_assert_int_eq(wa_client_about(C, "15550000001:3@s.whatsapp.net", 78,
	    T), 0);
	q = srv_next();
	u = wa_node_child(wa_node_child(wa_node_child(q, "usync"), "list"),
	    "user");
	ck_assert(wa_node_attr_is(u, "jid", "15550000001@s.whatsapp.net"));
	ck_assert_ptr_null(wa_node_child(u, "tctoken"));
	us = wa_node_new("usync");
	list = wa_node_add_new(us, "list");
	u = mk("user", A("jid", "15550000001@s.whatsapp.net"));
	c = mk("status", A("t", "1700000000"));
	wa_node_set_bytes(c, "Hey there", 9);
	wa_node_add(u, c);
	wa_node_add(list, u);
	srv_send(result_for(q, us));
	wa_node_free(q);
	ck_assert_int_eq(R.nabout, 1);
	ck_assert_uint_eq(R.cookie, 78);
	ck_assert_int_eq(R.about_state, WA_USYNC_ABOUT_TEXT);
	ck_assert_str_eq(R.about_text, "Hey there");
	ck_assert_str_eq(R.about_jid, "15550000001@s.whatsapp.net");
	ck_assert_int_eq(R.about_t, 1700000000);

	/* About: hidden by privacy, then a privacy token, then unset. */
	ck_assert_int_eq(wa_client_about(C, "222@lid", 79, T), 0);
	q = srv_next();
	us = wa_node_new("usync");
	list = wa_node_add_new(us, "list");
	u = mk("user", A("jid", "222@lid"));
	wa_node_add(u, mk("status", A("code", "401")));
	wa_node_add(list, u);
	srv_send(result_for(q, us));
	wa_node_free(q);
	ck_assert_int_eq(R.about_state, WA_USYNC_ABOUT_HIDDEN);
	ck_assert_str_eq(R.about_text, "");

	p = mk("notification", A("from", "15550000002@s.whatsapp.net",
	    "sender_lid", "222@lid", "type", "privacy_token", "id", "n-1",
	    "t", "1790000000"));
	c = wa_node_add_new(p, "tokens");
	g = mk("token", A("jid", "222@lid", "t", "1789999000", "type",
	    "trusted_contact"));
	wa_node_set_bytes(g, "\x01\x02\x03", 3);
	wa_node_add(c, g);
	srv_send(p);
	q = srv_next();
	ck_assert(wa_node_is(q, "ack") && wa_node_attr_is(q, "class",
	    "notification") && wa_node_attr_is(q, "type", "privacy_token") &&
	    wa_node_attr_is(q, "id", "n-1"));
	wa_node_free(q);
	creds_now(&cr);
	ck_assert_uint_eq(cr.ntokens, 1);
	wa_creds_clear(&cr);
	ck_assert_int_eq(wa_client_about(C, "222@lid", 80, T), 0);
	q = srv_next();
	u = wa_node_child(wa_node_child(wa_node_child(q, "usync"), "list"),
	    "user");
	ck_assert(wa_str_eq(wa_node_child_content(u, "tctoken"), "\x01\x02\x03"));
	us = wa_node_new("usync");
	list = wa_node_add_new(us, "list");
	u = mk("user", A("jid", "222@lid"));
	wa_node_add(u, mk("status", A("t", "0")));
	wa_node_add(list, u);
	srv_send(result_for(q, us));
	wa_node_free(q);
	ck_assert_int_eq(R.about_state, WA_USYNC_ABOUT_UNSET);

	/* Groups: one with members in both addressing forms. */
	ck_assert_int_eq(wa_client_groups(C, 81, T), 0);
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "xmlns", "w:g2") &&
	    wa_node_attr_is(q, "to", "@g.us") &&
	    wa_node_child(q, "participating") != NULL);
	gs = wa_node_new("groups");
	g = mk("group", A("id", "120363000000001", "subject", "Friends",
	    "s_t", "1700000001", "creation", "1600000000", "creator",
	    "15550000001@s.whatsapp.net", "size", "3"));
	wa_node_add(g, mk("participant", A("jid", "333@lid", "type", "superadmin",
	    "phone_number", "15550000009@s.whatsapp.net")));
	wa_node_add(g, mk("participant", A("jid", "15550000001@s.whatsapp.net",
	    "lid", "111@lid")));
	wa_node_add_new(g, "announcement");
	wa_node_add(gs, g);
	srv_send(result_for(q, gs));
	wa_node_free(q);
	ck_assert_int_eq(R.ngroups, 1);
	ck_assert_uint_eq(R.groups_n, 1);
	ck_assert_str_eq(R.group_jid, "120363000000001@g.us");
	ck_assert_str_eq(R.group_subject, "Friends");
	ck_assert_uint_eq(R.group_size, 3);
	ck_assert(R.announce && !R.locked);
	ck_assert_str_eq(R.member_pn, "15550000009@s.whatsapp.net");
	ck_assert_str_eq(R.member_lid, "333@lid");
	ck_assert_int_eq(R.member_role, WA_GROUP_SUPERADMIN);

	/* One group: not a member (403). */
	ck_assert_int_eq(wa_client_group(C, "1203@g.us", 82, T), 0);
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "to", "1203@g.us") &&
	    wa_node_attr_is(wa_node_child(q, "query"), "request", "interactive"));
	srv_send(error_for(q, "403", NULL));
	wa_node_free(q);
	ck_assert_int_eq(R.groups_status, WA_IQ_FORBIDDEN);
	ck_assert_int_eq(wa_client_group(C, "1203@s.whatsapp.net", 83, T), -1);

	/* A group change notification: subject and a join. */
	p = mk("notification", A("from", "120363000000001@g.us", "type", "w:gp2",
	    "id", "n-2", "participant", "333@lid", "participant_pn",
	    "15550000009@s.whatsapp.net", "notify", "Zoe", "t", "1790000001"));
	wa_node_attr(wa_node_add_new(p, "subject"), "subject", "Best friends");
	g = wa_node_add_new(p, "add");
	wa_node_add(g, mk("participant", A("jid", "444@lid", "phone_number",
	    "15550000004@s.whatsapp.net")));
	wa_node_add_new(p, "something_new");
	R.npeople = 0;
	srv_send(p);
	q = srv_next();
	ck_assert(wa_node_is(q, "ack") && wa_node_attr_is(q, "type", "w:gp2") &&
	    wa_node_attr_is(q, "participant", "333@lid"));
	wa_node_free(q);
	ck_assert_int_eq(R.nchanges, 2);
	ck_assert_int_eq(R.changes[0], WA_GROUP_SUBJECT);
	ck_assert_int_eq(R.changes[1], WA_GROUP_ADD);
	ck_assert_str_eq(R.change_subject, "Best friends");
	ck_assert_uint_eq(R.change_members, 1);
	/* The author with a push name, and the new member. */
	ck_assert_int_eq(R.npeople, 2);
	ck_assert_str_eq(R.people[0].lid, "333@lid");
	ck_assert_str_eq(R.people[0].pn, "15550000009@s.whatsapp.net");
	ck_assert_str_eq(R.people[0].push, "Zoe");
	ck_assert_str_eq(R.people[1].pn, "15550000004@s.whatsapp.net");

	/* A message we cannot decrypt: people, and the plain ack. */
	p = mk("message", A("from", "15550000005@hosted", "id", "m-1", "type",
	    "text", "notify", "Ann", "sender_lid", "555@hosted.lid", "t",
	    "1790000002", "offline", "1"));
	wa_node_add_bytes(wa_node_add_new(p, "enc"), "x", "\x01", 1);
	R.npeople = 0;
	srv_send(p);
	q = srv_next();
	ck_assert(wa_node_is(q, "ack") && wa_node_attr_is(q, "class", "message") &&
	    wa_node_attr_is(q, "to", "15550000005@hosted") &&
	    wa_node_get(q, "type") == NULL);
	wa_node_free(q);
	ck_assert_int_eq(R.npeople, 1);
	ck_assert_str_eq(R.people[0].pn, "15550000005@s.whatsapp.net");
	ck_assert_str_eq(R.people[0].lid, "555@lid");
	ck_assert_str_eq(R.people[0].push, "Ann");

	/* Receipts and calls are acked with their type. */
	srv_send(mk("receipt", A("from", "15550000005@s.whatsapp.net", "id",
	    "r-1", "type", "read")));
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "class", "receipt") &&
	    wa_node_attr_is(q, "type", "read"));
	wa_node_free(q);

	/* The offline queue. */
	p = wa_node_new("ib");
	wa_node_attr(wa_node_add_new(p, "offline_preview"), "count", "5");
	srv_send(p);
	q = srv_next();
	ck_assert(wa_node_is(q, "ib") && wa_node_attr_is(wa_node_child(q,
	    "offline_batch"), "count", "100"));
	wa_node_free(q);
	p = wa_node_new("ib");
	wa_node_attr(wa_node_add_new(p, "offline"), "count", "5");
	srv_send(p);
	srv_none();

	/* Server ping, answered. */
	srv_send(mk("iq", A("from", "s.whatsapp.net", "type", "get", "xmlns",
	    "urn:xmpp:ping", "id", "sp-1")));
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "type", "result") &&
	    wa_node_attr_is(q, "id", "sp-1"));
	wa_node_free(q);

	/* Our keepalive when due: <iq xmlns="w:p" type="get"/>. */
	T = wa_client_next_deadline(C);
	ck_assert_int_le(T, 30000);
	ck_assert_int_eq(wa_client_on_timer(C, T), 0);
	q = srv_next();
	ck_assert(wa_node_attr_is(q, "xmlns", "w:p") &&
	    wa_node_attr_is(q, "type", "get") && q->ctype == WA_CONTENT_NONE);
	srv_send(result_for(q, NULL));
	wa_node_free(q);

	/* An unknown stanza and an answer nobody waits for: ignored. */
	srv_send(mk("presence", A("from", "15550000005@s.whatsapp.net")));
	srv_send(mk("iq", A("from", "s.whatsapp.net", "type", "result", "id",
	    "1.2-99")));
	srv_none();
	ck_assert(wa_client_connected(C));

	/* Logout: remove-companion-device, then logged out. */
	ck_assert_int_eq(wa_client_logout(C, T), 0);
	q = srv_next();
	res = wa_node_child(q, "remove-companion-device");
	ck_assert(wa_node_attr_is(q, "xmlns", "md") &&
	    wa_node_attr_is(res, "jid", "15551234567:7@s.whatsapp.net") &&
	    wa_node_attr_is(res, "reason", "user_initiated"));
	srv_send(result_for(q, NULL));
	wa_node_free(q);
	ck_assert(R.why.reason == WA_CLOSE_LOGGED_OUT && R.why.permanent);
	ck_assert(!wa_client_running(C));
	/* Memory of an idle client stays small. */
	ck_assert_uint_lt(wa_client_memory(C), 8192);
}
END_TEST

START_TEST(test_qr_rotation_and_end)
{
	struct wa_creds cr;
	char want[512], b1[64], b2[64], b3[64];

	register_to_qr();
	creds_now(&cr);
	EVP_EncodeBlock((unsigned char *)b1, cr.noise.pub, 32);
	EVP_EncodeBlock((unsigned char *)b2, cr.identity.pub, 32);
	EVP_EncodeBlock((unsigned char *)b3, cr.adv_secret, 32);
	snprintf(want, sizeof(want),
	    "https://wa.me/settings/linked_devices#2@AAAA,%s,%s,%s,1", b1, b2,
	    b3);
	wa_creds_clear(&cr);
	ck_assert_str_eq(R.qr[0], want);
	ck_assert_int_eq(R.qr_exp[0], 6000);
	/* 6 s, then 2 s per code; the malformed ref was dropped. */
	ck_assert_int_eq(wa_client_next_deadline(C), 6000);
	T = 6000;
	ck_assert_int_eq(wa_client_on_timer(C, T), 0);
	ck_assert_int_eq(R.nqr, 2);
	ck_assert(strstr(R.qr[1], "#2@BBBB,") != NULL);
	ck_assert_int_eq(R.qr_exp[1], 8000);
	T = 8000;
	ck_assert_int_eq(wa_client_on_timer(C, T), 0);
	ck_assert(strstr(R.qr[2], "#2@CCCC,") != NULL);
	T = 10000;
	ck_assert_int_eq(wa_client_on_timer(C, T), -1);
	ck_assert_int_eq(R.nqr, 3);
	ck_assert(R.why.reason == WA_CLOSE_PAIRING_ENDED && R.why.permanent);
}
END_TEST

START_TEST(test_pair_rejected)
{
	struct wa_creds cr;
	struct wa_node *r;
	int tamper;

	for (tamper = 1; tamper <= 2; tamper++) {
		register_to_qr();
		creds_now(&cr);
		wa_curve_generate(&phone_key);
		srv_send(pair_success(cr.adv_secret, cr.identity.pub, tamper));
		wa_creds_clear(&cr);
		r = srv_next();
		ck_assert(wa_node_attr_is(r, "type", "error"));
		ck_assert(wa_node_attr_is(wa_node_child(r, "error"), "code", "401"));
		ck_assert(wa_node_attr_is(wa_node_child(r, "error"), "text",
		    tamper == 1 ? "hmac-mismatch" : "signature-mismatch"));
		wa_node_free(r);
		ck_assert(R.why.reason == WA_CLOSE_PAIRING_FAILED);
		ck_assert_int_eq(R.paired, 0);
		ck_assert(!wa_client_paired(C));
		teardown();
	}
}
END_TEST

START_TEST(test_pair_code)
{
	struct wa_creds cr;
	struct wa_node *q, *reg, *ack, *n, *r;
	const struct wa_str *wrapped, *bundle;
	struct wa_keypair peph;
	unsigned char ceph[32], salt[32], iv[16], wp[80], eph[32], bk[32],
	    pt[96], ident[32], adv[32];
	char code[9];

	register_to_qr();
	ck_assert_int_eq(wa_client_pair_code(C, "+15551234567x", 5, T), -1);
	ck_assert_int_eq(wa_client_pair_code(C, "+15551234567", 5, T), 0);
	q = srv_next();
	reg = wa_node_child(q, "link_code_companion_reg");
	ck_assert(wa_node_attr_is(q, "xmlns", "md") &&
	    wa_node_attr_is(reg, "stage", "companion_hello") &&
	    wa_node_attr_is(reg, "jid", "15551234567@s.whatsapp.net"));
	ck_assert(wa_str_eq(wa_node_child_content(reg,
	    "companion_platform_display"), "Chrome (Linux)"));
	wrapped = wa_node_child_content(reg,
	    "link_code_pairing_wrapped_companion_ephemeral_pub");
	ck_assert(wrapped != NULL && wrapped->len == 80);
	memcpy(wp, wrapped->p, 80);
	n = wa_node_new("link_code_companion_reg");
	wa_node_add_bytes(n, "link_code_pairing_ref", "REF-1", 5);
	srv_send(result_for(q, n));
	wa_node_free(q);
	ck_assert_int_eq(R.ncode, 1);
	ck_assert_int_eq(R.code_status, WA_IQ_OK);
	ck_assert_int_eq(strlen(R.code), 9);
	ck_assert_int_eq(R.code[4], '-');
	memcpy(code, R.code, 4);
	memcpy(code + 4, R.code + 5, 4);
	code[8] = '\0';

	/* The phone: unwraps our key with the code, sends its own. */
	ck_assert_int_eq(wa_paircode_unwrap(code, wp, ceph), 0);
	wa_curve_generate(&peph);
	wa_curve_generate(&phone_key);
	wa_random(salt, 32);
	wa_random(iv, 16);
	ck_assert_int_eq(wa_paircode_wrap(code, salt, iv, peph.pub, wp), 0);
	n = mk("notification", A("from", "@s.whatsapp.net", "type",
	    "link_code_companion_reg", "id", "lc-1"));
	reg = wa_node_add_new(n, "link_code_companion_reg");
	wa_node_add_bytes(reg, "link_code_pairing_ref", "REF-1", 5);
	wa_node_add_bytes(reg, "link_code_pairing_wrapped_primary_ephemeral_pub",
	    wp, 80);
	wa_node_add_bytes(reg, "primary_identity_pub", phone_key.pub, 32);
	srv_send(n);
	q = srv_next();	/* companion_finish comes first, then the ack */
	ack = srv_next();
	ck_assert(wa_node_is(ack, "ack"));
	wa_node_free(ack);
	reg = wa_node_child(q, "link_code_companion_reg");
	ck_assert(wa_node_attr_is(reg, "stage", "companion_finish"));
	bundle = wa_node_child_content(reg, "link_code_pairing_wrapped_key_bundle");
	ck_assert(bundle != NULL && bundle->len == 156);
	creds_now(&cr);
	ck_assert_int_eq(wa_curve_shared(peph.priv, ceph, eph), 0);
	ck_assert_int_eq(wa_hkdf_sha256(bundle->p, 32, eph, 32,
	    "link_code_pairing_key_bundle_encryption_key", 43, bk, 32), 0);
	ck_assert_int_eq(wa_aes_gcm_decrypt(bk,
	    (const unsigned char *)bundle->p + 32, NULL, 0, bundle->p + 44,
	    112, pt), 0);
	ck_assert(memcmp(pt, cr.identity.pub, 32) == 0);
	ck_assert(memcmp(pt + 32, phone_key.pub, 32) == 0);
	ck_assert_int_eq(wa_curve_shared(phone_key.priv, cr.identity.pub, ident),
	    0);
	ck_assert_int_eq(wa_paircode_adv_secret(eph, ident, pt + 64, adv), 0);
	ck_assert(memcmp(adv, cr.adv_secret, 32) == 0);
	srv_send(result_for(q, NULL));
	wa_node_free(q);
	/* No QR codes while a code is pending. */
	T = 6000;
	ck_assert_int_eq(wa_client_on_timer(C, T), 0);
	ck_assert_int_eq(R.nqr, 1);
	/* The HMAC with the derived secret now proves the pairing. */
	srv_send(pair_success(adv, cr.identity.pub, 0));
	wa_creds_clear(&cr);
	r = srv_next();
	ck_assert(wa_node_attr_is(r, "type", "result"));
	wa_node_free(r);
	ck_assert_int_eq(R.paired, 1);
}
END_TEST

/* Ways a login ends, each on its own connection. */
START_TEST(test_close_reasons)
{
	static const struct {
		int		 line;
		const char	*tag;
		const char	*k1, *v1, *k2, *v2;
		const char	*conflict;
		enum wa_close_reason reason;
		int		 permanent;
	} cases[] = {
		{ __LINE__, "failure", "reason", "401", NULL, NULL, NULL, WA_CLOSE_LOGGED_OUT, 1 },
		{ __LINE__, "failure", "reason", "403", NULL, NULL, NULL, WA_CLOSE_LOGGED_OUT, 1 },
		{ __LINE__, "failure", "reason", "406", NULL, NULL, NULL, WA_CLOSE_LOGGED_OUT, 1 },
		{ __LINE__, "failure", "reason", "402", "expire", "3600", NULL, WA_CLOSE_BANNED, 1 },
		{ __LINE__, "failure", "reason", "405", NULL, NULL, NULL, WA_CLOSE_CLIENT_OUTDATED, 1 },
		{ __LINE__, "failure", "reason", "409", NULL, NULL, NULL, WA_CLOSE_BAD_USER_AGENT, 1 },
		{ __LINE__, "failure", "reason", "503", NULL, NULL, NULL, WA_CLOSE_UNAVAILABLE, 0 },
		{ __LINE__, "failure", "reason", "junk", NULL, NULL, NULL, WA_CLOSE_UNAVAILABLE, 0 },
		{ __LINE__, "stream:error", "code", "515", NULL, NULL, NULL, WA_CLOSE_RESTART, 0 },
		{ __LINE__, "stream:error", "code", "503", NULL, NULL, NULL, WA_CLOSE_UNAVAILABLE, 0 },
		{ __LINE__, "stream:error", "code", "401", NULL, NULL, "device_removed", WA_CLOSE_LOGGED_OUT, 1 },
		{ __LINE__, "stream:error", "code", "409", NULL, NULL, "replaced", WA_CLOSE_REPLACED, 1 },
		{ __LINE__, "stream:error", "code", "499", NULL, NULL, NULL, WA_CLOSE_STREAM_ERROR, 0 },
		{ __LINE__, "xmlstreamend", NULL, NULL, NULL, NULL, NULL, WA_CLOSE_SERVER_CLOSED, 0 },
	};
	struct wa_creds cr;
	struct wa_buf blob = { 0 };
	struct wa_node *n;
	size_t i;

	/* Paired credentials, made directly. */
	ck_assert_int_eq(wa_creds_new(&cr), 0);
	ck_assert_int_eq(wa_creds_set_paired(&cr, "15551234567:7@s.whatsapp.net",
	    NULL, NULL, NULL, "x", 1), 0);
	ck_assert_int_eq(wa_creds_save(&cr, &blob), 0);
	wa_creds_clear(&cr);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		connect_new(blob.p, blob.len, WA_SERVER_CERT_OK);
		n = wa_node_new(cases[i].tag);
		if (cases[i].k1)
			wa_node_attr(n, cases[i].k1, cases[i].v1);
		if (cases[i].k2)
			wa_node_attr(n, cases[i].k2, cases[i].v2);
		if (cases[i].conflict)
			wa_node_attr(wa_node_add_new(n, "conflict"), "type",
			    cases[i].conflict);
		srv_send(n);
		ck_assert_msg(R.nclosed == 1 && R.why.reason == cases[i].reason &&
		    R.why.permanent == cases[i].permanent, "line %d: %d %s",
		    cases[i].line, R.nclosed, wa_close_str(R.why.reason));
		if (R.why.reason == WA_CLOSE_BANNED)
			ck_assert_int_eq(R.why.expire_s, 3600);
		if (R.why.reason == WA_CLOSE_CLIENT_OUTDATED)
			ck_assert(R.refused[0] == 2 && R.refused[1] == 3000);
		wa_client_free(C);
		C = NULL;
		wa_server_free(S);
		S = NULL;
		reset_events();
	}
	wa_buf_free(&blob);
}
END_TEST

/* Timeouts: IQ answers, a silent link, a handshake that never ends. */
START_TEST(test_timeouts)
{
	const char *phones[] = { "15550000001" };
	struct wa_node *q;
	int closed, pings = 0;

	pair_and_login();
	login_to_connected(50);
	closed = R.nclosed;
	ck_assert_int_eq(wa_client_check(C, phones, 1, 9, T), 0);
	q = srv_next();
	wa_node_free(q);
	/* Keepalives go out but nothing comes back. */
	while (R.nclosed == closed) {
		int64_t d = wa_client_next_deadline(C);

		ck_assert_int_ge(d, T);
		T = d;
		wa_client_on_timer(C, T);
		pump();
		while (wa_server_next(S, &q) == 1) {
			pings += wa_node_attr_is(q, "xmlns", "w:p");
			wa_node_free(q);
		}
	}
	ck_assert_int_ge(pings, 3);
	ck_assert_int_eq(R.ncheck, 1);
	ck_assert_int_eq(R.check_status, WA_IQ_TIMEOUT);
	ck_assert(R.why.reason == WA_CLOSE_KEEPALIVE && !R.why.permanent);
	ck_assert_int_ge(T, 90000);
	ck_assert_int_le(T, 90000 + 1000);
	teardown();

	/* The server never finishes the handshake. */
	connect_new(NULL, 0, WA_SERVER_CERT_OK);
	ck_assert_int_eq(wa_client_next_deadline(C), 20000);
	ck_assert_int_eq(wa_client_on_timer(C, 20000), -1);
	ck_assert(R.why.reason == WA_CLOSE_TIMEOUT);
}
END_TEST

/* Rate limits and errors reach the request's answer. */
START_TEST(test_request_errors)
{
	const char *phones[] = { "15550000001", "15550000002" };
	struct wa_node *q, *us, *res, *c;

	pair_and_login();
	login_to_connected(50);
	ck_assert_int_eq(wa_client_check(C, phones, 2, 1, T), 0);
	q = srv_next();
	srv_send(error_for(q, "429", "120"));
	wa_node_free(q);
	ck_assert_int_eq(R.check_status, WA_IQ_RATE_LIMITED);
	ck_assert_int_eq(R.check_retry, 120);
	/* usync's own back-off, per protocol in <result>. */
	ck_assert_int_eq(wa_client_check(C, phones, 2, 2, T), 0);
	q = srv_next();
	us = wa_node_new("usync");
	res = wa_node_add_new(us, "result");
	c = wa_node_add_new(res, "contact");
	wa_node_add(c, mk("error", A("code", "429", "text", "rate-overlimit",
	    "backoff", "300")));
	wa_node_add_new(us, "list");
	srv_send(result_for(q, us));
	wa_node_free(q);
	ck_assert_int_eq(R.check_status, WA_IQ_RATE_LIMITED);
	ck_assert_int_eq(R.check_retry, 300);
	/* A malformed answer. */
	ck_assert_int_eq(wa_client_about(C, "15550000001@s.whatsapp.net", 3, T),
	    0);
	q = srv_next();
	srv_send(result_for(q, NULL));
	wa_node_free(q);
	ck_assert_int_eq(R.about_status, WA_IQ_MALFORMED);
	/* Pending requests fail when the connection ends. */
	ck_assert_int_eq(wa_client_groups(C, 4, T), 0);
	q = srv_next();
	wa_node_free(q);
	wa_client_io_error(C);
	ck_assert_int_eq(R.groups_status, WA_IQ_CLOSED);
	ck_assert(R.why.reason == WA_CLOSE_IO && !R.why.permanent);
	/* Nothing can be asked while idle. */
	ck_assert_int_eq(wa_client_groups(C, 5, T), -1);
	ck_assert_int_eq(wa_client_on_timer(C, T), -1);
	ck_assert_int_eq(wa_client_next_deadline(C), -1);
}
END_TEST

/* Bad bytes and bad certificates end the connection cleanly. */
START_TEST(test_bad_server)
{
	struct wa_node *n;

	connect_new(NULL, 0, WA_SERVER_CERT_NO_NOT_AFTER);
	ck_assert(R.why.reason == WA_CLOSE_HANDSHAKE);
	teardown();
	connect_new(NULL, 0, WA_SERVER_CERT_BAD_SIG);
	ck_assert(R.why.reason == WA_CLOSE_HANDSHAKE);
	teardown();
	connect_new(NULL, 0, WA_SERVER_CERT_OK);
	ck_assert_int_eq(wa_server_send_raw(S, "\x00\xf8", 2), 0);
	pump();
	ck_assert(R.why.reason == WA_CLOSE_PROTOCOL);
	teardown();
	/* A stanza with no id gets no ack but does no harm. */
	connect_new(NULL, 0, WA_SERVER_CERT_OK);
	n = mk("notification", A("from", "s.whatsapp.net", "type", "x"));
	srv_send(n);
	srv_none();
	ck_assert(wa_client_running(C));
	/* Unpaired, <success> is ignored (whatsmeow does the same). */
	srv_send(mk("success", A("t", "1")));
	srv_none();
	ck_assert(!wa_client_connected(C));
	ck_assert_int_eq(wa_client_start(C, T), -1);
	wa_client_close(C);
	ck_assert(R.why.reason == WA_CLOSE_LOCAL && R.why.permanent);
	/* What is left to write is a WebSocket close. */
	pump();
	ck_assert(wa_server_closed(S));
}
END_TEST

/*
 * Memory of idle connected sessions: 64 clients logged in to their own
 * test servers, the servers then freed; the heap the clients still hold
 * (glibc's mallinfo2, so not under ASan, which has its own allocator).
 */
START_TEST(test_memory)
{
	enum { N = 64 };
	struct wa_client *cl[N];
	struct wa_server *sv;
	struct wa_client_cfg cfg;
	struct wa_creds cr;
	struct wa_buf blob = { 0 };
	struct wa_node *q, *c;
	struct mallinfo2 before, after;
	size_t i, per;
	int step;

	ck_assert_int_eq(wa_creds_new(&cr), 0);
	ck_assert_int_eq(wa_creds_set_paired(&cr, "15551234567:7@s.whatsapp.net",
	    "99887766:7@lid", "android", NULL, "account-bytes", 13), 0);
	ck_assert_int_eq(wa_creds_save(&cr, &blob), 0);
	wa_creds_clear(&cr);
	before = mallinfo2();
	for (i = 0; i < N; i++) {
		sv = S = wa_server_new(NOW_S, WA_SERVER_CERT_OK);
		wa_client_cfg_default(&cfg);
		wa_server_trust(sv, &cfg.trust);
		C = cl[i] = wa_client_new(&cfg, blob.p, blob.len, on_event, NULL);
		ck_assert_int_eq(wa_client_start(C, 0), 0);
		pump();
		srv_send(mk("success", A("t", "1790000000")));
		for (step = 0; step < 2; step++) {
			q = srv_next();
			c = NULL;
			if (step == 0) {
				c = wa_node_new("count");
				wa_node_attr(c, "value", "50");
			}
			srv_send(result_for(q, c));
			wa_node_free(q);
		}
		ck_assert(wa_client_connected(C));
		wa_server_free(sv);
	}
	S = NULL;
	C = NULL;
	after = mallinfo2();
	per = after.uordblks > before.uordblks ?
	    (after.uordblks - before.uordblks) / N : 0;
	fprintf(stderr, "wa_client: %zu heap bytes per idle connected session "
	    "(wa_client_memory %zu)\n", per, wa_client_memory(cl[0]));
	if (per > 0)	/* 0: another allocator (ASan) keeps the books */
		ck_assert_uint_lt(per, 16384);
	ck_assert_uint_lt(wa_client_memory(cl[0]), 8192);
	for (i = 0; i < N; i++)
		wa_client_free(cl[i]);
	wa_buf_free(&blob);
}
END_TEST

START_TEST(test_bad_creds)
{
	struct wa_client_cfg cfg;

	wa_client_cfg_default(&cfg);
	ck_assert_ptr_null(wa_client_new(&cfg, "WAGWCRED\x01", 9, on_event,
	    NULL));
	ck_assert_ptr_null(wa_client_new(&cfg, "", 0, on_event, NULL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_client");
	TCase *tc = tcase_create("loopback");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_full_session);
	tcase_add_test(tc, test_qr_rotation_and_end);
	tcase_add_test(tc, test_pair_rejected);
	tcase_add_test(tc, test_pair_code);
	tcase_add_test(tc, test_close_reasons);
	tcase_add_test(tc, test_timeouts);
	tcase_add_test(tc, test_request_errors);
	tcase_add_test(tc, test_bad_server);
	tcase_add_test(tc, test_bad_creds);
	tcase_add_test(tc, test_memory);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
