/*
 * The "sim" link driver: the simulated WhatsApp network (simnet.c parses
 * its file; docs/simulated-network.md describes it).  Connecting, pairing
 * steps, check and about take the file's latencyMs, on loop timers.
 *
 * Pairing is simulated as WhatsApp does it: a session without
 * credentials shows QR texts that rotate (the file's "pairing" timings)
 * and run out; wagw-admin's sim commands play the phone (sim_scan,
 * sim_link_code, sim_unlink).  A session the file names by id is
 * provisioned: paired with that entry's account from the start.
 *
 * A session paired with account P sees what the file's session entry
 * with "account": P describes (a provisioned one: its own entry).  It
 * knows a person's phone number when the account has one and the person
 * is in its dms or in at least one of its groups without phoneHidden;
 * otherwise it knows the person by LID only.
 *
 * The credentials this driver hands the daemon are text:
 *   "wagw-sim 1\naccount=<digits or empty>\nentry=<id or empty>\nsecret=<hex>\n"
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/b64url.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/phone.h"
#include "common/store.h"
#include "sessiond/hmap.h"
#include "sessiond/link_impl.h"
#include "sessiond/simnet.h"

#define SIM_QR_MAX	96
#define SIM_CODE_LEN	9		/* "ABCD-1234" */
#define SIM_SECRET_LEN	32		/* hex characters */

struct link_sim;

enum sim_state { SIM_IDLE, SIM_CONNECTING, SIM_PAIRING, SIM_UP };

struct sim_creds {
	char		 account[16];	/* digits, or "" */
	char		 entry[STORE_ID_MAX + 1];	/* provisioned: the file's id */
	char		 secret[SIM_SECRET_LEN + 1];
};

struct sim_sess {
	struct link_sess head;
	struct link_sim	*sim;
	char		 id[STORE_ID_MAX + 1];
	void		*cookie;
	enum sim_state	 st;
	int		 has_creds;
	int		 fresh_creds;	/* report them at the next step */
	int		 reported;	/* what it sees is reported */
	struct sim_creds creds;
	struct loop_timer *step;	/* the next step of connecting or pairing */
	struct loop_timer *expiry;	/* of the current QR or code */
	struct loop_timer *seen_timer;	/* a provisioned session's first report */
	enum link_pair_kind kind;
	char		 qr[SIM_QR_MAX];
	int		 qr_index;
	char		 code[SIM_CODE_LEN + 1];
	char		 code_phone[16];
	char		 want_code[16];	/* pair by code once pairing begins */
	struct sim_query *queries;
};

struct sim_query {
	struct link_query head;
	struct sim_sess	*sess;
	int		 is_about;
	void		*qcookie;
	struct loop_timer *timer;
	enum link_rc	 rc;
	size_t		 n;
	char		(*phones)[16];
	char		(*jids)[JID_STR_MAX];
	struct link_check_result *results;
	char		*about;
	struct sim_query *prev, *next;
};

struct link_sim {
	char		 path[CONFIG_PATH_MAX];
	struct loop	*loop;
	const struct link_events *ev;
	struct simnet	*net;
	struct hmap	*sess;		/* session id -> struct sim_sess */
	struct hmap	*unlinked;	/* session ids whose device the phone removed (-> sim) */
	struct loop_timer *unheld_timer;
};

/* One person in a session's view. */
struct sim_entry {
	const struct simnet_account *a;
	int		 phone_known;
};

static int
sim_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
sim_entry_cmp(const void *pa, const void *pb)
{
	const struct sim_entry *a = pa, *b = pb;

	return strcmp(a->a->lid, b->a->lid);
}

/* The people session s sees, sorted by LID, each once.  -1 on no memory. */
static int
sim_entries(const struct simnet_session *s, struct sim_entry **out, size_t *nout)
{
	struct sim_entry *e;
	size_t i, k, n = s->ndms;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < s->ngroups; i++)
		n += s->groups[i].nmembers;
	if (n == 0)
		return 0;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return -1;
	n = 0;
	for (i = 0; i < s->ndms; i++) {
		e[n].a = s->dms[i];
		e[n++].phone_known = 1;
	}
	for (i = 0; i < s->ngroups; i++)
		for (k = 0; k < s->groups[i].nmembers; k++) {
			e[n].a = s->groups[i].members[k].account;
			e[n++].phone_known = !s->groups[i].members[k].phone_hidden;
		}
	qsort(e, n, sizeof(*e), sim_entry_cmp);
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && e[k - 1].a == e[i].a)
			e[k - 1].phone_known |= e[i].phone_known;
		else
			e[k++] = e[i];
	}
	*out = e;
	*nout = k;
	return 0;
}

static const char *
sim_phone(const struct sim_entry *e)
{
	return e->phone_known ? e->a->phone : NULL;
}

