#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_client.h"
#include "wa/wa_creds.h"
#include "wa/wa_crypto.h"
#include "wa/wa_pair.h"
#include "wa/wa_paircode.h"
#include "wa/wa_prekey.h"
#include "wa/wa_stanza.h"
#include "wa/wa_stream.h"

/* What an IQ waiter waits for. */
enum wa_req {
	REQ_PING, REQ_PREKEY_COUNT, REQ_PREKEY_UPLOAD, REQ_ACTIVE,
	REQ_CHECK, REQ_ABOUT, REQ_GROUPS, REQ_PAIR_HELLO, REQ_PAIR_FINISH,
	REQ_LOGOUT
};

enum wa_state {
	ST_IDLE,	/* no connection */
	ST_HANDSHAKE,	/* upgrade and Noise, then success / pair-device */
	ST_PAIRING,	/* registration: QR codes shown */
	ST_PAIRED,	/* pair-success answered, waiting for the 515 */
	ST_INIT,	/* <success>: prekeys and active under way */
	ST_READY	/* connected */
};

/* A check's context: the numbers asked, as a NUL-separated list. */
struct wa_check_ctx {
	size_t	 n;
	char	 phones[];
};

/* Pairing state, allocated only on a registration connection. */
struct wa_pairing {
	struct wa_buf		 refs;	/* "\n"-terminated refs */
	size_t			 next;	/* offset of the next unused ref */
	int			 quiet;	/* a pair code replaced the QR */
	struct wa_paircode	 code;
	int			 has_code;
	uint64_t		 code_cookie;
};

struct wa_client {
	struct wa_client_cfg	 cfg;
	struct wa_creds		 creds;
	int			 fresh;		/* creds not reported yet */
	wa_client_event_fn	 fn;
	void			*arg;
	enum wa_state		 state;
	struct wa_stream	 st;
	struct wa_iq		 iq;
	struct wa_pairing	*pairing;
	int64_t			 deadline;	/* handshake / 515; -1 none */
	int64_t			 qr_at;		/* next QR rotation; -1 none */
	int64_t			 ping_at;	/* next keepalive; -1 none */
	int64_t			 last_rx;	/* last byte received */
	int64_t			 wall_off;	/* server ms - now; 0 unknown */
	int			 has_wall;
	int			 logging_out;
};

void
wa_client_cfg_default(struct wa_client_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->host = "web.whatsapp.com";
	cfg->path = "/ws/chat";
	cfg->origin = "https://web.whatsapp.com";
	wa_client_info_default(&cfg->info);
	wa_noise_trust_default(&cfg->trust);
	cfg->qr_client_type = '1';
	cfg->pair_platform_id = "1";
	cfg->pair_display = "Chrome (Linux)";
	cfg->handshake_ms = 20000;
	cfg->iq_ms = 60000;
	cfg->qr_first_ms = 60000;
	cfg->qr_next_ms = 20000;
	cfg->ping_min_ms = 20000;
	cfg->ping_max_ms = 30000;
	cfg->ping_ms = 10000;
	cfg->dead_ms = 90000;
	cfg->prekeys = WA_PREKEY_UPLOAD;
	cfg->offline_batch = 100;
}

static void
wa_client_emit(struct wa_client *c, struct wa_event *ev)
{
	c->fn(c->arg, ev);
}

static void
wa_client_creds_changed(struct wa_client *c)
{
	struct wa_buf b = { NULL, 0, 0, 0 };
	struct wa_event ev;

	if (wa_creds_save(&c->creds, &b) == 0) {
		memset(&ev, 0, sizeof(ev));
		ev.type = WA_EVENT_CREDS;
		ev.u.creds.blob = b.p;
		ev.u.creds.len = b.len;
		wa_client_emit(c, &ev);
	}
	if (b.p != NULL)
		OPENSSL_cleanse(b.p, b.cap);
	wa_buf_free(&b);
}

struct wa_client *
wa_client_new(const struct wa_client_cfg *cfg, const void *blob, size_t len,
    wa_client_event_fn fn, void *arg)
{
	struct wa_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cfg = *cfg;
	c->fn = fn;
	c->arg = arg;
	c->deadline = c->qr_at = c->ping_at = -1;
	if (blob != NULL ? wa_creds_load(&c->creds, blob, len) == -1 :
	    wa_creds_new(&c->creds) == -1) {
		free(c);
		return NULL;
	}
	c->fresh = blob == NULL;
	return c;
}

static void
wa_client_pairing_free(struct wa_client *c)
{
	if (c->pairing == NULL)
		return;
	wa_buf_free(&c->pairing->refs);
	wa_paircode_clear(&c->pairing->code);
	free(c->pairing);
	c->pairing = NULL;
}

/* Frees a waiter's context (every kind's is one malloc or none). */
static void
wa_client_waiter_free(struct wa_iq_waiter *w)
{
	free(w->ctx);
	w->ctx = NULL;
}

void
wa_client_free(struct wa_client *c)
{
	struct wa_iq_waiter w;

	if (c == NULL)
		return;
	while (wa_iq_take_any(&c->iq, &w))
		wa_client_waiter_free(&w);
	wa_iq_free(&c->iq);
	wa_client_pairing_free(c);
	wa_stream_free(&c->st);
	wa_creds_clear(&c->creds);
	free(c);
}

void
wa_client_set_version(struct wa_client *c, const uint32_t v[3])
{
	memcpy(c->cfg.info.version, v, sizeof(c->cfg.info.version));
}

int
wa_client_running(const struct wa_client *c)
{
	return c->state != ST_IDLE;
}

int
wa_client_connected(const struct wa_client *c)
{
	return c->state == ST_READY;
}

int
wa_client_paired(const struct wa_client *c)
{
	return wa_creds_paired(&c->creds);
}

