/* Unit tests of wa_pair: refs, QR text, pair-success verification. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_crypto.h"
#include "wa/wa_pair.h"
#include "wa/wa_proto.h"

START_TEST(test_refs)
{
	struct wa_node *n, *pd;
	struct wa_buf b = { 0 };
	char big[300];
	int i;

	n = wa_node_new("iq");
	wa_node_attr(n, "from", "s.whatsapp.net");
	wa_node_attr(n, "type", "set");
	wa_node_attr(n, "id", "1");
	ck_assert_int_eq(wa_pair_refs(n, &b), -1);	/* no pair-device */
	pd = wa_node_add_new(n, "pair-device");
	ck_assert_int_eq(wa_pair_refs(n, &b), 0);
	wa_node_add_bytes(pd, "ref", "A1", 2);
	wa_node_add_string(pd, "ref", "B2");	/* strings count too */
	wa_node_add_bytes(pd, "ref", "", 0);
	wa_node_add_bytes(pd, "ref", "a b", 3);
	wa_node_add_bytes(pd, "ref", "a\nb", 3);
	memset(big, 'x', sizeof(big));
	wa_node_add_bytes(pd, "ref", big, sizeof(big));
	wa_node_add_bytes(pd, "other", "C3", 2);
	wa_node_add_new(pd, "ref");
	ck_assert_int_eq(wa_pair_refs(n, &b), 2);
	ck_assert(b.len == 6 && memcmp(b.p, "A1\nB2\n", 6) == 0);
	for (i = 0; i < 40; i++)
		wa_node_add_bytes(pd, "ref", "R", 1);
	wa_buf_reset(&b);
	ck_assert_int_eq(wa_pair_refs(n, &b), WA_PAIR_REFS_MAX);
	/* Only the server's pair-device counts. */
	n->attrs[0].val.p[0] = 'x';
	ck_assert_int_eq(wa_pair_refs(n, &b), -1);
	wa_node_free(n);
	wa_buf_free(&b);
}
END_TEST

START_TEST(test_qr)
{
	struct wa_creds c;
	struct wa_buf b = { 0 };
	const char *t;

	memset(&c, 0, sizeof(c));
	memset(c.noise.pub, 0xff, 32);
	memset(c.identity.pub, 0, 32);
	memset(c.adv_secret, 0x3e, 32);
	ck_assert_int_eq(wa_pair_qr(&c, "2@ref", 5, '1', &b), 0);
	t = (const char *)b.p;
	ck_assert_str_eq(t, "https://wa.me/settings/linked_devices#2@ref,"
	    "//////////////////////////////////////////8=,"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,"
	    "Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4=,1");
	wa_buf_free(&b);
}
END_TEST

/* The phone's side: build a pair-success the way its variants need. */
enum { OK, NO_IDENTITY, GARBAGE_IDENTITY, NO_JID, BAD_HMAC, SHORT_HMAC,
    GARBAGE_DETAILS, SHORT_KEY, BAD_SIG, HOSTED, HOSTED_NO_PREFIX, NOT_SERVER };

static struct wa_node *
pair_success(const struct wa_creds *c, const struct wa_keypair *acct,
    int variant)
{
	struct wa_pb_adv_identity ad;
	struct wa_pb_adv_signed_identity si;
	struct wa_pb_adv_hmac hm;
	struct wa_buf d = { 0 }, s = { 0 }, h = { 0 }, msg = { 0 };
	unsigned char sig[64], mac[32];
	struct wa_node *n, *ps, *dev;
	int hosted = variant == HOSTED || variant == HOSTED_NO_PREFIX;

	memset(&ad, 0, sizeof(ad));
	ad.raw_id.v = 1; ad.raw_id.has = 1;
	ad.key_index.v = 9; ad.key_index.has = 1;
	if (hosted) {
		ad.device_type.v = 1;
		ad.device_type.has = 1;
	}
	wa_pb_encode(&wa_pb_adv_identity_desc, &ad, &d);
	wa_buf_add(&msg, hosted ? "\x06\x05" : "\x06\x00", 2);
	wa_buf_add(&msg, d.p, d.len);
	wa_buf_add(&msg, c->identity.pub, 32);
	wa_curve_sign(acct->priv, msg.p, msg.len, sig);
	if (variant == BAD_SIG)
		sig[60] ^= 4;
	memset(&si, 0, sizeof(si));
	si.details.p = d.p; si.details.len = d.len; si.details.has = 1;
	si.account_signature_key.p = (unsigned char *)(uintptr_t)acct->pub;
	si.account_signature_key.len = variant == SHORT_KEY ? 31 : 32;
	si.account_signature_key.has = 1;
	si.account_signature.p = sig; si.account_signature.len = 64;
	si.account_signature.has = 1;
	wa_pb_encode(&wa_pb_adv_signed_identity_desc, &si, &s);
	if (variant == GARBAGE_DETAILS) {
		wa_buf_reset(&s);
		wa_buf_add(&s, "\xff\xff\xff", 3);
	}
	wa_buf_reset(&msg);
	if (variant == HOSTED)
		wa_buf_add(&msg, "\x06\x05", 2);
	wa_buf_add(&msg, s.p, s.len);
	wa_hmac_sha256(c->adv_secret, 32, msg.p, msg.len, mac);
	if (variant == BAD_HMAC)
		mac[31] ^= 1;
	memset(&hm, 0, sizeof(hm));
	hm.details.p = s.p; hm.details.len = s.len; hm.details.has = 1;
	hm.hmac.p = mac; hm.hmac.len = variant == SHORT_HMAC ? 16 : 32;
	hm.hmac.has = 1;
	if (hosted) {
		hm.account_type.v = 1;
		hm.account_type.has = 1;
	}
	wa_pb_encode(&wa_pb_adv_hmac_desc, &hm, &h);
	n = wa_node_new("iq");
	wa_node_attr(n, "from", variant == NOT_SERVER ? "1@s.whatsapp.net" :
	    "s.whatsapp.net");
	wa_node_attr(n, "type", "set");
	wa_node_attr(n, "id", "ps");
	ps = wa_node_add_new(n, "pair-success");
	if (variant == GARBAGE_IDENTITY)
		wa_node_add_bytes(ps, "device-identity", "\x0a\xff", 2);
	else if (variant != NO_IDENTITY)
		wa_node_add_bytes(ps, "device-identity", h.p, h.len);
	dev = wa_node_add_new(ps, "device");
	if (variant != NO_JID)
		wa_node_attr(dev, "jid", "1555:3@s.whatsapp.net");
	wa_node_attr(dev, "lid", "77:3@lid");
	wa_buf_free(&d);
	wa_buf_free(&s);
	wa_buf_free(&h);
	wa_buf_free(&msg);
	return n;
}