static size_t
sim_index(const struct hmap *idx, const char *lid)
{
	return (size_t)(uintptr_t)hmap_get(idx, lid, strlen(lid)) - 1;
}

/* The file entry a session sees through: its own (provisioned) or its account's. */
static const struct simnet_session *
sim_view(const struct simnet *net, const struct sim_sess *ss)
{
	if (!ss->has_creds)
		return NULL;
	if (ss->creds.entry[0] != '\0')
		return simnet_session(net, ss->creds.entry);
	if (ss->creds.account[0] != '\0')
		return simnet_by_account(net, ss->creds.account);
	return NULL;
}

/*
 * Reports what s (in the current network) shows that old (the same
 * view in the previous network, or NULL) did not: new or changed
 * contacts, new direct chats, new groups, new or changed memberships and
 * the members who left.
 */
static void
sim_report(struct sim_sess *ss, const struct simnet_session *s,
    const struct simnet_session *old)
{
	struct link_sim *sim = ss->sim;
	struct sim_entry *ne = NULL, *oe = NULL;
	struct hmap *idx = NULL, *oidx = NULL, *odm = NULL, *omem = NULL, *nmem = NULL;
	struct link_contact *contacts = NULL;
	const char **dms = NULL, **left = NULL;
	struct link_group *groups = NULL;
	char (*owners)[JID_STR_MAX] = NULL;
	struct link_member *members = NULL;
	struct link_seen seen;
	unsigned char *inc = NULL;
	size_t nn = 0, on = 0, i, k, m, nm = 0, nmembers = 0, onm = 0, nleft = 0;

	memset(&seen, 0, sizeof(seen));
	if (sim_entries(s, &ne, &nn) == -1 ||
	    (old != NULL && sim_entries(old, &oe, &on) == -1) ||
	    (idx = hmap_new()) == NULL || (oidx = hmap_new()) == NULL ||
	    (odm = hmap_new()) == NULL)
		goto nomem;
	for (i = 0; i < s->ngroups; i++)
		nm += s->groups[i].nmembers;
	for (i = 0; old != NULL && i < old->ngroups; i++)
		onm += old->groups[i].nmembers;
	if ((nn > 0 && ((inc = calloc(nn, 1)) == NULL ||
	    (contacts = calloc(nn, sizeof(*contacts))) == NULL)) ||
	    (s->ndms > 0 && (dms = calloc(s->ndms, sizeof(*dms))) == NULL) ||
	    (s->ngroups > 0 && ((groups = calloc(s->ngroups, sizeof(*groups))) == NULL ||
	    (owners = calloc(s->ngroups, sizeof(*owners))) == NULL)) ||
	    (nm > 0 && (members = calloc(nm, sizeof(*members))) == NULL) ||
	    (onm > 0 && (left = calloc(onm, sizeof(*left))) == NULL))
		goto nomem;
	for (i = 0; i < nn; i++)
		if (hmap_put(idx, ne[i].a->lid, strlen(ne[i].a->lid),
		    (void *)(uintptr_t)(i + 1)) == -1)
			goto nomem;
	for (i = 0; i < on; i++)
		if (hmap_put(oidx, oe[i].a->lid, strlen(oe[i].a->lid), &oe[i]) == -1)
			goto nomem;
	for (i = 0; old != NULL && i < old->ndms; i++)
		if (hmap_put(odm, old->dms[i]->lid, strlen(old->dms[i]->lid),
		    (void *)old->dms[i]) == -1)
			goto nomem;
	for (i = 0; i < nn; i++) {
		const struct sim_entry *o = hmap_get(oidx, ne[i].a->lid,
		    strlen(ne[i].a->lid));

		inc[i] = old == NULL || o == NULL ||
		    !sim_streq(sim_phone(o), sim_phone(&ne[i])) ||
		    !sim_streq(o->a->name, ne[i].a->name) ||
		    !sim_streq(o->a->business_name, ne[i].a->business_name);
	}
	for (i = 0; i < s->ndms; i++)
		if (old == NULL || hmap_get(odm, s->dms[i]->lid,
		    strlen(s->dms[i]->lid)) == NULL) {
			dms[seen.ndms++] = s->dms[i]->lid;
			inc[sim_index(idx, s->dms[i]->lid)] = 1;
		}
	for (i = 0; i < s->ngroups; i++) {
		const struct simnet_group *g = &s->groups[i], *og = NULL;
		struct link_group *lg = &groups[seen.ngroups];
		int changed;

		/* The slot of a group that did not change is the next one's. */
		memset(lg, 0, sizeof(*lg));
		for (k = 0; old != NULL && k < old->ngroups; k++)
			if (strcmp(old->groups[k].jid, g->jid) == 0)
				og = &old->groups[k];
		changed = og == NULL || !sim_streq(og->subject, g->subject) ||
		    !sim_streq(og->description, g->description) ||
		    !sim_streq(og->owner ? og->owner->lid : NULL,
		    g->owner ? g->owner->lid : NULL) || og->announce != g->announce ||
		    og->locked != g->locked || og->created_ms != g->created_ms ||
		    og->nmembers != g->nmembers;
		hmap_free(omem);
		hmap_free(nmem);
		omem = nmem = NULL;
		if ((omem = hmap_new()) == NULL || (nmem = hmap_new()) == NULL)
			goto nomem;
		for (k = 0; og != NULL && k < og->nmembers; k++)
			if (hmap_put(omem, og->members[k].account->lid,
			    strlen(og->members[k].account->lid),
			    (void *)&og->members[k]) == -1)
				goto nomem;
		lg->jid = g->jid;
		lg->subject = g->subject;
		/* A description removed from the file is removed (""). */
		lg->description = g->description != NULL ? g->description :
		    og != NULL && og->description != NULL ? "" : NULL;
		if (g->owner != NULL) {
			snprintf(owners[seen.ngroups], sizeof(owners[0]), "%s@lid",
			    g->owner->lid);
			lg->owner_jid = owners[seen.ngroups];
		}
		lg->size = (int64_t)g->nmembers;
		lg->announce = g->announce;
		lg->locked = g->locked;
		lg->created_ms = g->created_ms;
		/* The whole list only when the group is new to the session; else
		 * the changes, and who left. */
		lg->complete = og == NULL;
		/* NULL + 0 is undefined: an empty array stays NULL. */
		lg->members = members != NULL ? members + nmembers : NULL;
		lg->left = left != NULL ? left + nleft : NULL;
		for (k = 0; k < g->nmembers; k++) {
			const struct simnet_member *mb = &g->members[k], *om;

			if (hmap_put(nmem, mb->account->lid, strlen(mb->account->lid),
			    (void *)mb) == -1)
				goto nomem;
			om = hmap_get(omem, mb->account->lid, strlen(mb->account->lid));
			if (om != NULL && om->role == mb->role &&
			    sim_streq(om->tag, mb->tag))
				continue;
			members[nmembers].lid = mb->account->lid;
			members[nmembers].role = simnet_role_str(mb->role);
			members[nmembers++].tag = mb->tag;
			lg->nmembers++;
			inc[sim_index(idx, mb->account->lid)] = 1;
		}
		for (k = 0; og != NULL && k < og->nmembers; k++) {
			const char *lid = og->members[k].account->lid;

			if (hmap_get(nmem, lid, strlen(lid)) == NULL) {
				left[nleft++] = lid;
				lg->nleft++;
			}
		}
		if (changed || lg->nmembers > 0 || lg->nleft > 0)
			seen.ngroups++;
	}
	for (i = 0, m = 0; i < nn; i++) {
		if (!inc[i])
			continue;
		contacts[m].lid = ne[i].a->lid;
		contacts[m].phone = sim_phone(&ne[i]);
		contacts[m].name = ne[i].a->name;
		contacts[m++].business_name = ne[i].a->business_name;
	}
	seen.contacts = contacts;
	seen.ncontacts = m;
	seen.dms = dms;
	seen.groups = groups;
	if (seen.ncontacts > 0 || seen.ndms > 0 || seen.ngroups > 0)
		sim->ev->seen(ss->cookie, &seen);
	goto out;
nomem:
	log_warnx("sim: %s: out of memory building what the session sees", ss->id);
out:
	free(ne);
	free(oe);
	free(inc);
	free(contacts);
	free(dms);
	free(groups);
	free(owners);
	free(members);
	free(left);
	hmap_free(idx);
	hmap_free(oidx);
	hmap_free(odm);
	hmap_free(omem);
	hmap_free(nmem);
}