void
wa_client_own(const struct wa_client *c, const char **jid, const char **lid)
{
	*jid = c->creds.jid[0] != '\0' ? c->creds.jid : NULL;
	*lid = c->creds.lid[0] != '\0' ? c->creds.lid : NULL;
}

size_t
wa_client_memory(const struct wa_client *c)
{
	size_t n = sizeof(*c) + wa_stream_buffered(&c->st) +
	    c->iq.cap * sizeof(*c->iq.w) + c->creds.account_len +
	    c->creds.ntokens * sizeof(*c->creds.tokens);

	if (c->pairing != NULL)
		n += sizeof(*c->pairing) + c->pairing->refs.cap;
	return n;
}

/* Server wall time in seconds, or 0 before <success t>. */
static int64_t
wa_client_wall_s(const struct wa_client *c, int64_t now)
{
	return c->has_wall ? (now + c->wall_off) / 1000 : 0;
}

/* Sends n (freed).  0, or -1 when it could not be queued. */
static int
wa_client_send(struct wa_client *c, struct wa_node *n)
{
	int rc;

	if (n == NULL)
		return -1;
	rc = wa_stream_send(&c->st, n);
	wa_node_free(n);
	return rc;
}

/* Builds an IQ with a new id and a waiter; the builder gets the id. */
static int
wa_client_request(struct wa_client *c, int kind, uint64_t cookie, void *ctx,
    int64_t deadline, struct wa_node *(*build)(struct wa_client *,
    const char *, const void *), const void *barg)
{
	struct wa_iq_waiter w;
	char id[WA_IQ_ID_MAX];
	struct wa_str sid;

	if (wa_iq_add(&c->iq, kind, cookie, ctx, deadline, id) == -1)
		return -1;
	if (wa_client_send(c, build(c, id, barg)) == -1) {
		sid.p = id;
		sid.len = strlen(id);
		if (wa_iq_take(&c->iq, &sid, &w))
			w.ctx = NULL;	/* the caller still owns ctx */
		return -1;
	}
	return 0;
}

/* --- ending the connection ---------------------------------------- */

static void wa_client_answer_closed(struct wa_client *, struct wa_iq_waiter *);

static void
wa_client_end(struct wa_client *c, const struct wa_close *why)
{
	struct wa_iq_waiter w;
	struct wa_event ev;

	if (c->state == ST_IDLE)
		return;
	c->state = ST_IDLE;
	c->deadline = c->qr_at = c->ping_at = -1;
	c->logging_out = 0;
	if (why->reason == WA_CLOSE_LOCAL || why->reason == WA_CLOSE_LOGGED_OUT)
		(void)wa_stream_send_close(&c->st);
	wa_stream_stop(&c->st);
	wa_client_pairing_free(c);
	/* Every request still waiting fails; then the close itself. */
	while (wa_iq_take_any(&c->iq, &w)) {
		wa_client_answer_closed(c, &w);
		wa_client_waiter_free(&w);
	}
	wa_iq_free(&c->iq);
	memset(&ev, 0, sizeof(ev));
	ev.type = WA_EVENT_CLOSED;
	ev.u.closed.why = *why;
	memcpy(ev.u.closed.version, c->cfg.info.version,
	    sizeof(ev.u.closed.version));
	wa_client_emit(c, &ev);
}

static int
wa_client_fail(struct wa_client *c, enum wa_close_reason reason)
{
	struct wa_close why;

	wa_close_set(&why, reason);
	wa_client_end(c, &why);
	return -1;
}

void
wa_client_io_error(struct wa_client *c)
{
	(void)wa_client_fail(c, WA_CLOSE_IO);
}

void
wa_client_close(struct wa_client *c)
{
	(void)wa_client_fail(c, WA_CLOSE_LOCAL);
}

/* --- starting ----------------------------------------------------- */

static int64_t
wa_client_ping_delay(const struct wa_client *c)
{
	unsigned char r[4];
	uint64_t span = (uint64_t)(c->cfg.ping_max_ms > c->cfg.ping_min_ms ?
	    c->cfg.ping_max_ms - c->cfg.ping_min_ms : 0);
	uint32_t v;

	if (span == 0 || wa_random(r, sizeof(r)) == -1)
		return c->cfg.ping_min_ms;
	v = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 |
	    r[3];
	return c->cfg.ping_min_ms + (int64_t)(v % (span + 1));
}

int
wa_client_start(struct wa_client *c, int64_t now)
{
	struct wa_stream_cfg sc;
	struct wa_buf payload = { NULL, 0, 0, 0 };
	struct jid_wire w;
	char *end;
	uint64_t user;
	int rc;

	if (c->state != ST_IDLE)
		return -1;
	if (c->fresh) {
		c->fresh = 0;
		wa_client_creds_changed(c);
	}
	if (wa_creds_paired(&c->creds)) {
		if (jid_wire_parse(c->creds.jid, strlen(c->creds.jid), &w) == -1)
			return -1;
		user = strtoull(w.user, &end, 10);
		rc = wa_payload_login(&payload, &c->cfg.info, user, w.device);
	} else
		rc = wa_payload_register(&payload, &c->cfg.info, c->creds.reg_id,
		    c->creds.identity.pub, c->creds.spk_id, c->creds.spk.pub,
		    c->creds.spk_sig);
	if (rc == -1 || wa_iq_init(&c->iq) == -1)
		goto fail;
	memset(&sc, 0, sizeof(sc));
	sc.host = c->cfg.host;
	sc.path = c->cfg.path;
	sc.origin = c->cfg.origin;
	sc.trust = c->cfg.trust;
	sc.noise_key = &c->creds.noise;
	sc.payload = payload.p;
	sc.payload_len = payload.len;
	if (wa_stream_start(&c->st, &sc) == -1)
		goto fail;
	wa_buf_free(&payload);
	c->state = ST_HANDSHAKE;
	c->deadline = now + c->cfg.handshake_ms;
	c->last_rx = now;
	c->has_wall = 0;
	return 0;
fail:
	wa_buf_free(&payload);
	wa_iq_free(&c->iq);
	return -1;
}