START_TEST(test_success)
{
	static const struct {
		int		 line;
		int		 variant;
		enum wa_pair_err want;
		const char	*code;	/* of the error reply */
	} cases[] = {
		{ __LINE__, OK, WA_PAIR_OK, NULL },
		{ __LINE__, HOSTED, WA_PAIR_OK, NULL },
		{ __LINE__, NO_IDENTITY, WA_PAIR_EMALFORMED, "500" },
		{ __LINE__, GARBAGE_IDENTITY, WA_PAIR_EMALFORMED, "500" },
		{ __LINE__, NO_JID, WA_PAIR_EMALFORMED, "500" },
		{ __LINE__, BAD_HMAC, WA_PAIR_EHMAC, "401" },
		{ __LINE__, SHORT_HMAC, WA_PAIR_EMALFORMED, "500" },
		{ __LINE__, HOSTED_NO_PREFIX, WA_PAIR_EHMAC, "401" },
		{ __LINE__, GARBAGE_DETAILS, WA_PAIR_EMALFORMED, "500" },
		{ __LINE__, SHORT_KEY, WA_PAIR_ESIGNATURE, "401" },
		{ __LINE__, BAD_SIG, WA_PAIR_ESIGNATURE, "401" },
	};
	struct wa_creds c;
	struct wa_keypair acct;
	struct wa_pair_info info;
	struct wa_node *n, *reply;
	struct wa_pb_adv_signed_identity *si;
	const struct wa_str *v;
	enum wa_pair_err err;
	size_t i;

	ck_assert_int_eq(wa_creds_new(&c), 0);
	wa_curve_generate(&acct);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = pair_success(&c, &acct, cases[i].variant);
		err = wa_pair_success(&c, n, &info, &reply);
		ck_assert_msg(err == cases[i].want, "line %d: %d", cases[i].line,
		    err);
		ck_assert_ptr_nonnull(reply);
		ck_assert(wa_node_attr_is(reply, "id", "ps") &&
		    wa_node_attr_is(reply, "to", "@s.whatsapp.net"));
		if (err == WA_PAIR_OK) {
			ck_assert_str_eq(info.jid, "1555:3@s.whatsapp.net");
			ck_assert_str_eq(info.lid, "77:3@lid");
			ck_assert_ptr_null(info.platform);
			v = wa_node_content(wa_node_child(wa_node_child(reply,
			    "pair-device-sign"), "device-identity"));
			ck_assert_int_eq(wa_pb_decode(
			    &wa_pb_adv_signed_identity_desc, v->p, v->len,
			    (void **)&si), 0);
			ck_assert(!si->account_signature_key.has);
			wa_pb_free(&wa_pb_adv_signed_identity_desc, si);
			/* What we keep has the key and our signature. */
			ck_assert_int_eq(wa_pb_decode(
			    &wa_pb_adv_signed_identity_desc, info.account,
			    info.account_len, (void **)&si), 0);
			ck_assert(si->account_signature_key.len == 32 &&
			    si->device_signature.len == 64);
			wa_pb_free(&wa_pb_adv_signed_identity_desc, si);
			free(info.account);
		} else {
			ck_assert(wa_node_attr_is(reply, "type", "error"));
			ck_assert_msg(wa_node_attr_is(wa_node_child(reply, "error"),
			    "code", cases[i].code), "line %d", cases[i].line);
			ck_assert_ptr_null(info.account);
		}
		wa_node_free(reply);
		wa_node_free(n);
	}
	/* Not from the server: not a pair-success at all. */
	n = pair_success(&c, &acct, NOT_SERVER);
	ck_assert(!wa_pair_is_success(n));
	ck_assert_int_eq(wa_pair_success(&c, n, &info, &reply),
	    WA_PAIR_EMALFORMED);
	ck_assert_ptr_null(reply);
	wa_node_free(n);
	wa_creds_clear(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_pair");
	TCase *tc = tcase_create("pair");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_refs);
	tcase_add_test(tc, test_qr);
	tcase_add_test(tc, test_success);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
