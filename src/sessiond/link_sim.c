/*
 * The "sim" link driver: the simulated WhatsApp network of OPERATIONS.md
 * (parsed by simnet.c).  Connecting, check and about answer after the
 * file's latencyMs, on loop timers.
 *
 * A session knows a person's phone number when the account has one and
 * the person is in its dms or in at least one of its groups without
 * phoneHidden; otherwise it knows the person by LID only.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/store.h"
#include "sessiond/hmap.h"
#include "sessiond/link_impl.h"
#include "sessiond/simnet.h"

struct link_sim;

struct sim_sess {
	struct link_sim	*sim;
	char		 id[STORE_ID_MAX + 1];
	int		 up;
	struct loop_timer *connect_timer;
	struct link_query *queries;
};

struct link_query {
	struct sim_sess	*sess;
	int		 is_about;
	void		*cookie;
	struct loop_timer *timer;
	int		 rc;
	int		 on_whatsapp;
	char		 jid[JID_STR_MAX];
	char		*about;
	struct link_query *prev, *next;
};

struct link_sim {
	char		 path[CONFIG_PATH_MAX];
	struct loop	*loop;
	const struct link_events *ev;
	void		*arg;
	struct simnet	*net;
	struct hmap	*open;		/* session id -> struct sim_sess */
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

/*
 * Reports what s (in the current network) shows that old (the same
 * session in the previous network, or NULL) did not: new or changed
 * contacts, new direct chats, new groups and new or changed memberships.
 */
static void
sim_report(struct link_sim *sim, const struct simnet_session *s,
    const struct simnet_session *old)
{
	struct sim_entry *ne = NULL, *oe = NULL;
	struct hmap *idx = NULL, *oidx = NULL, *odm = NULL, *omem = NULL;
	struct link_contact *contacts = NULL;
	const char **dms = NULL;
	struct link_group *groups = NULL;
	struct link_member *members = NULL;
	struct link_seen seen;
	unsigned char *inc = NULL;
	size_t nn = 0, on = 0, i, k, m, nm = 0, nmem = 0;

	memset(&seen, 0, sizeof(seen));
	if (sim_entries(s, &ne, &nn) == -1 ||
	    (old != NULL && sim_entries(old, &oe, &on) == -1) ||
	    (idx = hmap_new()) == NULL || (oidx = hmap_new()) == NULL ||
	    (odm = hmap_new()) == NULL)
		goto nomem;
	for (i = 0; i < s->ngroups; i++)
		nm += s->groups[i].nmembers;
	if ((nn > 0 && ((inc = calloc(nn, 1)) == NULL ||
	    (contacts = calloc(nn, sizeof(*contacts))) == NULL)) ||
	    (s->ndms > 0 && (dms = calloc(s->ndms, sizeof(*dms))) == NULL) ||
	    (s->ngroups > 0 && (groups = calloc(s->ngroups, sizeof(*groups))) == NULL) ||
	    (nm > 0 && (members = calloc(nm, sizeof(*members))) == NULL))
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

		for (k = 0; old != NULL && k < old->ngroups; k++)
			if (strcmp(old->groups[k].jid, g->jid) == 0)
				og = &old->groups[k];
		changed = og == NULL || !sim_streq(og->subject, g->subject);
		hmap_free(omem);
		if ((omem = hmap_new()) == NULL)
			goto nomem;
		for (k = 0; og != NULL && k < og->nmembers; k++)
			if (hmap_put(omem, og->members[k].account->lid,
			    strlen(og->members[k].account->lid),
			    (void *)&og->members[k]) == -1)
				goto nomem;
		lg->jid = g->jid;
		lg->subject = g->subject;
		lg->members = &members[nmem];
		for (k = 0; k < g->nmembers; k++) {
			const struct simnet_member *mb = &g->members[k], *om;

			om = hmap_get(omem, mb->account->lid, strlen(mb->account->lid));
			if (om != NULL && om->role == mb->role &&
			    sim_streq(om->tag, mb->tag))
				continue;
			members[nmem].lid = mb->account->lid;
			members[nmem].role = simnet_role_str(mb->role);
			members[nmem++].tag = mb->tag;
			lg->nmembers++;
			inc[sim_index(idx, mb->account->lid)] = 1;
		}
		if (changed || lg->nmembers > 0)
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
	seen.self_phone = s->account;
	seen.contacts = contacts;
	seen.ncontacts = m;
	seen.dms = dms;
	seen.groups = groups;
	if (old == NULL || seen.ncontacts > 0 || seen.ndms > 0 || seen.ngroups > 0)
		sim->ev->seen(sim->arg, s->id, &seen);
	goto out;
nomem:
	log_warnx("sim: %s: out of memory building what the session sees", s->id);
out:
	free(ne);
	free(oe);
	free(inc);
	free(contacts);
	free(dms);
	free(groups);
	free(members);
	hmap_free(idx);
	hmap_free(oidx);
	hmap_free(odm);
	hmap_free(omem);
}