/* --- answers -------------------------------------------------------- */

static void
wa_client_answer_event(struct wa_event *ev, enum wa_event_type type,
    const struct wa_iq_waiter *w, enum wa_iq_status status, int code,
    int64_t backoff_s)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->cookie = w->cookie;
	ev->status = status;
	ev->code = code;
	ev->retry_after_s = backoff_s;
}

/* A failed request's answer event (user requests only). */
static void
wa_client_answer_failed(struct wa_client *c, struct wa_iq_waiter *w,
    enum wa_iq_status status, int code, int64_t backoff_s)
{
	static const enum wa_event_type types[] = {
		[REQ_CHECK] = WA_EVENT_CHECK, [REQ_ABOUT] = WA_EVENT_ABOUT,
		[REQ_GROUPS] = WA_EVENT_GROUPS,
		[REQ_PAIR_HELLO] = WA_EVENT_PAIR_CODE,
	};
	struct wa_event ev;

	if (w->kind != REQ_CHECK && w->kind != REQ_ABOUT &&
	    w->kind != REQ_GROUPS && w->kind != REQ_PAIR_HELLO)
		return;
	if (w->kind == REQ_PAIR_HELLO && c->pairing != NULL) {
		/* No code after all: the QR codes show again. */
		c->pairing->has_code = 0;
		c->pairing->quiet = 0;
	}
	wa_client_answer_event(&ev, types[w->kind], w, status, code, backoff_s);
	if (w->kind == REQ_ABOUT)
		ev.u.about.jid = w->ctx;
	wa_client_emit(c, &ev);
}

static void
wa_client_answer_closed(struct wa_client *c, struct wa_iq_waiter *w)
{
	wa_client_answer_failed(c, w, WA_IQ_CLOSED, 0, 0);
}