/* Reports the whole view once per session (again only as reloads change it). */
static void
sim_report_view(struct sim_sess *ss)
{
	const struct simnet_session *v = sim_view(ss->sim->net, ss);

	if (ss->reported || v == NULL)
		return;
	ss->reported = 1;
	sim_report(ss, v, NULL);
}

/* ---- credentials ---- */

static int
sim_random_hex(char *out, size_t nhex)
{
	unsigned char b[32];
	size_t i;

	if (nhex / 2 > sizeof(b) || RAND_bytes(b, (int)(nhex / 2)) != 1)
		return -1;
	for (i = 0; i < nhex / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static int
sim_creds_make(struct sim_creds *c, const char *account, const char *entry)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->account, sizeof(c->account), "%s", account ? account : "");
	snprintf(c->entry, sizeof(c->entry), "%s", entry ? entry : "");
	return sim_random_hex(c->secret, SIM_SECRET_LEN);
}

static size_t
sim_creds_format(const struct sim_creds *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "wagw-sim 1\naccount=%s\nentry=%s\nsecret=%s\n",
	    c->account, c->entry, c->secret);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* Reads one "name=value\n" line into dst; advances *p.  -1 if malformed. */
static int
sim_creds_line(const char **p, const char *end, const char *name, char *dst,
    size_t size)
{
	size_t nl = strlen(name), vl;
	const char *v, *e;

	if ((size_t)(end - *p) < nl + 1 || memcmp(*p, name, nl) != 0 || (*p)[nl] != '=')
		return -1;
	v = *p + nl + 1;
	if ((e = memchr(v, '\n', (size_t)(end - v))) == NULL ||
	    (vl = (size_t)(e - v)) >= size)
		return -1;
	memcpy(dst, v, vl);
	dst[vl] = '\0';
	*p = e + 1;
	return 0;
}