static void *
sim_open(const struct config *cfg, struct loop *loop, const struct link_events *ev,
    void *arg, char *err, size_t errlen)
{
	struct link_sim *sim;

	if ((sim = calloc(1, sizeof(*sim))) == NULL ||
	    (sim->open = hmap_new()) == NULL) {
		free(sim);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(sim->path, sizeof(sim->path), "%s", cfg->sim_network);
	sim->loop = loop;
	sim->ev = ev;
	sim->arg = arg;
	if (simnet_load(&sim->net, sim->path, err, errlen) == -1) {
		hmap_free(sim->open);
		free(sim);
		return NULL;
	}
	/* Parsing held the whole JSON tree: give that memory back. */
	malloc_trim(0);
	log_info("sim: %s: %zu accounts, %zu sessions, latency %d ms", sim->path,
	    sim->net->naccounts, sim->net->nsessions, sim->net->latency_ms);
	return sim;
}

static void
sim_query_free(struct link_query *q)
{
	struct sim_sess *ss = q->sess;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		ss->queries = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	loop_timer_cancel(q->timer);
	free(q->about);
	free(q);
}

static void
sim_sess_down(struct sim_sess *ss)
{
	loop_timer_cancel(ss->connect_timer);
	ss->connect_timer = NULL;
	ss->up = 0;
	while (ss->queries != NULL)
		sim_query_free(ss->queries);
}

static void
sim_sess_free(void *val)
{
	sim_sess_down(val);
	free(val);
}

static void
sim_close(void *impl)
{
	struct link_sim *sim = impl;

	hmap_free_with(sim->open, sim_sess_free);
	simnet_free(sim->net);
	free(sim);
}

static void
sim_info(struct link_sim *sim, const char *session, struct link_session_info *info)
{
	const struct simnet_session *s = simnet_session(sim->net, session);

	memset(info, 0, sizeof(*info));
	if (s == NULL) {
		snprintf(info->reason, sizeof(info->reason),
		    "not in the simulated network");
		return;
	}
	info->known = 1;
	info->autoconnect = s->connected;
}

struct sim_reload {
	struct link_sim	*sim;
	struct simnet	*old;
	struct sim_sess	**gone;
	size_t		 ngone;
};

static int
sim_reload_one(const char *key, size_t len, void *val, void *arg)
{
	struct sim_reload *r = arg;
	struct sim_sess *ss = val;
	const struct simnet_session *s, *old;

	(void)len;
	s = simnet_session(r->sim->net, key);
	old = simnet_session(r->old, key);
	if (s != NULL)
		sim_report(r->sim, s, old);
	else if (ss->up || ss->connect_timer != NULL)
		r->gone[r->ngone++] = ss;
	return 0;
}

static int
sim_reload(void *impl, char *err, size_t errlen)
{
	struct link_sim *sim = impl;
	struct sim_reload r = { sim, NULL, NULL, 0 };
	struct simnet *net;
	size_t i;

	if (simnet_load(&net, sim->path, err, errlen) == -1)
		return -1;
	if ((r.gone = calloc(hmap_count(sim->open) + 1, sizeof(*r.gone))) == NULL) {
		simnet_free(net);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r.old = sim->net;
	sim->net = net;
	hmap_each(sim->open, sim_reload_one, &r);
	for (i = 0; i < r.ngone; i++) {
		sim_sess_down(r.gone[i]);
		sim->ev->state(sim->arg, r.gone[i]->id, 0,
		    "removed from the simulated network");
	}
	free(r.gone);
	simnet_free(r.old);
	malloc_trim(0);
	log_info("sim: %s: reloaded, %zu accounts, %zu sessions", sim->path,
	    net->naccounts, net->nsessions);
	return 0;
}

static struct sim_sess *
sim_sess(struct link_sim *sim, const char *session)
{
	return hmap_get(sim->open, session, strlen(session));
}

static void
sim_session_open(void *impl, const char *session, struct link_session_info *info)
{
	struct link_sim *sim = impl;
	const struct simnet_session *s;
	struct sim_sess *ss;

	sim_info(sim, session, info);
	if (sim_sess(sim, session) == NULL) {
		if ((ss = calloc(1, sizeof(*ss))) == NULL ||
		    hmap_put(sim->open, session, strlen(session), ss) == -1) {
			free(ss);
			log_warnx("sim: %s: out of memory", session);
			info->known = 0;
			snprintf(info->reason, sizeof(info->reason), "out of memory");
			return;
		}
		ss->sim = sim;
		snprintf(ss->id, sizeof(ss->id), "%s", session);
	}
	if ((s = simnet_session(sim->net, session)) != NULL)
		sim_report(sim, s, NULL);
}

static void
sim_session_info(void *impl, const char *session, struct link_session_info *info)
{
	sim_info(impl, session, info);
}

static void
sim_session_close(void *impl, const char *session)
{
	struct link_sim *sim = impl;
	struct sim_sess *ss = hmap_del(sim->open, session, strlen(session));

	if (ss != NULL)
		sim_sess_free(ss);
}

static void
sim_report_unheld(void *impl)
{
	struct link_sim *sim = impl;
	const char *id;
	size_t i;

	for (i = 0; i < sim->net->nsessions; i++) {
		id = sim->net->sessions[i].id;
		if (sim_sess(sim, id) == NULL)
			log_info("sim: session %s is in %s but not in the database: "
			    "ignored", id, sim->path);
	}
}

static void
sim_connected(void *arg)
{
	struct sim_sess *ss = arg;

	ss->connect_timer = NULL;
	ss->up = 1;
	ss->sim->ev->state(ss->sim->arg, ss->id, 1, "");
}

static int
sim_connect(void *impl, const char *session)
{
	struct link_sim *sim = impl;
	struct sim_sess *ss = sim_sess(sim, session);

	if (ss == NULL || simnet_session(sim->net, session) == NULL)
		return -1;
	if (ss->up || ss->connect_timer != NULL)
		return 0;
	ss->connect_timer = loop_timer_add(sim->loop, sim->net->latency_ms,
	    sim_connected, ss);
	return ss->connect_timer != NULL ? 0 : -1;
}

static void
sim_disconnect(void *impl, const char *session)
{
	struct sim_sess *ss = sim_sess(impl, session);

	if (ss != NULL)
		sim_sess_down(ss);
}

static void
sim_answer(void *arg)
{
	struct link_query *q = arg;
	const struct link_events *ev = q->sess->sim->ev;

	q->timer = NULL;
	if (q->is_about)
		ev->about_done(q->cookie, q->rc, q->about ? q->about : "");
	else
		ev->check_done(q->cookie, q->rc, q->on_whatsapp, q->jid);
	sim_query_free(q);
}

static struct link_query *
sim_query(struct link_sim *sim, const char *session, int is_about, void *cookie,
    const struct simnet_session **s)
{
	struct sim_sess *ss = sim_sess(sim, session);
	struct link_query *q;

	if (ss == NULL || !ss->up ||
	    (*s = simnet_session(sim->net, session)) == NULL ||
	    (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->sess = ss;
	q->is_about = is_about;
	q->cookie = cookie;
	q->rc = (*s)->rate_overlimit ? LINK_RATE_OVERLIMIT : LINK_OK;
	if ((q->timer = loop_timer_add(sim->loop, sim->net->latency_ms,
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
sim_check(void *impl, const char *session, const char *phone, void *cookie)
{
	struct link_sim *sim = impl;
	const struct simnet_session *s;
	struct link_query *q;

	if ((q = sim_query(sim, session, 0, cookie, &s)) == NULL)
		return NULL;
	/* On WhatsApp exactly when some account has that phone. */
	if (simnet_by_phone(sim->net, phone) != NULL) {
		q->on_whatsapp = 1;
		snprintf(q->jid, sizeof(q->jid), "%s@s.whatsapp.net", phone);
	}
	return q;
}

static struct link_query *
sim_about(void *impl, const char *session, const struct jid *jid, void *cookie)
{
	struct link_sim *sim = impl;
	const struct simnet_session *s;
	const struct simnet_account *a;
	struct link_query *q;

	if ((q = sim_query(sim, session, 1, cookie, &s)) == NULL)
		return NULL;
	a = jid->kind == JID_PHONE ? simnet_by_phone(sim->net, jid->user) :
	    jid->kind == JID_LID ? simnet_by_lid(sim->net, jid->user) : NULL;
	if (a != NULL && !a->about_hidden && a->about[0] != '\0' &&
	    (q->about = strdup(a->about)) == NULL) {
		sim_query_free(q);
		return NULL;
	}
	return q;
}

static void
sim_cancel(void *impl, struct link_query *q)
{
	(void)impl;
	if (q != NULL)
		sim_query_free(q);
}

const struct link_driver link_sim_driver = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.reload = sim_reload,
	.session_open = sim_session_open,
	.session_info = sim_session_info,
	.session_close = sim_session_close,
	.report_unheld = sim_report_unheld,
	.connect = sim_connect,
	.disconnect = sim_disconnect,
	.check = sim_check,
	.about = sim_about,
	.cancel = sim_cancel,
};