static void
wa_client_people(struct wa_client *c, const struct wa_person *v, size_t n)
{
	struct wa_event ev;

	if (n == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = WA_EVENT_PEOPLE;
	ev.u.people.v = v;
	ev.u.people.n = n;
	wa_client_emit(c, &ev);
}

static void
wa_client_go_ready(struct wa_client *c)
{
	struct wa_event ev;

	c->state = ST_READY;
	memset(&ev, 0, sizeof(ev));
	ev.type = WA_EVENT_CONNECTED;
	wa_client_emit(c, &ev);
}

static struct wa_node *
wa_client_build_active(struct wa_client *c, const char *id, const void *arg)
{
	(void)c;
	(void)arg;
	return wa_stanza_passive(id, 1);
}

static int
wa_client_send_active(struct wa_client *c, int64_t now)
{
	return wa_client_request(c, REQ_ACTIVE, 0, NULL, now + c->cfg.iq_ms,
	    wa_client_build_active, NULL);
}

struct wa_upload_ctx {
	uint32_t	next;
};

static struct wa_node *
wa_client_build_upload(struct wa_client *c, const char *id, const void *arg)
{
	struct wa_upload_ctx *u = (struct wa_upload_ctx *)(uintptr_t)arg;

	return wa_prekey_upload(&c->creds, id, c->cfg.prekeys, &u->next);
}

/* The prekey count arrived: upload when low, then go active. */
static int
wa_client_on_count(struct wa_client *c, const struct wa_node *reply,
    int64_t now)
{
	struct wa_upload_ctx *u;
	uint64_t n;
	int code;
	int64_t b;

	/* An unreadable count uploads nothing (whatsmeow): go active. */
	if (wa_iq_outcome(reply, &code, &b) != WA_IQ_OK ||
	    wa_prekey_count_parse(reply, &n) == -1 || n >= WA_PREKEY_MIN)
		return wa_client_send_active(c, now);
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return -1;
	if (wa_client_request(c, REQ_PREKEY_UPLOAD, 0, u, now + c->cfg.iq_ms,
	    wa_client_build_upload, u) == -1) {
		free(u);
		return -1;
	}
	return 0;
}

/*
 * The usync answer to w: 0 with *r (free with wa_usync_result_free), or
 * -1 once w is answered with the failure: the IQ's, a malformed answer,
 * or the query's own <error> (which carries WhatsApp's back-off).
 */
static int
wa_client_usync_answer(struct wa_client *c, struct wa_iq_waiter *w,
    const struct wa_node *reply, struct wa_usync_result *r)
{
	int code;
	int64_t b;
	enum wa_iq_status s;

	if ((s = wa_iq_outcome(reply, &code, &b)) != WA_IQ_OK) {
		wa_client_answer_failed(c, w, s, code, b);
		return -1;
	}
	if (wa_usync_parse(reply, r) == -1) {
		wa_client_answer_failed(c, w, WA_IQ_MALFORMED, 0, 0);
		return -1;
	}
	if (r->error != 0) {
		wa_client_answer_failed(c, w, wa_iq_status_of(r->error), r->error,
		    r->backoff_s);
		wa_usync_result_free(r);
		return -1;
	}
	return 0;
}

/* Answers to a check: one entry per number asked, in that order. */
static void
wa_client_on_check(struct wa_client *c, struct wa_iq_waiter *w,
    const struct wa_node *reply)
{
	struct wa_check_ctx *ctx = w->ctx;
	struct wa_usync_result r;
	struct wa_check_answer *a = NULL;
	struct wa_person *people = NULL;
	struct wa_event ev;
	const struct wa_usync_user *u;
	const char *phone;
	size_t i, k, np = 0, plen;

	if (wa_client_usync_answer(c, w, reply, &r) == -1)
		return;
	if ((a = calloc(ctx->n, sizeof(*a))) == NULL ||
	    (people = calloc(ctx->n, sizeof(*people))) == NULL) {
		wa_client_answer_failed(c, w, WA_IQ_MALFORMED, 0, 0);
		goto out;
	}
	for (i = 0, phone = ctx->phones; i < ctx->n;
	    i++, phone += strlen(phone) + 1) {
		a[i].phone = phone;
		a[i].state = WA_CHECK_UNKNOWN;
		plen = strlen(phone);
		for (k = 0; k < r.n; k++) {
			u = &r.users[k];
			/* The contact echo is "+<digits>"; else the PN's user. */
			if (!(u->query != NULL && u->query->len == plen + 1 &&
			    u->query->p[0] == '+' &&
			    memcmp(u->query->p + 1, phone, plen) == 0) &&
			    !(u->pn != NULL && strncmp(u->pn, phone, plen) == 0 &&
			    (u->pn[plen] == '@' || u->pn[plen] == ':')))
				continue;
			if (u->error == 0 && u->contact != WA_USYNC_UNKNOWN)
				a[i].state = u->contact == WA_USYNC_IN ?
				    WA_CHECK_IN : WA_CHECK_OUT;
			if (a[i].state == WA_CHECK_IN) {
				wa_seen_add_jid(&people[np], u->pn);
				wa_seen_add_jid(&people[np], u->lid);
				if (people[np].pn[0] != '\0')
					a[i].pn = people[np].pn;
				if (people[np].lid[0] != '\0')
					a[i].lid = people[np].lid;
				a[i].business = u->business;
				people[np].business = u->business;
				if (a[i].pn != NULL || a[i].lid != NULL)
					np++;
				else
					memset(&people[np], 0, sizeof(*people));
			}
			break;
		}
	}
	wa_client_answer_event(&ev, WA_EVENT_CHECK, w, WA_IQ_OK, 0, 0);
	ev.u.check.v = a;
	ev.u.check.n = ctx->n;
	wa_client_emit(c, &ev);
	wa_client_people(c, people, np);
out:
	free(people);	/* business names belong to r */
	free(a);
	wa_usync_result_free(&r);
}

static void
wa_client_on_about(struct wa_client *c, struct wa_iq_waiter *w,
    const struct wa_node *reply)
{
	struct wa_usync_result r;
	struct wa_event ev;
	const struct wa_usync_user *u;
	char *text = NULL;

	if (wa_client_usync_answer(c, w, reply, &r) == -1)
		return;
	u = r.n > 0 ? &r.users[0] : NULL;
	if (u != NULL && u->error != 0) {
		wa_client_answer_failed(c, w, wa_iq_status_of(u->error), u->error,
		    u->backoff_s);
		goto out;
	}
	wa_client_answer_event(&ev, WA_EVENT_ABOUT, w, WA_IQ_OK, 0, 0);
	ev.u.about.jid = w->ctx;
	ev.u.about.state = u != NULL ? u->about : WA_USYNC_ABOUT_NONE;
	if (ev.u.about.state == WA_USYNC_ABOUT_TEXT) {
		/* A NUL inside would cut the text short: refuse it. */
		if (memchr(u->about_text->p, '\0', u->about_text->len) != NULL) {
			wa_client_answer_failed(c, w, WA_IQ_MALFORMED, 0, 0);
			goto out;
		}
		text = u->about_text->p;
	}
	ev.u.about.text = text;
	ev.u.about.set_at = u != NULL ? u->about_t : 0;
	wa_client_emit(c, &ev);
out:
	wa_usync_result_free(&r);
}

/* People in group members: PN/LID pairs. */
static void
wa_client_group_people(struct wa_client *c, const struct wa_group_member *m,
    size_t n)
{
	struct wa_person *p;
	size_t i, k = 0;

	if (n == 0 || (p = calloc(n, sizeof(*p))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		wa_seen_add_jid(&p[k], m[i].pn);
		wa_seen_add_jid(&p[k], m[i].lid);
		if (p[k].pn[0] != '\0' || p[k].lid[0] != '\0')
			k++;
	}
	wa_client_people(c, p, k);
	free(p);
}

static void
wa_client_on_groups(struct wa_client *c, struct wa_iq_waiter *w,
    const struct wa_node *reply)
{
	struct wa_group *g;
	struct wa_event ev;
	size_t n, i;
	int code;
	int64_t b;
	enum wa_iq_status s;

	if ((s = wa_iq_outcome(reply, &code, &b)) != WA_IQ_OK) {
		wa_client_answer_failed(c, w, s, code, b);
		return;
	}
	if (wa_group_parse_answer(reply, &g, &n) == -1) {
		wa_client_answer_failed(c, w, WA_IQ_MALFORMED, 0, 0);
		return;
	}
	wa_client_answer_event(&ev, WA_EVENT_GROUPS, w, WA_IQ_OK, 0, 0);
	ev.u.groups.v = g;
	ev.u.groups.n = n;
	wa_client_emit(c, &ev);
	for (i = 0; i < n; i++)
		wa_client_group_people(c, g[i].members, g[i].nmembers);
	wa_group_list_free(g, n);
}

static void
wa_client_on_pair_hello(struct wa_client *c, struct wa_iq_waiter *w,
    const struct wa_node *reply)
{
	struct wa_event ev;
	char code[10];
	int ecode;
	int64_t b;
	enum wa_iq_status s;

	if (c->pairing == NULL || !c->pairing->has_code)
		return;
	if ((s = wa_iq_outcome(reply, &ecode, &b)) != WA_IQ_OK ||
	    wa_paircode_hello_reply(&c->pairing->code, reply) == -1) {
		wa_client_answer_failed(c, w, s == WA_IQ_OK ? WA_IQ_MALFORMED :
		    s, ecode, b);
		return;
	}
	wa_paircode_display(&c->pairing->code, code);
	wa_client_answer_event(&ev, WA_EVENT_PAIR_CODE, w, WA_IQ_OK, 0, 0);
	ev.u.pair_code.code = code;
	wa_client_emit(c, &ev);
}

/* An IQ answer: find its waiter and act on it. */
static int
wa_client_on_answer(struct wa_client *c, const struct wa_node *n, int64_t now)
{
	struct wa_iq_waiter w;
	struct wa_upload_ctx *u;
	int rc = 0, code;
	int64_t b;

	if (!wa_iq_take(&c->iq, wa_node_get(n, "id"), &w))
		return 0;	/* late or not ours */
	switch (w.kind) {
	case REQ_PING:
		break;		/* any byte already proved the link */
	case REQ_PREKEY_COUNT:
		rc = wa_client_on_count(c, n, now);
		break;
	case REQ_PREKEY_UPLOAD:
		u = w.ctx;
		if (wa_iq_outcome(n, &code, &b) == WA_IQ_OK) {
			c->creds.next_prekey = u->next;
			wa_client_creds_changed(c);
		}
		if (c->state == ST_INIT)
			rc = wa_client_send_active(c, now);
		break;
	case REQ_ACTIVE:
		/* whatsmeow goes on when the passive IQ fails, so do we. */
		if (c->state == ST_INIT)
			wa_client_go_ready(c);
		break;
	case REQ_CHECK:
		wa_client_on_check(c, &w, n);
		break;
	case REQ_ABOUT:
		wa_client_on_about(c, &w, n);
		break;
	case REQ_GROUPS:
		wa_client_on_groups(c, &w, n);
		break;
	case REQ_PAIR_HELLO:
		wa_client_on_pair_hello(c, &w, n);
		break;
	case REQ_PAIR_FINISH:
		break;		/* pair-success follows */
	case REQ_LOGOUT:
		wa_client_waiter_free(&w);
		return wa_client_fail(c, WA_CLOSE_LOGGED_OUT);
	}
	wa_client_waiter_free(&w);
	return rc;
}

/* --- what the server sends ------------------------------------------ */

static struct wa_node *
wa_client_build_count(struct wa_client *c, const char *id, const void *arg)
{
	(void)c;
	(void)arg;
	return wa_prekey_count_query(id);
}

static int
wa_client_on_success(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	const char *lid;
	uint64_t t;

	if (!wa_creds_paired(&c->creds) || c->state != ST_HANDSHAKE)
		return 0;	/* whatsmeow ignores it unpaired, so do we */
	c->deadline = -1;
	if (wa_node_uint(n, "t", INT64_MAX / 1000, &t) == 0) {
		c->wall_off = (int64_t)t * 1000 - now;
		c->has_wall = 1;
	}
	lid = wa_node_cstr(n, "lid");
	if (lid != NULL && strcmp(lid, c->creds.lid) != 0 &&
	    wa_creds_set_lid(&c->creds, lid) == 0)
		wa_client_creds_changed(c);
	c->state = ST_INIT;
	return wa_client_request(c, REQ_PREKEY_COUNT, 0, NULL,
	    now + c->cfg.iq_ms, wa_client_build_count, NULL);
}

/* Shows the next QR code, or ends the pairing when none is left. */
static int
wa_client_next_qr(struct wa_client *c, int64_t now)
{
	struct wa_pairing *p = c->pairing;
	struct wa_buf text = { NULL, 0, 0, 0 };
	struct wa_event ev;
	const char *ref, *eol;
	int64_t life;

	if (p->next >= p->refs.len)
		return wa_client_fail(c, WA_CLOSE_PAIRING_ENDED);
	ref = (const char *)p->refs.p + p->next;
	eol = memchr(ref, '\n', p->refs.len - p->next);
	life = p->next == 0 ? c->cfg.qr_first_ms : c->cfg.qr_next_ms;
	p->next += (size_t)(eol - ref) + 1;
	c->qr_at = now + life;
	if (p->quiet)
		return 0;
	if (wa_pair_qr(&c->creds, ref, (size_t)(eol - ref),
	    c->cfg.qr_client_type, &text) == -1)
		return wa_client_fail(c, WA_CLOSE_INTERNAL);
	memset(&ev, 0, sizeof(ev));
	ev.type = WA_EVENT_QR;
	ev.u.qr.text = (const char *)text.p;
	ev.u.qr.expires_ms = c->qr_at;
	wa_client_emit(c, &ev);
	wa_buf_free(&text);
	return 0;
}

static int
wa_client_on_pair_device(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	if (wa_creds_paired(&c->creds) || c->state != ST_HANDSHAKE)
		return 0;
	if (wa_client_send(c, wa_stanza_iq_result(WA_SERVER_JID,
	    wa_node_get(n, "id"))) == -1 ||
	    (c->pairing = calloc(1, sizeof(*c->pairing))) == NULL)
		return wa_client_fail(c, WA_CLOSE_INTERNAL);
	if (wa_pair_refs(n, &c->pairing->refs) <= 0)
		return wa_client_fail(c, WA_CLOSE_PROTOCOL);
	c->state = ST_PAIRING;
	c->deadline = -1;
	return wa_client_next_qr(c, now);
}

static int
wa_client_on_pair_success(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	struct wa_pair_info info;
	struct wa_node *reply;
	struct wa_event ev;
	struct jid_wire w;
	enum wa_pair_err err;
	int rc;

	if (c->state != ST_PAIRING)
		return 0;
	err = wa_pair_success(&c->creds, n, &info, &reply);
	if (err == WA_PAIR_OK && wa_creds_set_paired(&c->creds, info.jid,
	    info.lid, info.platform, info.business, info.account,
	    info.account_len) == -1) {
		/* JIDs we cannot keep: refuse as whatsmeow does (500). */
		err = WA_PAIR_EMALFORMED;
		wa_node_free(reply);
		reply = wa_stanza_iq_error(WA_SERVER_JID, wa_node_get(n, "id"),
		    500, "internal-error");
	}
	free(info.account);
	rc = wa_client_send(c, reply);
	if (err != WA_PAIR_OK)
		return wa_client_fail(c, err == WA_PAIR_EINTERNAL ?
		    WA_CLOSE_INTERNAL : WA_CLOSE_PAIRING_FAILED);
	if (rc == -1)
		return wa_client_fail(c, WA_CLOSE_INTERNAL);
	wa_client_pairing_free(c);
	c->qr_at = -1;
	c->state = ST_PAIRED;
	c->deadline = now + c->cfg.handshake_ms;
	wa_client_creds_changed(c);
	memset(&ev, 0, sizeof(ev));
	ev.type = WA_EVENT_PAIRED;
	ev.u.paired.jid = c->creds.jid;
	ev.u.paired.lid = c->creds.lid[0] ? c->creds.lid : NULL;
	if (jid_wire_parse(c->creds.jid, strlen(c->creds.jid), &w) == 0)
		ev.u.paired.phone = w.user;
	ev.u.paired.platform = c->creds.platform[0] ? c->creds.platform : NULL;
	ev.u.paired.business = c->creds.business[0] ? c->creds.business : NULL;
	wa_client_emit(c, &ev);
	return 0;
}

static struct wa_node *
wa_client_build_finish(struct wa_client *c, const char *id, const void *arg)
{
	return wa_paircode_finish(&c->pairing->code, &c->creds,
	    (const struct wa_node *)arg, id);
}

/* The phone accepted our code: answer with the key bundle. */
static void
wa_client_on_code_notification(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	if (c->state != ST_PAIRING || c->pairing == NULL ||
	    !c->pairing->has_code)
		return;
	/* A notification not for our code builds nothing: ignored. */
	if (wa_client_request(c, REQ_PAIR_FINISH, 0, NULL, now + c->cfg.iq_ms,
	    wa_client_build_finish, n) == 0)
		wa_client_creds_changed(c);	/* the ADV secret is new */
}

/* Privacy tokens contacts grant us (for their about text). */
static void
wa_client_on_privacy_token(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	const struct wa_node *tokens, *t;
	const struct wa_str *v;
	struct wa_person who;
	uint64_t ts;
	size_t i;
	int changed = 0;

	memset(&who, 0, sizeof(who));
	wa_seen_add_jid(&who, wa_node_cstr(n, "from"));
	wa_seen_add_jid(&who, wa_node_cstr(n, "sender_lid"));
	if ((tokens = wa_node_child(n, "tokens")) == NULL ||
	    tokens->ctype != WA_CONTENT_LIST || !c->has_wall)
		return;
	for (i = 0; i < tokens->nkids; i++) {
		t = tokens->kids[i];
		if (!wa_node_is(t, "token") ||
		    !wa_node_attr_is(t, "type", "trusted_contact") ||
		    (v = wa_node_content(t)) == NULL ||
		    wa_node_uint(t, "t", INT64_MAX, &ts) == -1)
			continue;
		if (wa_creds_token_put(&c->creds, who.pn, who.lid, (int64_t)ts,
		    v->p, v->len, wa_client_wall_s(c, now)) == 1)
			changed = 1;
	}
	if (changed)
		wa_client_creds_changed(c);
}

static void
wa_client_on_notification(struct wa_client *c, const struct wa_node *n,
    int64_t now)
{
	struct wa_group_change *ch;
	struct wa_upload_ctx *u;
	struct wa_event ev;
	size_t nch, i;

	if (wa_paircode_is_notification(n)) {
		wa_client_on_code_notification(c, n, now);
		return;
	}
	if (wa_node_attr_is(n, "type", "privacy_token")) {
		wa_client_on_privacy_token(c, n, now);
		return;
	}
	if (wa_prekey_low_notification(n)) {
		/* The server runs low: top it up, once at a time. */
		if (c->state == ST_READY &&
		    wa_iq_count(&c->iq, REQ_PREKEY_UPLOAD) == 0 &&
		    (u = calloc(1, sizeof(*u))) != NULL &&
		    wa_client_request(c, REQ_PREKEY_UPLOAD, 0, u,
		    now + c->cfg.iq_ms, wa_client_build_upload, u) == -1)
			free(u);
		return;
	}
	if (wa_node_attr_is(n, "type", "w:gp2") &&
	    wa_group_changes(n, &ch, &nch) == 0) {
		for (i = 0; i < nch; i++) {
			memset(&ev, 0, sizeof(ev));
			ev.type = WA_EVENT_GROUP_CHANGE;
			ev.u.change = &ch[i];
			wa_client_emit(c, &ev);
			wa_client_group_people(c, ch[i].members, ch[i].nmembers);
			if (ch[i].created != NULL)
				wa_client_group_people(c, ch[i].created->members,
				    ch[i].created->nmembers);
		}
		wa_group_changes_free(ch, nch);
	}
}

/* People in a message, receipt, notification or call's attributes. */
static void
wa_client_seen(struct wa_client *c, const struct wa_node *n)
{
	struct wa_person own, p[2];
	int k, i;

	memset(&own, 0, sizeof(own));
	wa_seen_add_jid(&own, c->creds.jid);
	wa_seen_add_jid(&own, c->creds.lid);
	k = wa_seen_stanza(n, own.pn[0] ? own.pn : NULL,
	    own.lid[0] ? own.lid : NULL, p);
	wa_client_people(c, p, (size_t)k);
	for (i = 0; i < k; i++)
		wa_person_clear(&p[i]);
}

static int
wa_client_on_ib(struct wa_client *c, const struct wa_node *n)
{
	/* The offline queue flows in batches once asked for (Baileys). */
	if (wa_node_child(n, "offline_preview") != NULL)
		return wa_client_send(c,
		    wa_stanza_offline_batch(c->cfg.offline_batch));
	return 0;
}

static int
wa_client_on_iq(struct wa_client *c, const struct wa_node *n, int64_t now)
{
	const char *from;

	if (wa_node_attr_is(n, "type", "result") ||
	    wa_node_attr_is(n, "type", "error"))
		return wa_client_on_answer(c, n, now);
	if (wa_stanza_is_server_ping(n)) {
		from = wa_node_cstr(n, "from");
		return wa_client_send(c, wa_stanza_iq_result(from != NULL ?
		    from : WA_SERVER_JID, wa_node_get(n, "id")));
	}
	if (wa_pair_is_success(n))
		return wa_client_on_pair_success(c, n, now);
	if (wa_node_attr_is(n, "type", "set") &&
	    wa_stanza_from_server(n) &&
	    wa_node_child(n, "pair-device") != NULL)
		return wa_client_on_pair_device(c, n, now);
	return 0;
}

static int
wa_client_dispatch(struct wa_client *c, const struct wa_node *n, int64_t now)
{
	struct wa_close why;
	int rc = 0;

	if (wa_node_is(n, "iq"))
		return wa_client_on_iq(c, n, now);
	if (wa_node_is(n, "success"))
		return wa_client_on_success(c, n, now);
	if (wa_node_is(n, "failure")) {
		wa_close_failure(n, &why);
		wa_client_end(c, &why);
		return -1;
	}
	if (wa_node_is(n, "stream:error")) {
		wa_close_stream_error(n, &why);
		wa_client_end(c, &why);
		return -1;
	}
	if (wa_node_is(n, "xmlstreamend"))
		return wa_client_fail(c, WA_CLOSE_SERVER_CLOSED);
	if (wa_node_is(n, "ib"))
		return wa_client_on_ib(c, n);
	if (wa_stanza_needs_ack(n)) {
		wa_client_seen(c, n);
		if (wa_node_is(n, "notification"))
			wa_client_on_notification(c, n, now);
		/* The handling above may have ended the connection. */
		if (c->state != ST_IDLE)
			rc = wa_client_send(c, wa_stanza_ack(n)) == -1 &&
			    !wa_stream_ready(&c->st) ? -1 : 0;
	}
	return rc;
}

int
wa_client_input(struct wa_client *c, const void *p, size_t len, int64_t now)
{
	struct wa_node *n;
	int rc;

	if (c->state == ST_IDLE)
		return -1;
	c->last_rx = now;
	if (wa_stream_input(&c->st, p, len) == -1)
		return wa_client_fail(c, WA_CLOSE_INTERNAL);
	for (;;) {
		if ((rc = wa_stream_next(&c->st, &n)) == -1) {
			switch (wa_stream_error(&c->st)) {
			case WA_STREAM_EUPGRADE:
			case WA_STREAM_EHANDSHAKE:
			case WA_STREAM_ECERT:
				return wa_client_fail(c, WA_CLOSE_HANDSHAKE);
			case WA_STREAM_ECLOSED:
				return wa_client_fail(c, WA_CLOSE_SERVER_CLOSED);
			case WA_STREAM_EINTERNAL:
				return wa_client_fail(c, WA_CLOSE_INTERNAL);
			default:
				return wa_client_fail(c, WA_CLOSE_PROTOCOL);
			}
		}
		if (rc == 0)
			break;
		rc = wa_client_dispatch(c, n, now);
		wa_node_free(n);
		if (c->state == ST_IDLE)
			return -1;
		if (rc == -1)
			return wa_client_fail(c, WA_CLOSE_INTERNAL);
	}
	/* Keepalive from the moment the transport is up (Baileys). */
	if (c->ping_at < 0 && wa_stream_ready(&c->st))
		c->ping_at = now + wa_client_ping_delay(c);
	wa_stream_trim(&c->st);
	return 0;
}

const unsigned char *
wa_client_output(const struct wa_client *c, size_t *len)
{
	return wa_stream_output(&c->st, len);
}

void
wa_client_written(struct wa_client *c, size_t n)
{
	wa_stream_consume(&c->st, n);
	wa_stream_trim(&c->st);
}

static int64_t
wa_client_min(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

int64_t
wa_client_next_deadline(const struct wa_client *c)
{
	int64_t d;

	if (c->state == ST_IDLE)
		return -1;
	d = wa_client_min(c->deadline, c->qr_at);
	d = wa_client_min(d, c->ping_at);
	d = wa_client_min(d, wa_iq_deadline(&c->iq));
	if (wa_stream_ready(&c->st))
		d = wa_client_min(d, c->last_rx + c->cfg.dead_ms);
	return d;
}

static struct wa_node *
wa_client_build_ping(struct wa_client *c, const char *id, const void *arg)
{
	(void)c;
	(void)arg;
	return wa_stanza_ping(id);
}

int
wa_client_on_timer(struct wa_client *c, int64_t now)
{
	struct wa_iq_waiter w;

	if (c->state == ST_IDLE)
		return -1;
	while (c->state != ST_IDLE && wa_iq_take_expired(&c->iq, now, &w)) {
		if (w.kind == REQ_LOGOUT) {
			wa_client_waiter_free(&w);
			return wa_client_fail(c, WA_CLOSE_LOGGED_OUT);
		}
		if (w.kind == REQ_ACTIVE && c->state == ST_INIT)
			wa_client_go_ready(c);
		else if (w.kind == REQ_PREKEY_COUNT || w.kind == REQ_PREKEY_UPLOAD) {
			if (c->state == ST_INIT && wa_client_send_active(c, now) == -1) {
				wa_client_waiter_free(&w);
				return wa_client_fail(c, WA_CLOSE_INTERNAL);
			}
		} else
			wa_client_answer_failed(c, &w, WA_IQ_TIMEOUT, 0, 0);
		wa_client_waiter_free(&w);
	}
	if (c->state == ST_IDLE)
		return -1;
	if (c->deadline >= 0 && now >= c->deadline)
		return wa_client_fail(c, WA_CLOSE_TIMEOUT);
	if (wa_stream_ready(&c->st) && now - c->last_rx >= c->cfg.dead_ms)
		return wa_client_fail(c, WA_CLOSE_KEEPALIVE);
	if (c->qr_at >= 0 && now >= c->qr_at && wa_client_next_qr(c, now) == -1)
		return -1;
	if (c->ping_at >= 0 && now >= c->ping_at) {
		c->ping_at = now + wa_client_ping_delay(c);
		if (wa_client_request(c, REQ_PING, 0, NULL, now + c->cfg.ping_ms,
		    wa_client_build_ping, NULL) == -1)
			return wa_client_fail(c, WA_CLOSE_INTERNAL);
	}
	wa_stream_trim(&c->st);
	return 0;
}

/* --- requests ------------------------------------------------------- */

struct wa_check_args {
	const struct wa_check_ctx	*ctx;
	const char			*const *phones;
};

static struct wa_node *
wa_client_build_check(struct wa_client *c, const char *id, const void *arg)
{
	const struct wa_check_args *a = arg;
	char sid[WA_IQ_ID_MAX];

	wa_iq_id(&c->iq, sid);
	return wa_usync_check_query(id, sid, a->phones, a->ctx->n);
}

int
wa_client_check(struct wa_client *c, const char *const *phones, size_t n,
    uint64_t cookie, int64_t now)
{
	struct wa_check_ctx *ctx;
	struct wa_check_args a;
	size_t i, len = 0, off = 0, k;
	const char *p;

	if (c->state != ST_READY || n == 0 || n > WA_CHECK_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		p = phones[i][0] == '+' ? phones[i] + 1 : phones[i];
		if ((k = strlen(p)) == 0 || k > WA_USYNC_PHONE_MAX)
			return -1;
		len += k + 1;
	}
	if ((ctx = malloc(sizeof(*ctx) + len)) == NULL)
		return -1;
	ctx->n = n;
	for (i = 0; i < n; i++) {
		p = phones[i][0] == '+' ? phones[i] + 1 : phones[i];
		memcpy(ctx->phones + off, p, strlen(p) + 1);
		off += strlen(p) + 1;
	}
	a.ctx = ctx;
	a.phones = phones;
	if (wa_client_request(c, REQ_CHECK, cookie, ctx, now + c->cfg.iq_ms,
	    wa_client_build_check, &a) == -1) {
		free(ctx);
		return -1;
	}
	return 0;
}

struct wa_about_args {
	const char	*jid;
	int64_t		 now;
};

static struct wa_node *
wa_client_build_about(struct wa_client *c, const char *id, const void *arg)
{
	const struct wa_about_args *a = arg;
	const struct wa_creds_token *t;
	char sid[WA_IQ_ID_MAX];

	t = c->has_wall ? wa_creds_token_find(&c->creds, a->jid,
	    wa_client_wall_s(c, a->now)) : NULL;
	wa_iq_id(&c->iq, sid);
	return wa_usync_about_query(id, sid, a->jid, t ? t->token : NULL,
	    t ? t->len : 0);
}

int
wa_client_about(struct wa_client *c, const char *jid, uint64_t cookie,
    int64_t now)
{
	struct wa_about_args a;
	struct wa_person p;
	char *ctx;

	memset(&p, 0, sizeof(p));
	if (c->state != ST_READY || !wa_seen_add_jid(&p, jid))
		return -1;
	/* Asked by its bare form (no device), as whatsmeow does. */
	if ((ctx = strdup(p.pn[0] ? p.pn : p.lid)) == NULL)
		return -1;
	a.jid = ctx;
	a.now = now;
	if (wa_client_request(c, REQ_ABOUT, cookie, ctx, now + c->cfg.iq_ms,
	    wa_client_build_about, &a) == -1) {
		free(ctx);
		return -1;
	}
	return 0;
}

static struct wa_node *
wa_client_build_groups(struct wa_client *c, const char *id, const void *arg)
{
	(void)c;
	return arg == NULL ? wa_group_all_query(id) :
	    wa_group_one_query(id, arg);
}

int
wa_client_groups(struct wa_client *c, uint64_t cookie, int64_t now)
{
	if (c->state != ST_READY)
		return -1;
	return wa_client_request(c, REQ_GROUPS, cookie, NULL,
	    now + c->cfg.iq_ms, wa_client_build_groups, NULL);
}

int
wa_client_group(struct wa_client *c, const char *group, uint64_t cookie,
    int64_t now)
{
	if (c->state != ST_READY)
		return -1;
	return wa_client_request(c, REQ_GROUPS, cookie, NULL,
	    now + c->cfg.iq_ms, wa_client_build_groups, group);
}

static struct wa_node *
wa_client_build_hello(struct wa_client *c, const char *id, const void *arg)
{
	(void)arg;
	return wa_paircode_hello(&c->pairing->code, &c->creds, id,
	    c->cfg.pair_platform_id, c->cfg.pair_display);
}

int
wa_client_pair_code(struct wa_client *c, const char *phone, uint64_t cookie,
    int64_t now)
{
	struct wa_pairing *p = c->pairing;

	if (c->state != ST_PAIRING || p == NULL || p->has_code ||
	    wa_paircode_start(&p->code, phone) == -1)
		return -1;
	p->has_code = 1;
	if (wa_client_request(c, REQ_PAIR_HELLO, cookie, NULL,
	    now + c->cfg.iq_ms, wa_client_build_hello, NULL) == -1) {
		wa_paircode_clear(&p->code);
		p->has_code = 0;
		return -1;
	}
	p->quiet = 1;
	return 0;
}

static struct wa_node *
wa_client_build_logout(struct wa_client *c, const char *id, const void *arg)
{
	(void)arg;
	return wa_stanza_logout(id, c->creds.jid);
}

int
wa_client_logout(struct wa_client *c, int64_t now)
{
	if (c->state != ST_READY || c->logging_out)
		return -1;
	if (wa_client_request(c, REQ_LOGOUT, 0, NULL, now + c->cfg.iq_ms,
	    wa_client_build_logout, NULL) == -1)
		return -1;
	c->logging_out = 1;
	return 0;
}