static int
sim_creds_parse(const void *blob, size_t len, struct sim_creds *c)
{
	static const char head[] = "wagw-sim 1\n";
	const char *p = blob, *end = p + len;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (len < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0)
		return -1;
	p += sizeof(head) - 1;
	if (sim_creds_line(&p, end, "account", c->account, sizeof(c->account)) == -1 ||
	    sim_creds_line(&p, end, "entry", c->entry, sizeof(c->entry)) == -1 ||
	    sim_creds_line(&p, end, "secret", c->secret, sizeof(c->secret)) == -1 ||
	    p != end || strlen(c->secret) != SIM_SECRET_LEN)
		return -1;
	if (c->account[0] != '\0' && phone_parse_e164(c->account,
	    strlen(c->account), (char[PHONE_DIGITS_MAX + 1]){ 0 }) == -1)
		return -1;
	if (c->entry[0] != '\0' && !ids_valid(c->entry, strlen(c->entry)))
		return -1;
	for (i = 0; i < SIM_SECRET_LEN; i++)
		if (!((c->secret[i] >= '0' && c->secret[i] <= '9') ||
		    (c->secret[i] >= 'a' && c->secret[i] <= 'f')))
			return -1;
	return 0;
}

/* ---- the session's life ---- */

static void
sim_query_free(struct sim_query *q)
{
	struct sim_sess *ss = q->sess;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		ss->queries = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	loop_timer_cancel(q->timer);
	free(q->phones);
	free(q->jids);
	free(q->results);
	free(q->about);
	free(q);
}

/* Stops everything the session is doing, silently. */
static void
sim_halt(struct sim_sess *ss)
{
	loop_timer_cancel(ss->step);
	loop_timer_cancel(ss->expiry);
	ss->step = ss->expiry = NULL;
	ss->st = SIM_IDLE;
	ss->qr[0] = ss->code[0] = ss->want_code[0] = '\0';
	while (ss->queries != NULL)
		sim_query_free(ss->queries);
}

static void
sim_state(struct sim_sess *ss, enum link_state st, const char *reason)
{
	ss->sim->ev->state(ss->cookie, st, reason);
}

/* Schedules the session's next step; -1 (no memory: logged) halts it. */
static int
sim_after(struct sim_sess *ss, struct loop_timer **t, int64_t ms, loop_timer_cb cb)
{
	loop_timer_cancel(*t);
	if ((*t = loop_timer_add(ss->sim->loop, ms, cb, ss)) == NULL) {
		log_warnx("sim: %s: out of memory", ss->id);
		sim_halt(ss);
		return -1;
	}
	return 0;
}

/* The same from the loop (a timer), where an event may say so at once. */
static void
sim_next(struct sim_sess *ss, struct loop_timer **t, int64_t ms, loop_timer_cb cb)
{
	if (sim_after(ss, t, ms, cb) == -1)
		sim_state(ss, LINK_DOWN, "out of memory");
}

/* Logged in: the identity, the credentials when new, then up. */
static void
sim_up(void *arg)
{
	struct sim_sess *ss = arg;
	const struct simnet_account *a = NULL;
	char jid[JID_STR_MAX], lid[JID_STR_MAX], blob[256];
	struct link_identity id;
	size_t len;

	ss->step = NULL;
	if (hmap_get(ss->sim->unlinked, ss->id, strlen(ss->id)) != NULL) {
		sim_halt(ss);
		sim_state(ss, LINK_LOGGED_OUT, "the phone removed this linked device");
		return;
	}
	if (ss->fresh_creds && (len = sim_creds_format(&ss->creds, blob,
	    sizeof(blob))) > 0) {
		ss->sim->ev->credentials(ss->cookie, blob, len);
		ss->fresh_creds = 0;
	}
	memset(&id, 0, sizeof(id));
	if (ss->creds.account[0] != '\0') {
		id.phone = ss->creds.account;
		snprintf(jid, sizeof(jid), "%s@s.whatsapp.net", ss->creds.account);
		id.jid = jid;
		if ((a = simnet_by_phone(ss->sim->net, ss->creds.account)) != NULL) {
			snprintf(lid, sizeof(lid), "%s@lid", a->lid);
			id.lid = lid;
			id.push_name = a->name;
		}
	}
	ss->sim->ev->paired(ss->cookie, &id);
	ss->st = SIM_UP;
	sim_state(ss, LINK_UP, "");
	sim_report_view(ss);
}

