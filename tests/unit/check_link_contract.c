/*
 * The link driver contract (sessiond/link.h), which every driver must
 * pass: each case drives a driver through link.h on a real event loop and
 * checks what it reports.  A driver plugs in with a "phone": what the
 * user's phone does to pair (sim: wagw-admin's sim commands, through
 * link_sim_*).
 *
 * The whatsapp driver runs the same cases against the fake WhatsApp
 * server (tests/wa/fakewa, whose phone is its control API) when
 * WAGW_FAKEWA_READY names its ready file and WAGW_FAKEWA_CA its
 * certificate (tests/wa/driver does that); without them only sim runs.
 *
 * The contract:
 * - no event is delivered from inside a call into the driver;
 * - without credentials, start shows a QR (pairing event, then state
 *   PAIRING); QR texts rotate, the old one void, and run out: FAILED with
 *   pairing_timed_out;
 * - when the phone pairs: credentials, paired (the account), then UP;
 * - start with those credentials logs in without pairing;
 * - a check of n phones is one query with exactly one answer of n
 *   results in the order asked (50 numbers, the most a check takes, are
 *   one query on the wire too); about answers once; a cancelled query
 *   never answers; stop silences everything;
 * - pair_code shows a phone code instead, which the phone can use;
 * - after logout the credentials are void: starting with them ends in
 *   LOGGED_OUT;
 * - the paired account is reported as the driver knows it: JID, LID,
 *   phone, push name;
 * - what a session sees names people by LID and phone, by LID only, or
 *   (where WhatsApp does) by phone only, each with what is known of them;
 * - sessions live side by side: each event comes with its own session's
 *   cookie, and nothing of one reaches the other;
 * - a transient drop is LINK_DOWN with a reason, and the credentials log
 *   in again without pairing;
 * - credentials the driver cannot read fail the session with
 *   credentials_unreadable.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "common/clock.h"
#include "common/config.h"
#include "common/file.h"
#include "sessiond/link.h"
#include "sessiond/loop.h"
#include "unit.h"

#define EV_MAX		64
#define PEOPLE_MAX	32

/* One person as the seen events built it up (a field is "" when not given). */
struct person {
	char		 lid[32], phone[32], name[64], business[64];
	int		 has_lid, has_phone, has_name;
	int		 known_only;
	int		 dm;
};

struct rec {
	int		 bad;		/* an event came from inside a call */
	int		 nstate;
	enum link_state	 states[EV_MAX];
	char		 reason[128];
	int		 npairing;
	struct link_pairing pairing;
	char		 code[512];
	char		 prev_code[512];
	int		 npaired;
	char		 phone[32];
	char		 id_jid[96], id_lid[96], id_push[64];
	int		 id_has_jid, id_has_lid, id_has_push;
	int		 ncreds;
	unsigned char	 creds[4096];
	size_t		 creds_len;
	int		 nseen;
	struct person	 people[PEOPLE_MAX];
	int		 npeople;
	int		 nchecks;
	size_t		 check_n;
	int		 check_rc;
	int		 check_on[LINK_CHECK_MAX];
	char		 check_phone[LINK_CHECK_MAX][16];
	int		 nabout;
	char		 about[256];
};

/* A person a session must see: lid or phone NULL when not known. */
struct want_person {
	const char	*lid, *phone;
	const char	*name;		/* NULL: not checked */
	int		 dm;
};

struct driver_case {
	const char	*name;		/* the driver */
	int		 fast_qr;	/* QR codes rotate within the test's patience */
	const char	*account;	/* the phone that pairs */
	void		(*setup)(struct config *cfg);
	/* What the phone does: scan the QR text, enter a code. */
	int		(*scan)(struct link *l, const char *qr, const char *phone);
	int		(*enter)(struct link *l, const char *code);
	/* A phone number on WhatsApp, and one that is not. */
	const char	*on, *off;
	const char	*about_jid, *about_text;
	/* The paired account (push NULL: the driver does not report one). */
	const char	*id_jid, *id_lid, *id_push;
	/* People the paired account sees (from its view or fixtures). */
	struct want_person people[4];
	/* Makes the session see someone by phone only (NULL: the driver
	 * never knows a person so), and who that is. */
	void		(*phone_only)(void);
	struct want_person phone_only_person;
	/* Drops session id's connection transiently (NULL: cannot). */
	int		(*drop)(struct link *l, const char *id);
	/* Number checks that reached WhatsApp so far, and the numbers the
	 * latest asked (NULL: only the driver's answers can tell). */
	int		(*wire_checks)(size_t *last_numbers);
};

static struct loop *lp;
static int in_call;		/* a call into the driver is running */
static size_t contract_driver;	/* which of drivers[] the cases run */
static struct link *lk;
static struct rec rec;
static struct config cfg;
static char dir[128];