static void sim_pair_next(void *arg);

/* Shows the next QR text or the phone code, and times it out. */
static void
sim_pair_show(struct sim_sess *ss)
{
	struct link_sim *sim = ss->sim;
	struct link_pairing p;
	unsigned char rnd[24];
	char ref[40], key[40];
	int64_t ms;
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		sim_halt(ss);
		sim_state(ss, LINK_DOWN, "no random bytes");
		return;
	}
	if (ss->kind == LINK_PAIR_QR) {
		b64url_encode(rnd, 12, ref);
		b64url_encode(rnd + 12, 12, key);
		/* Plainly not WhatsApp's: a real phone cannot pair with it. */
		snprintf(ss->qr, sizeof(ss->qr), "wagw-sim://pair#%s,%s", ref, key);
		ms = ss->qr_index == 0 ? sim->net->qr_first_ms : sim->net->qr_next_ms;
		p.code = ss->qr;
	} else {
		static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

		for (i = 0; i < 8; i++)
			ss->code[i < 4 ? i : i + 1] = alphabet[rnd[i] % 32];
		ss->code[4] = '-';
		ss->code[SIM_CODE_LEN] = '\0';
		ms = sim->net->code_ms;
		p.code = ss->code;
	}
	p.kind = ss->kind;
	p.expires_ms = clock_wall_ms() + ms;
	sim->ev->pairing(ss->cookie, &p);
	if (ss->st != SIM_PAIRING) {
		ss->st = SIM_PAIRING;
		sim_state(ss, LINK_PAIRING, "");
	}
	sim_next(ss, &ss->expiry, ms, sim_pair_next);
}

/* The current QR or code ran out: the next one, or pairing gives up. */
static void
sim_pair_next(void *arg)
{
	struct sim_sess *ss = arg;

	ss->expiry = NULL;
	if (ss->kind == LINK_PAIR_QR && ++ss->qr_index < ss->sim->net->qr_count) {
		sim_pair_show(ss);
		return;
	}
	sim_halt(ss);
	sim_state(ss, LINK_FAILED, LINK_REASON_PAIRING_TIMEOUT);
}

/* Connected without credentials: pairing begins. */
static void
sim_pair_begin(void *arg)
{
	struct sim_sess *ss = arg;

	ss->step = NULL;
	ss->qr_index = 0;
	if (ss->want_code[0] != '\0') {
		ss->kind = LINK_PAIR_CODE;
		snprintf(ss->code_phone, sizeof(ss->code_phone), "%s", ss->want_code);
		ss->want_code[0] = '\0';
	} else
		ss->kind = LINK_PAIR_QR;
	sim_pair_show(ss);
}

static void
sim_failed(void *arg)
{
	struct sim_sess *ss = arg;

	ss->step = NULL;
	sim_halt(ss);
	sim_state(ss, LINK_FAILED, "credentials_unreadable");
}

static int
sim_start(struct link_sess *ls, const void *creds, size_t len)
{
	struct sim_sess *ss = (struct sim_sess *)ls;
	const struct simnet_session *prov;
	int lat = ss->sim->net->latency_ms;

	sim_halt(ss);
	ss->st = SIM_CONNECTING;
	if (creds != NULL) {
		if (sim_creds_parse(creds, len, &ss->creds) == -1) {
			log_warnx("sim: %s: the stored credentials are not the sim "
			    "driver's", ss->id);
			ss->has_creds = 0;
			return sim_after(ss, &ss->step, 0, sim_failed);
		}
		ss->has_creds = 1;
		return sim_after(ss, &ss->step, lat, sim_up);
	}
	ss->has_creds = 0;
	if ((prov = simnet_session(ss->sim->net, ss->id)) != NULL) {
		if (sim_creds_make(&ss->creds, prov->account, ss->id) == -1)
			return -1;
		ss->has_creds = ss->fresh_creds = 1;
		hmap_del(ss->sim->unlinked, ss->id, strlen(ss->id));
		return sim_after(ss, &ss->step, lat, sim_up);
	}
	return sim_after(ss, &ss->step, lat, sim_pair_begin);
}

static int
sim_pair_code(struct link_sess *ls, const char *phone)
{
	struct sim_sess *ss = (struct sim_sess *)ls;

	if (ss->st == SIM_UP || (ss->st == SIM_CONNECTING && ss->has_creds))
		return -1;
	if (ss->st == SIM_PAIRING) {
		/* The code comes after a round trip, as from WhatsApp. */
		loop_timer_cancel(ss->expiry);
		ss->expiry = NULL;
		ss->qr[0] = '\0';
		snprintf(ss->want_code, sizeof(ss->want_code), "%s", phone);
		return sim_after(ss, &ss->step, ss->sim->net->latency_ms,
		    sim_pair_begin);
	}
	/* A provisioned session is paired already. */
	if (ss->st == SIM_IDLE && (simnet_session(ss->sim->net, ss->id) != NULL ||
	    sim_start(ls, NULL, 0) == -1))
		return -1;
	snprintf(ss->want_code, sizeof(ss->want_code), "%s", phone);
	return 0;
}

static void
sim_stop(struct link_sess *ls)
{
	sim_halt((struct sim_sess *)ls);
}

static void
sim_logout(struct link_sess *ls, const void *creds, size_t len)
{
	struct sim_sess *ss = (struct sim_sess *)ls;

	(void)creds;
	(void)len;
	sim_halt(ss);
	ss->has_creds = 0;
	ss->reported = 0;
	/* WhatsApp forgets the device: its credentials are void from now. */
	if (hmap_put(ss->sim->unlinked, ss->id, strlen(ss->id), ss->sim) == -1)
		log_warnx("sim: %s: out of memory", ss->id);
}

/* ---- lookups ---- */

static void
sim_answer(void *arg)
{
	struct sim_query *q = arg;
	const struct link_events *ev = q->sess->sim->ev;
	struct link_check_answer a;

	q->timer = NULL;
	if (q->is_about)
		ev->about_done(q->qcookie, q->rc, 0, q->about ? q->about : "");
	else {
		memset(&a, 0, sizeof(a));
		a.rc = q->rc;
		a.results = q->results;
		a.n = q->n;
		ev->check_done(q->qcookie, &a);
	}
	sim_query_free(q);
}

static struct sim_query *
sim_query(struct sim_sess *ss, int is_about, void *qcookie)
{
	const struct simnet_session *v;
	struct sim_query *q;

	if (ss->st != SIM_UP || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->head.drv = &link_sim_driver;
	q->sess = ss;
	q->is_about = is_about;
	q->qcookie = qcookie;
	v = sim_view(ss->sim->net, ss);
	q->rc = v != NULL && v->rate_overlimit ? LINK_RATE_OVERLIMIT : LINK_OK;
	if ((q->timer = loop_timer_add(ss->sim->loop, ss->sim->net->latency_ms,
	    sim_answer, q)) == NULL) {
		free(q);
		return NULL;
	}
	q->next = ss->queries;
	if (q->next != NULL)
		q->next->prev = q;
	ss->queries = q;
	return q;
}

static struct link_query *
sim_check(struct link_sess *ls, const char *const *phones, size_t n, void *qcookie)
{
	struct sim_sess *ss = (struct sim_sess *)ls;
	struct sim_query *q;
	size_t i;

	if ((q = sim_query(ss, 0, qcookie)) == NULL)
		return NULL;
	if ((q->phones = calloc(n, sizeof(*q->phones))) == NULL ||
	    (q->jids = calloc(n, sizeof(*q->jids))) == NULL ||
	    (q->results = calloc(n, sizeof(*q->results))) == NULL) {
		sim_query_free(q);
		return NULL;
	}
	q->n = n;
	for (i = 0; i < n; i++) {
		const struct simnet_account *a = simnet_by_phone(ss->sim->net, phones[i]);

		snprintf(q->phones[i], sizeof(q->phones[i]), "%s", phones[i]);
		q->results[i].phone = q->phones[i];
		/* On WhatsApp exactly when some account has that phone. */
		q->results[i].on_whatsapp = a != NULL;
		if (a != NULL) {
			snprintf(q->jids[i], sizeof(q->jids[i]), "%s@s.whatsapp.net",
			    phones[i]);
			q->results[i].jid = q->jids[i];
			q->results[i].lid = a->lid;
		}
	}
	return &q->head;
}

static struct link_query *
sim_about(struct link_sess *ls, const struct jid *jid, void *qcookie)
{
	struct sim_sess *ss = (struct sim_sess *)ls;
	const struct simnet_account *a;
	struct sim_query *q;

	if ((q = sim_query(ss, 1, qcookie)) == NULL)
		return NULL;
	a = jid->kind == JID_PHONE ? simnet_by_phone(ss->sim->net, jid->user) :
	    jid->kind == JID_LID ? simnet_by_lid(ss->sim->net, jid->user) : NULL;
	if (a != NULL && !a->about_hidden && a->about[0] != '\0' &&
	    (q->about = strdup(a->about)) == NULL) {
		sim_query_free(q);
		return NULL;
	}
	return &q->head;
}

static void
sim_cancel(struct link_query *lq)
{
	sim_query_free((struct sim_query *)lq);
}

/* ---- the driver ---- */

static void
sim_unheld(void *arg)
{
	struct link_sim *sim = arg;
	const char *id;
	size_t i;

	sim->unheld_timer = NULL;
	for (i = 0; i < sim->net->nsessions; i++) {
		id = sim->net->sessions[i].id;
		if (hmap_get(sim->sess, id, strlen(id)) == NULL)
			log_info("sim: session %s is in %s but not in the database: "
			    "ignored", id, sim->path);
	}
}

/* Once the daemon has made its sessions (this round), name the file's others. */
static void
sim_unheld_later(struct link_sim *sim)
{
	if (sim->unheld_timer == NULL)
		sim->unheld_timer = loop_timer_add(sim->loop, 0, sim_unheld, sim);
}

static void *
sim_open(const struct config *cfg, struct loop *loop, const struct link_events *ev,
    char *err, size_t errlen)
{
	struct link_sim *sim;

	if ((sim = calloc(1, sizeof(*sim))) == NULL ||
	    (sim->sess = hmap_new()) == NULL || (sim->unlinked = hmap_new()) == NULL) {
		if (sim != NULL)
			hmap_free(sim->sess);
		free(sim);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(sim->path, sizeof(sim->path), "%s", cfg->sim_network);
	sim->loop = loop;
	sim->ev = ev;
	if (simnet_load(&sim->net, sim->path, err, errlen) == -1) {
		hmap_free(sim->sess);
		hmap_free(sim->unlinked);
		free(sim);
		return NULL;
	}
	/* Parsing held the whole JSON tree: give that memory back. */
	malloc_trim(0);
	log_info("sim: %s: %zu accounts, %zu sessions, latency %d ms", sim->path,
	    sim->net->naccounts, sim->net->nsessions, sim->net->latency_ms);
	sim_unheld_later(sim);
	return sim;
}

static void
sim_close(void *impl)
{
	struct link_sim *sim = impl;

	/* The daemon has freed its sessions first. */
	loop_timer_cancel(sim->unheld_timer);
	hmap_free(sim->sess);
	hmap_free(sim->unlinked);
	simnet_free(sim->net);
	free(sim);
}

struct sim_reload {
	struct link_sim	*sim;
	struct simnet	*old;
};

static int
sim_reload_one(const char *key, size_t len, void *val, void *arg)
{
	struct sim_reload *r = arg;
	struct sim_sess *ss = val;
	const struct simnet_session *s, *old;

	(void)key;
	(void)len;
	if (!ss->reported)
		return 0;
	s = sim_view(r->sim->net, ss);
	old = sim_view(r->old, ss);
	if (s != NULL)
		sim_report(ss, s, old);
	return 0;
}

static int
sim_reload(void *impl, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_reload r = { sim, NULL };
	struct simnet *net;

	if (simnet_load(&net, sim->path, err, errlen) == -1)
		return -1;
	r.old = sim->net;
	sim->net = net;
	hmap_each(sim->sess, sim_reload_one, &r);
	simnet_free(r.old);
	malloc_trim(0);
	log_info("sim: %s: reloaded, %zu accounts, %zu sessions", sim->path,
	    net->naccounts, net->nsessions);
	sim_unheld_later(sim);
	return 0;
}

static int
sim_provisioned(void *impl, const char *id, int *autostart)
{
	struct link_sim *sim = impl;
	const struct simnet_session *s = simnet_session(sim->net, id);

	*autostart = s != NULL && s->connected;
	return s != NULL;
}

static void
sim_first_report(void *arg)
{
	struct sim_sess *ss = arg;
	const struct simnet_session *prov = simnet_session(ss->sim->net, ss->id);

	ss->seen_timer = NULL;
	/* What a provisioned session sees is stored as if seen when it was
	 * last connected, also while it stays stopped. */
	if (prov != NULL && !ss->has_creds && !ss->reported) {
		ss->reported = 1;
		sim_report(ss, prov, NULL);
	}
}

static struct link_sess *
sim_sess_new(void *impl, const char *id, void *cookie)
{
	struct link_sim *sim = impl;
	struct sim_sess *ss;

	if (hmap_get(sim->sess, id, strlen(id)) != NULL ||
	    (ss = calloc(1, sizeof(*ss))) == NULL)
		return NULL;
	ss->head.drv = &link_sim_driver;
	ss->sim = sim;
	snprintf(ss->id, sizeof(ss->id), "%s", id);
	ss->cookie = cookie;
	if (hmap_put(sim->sess, ss->id, strlen(ss->id), ss) == -1) {
		free(ss);
		return NULL;
	}
	if (simnet_session(sim->net, id) != NULL)
		ss->seen_timer = loop_timer_add(sim->loop, 0, sim_first_report, ss);
	return &ss->head;
}

static void
sim_sess_free(struct link_sess *ls)
{
	struct sim_sess *ss = (struct sim_sess *)ls;

	sim_halt(ss);
	loop_timer_cancel(ss->seen_timer);
	hmap_del(ss->sim->sess, ss->id, strlen(ss->id));
	free(ss);
}

/* ---- what a phone does ---- */

struct sim_find {
	const char	*text;
	int		 kind;
	struct sim_sess	*found;
};

static int
sim_find_one(const char *key, size_t len, void *val, void *arg)
{
	struct sim_find *f = arg;
	struct sim_sess *ss = val;

	(void)key;
	(void)len;
	if (ss->st != SIM_PAIRING || (int)ss->kind != f->kind)
		return 0;
	if (strcmp(f->kind == LINK_PAIR_QR ? ss->qr : ss->code, f->text) == 0) {
		f->found = ss;
		return 1;
	}
	return 0;
}

/* A phone scanned or typed what ss showed: it pairs with account. */
static int
sim_paired(struct sim_sess *ss, const char *account)
{
	sim_halt(ss);
	if (sim_creds_make(&ss->creds, account, NULL) == -1)
		return -1;
	ss->has_creds = ss->fresh_creds = 1;
	ss->reported = 0;
	hmap_del(ss->sim->unlinked, ss->id, strlen(ss->id));
	ss->st = SIM_CONNECTING;
	return sim_after(ss, &ss->step, ss->sim->net->latency_ms, sim_up);
}

int
sim_scan(void *impl, const char *qr, const char *phone, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_find f = { qr, LINK_PAIR_QR, NULL };
	char digits[PHONE_DIGITS_MAX + 1];

	if (phone_parse_e164(phone, strlen(phone), digits) == -1) {
		snprintf(err, errlen, "--account must be a phone number (E.164)");
		return -1;
	}
	hmap_each(sim->sess, sim_find_one, &f);
	if (f.found == NULL) {
		snprintf(err, errlen, "no session shows this QR code now (it may "
		    "have rotated or expired)");
		return -1;
	}
	log_info("sim: session %s: the phone of +%s scanned its QR code",
	    f.found->id, digits);
	if (sim_paired(f.found, digits) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
sim_link_code(void *impl, const char *code, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_find f = { NULL, LINK_PAIR_CODE, NULL };
	char norm[SIM_CODE_LEN + 1];
	size_t i, k = 0;

	/* As a phone's keypad takes it: with or without the dash, any case. */
	for (i = 0; code[i] != '\0' && k < 8; i++) {
		char c = code[i];

		if (c == '-' && k == 4)
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		norm[k < 4 ? k : k + 1] = c;
		k++;
	}
	if (k != 8 || code[i] != '\0') {
		snprintf(err, errlen, "a pairing code is 8 characters, XXXX-XXXX");
		return -1;
	}
	norm[4] = '-';
	norm[SIM_CODE_LEN] = '\0';
	f.text = norm;
	hmap_each(sim->sess, sim_find_one, &f);
	if (f.found == NULL) {
		snprintf(err, errlen, "no session waits for this code now (it may "
		    "have expired)");
		return -1;
	}
	log_info("sim: session %s: the phone of +%s entered its pairing code",
	    f.found->id, f.found->code_phone);
	if (sim_paired(f.found, f.found->code_phone) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
sim_logged_out(void *arg)
{
	struct sim_sess *ss = arg;

	ss->step = NULL;
	sim_halt(ss);
	ss->has_creds = 0;
	sim_state(ss, LINK_LOGGED_OUT, "the phone removed this linked device");
}

int
sim_unlink(void *impl, const char *session, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_sess *ss = hmap_get(sim->sess, session, strlen(session));

	if (ss == NULL) {
		snprintf(err, errlen, "no sim session %s", session);
		return -1;
	}
	if (hmap_put(sim->unlinked, ss->id, strlen(ss->id), sim) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Running: WhatsApp tells it at once; stopped: at its next login. */
	if ((ss->st == SIM_UP || (ss->st == SIM_CONNECTING && ss->has_creds)) &&
	    sim_after(ss, &ss->step, 0, sim_logged_out) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	log_info("sim: session %s: the phone removed the linked device", ss->id);
	return 0;
}

static void
sim_dropped(void *arg)
{
	struct sim_sess *ss = arg;

	ss->step = NULL;
	sim_halt(ss);
	sim_state(ss, LINK_DOWN, "the network dropped the connection");
}

int
sim_drop(void *impl, const char *session, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_sess *ss = hmap_get(sim->sess, session, strlen(session));

	if (ss == NULL || ss->st == SIM_IDLE) {
		snprintf(err, errlen, "sim session %s is not connected", session);
		return -1;
	}
	if (sim_after(ss, &ss->step, 0, sim_dropped) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	log_info("sim: session %s: the network drops its connection", ss->id);
	return 0;
}

const struct link_driver link_sim_driver = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.reload = sim_reload,
	.provisioned = sim_provisioned,
	.sess_new = sim_sess_new,
	.sess_free = sim_sess_free,
	.start = sim_start,
	.pair_code = sim_pair_code,
	.stop = sim_stop,
	.logout = sim_logout,
	.check = sim_check,
	.about = sim_about,
	.cancel = sim_cancel,
};