static void
ev_state(void *cookie, enum link_state st, const char *reason)
{
	struct rec *r = cookie;

	r->bad |= in_call;
	if (r->nstate < EV_MAX)
		r->states[r->nstate++] = st;
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

static void
ev_pairing(void *cookie, const struct link_pairing *p)
{
	struct rec *r = cookie;

	r->bad |= in_call;
	r->npairing++;
	snprintf(r->prev_code, sizeof(r->prev_code), "%s", r->code);
	snprintf(r->code, sizeof(r->code), "%s", p->code);
	r->pairing = *p;
	r->pairing.code = r->code;
}

static void
ev_paired(void *cookie, const struct link_identity *id)
{
	struct rec *r = cookie;

	r->bad |= in_call;
	r->npaired++;
	snprintf(r->phone, sizeof(r->phone), "%s", id->phone ? id->phone : "");
	r->id_has_jid = id->jid != NULL;
	r->id_has_lid = id->lid != NULL;
	r->id_has_push = id->push_name != NULL;
	snprintf(r->id_jid, sizeof(r->id_jid), "%s", id->jid ? id->jid : "");
	snprintf(r->id_lid, sizeof(r->id_lid), "%s", id->lid ? id->lid : "");
	snprintf(r->id_push, sizeof(r->id_push), "%s", id->push_name ? id->push_name : "");
}

static void
ev_credentials(void *cookie, const void *blob, size_t len)
{
	struct rec *r = cookie;

	r->bad |= in_call;
	r->ncreds++;
	ck_assert_uint_le(len, sizeof(r->creds));
	memcpy(r->creds, blob, len);
	r->creds_len = len;
}

/* The person of r with this lid (or, without one, this phone); a new one. */
static struct person *
rec_person(struct rec *r, const char *lid, const char *phone)
{
	struct person *p;
	int i;

	for (i = 0; i < r->npeople; i++) {
		p = &r->people[i];
		if (lid != NULL ? p->has_lid && strcmp(p->lid, lid) == 0 :
		    !p->has_lid && p->has_phone && strcmp(p->phone, phone) == 0)
			return p;
	}
	ck_assert_int_lt(r->npeople, PEOPLE_MAX);
	p = &r->people[r->npeople++];
	memset(p, 0, sizeof(*p));
	p->known_only = 1;
	return p;
}

static void
ev_seen(void *cookie, const struct link_seen *seen)
{
	struct rec *r = cookie;
	const struct link_contact *c;
	struct person *p;
	size_t i;

	r->bad |= in_call;
	r->nseen++;
	for (i = 0; i < seen->ncontacts; i++) {
		c = &seen->contacts[i];
		/* A person is known by a LID, a phone, or both. */
		ck_assert_msg(c->lid != NULL || c->phone != NULL, "a contact with neither");
		p = rec_person(r, c->lid, c->phone);
		if (c->lid != NULL) {
			p->has_lid = 1;
			snprintf(p->lid, sizeof(p->lid), "%s", c->lid);
		}
		if (c->phone != NULL) {
			p->has_phone = 1;
			snprintf(p->phone, sizeof(p->phone), "%s", c->phone);
		}
		if (c->name != NULL) {
			p->has_name = 1;
			snprintf(p->name, sizeof(p->name), "%s", c->name);
		}
		if (c->business_name != NULL)
			snprintf(p->business, sizeof(p->business), "%s", c->business_name);
		p->known_only &= c->known_only;
	}
	for (i = 0; i < seen->ndms; i++) {
		/* A direct chat names one of the burst's contacts by LID. */
		p = rec_person(r, seen->dms[i], NULL);
		ck_assert_msg(p->has_lid, "a direct chat with %s, who is no contact",
		    seen->dms[i]);
		p->dm = 1;
	}
}

static void
ev_check(void *qcookie, const struct link_check_answer *a)
{
	struct rec *r = qcookie;
	size_t i;

	r->bad |= in_call;
	r->nchecks++;
	r->check_rc = a->rc;
	r->check_n = a->n;
	for (i = 0; i < a->n && i < LINK_CHECK_MAX; i++) {
		r->check_on[i] = a->results[i].on_whatsapp;
		snprintf(r->check_phone[i], sizeof(r->check_phone[i]), "%s",
		    a->results[i].phone);
		if (a->results[i].on_whatsapp)
			ck_assert_ptr_nonnull(a->results[i].jid);
	}
}

static void
ev_about(void *qcookie, enum link_rc rc, int64_t retry_after_ms, const char *about)
{
	struct rec *r = qcookie;

	(void)retry_after_ms;
	r->bad |= in_call;
	r->nabout++;
	r->check_rc = rc;
	snprintf(r->about, sizeof(r->about), "%s", about);
}

static const struct link_events events = {
	ev_state, ev_pairing, ev_paired, ev_credentials, ev_seen, ev_check, ev_about
};

/* ---- the loop ---- */

struct wait_for {
	int		(*cond)(void);
	struct loop_timer *t;
};

static void
poll_cb(void *arg)
{
	struct wait_for *w = arg;

	w->t = NULL;
	if (w->cond())
		loop_stop(lp);
	else
		w->t = loop_timer_add(lp, 5, poll_cb, w);
}

static void
deadline_cb(void *arg)
{
	*(int *)arg = 1;
	loop_stop(lp);
}

/* Runs the loop until cond() holds (1) or ms pass (0). */
static int
run_until(int (*cond)(void), int64_t ms)
{
	struct wait_for w = { cond, NULL };
	struct loop_timer *d;
	int expired = 0;

	if (cond())
		return 1;
	w.t = loop_timer_add(lp, 5, poll_cb, &w);
	d = loop_timer_add(lp, ms, deadline_cb, &expired);
	loop_run(lp);
	loop_timer_cancel(w.t);
	if (!expired)
		loop_timer_cancel(d);
	return cond();
}

/* The session the cond_* below watch (rec, or another session's). */
static struct rec *cur = &rec;

static int
last_is(enum link_state st)
{
	return cur->nstate > 0 && cur->states[cur->nstate - 1] == st;
}

static int
has_state(const struct rec *r, enum link_state st)
{
	int i;

	for (i = 0; i < r->nstate; i++)
		if (r->states[i] == st)
			return 1;
	return 0;
}

static int cond_pairing(void) { return last_is(LINK_PAIRING) && cur->npairing > 0; }
static int cond_up(void) { return last_is(LINK_UP); }
static int cond_failed(void) { return last_is(LINK_FAILED); }
static int cond_logged_out(void) { return last_is(LINK_LOGGED_OUT); }
static int cond_check(void) { return cur->nchecks > 0; }
static int cond_about(void) { return cur->nabout > 0; }
static int cond_rotated(void) { return cur->npairing >= 2; }
static int cond_never(void) { return 0; }
static int cond_down(void) { return last_is(LINK_DOWN); }

/* The person r knows as want (by its lid, else by its phone), or NULL. */
static const struct person *
find_person(const struct rec *r, const struct want_person *want)
{
	int i;

	for (i = 0; i < r->npeople; i++) {
		const struct person *p = &r->people[i];

		if (want->lid != NULL ? p->has_lid && strcmp(p->lid, want->lid) == 0 :
		    !p->has_lid && p->has_phone && strcmp(p->phone, want->phone) == 0)
			return p;
	}
	return NULL;
}

static const struct want_person *want_seen;
static size_t want_nseen;

/* Every person of want_seen is known to rec. */
static int
cond_seen_all(void)
{
	size_t i;

	for (i = 0; i < want_nseen; i++)
		if (want_seen[i].lid == NULL && want_seen[i].phone == NULL)
			continue;
		else if (find_person(cur, &want_seen[i]) == NULL)
			return 0;
	return 1;
}

/* Checks what rec knows of want: both ids as wanted, the name, the DM. */
static void
check_person(const struct rec *r, const struct want_person *want)
{
	const struct person *p = find_person(r, want);
	const char *who = want->lid != NULL ? want->lid : want->phone;

	ck_assert_msg(p != NULL, "%s was not seen", who);
	ck_assert_msg(p->has_lid == (want->lid != NULL), "%s: a LID %s", who,
	    p->has_lid ? p->lid : "(none)");
	ck_assert_msg(p->has_phone == (want->phone != NULL), "%s: a phone %s", who,
	    p->has_phone ? p->phone : "(none)");
	if (want->phone != NULL)
		ck_assert_str_eq(p->phone, want->phone);
	if (want->name != NULL) {
		ck_assert_msg(p->has_name, "%s: no name", who);
		ck_assert_str_eq(p->name, want->name);
	}
	if (want->dm)
		ck_assert_msg(p->dm, "%s: no direct chat", who);
	ck_assert_msg(!p->known_only, "%s: seen only as known_only", who);
}

/* ---- the drivers ---- */

static void
sim_setup(struct config *c)
{
	char path[200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/net.json", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	/* The pairing phone is an account (LID 101, push name Me); what it
	 * sees: A in a direct chat, H in a group that hides H's number. */
	fputs("{\"latencyMs\": 5, \"pairing\": {\"qrFirstMs\": 300, \"qrNextMs\": 150,"
	    " \"qrCount\": 3, \"codeMs\": 400},"
	    " \"accounts\": [{\"lid\": \"100\", \"phone\": \"14155550100\", \"name\": \"A\","
	    " \"about\": \"At work\"}, {\"lid\": \"101\", \"phone\": \"14155550001\","
	    " \"name\": \"Me\"}, {\"lid\": \"103\", \"phone\": \"14155550103\", \"name\": \"H\"}],"
	    " \"sessions\": {\"VIEW\": {\"account\": \"14155550001\", \"dms\": [\"100\"],"
	    " \"groups\": [{\"jid\": \"120363000000000001@g.us\", \"subject\": \"G\","
	    " \"members\": [{\"lid\": \"100\", \"role\": \"admin\"},"
	    " {\"lid\": \"103\", \"phoneHidden\": true}]}]}}}",
	    f);
	fclose(f);
	snprintf(c->sim_network, sizeof(c->sim_network), "%s", path);
}

static int
sim_scan_phone(struct link *l, const char *qr, const char *phone)
{
	char err[256];

	return link_sim_scan(l, qr, phone, err, sizeof(err));
}

static int
sim_enter(struct link *l, const char *code)
{
	char err[256];

	return link_sim_link_code(l, code, err, sizeof(err));
}

static int
sim_drop_conn(struct link *l, const char *id)
{
	char err[256];

	return link_sim_drop(l, id, err, sizeof(err));
}

/* ---- the fake WhatsApp server's phone ---- */

static int fakewa_control;

/* POST to the control API; 0 when it answered {"ok": true}. */
static int
fakewa_post_now(const char *path, const char *body)
{
	char url[128], buf[8192];
	CURL *h;
	FILE *f;
	long status = 0;
	int rc = -1;
	struct json_object *o = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", fakewa_control, path);
	ck_assert_ptr_nonnull(h = curl_easy_init());
	ck_assert_ptr_nonnull(f = fmemopen(buf, sizeof(buf) - 1, "w"));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	buf[ftell(f)] = '\0';
	fclose(f);
	curl_easy_cleanup(h);
	if (status == 200 && (o = json_tokener_parse(buf)) != NULL) {
		struct json_object *ok;

		/* {"ok": true}, or an immediate fault that hit something. */
		if ((json_object_object_get_ex(o, "ok", &ok) && json_object_get_boolean(ok)) ||
		    (json_object_object_get_ex(o, "fired", &ok) &&
		    json_object_array_length(ok) > 0) ||
		    json_object_object_get_ex(o, "targets", &ok))
			rc = 0;
	}
	json_object_put(o);
	return rc;
}

/*
 * The phone's answer waits on the client (the pair-device-sign), so the
 * POST runs on a thread of its own while the loop goes on.
 */
struct fakewa_call {
	const char	*path, *body;
	volatile int	 done;
	int		 rc;
};

static struct fakewa_call *fakewa_current;

static void *
fakewa_thread(void *arg)
{
	struct fakewa_call *fc = arg;

	fc->rc = fakewa_post_now(fc->path, fc->body);
	__atomic_store_n(&fc->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
cond_call_done(void)
{
	return __atomic_load_n(&fakewa_current->done, __ATOMIC_ACQUIRE);
}

static int
fakewa_post(const char *path, const char *body)
{
	struct fakewa_call fc = { path, body, 0, -1 };
	pthread_t t;

	fakewa_current = &fc;
	ck_assert_int_eq(pthread_create(&t, NULL, fakewa_thread, &fc), 0);
	ck_assert(run_until(cond_call_done, 40000));
	pthread_join(t, NULL);
	return fc.rc;
}

static int
wa_scan(struct link *l, const char *qr, const char *phone)
{
	char body[2048];

	(void)l;
	snprintf(body, sizeof(body), "{\"qr\":\"%s\",\"phone\":\"%s\"}", qr,
	    phone[0] == '+' ? phone + 1 : phone);
	return fakewa_post("/scan", body);
}

static int
wa_enter(struct link *l, const char *code)
{
	char body[256];

	(void)l;
	snprintf(body, sizeof(body), "{\"phone\":\"15550000001\",\"code\":\"%s\"}",
	    code);
	return fakewa_post("/code", body);
}

/*
 * The number checks fakewa received (usync IQs with a contact query), and
 * how many numbers the latest asked: the wire's count of link queries.
 */
static int
wa_wire_checks(size_t *last_numbers)
{
	char url[128], *buf;
	size_t len = 0, i, k;
	CURL *h;
	FILE *f;
	long status = 0;
	struct json_object *o, *evs, *e, *node, *content, *usync, *part, *v;
	int n = 0;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/events?kind=in", fakewa_control);
	ck_assert_ptr_nonnull(h = curl_easy_init());
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	fclose(f);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_nonnull(o = json_tokener_parse(buf));
	free(buf);
	*last_numbers = 0;
	ck_assert(json_object_object_get_ex(o, "events", &evs));
	for (i = 0; i < json_object_array_length(evs); i++) {
		e = json_object_array_get_idx(evs, i);
		if (!json_object_object_get_ex(e, "node", &node) ||
		    !json_object_object_get_ex(node, "content", &content) ||
		    !json_object_is_type(content, json_type_array) ||
		    json_object_array_length(content) == 0)
			continue;
		usync = json_object_array_get_idx(content, 0);
		if (!json_object_object_get_ex(usync, "tag", &v) ||
		    strcmp(json_object_get_string(v), "usync") != 0 ||
		    !json_object_object_get_ex(usync, "content", &content) ||
		    !json_object_is_type(content, json_type_array))
			continue;
		/* <query><contact/>...</query><list><user>...</list> */
		for (k = 0; k < json_object_array_length(content); k++) {
			part = json_object_array_get_idx(content, k);
			if (!json_object_object_get_ex(part, "tag", &v))
				continue;
			if (strcmp(json_object_get_string(v), "query") == 0 &&
			    strstr(json_object_to_json_string(part), "\"contact\"") != NULL)
				n++;
			else if (strcmp(json_object_get_string(v), "list") == 0 &&
			    json_object_object_get_ex(part, "content", &v) &&
			    json_object_is_type(v, json_type_array))
				*last_numbers = json_object_array_length(v);
		}
	}
	json_object_put(o);
	return n;
}

/* The network drops every login connection (no close frame). */
static int
wa_drop(struct link *l, const char *id)
{
	(void)l;
	(void)id;
	return fakewa_post_now("/fault", "{\"kind\":\"close\"}");
}

/* Someone writes to the account from a number, with no LID in the stanza. */
static void
wa_phone_only(void)
{
	ck_assert_int_eq(fakewa_post_now("/push", "{\"kind\":\"message\","
	    "\"to\":\"15550000001\",\"from\":\"15551110003\",\"alt\":false}"), 0);
}

static void
wa_setup(struct config *c)
{
	const char *ready = getenv("WAGW_FAKEWA_READY"), *ca = getenv("WAGW_FAKEWA_CA");
	struct json_object *o, *v;
	char *text;

	ck_assert_msg(ready != NULL && ca != NULL, "WAGW_FAKEWA_READY and _CA");
	ck_assert_int_gt(file_read(ready, 65536, &text), 0);
	ck_assert_ptr_nonnull(o = json_tokener_parse(text));
	free(text);
	ck_assert(json_object_object_get_ex(o, "url", &v));
	snprintf(c->wa.url, sizeof(c->wa.url), "%s", json_object_get_string(v));
	ck_assert(json_object_object_get_ex(o, "rootPub", &v));
	snprintf(c->wa.noise_root_key, sizeof(c->wa.noise_root_key), "%s",
	    json_object_get_string(v));
	ck_assert(json_object_object_get_ex(o, "control", &v));
	fakewa_control = json_object_get_int(v);
	json_object_put(o);
	snprintf(c->wa.ca_file, sizeof(c->wa.ca_file), "%s", ca);
	c->wa.version_url[0] = '\0';	/* no WhatsApp server to ask */
}

static const struct driver_case drivers[] = {
	{ "sim", 1, "14155550001", sim_setup, sim_scan_phone, sim_enter,
	    "14155550100", "4915112345678", "100@lid", "At work",
	    "14155550001@s.whatsapp.net", "101@lid", "Me",
	    { { "100", "14155550100", "A", 1 },
	      /* in a group that hides the number */
	      { "103", NULL, "H", 0 } },
	    /* Every simulated account has a LID. */
	    NULL, { NULL, NULL, NULL, 0 }, sim_drop_conn, NULL },
	/* fakewa's fixtures.json: the account 15550000001 (Alice). */
	{ "whatsapp", 0, "15550000001", wa_setup, wa_scan, wa_enter,
	    "15551110001", "15559999999", "15551110001@s.whatsapp.net",
	    "Hey there! I am using WhatsApp.",
	    /* The driver does not report the push name (fakewa sends it as
	     * <success display_name>). */
	    "15550000001@s.whatsapp.net", "100000000000001@lid", NULL,
	    { /* "Team", addressed by phone: members come with both */
	      { "200000000000001", "15551110001", NULL, 0 },
	      /* "Neighbours", addressed by LID: the number where shown */
	      { "200000000000003", "15551110003", NULL, 0 },
	      /* ... and a member who hides it: LID and name only */
	      { "200000000000004", NULL, "Frank", 0 } },
	    wa_phone_only, { NULL, "15551110003", NULL, 0 }, wa_drop, wa_wire_checks },
};

static const struct driver_case *drv;

static void
setup(void)
{
	char err[512];

	snprintf(dir, sizeof(dir), "/tmp/wagw-contract-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&rec, 0, sizeof(rec));
	config_defaults(&cfg);
	drv = &drivers[contract_driver];
	snprintf(cfg.link, sizeof(cfg.link), "%s", drv->name);
	drv->setup(&cfg);
	ck_assert_ptr_nonnull(lp = loop_new());
	ck_assert_msg(link_open(&lk, &cfg, lp, &events, err, sizeof(err)) == 0, "%s", err);
}

static void
teardown(void)
{
	char cmd[200];

	link_close(lk);
	loop_free(lp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A session whose events go to r (its cookie). */
static struct link_sess *
new_sess_for(const char *id, struct rec *r)
{
	struct link_sess *ls;
	char err[256];

	in_call = 1;
	ls = link_sess_new(lk, drv->name, id, r, err, sizeof(err));
	in_call = 0;
	ck_assert_msg(ls != NULL, "%s", err);
	return ls;
}

static struct link_sess *
new_sess(const char *id)
{
	return new_sess_for(id, &rec);
}

static int
call_start(struct link_sess *ls, const void *creds, size_t len)
{
	int rc;

	in_call = 1;
	rc = link_start(ls, creds, len);
	in_call = 0;
	return rc;
}

/* Pairs ls (whose events go to cur) by QR; leaves its credentials there. */
static void
pair_by_qr(struct link_sess *ls)
{
	ck_assert_int_eq(call_start(ls, NULL, 0), 0);
	ck_assert_msg(run_until(cond_pairing, 5000), "no QR came");
	ck_assert_int_eq(cur->pairing.kind, LINK_PAIR_QR);
	ck_assert_int_gt(cur->pairing.expires_ms, clock_wall_ms());
	ck_assert_int_eq(drv->scan(lk, cur->code, drv->account), 0);
	ck_assert_msg(run_until(cond_up, 15000), "not up after the scan");
	ck_assert_int_ge(cur->ncreds, 1);
	ck_assert_int_ge(cur->npaired, 1);
	ck_assert_str_eq(cur->phone, drv->account);
}

/* The identity r last got is the driver's account, as far as it knows it. */
static void
check_identity(const struct rec *r)
{
	ck_assert_int_ge(r->npaired, 1);
	ck_assert_msg(r->id_has_jid, "no JID");
	ck_assert_str_eq(r->id_jid, drv->id_jid);
	ck_assert_str_eq(r->phone, drv->account);
	ck_assert_msg(r->id_has_lid, "no LID");
	ck_assert_str_eq(r->id_lid, drv->id_lid);
	if (drv->id_push != NULL) {
		ck_assert_msg(r->id_has_push, "no push name");
		ck_assert_str_eq(r->id_push, drv->id_push);
	}
}

START_TEST(contract_pair_by_qr_then_log_in_with_the_credentials)
{
	unsigned char creds[4096];
	struct link_sess *ls = new_sess("C1");
	size_t len;

	ck_assert_msg(!run_until(cond_never, 50) && rec.nstate == 0,
	    "events from a session never started");
	pair_by_qr(ls);
	memcpy(creds, rec.creds, rec.creds_len);
	len = rec.creds_len;
	in_call = 1;
	link_stop(ls);
	in_call = 0;
	memset(&rec, 0, sizeof(rec));
	run_until(cond_never, 50);
	ck_assert_int_eq(rec.nstate, 0);
	/* The stored credentials log in without pairing. */
	ck_assert_int_eq(call_start(ls, creds, len), 0);
	ck_assert(run_until(cond_up, 15000));
	ck_assert_int_eq(rec.npairing, 0);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

START_TEST(contract_lookups)
{
	const char *phones[] = { drv->on, drv->off, drv->on };
	struct link_sess *ls = new_sess("C2");
	struct link_query *q;
	struct jid j;

	pair_by_qr(ls);
	in_call = 1;
	q = link_check(ls, phones, 3, &rec);
	in_call = 0;
	ck_assert_ptr_nonnull(q);
	ck_assert(run_until(cond_check, 5000));
	run_until(cond_never, 50);
	ck_assert_int_eq(rec.nchecks, 1);	/* one answer for the query */
	ck_assert_int_eq(rec.check_rc, LINK_OK);
	ck_assert_uint_eq(rec.check_n, 3);
	ck_assert_str_eq(rec.check_phone[0], drv->on);
	ck_assert_str_eq(rec.check_phone[1], drv->off);
	ck_assert_int_eq(rec.check_on[0], 1);
	ck_assert_int_eq(rec.check_on[1], 0);
	ck_assert_int_eq(rec.check_on[2], 1);
	/* About. */
	ck_assert_int_eq(jid_parse(drv->about_jid, strlen(drv->about_jid), &j), 0);
	in_call = 1;
	q = link_about(ls, &j, &rec);
	in_call = 0;
	ck_assert_ptr_nonnull(q);
	ck_assert(run_until(cond_about, 5000));
	ck_assert_str_eq(rec.about, drv->about_text);
	/* A cancelled query never answers. */
	rec.nchecks = 0;
	q = link_check(ls, phones, 1, &rec);
	ck_assert_ptr_nonnull(q);
	link_cancel(q);
	run_until(cond_never, 200);
	ck_assert_int_eq(rec.nchecks, 0);
	/* Stop silences queries in flight. */
	ck_assert_ptr_nonnull(link_check(ls, phones, 1, &rec));
	link_stop(ls);
	run_until(cond_never, 200);
	ck_assert_int_eq(rec.nchecks, 0);
	/* Not up: no query starts. */
	ck_assert_ptr_null(link_check(ls, phones, 1, &rec));
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

/* The most numbers a check takes are one query with one answer, in order. */
START_TEST(contract_batch_check_is_one_query)
{
	char nums[LINK_CHECK_MAX][16];
	const char *phones[LINK_CHECK_MAX];
	struct link_sess *ls = new_sess("C9");
	size_t i, numbers = 0;
	int before = 0;

	for (i = 0; i < LINK_CHECK_MAX; i++) {
		snprintf(nums[i], sizeof(nums[i]), "1999555%04zu", i);
		phones[i] = nums[i];
	}
	phones[0] = drv->on;
	phones[LINK_CHECK_MAX / 2] = drv->off;
	pair_by_qr(ls);
	if (drv->wire_checks != NULL)
		before = drv->wire_checks(&numbers);
	in_call = 1;
	ck_assert_ptr_nonnull(link_check(ls, phones, LINK_CHECK_MAX, &rec));
	in_call = 0;
	ck_assert(run_until(cond_check, 10000));
	run_until(cond_never, 100);
	ck_assert_int_eq(rec.nchecks, 1);
	ck_assert_int_eq(rec.check_rc, LINK_OK);
	ck_assert_uint_eq(rec.check_n, LINK_CHECK_MAX);
	for (i = 0; i < LINK_CHECK_MAX; i++) {
		ck_assert_str_eq(rec.check_phone[i], phones[i]);
		ck_assert_int_eq(rec.check_on[i], i == 0);
	}
	if (drv->wire_checks != NULL) {
		ck_assert_int_eq(drv->wire_checks(&numbers) - before, 1);
		ck_assert_uint_eq(numbers, LINK_CHECK_MAX);
	}
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

START_TEST(contract_qr_rotates_and_runs_out)
{
	struct link_sess *ls = new_sess("C3");
	char first[512];

	ck_assert_int_eq(call_start(ls, NULL, 0), 0);
	ck_assert(run_until(cond_pairing, 5000));
	snprintf(first, sizeof(first), "%s", rec.code);
	ck_assert(run_until(cond_rotated, 5000));
	ck_assert_str_ne(rec.code, first);
	/* The old QR is void. */
	ck_assert_int_eq(drv->scan(lk, first, drv->account), -1);
	ck_assert(run_until(cond_failed, 10000));
	ck_assert_str_eq(rec.reason, LINK_REASON_PAIRING_TIMEOUT);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

START_TEST(contract_pair_by_code)
{
	struct link_sess *ls = new_sess("C4");
	int rc;

	in_call = 1;
	rc = link_pair_code(ls, drv->account);
	in_call = 0;
	ck_assert_int_eq(rc, 0);
	ck_assert(run_until(cond_pairing, 5000));
	ck_assert_int_eq(rec.pairing.kind, LINK_PAIR_CODE);
	ck_assert_uint_eq(strlen(rec.code), 9);
	ck_assert_int_eq(rec.code[4], '-');
	ck_assert_int_eq(drv->enter(lk, rec.code), 0);
	ck_assert(run_until(cond_up, 15000));
	ck_assert_str_eq(rec.phone, drv->account);
	/* Paired: no code now. */
	ck_assert_int_eq(link_pair_code(ls, drv->account), -1);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

START_TEST(contract_logout_voids_the_credentials)
{
	unsigned char creds[4096];
	struct link_sess *ls = new_sess("C5");
	size_t len;

	pair_by_qr(ls);
	memcpy(creds, rec.creds, rec.creds_len);
	len = rec.creds_len;
	in_call = 1;
	link_logout(ls, NULL, 0);
	in_call = 0;
	rec.nstate = 0;
	run_until(cond_never, 50);
	ck_assert_int_eq(rec.nstate, 0);	/* silently */
	/* WhatsApp needs a moment to hear of it. */
	run_until(cond_never, 500);
	ck_assert_int_eq(call_start(ls, creds, len), 0);
	ck_assert(run_until(cond_logged_out, 15000));
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

START_TEST(contract_garbage_credentials)
{
	struct link_sess *ls = new_sess("C6");

	ck_assert_int_eq(call_start(ls, "not credentials", 15), 0);
	ck_assert(run_until(cond_failed, 5000));
	/* Said the way statusReason says it; never a reconnect. */
	ck_assert_str_eq(rec.reason, "credentials_unreadable");
	ck_assert(!has_state(&rec, LINK_UP) && !has_state(&rec, LINK_DOWN));
	ck_assert_int_eq(rec.npaired, 0);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

/* The paired account: at pairing, and again at each login. */
START_TEST(contract_paired_identity)
{
	unsigned char creds[4096];
	struct link_sess *ls = new_sess("C7");
	size_t len;

	pair_by_qr(ls);
	check_identity(&rec);
	memcpy(creds, rec.creds, rec.creds_len);
	len = rec.creds_len;
	in_call = 1;
	link_stop(ls);
	in_call = 0;
	memset(&rec, 0, sizeof(rec));
	ck_assert_int_eq(call_start(ls, creds, len), 0);
	ck_assert(run_until(cond_up, 15000));
	check_identity(&rec);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

/*
 * What the paired account sees: people by LID and phone, by LID only,
 * and (where the driver can meet one) by phone only, with their names.
 */
START_TEST(contract_people_seen)
{
	struct link_sess *ls = new_sess("C8");
	size_t i;

	pair_by_qr(ls);
	want_seen = drv->people;
	want_nseen = N_ELEM(drv->people);
	ck_assert_msg(run_until(cond_seen_all, 15000), "not everyone was seen");
	for (i = 0; i < N_ELEM(drv->people); i++)
		if (drv->people[i].lid != NULL || drv->people[i].phone != NULL)
			check_person(&rec, &drv->people[i]);
	/* The account itself is no contact of its own. */
	for (i = 0; i < (size_t)rec.npeople; i++)
		ck_assert_msg(!rec.people[i].has_phone ||
		    strcmp(rec.people[i].phone, drv->account) != 0, "the account saw itself");
	if (drv->phone_only == NULL)
		fprintf(stderr, "check_link_contract: %s: no person known by phone only "
		    "(every %s account has a LID): that part is skipped\n", drv->name,
		    drv->name);
	else {
		drv->phone_only();
		want_seen = &drv->phone_only_person;
		want_nseen = 1;
		ck_assert_msg(run_until(cond_seen_all, 15000), "%s was not seen by phone",
		    drv->phone_only_person.phone);
		check_person(&rec, &drv->phone_only_person);
	}
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

/*
 * Two sessions at once: each event comes with its own session's cookie.
 * Both show a QR; the phone scans the first one's: only that one pairs.
 */
START_TEST(contract_two_sessions_keep_their_cookies)
{
	static struct rec a, b;
	struct link_sess *la, *lb;
	const char *phones[] = { drv->on };

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	la = new_sess_for("CA", &a);
	lb = new_sess_for("CB", &b);
	ck_assert_int_eq(call_start(la, NULL, 0), 0);
	ck_assert_int_eq(call_start(lb, NULL, 0), 0);
	cur = &a;
	ck_assert_msg(run_until(cond_pairing, 5000), "no QR for A");
	cur = &b;
	ck_assert_msg(run_until(cond_pairing, 5000), "no QR for B");
	ck_assert_str_ne(a.code, b.code);
	ck_assert_int_eq(drv->scan(lk, a.code, drv->account), 0);
	cur = &a;
	ck_assert_msg(run_until(cond_up, 15000), "A not up after its QR was scanned");
	ck_assert_int_ge(a.ncreds, 1);
	ck_assert_int_ge(a.npaired, 1);
	/* B heard nothing of it (a driver may hand over a new device's own
	 * credentials before pairing: B's own, never A's). */
	ck_assert(!has_state(&b, LINK_UP));
	ck_assert_int_eq(b.npaired, 0);
	ck_assert_int_eq(b.nseen, 0);
	ck_assert(b.ncreds == 0 || a.creds_len != b.creds_len ||
	    memcmp(a.creds, b.creds, a.creds_len) != 0);
	/* Then B's own QR (maybe rotated meanwhile) pairs B. */
	cur = &b;
	ck_assert_msg(run_until(cond_pairing, 5000), "B stopped pairing");
	ck_assert_int_eq(drv->scan(lk, b.code, drv->account), 0);
	ck_assert_msg(run_until(cond_up, 15000), "B not up after its QR was scanned");
	ck_assert_int_ge(b.ncreds, 1);
	ck_assert(a.creds_len != b.creds_len ||
	    memcmp(a.creds, b.creds, a.creds_len) != 0);
	/* A query's answer comes with the query's own cookie. */
	a.nchecks = b.nchecks = 0;
	ck_assert_ptr_nonnull(link_check(lb, phones, 1, &b));
	cur = &b;
	ck_assert(run_until(cond_check, 5000));
	run_until(cond_never, 50);
	ck_assert_int_eq(a.nchecks, 0);
	/* Stopping A leaves B up. */
	a.nstate = b.nstate = 0;
	in_call = 1;
	link_stop(la);
	in_call = 0;
	run_until(cond_never, 200);
	ck_assert_int_eq(a.nstate, 0);
	ck_assert_int_eq(b.nstate, 0);
	ck_assert_int_eq(a.bad + b.bad, 0);
	link_sess_free(la);
	link_sess_free(lb);
	cur = &rec;
}
END_TEST

/* A transient drop: DOWN with a reason, then the credentials log in again. */
START_TEST(contract_transient_drop)
{
	unsigned char creds[4096];
	struct link_sess *ls;
	size_t len;
	int i;

	if (drv->drop == NULL) {
		fprintf(stderr, "check_link_contract: %s: cannot provoke a drop: skipped\n",
		    drv->name);
		return;
	}
	ls = new_sess("C9");
	pair_by_qr(ls);
	memcpy(creds, rec.creds, rec.creds_len);
	len = rec.creds_len;
	ck_assert_int_eq(drv->drop(lk, "C9"), 0);
	ck_assert_msg(run_until(cond_down, 15000), "no LINK_DOWN after the drop");
	ck_assert_str_ne(rec.reason, "");
	for (i = 0; i < rec.nstate; i++)
		ck_assert_msg(rec.states[i] != LINK_FAILED && rec.states[i] != LINK_LOGGED_OUT,
		    "a drop ended the session for good");
	/* The daemon reconnects: a start with the credentials, no pairing. */
	rec.npairing = 0;
	ck_assert_int_eq(call_start(ls, creds, len), 0);
	ck_assert_msg(run_until(cond_up, 15000), "not up again after the drop");
	ck_assert_int_eq(rec.npairing, 0);
	check_identity(&rec);
	ck_assert_int_eq(rec.bad, 0);
	link_sess_free(ls);
}
END_TEST

static Suite *
contract_suite(void)
{
	Suite *s = suite_create("link_contract");
	const char *which = getenv("WAGW_CONTRACT_DRIVER");
	TCase *tc;

	/* One driver per run (the fixture reads which). */
	contract_driver = which != NULL && strcmp(which, "whatsapp") == 0;
	tc = tcase_create(drivers[contract_driver].name);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, contract_pair_by_qr_then_log_in_with_the_credentials);
	tcase_add_test(tc, contract_lookups);
	tcase_add_test(tc, contract_batch_check_is_one_query);
	if (drivers[contract_driver].fast_qr)
		tcase_add_test(tc, contract_qr_rotates_and_runs_out);
	tcase_add_test(tc, contract_pair_by_code);
	tcase_add_test(tc, contract_logout_voids_the_credentials);
	tcase_add_test(tc, contract_garbage_credentials);
	tcase_add_test(tc, contract_paired_identity);
	tcase_add_test(tc, contract_people_seen);
	tcase_add_test(tc, contract_two_sessions_keep_their_cookies);
	tcase_add_test(tc, contract_transient_drop);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_link_contract", contract_suite)
