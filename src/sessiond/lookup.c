/*
 * Live lookups (check, about) on a session's link, with the safety
 * WhatsApp needs: a cache of check answers (a hit spends no budget, and
 * never answers for a session that is not connected), the session's
 * budget (ratelimit.h), one query for identical lookups in flight, one
 * link query for all the new numbers of a check, a deadline per query,
 * and a back-off after the link reports rate-overlimit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "ipc/sessiond_client.h"
#include "sessiond/daemon_impl.h"

static int64_t
lookup_ceil_s(int64_t ms)
{
	return ms <= 0 ? 1 : (ms + 999) / 1000;
}

static size_t
lookup_key(char *buf, size_t size, int is_about, const struct session *s,
    const char *what)
{
	int n = snprintf(buf, size, "%c|%s|%s", is_about ? 'a' : 'c', s->row.id, what);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* Unlinks lk from the daemon: its keys and the list. */
static void
lookup_unlink(struct lookup *lk)
{
	struct daemon *d = lk->d;
	char key[STORE_ID_MAX + 32];
	size_t i, len;

	if (lk->is_about)
		hmap_del(d->lookups, lk->about_key, strlen(lk->about_key));
	for (i = 0; i < lk->nphones; i++) {
		len = lookup_key(key, sizeof(key), 0, lk->s, lk->phones[i]);
		if (hmap_get(d->lookups, key, len) == lk)
			hmap_del(d->lookups, key, len);
	}
	if (lk->prev != NULL)
		lk->prev->next = lk->next;
	else
		d->lookup_list = lk->next;
	if (lk->next != NULL)
		lk->next->prev = lk->prev;
	d->nlookups--;
}

static void
lookup_free(struct lookup *lk)
{
	loop_timer_cancel(lk->timer);
	free(lk->phones);
	free(lk->w);
	free(lk->wphone);
	free(lk);
}

/* Ends lk: its waiters get what they were given. */
static void
lookup_end(struct lookup *lk)
{
	struct daemon *d = lk->d;
	size_t i;

	lookup_unlink(lk);
	for (i = 0; i < lk->nw; i++)
		if (--lk->w[i].r->pending == 0)
			request_finish(lk->w[i].r);
	lookup_free(lk);
	daemon_drain_check(d);
}

static void
lookup_fail(struct lookup *lk, int err, int64_t retry_after, const char *msg)
{
	size_t i;

	for (i = 0; i < lk->nw; i++)
		request_fail(lk->w[i].r, err, retry_after, "%s", msg);
	lookup_end(lk);
}

static void
lookup_timeout(void *arg)
{
	struct lookup *lk = arg;

	lk->timer = NULL;
	link_cancel(lk->q);
	lk->q = NULL;
	log_info("session %s: a live lookup passed its deadline", lk->s->row.id);
	lookup_fail(lk, IPC_ERR_TIMEOUT, 0, "WhatsApp did not answer in time");
}

/* A lookup of s: n phones, or jid for an about.  NULL when it cannot start. */
static struct lookup *
lookup_start(struct daemon *d, struct session *s, char (*phones)[16], size_t n,
    const struct jid *jid, const char *about_key)
{
	const char *list[LINK_CHECK_MAX];
	char key[STORE_ID_MAX + 32];
	struct lookup *lk;
	size_t i, len;

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return NULL;
	lk->d = d;
	lk->s = s;
	lk->is_about = jid != NULL;
	if (jid != NULL)
		snprintf(lk->about_key, sizeof(lk->about_key), "%s", about_key);
	else {
		if ((lk->phones = calloc(n, sizeof(*lk->phones))) == NULL)
			goto fail;
		memcpy(lk->phones, phones, n * sizeof(*lk->phones));
		lk->nphones = n;
		for (i = 0; i < n; i++)
			list[i] = lk->phones[i];
	}
	if ((lk->timer = loop_timer_add(d->loop, d->cfg->lookup_timeout_ms,
	    lookup_timeout, lk)) == NULL)
		goto fail;
	lk->q = jid != NULL ? link_about(s->ls, jid, lk) :
	    link_check(s->ls, list, n, lk);
	if (lk->q == NULL)
		goto fail;
	d->link_queries++;
	lk->next = d->lookup_list;
	if (lk->next != NULL)
		lk->next->prev = lk;
	d->lookup_list = lk;
	d->nlookups++;
	/* A map entry per phone (or the about): later lookups join it. */
	if (jid != NULL && hmap_put(d->lookups, about_key, strlen(about_key), lk) == -1)
		log_warnx("lookup: out of memory indexing a lookup");
	for (i = 0; i < lk->nphones; i++) {
		len = lookup_key(key, sizeof(key), 0, s, lk->phones[i]);
		if (hmap_put(d->lookups, key, len, lk) == -1)
			log_warnx("lookup: out of memory indexing a lookup");
	}
	return lk;
fail:
	link_cancel(lk->q);
	lookup_free(lk);
	return NULL;
}

/* r waits on lk for its phone idx, which is phone pidx of lk. */
static int
lookup_join(struct lookup *lk, struct request *r, size_t idx, size_t pidx)
{
	struct lookup_waiter *w;
	size_t *wp;

	if (lk->nw == lk->capw) {
		size_t cap = lk->capw ? lk->capw * 2 : 4;

		if ((w = reallocarray(lk->w, cap, sizeof(*w))) == NULL)
			return -1;
		lk->w = w;
		if ((wp = reallocarray(lk->wphone, cap, sizeof(*wp))) == NULL)
			return -1;
		lk->wphone = wp;
		lk->capw = cap;
	}
	lk->w[lk->nw].r = r;
	lk->w[lk->nw].idx = idx;
	lk->wphone[lk->nw++] = pidx;
	r->pending++;
	return 0;
}

/*
 * Spends n new queries of s's budget.  0, or -1 after failing r with
 * rate_limited: also when n can never fit the bucket at once (the
 * Retry-After then says when it is full, and the message why that is
 * not enough).
 */
static int
lookup_budget(struct daemon *d, struct session *s, struct request *r, size_t n)
{
	int64_t mono = clock_mono_ms(), ra;

	if (n == 0)
		return 0;
	if (s->lookup_backoff_until > mono) {
		request_fail(r, IPC_ERR_RATE_LIMITED,
		    lookup_ceil_s(s->lookup_backoff_until - mono),
		    "backing off after WhatsApp reported rate-overlimit");
		return -1;
	}
	if (n > (size_t)d->rlc.burst) {
		ra = ratelimit_full_in(&s->rl, &d->rlc, mono);
		request_fail(r, IPC_ERR_RATE_LIMITED, ra > 0 ? ra : 1, "this needs %zu new lookups "
		    "at once, more than the session's lookup_burst (%d) allows: ask "
		    "for fewer numbers per call", n, d->rlc.burst);
		return -1;
	}
	if ((ra = ratelimit_take(&s->rl, &d->rlc, (int)n, mono, clock_wall_ms())) > 0) {
		request_fail(r, IPC_ERR_RATE_LIMITED, ra,
		    "the session's live-lookup budget is spent");
		return -1;
	}
	limits_changed(s);
	return 0;
}

static int
lookup_usable(struct session *s, struct request *r)
{
	if (s->status == STATUS_WORKING)
		return 1;
	request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "the session is %s%s%s",
	    status_name(s->status), s->row.reason[0] ? ": " : "", s->row.reason);
	request_finish(r);
	return 0;
}

/* The index of phone in lk's phones. */
static size_t
lookup_phone_index(const struct lookup *lk, const char *phone)
{
	size_t i;

	for (i = 0; i < lk->nphones; i++)
		if (strcmp(lk->phones[i], phone) == 0)
			break;
	return i;
}

void
lookup_check(struct daemon *d, struct session *s, struct request *r,
    char (*phones)[16], size_t n)
{
	char key[STORE_ID_MAX + 32], fresh[LINK_CHECK_MAX][16];
	unsigned char live[SESSIOND_CHECK_MAX];
	struct store_check cc;
	struct lookup *lk;
	size_t i, k, nnew = 0, keylen;
	int64_t now = clock_wall_ms();

	if (!lookup_usable(s, r))
		return;
	for (i = 0; i < n; i++) {
		memcpy(r->checks[i].phone, phones[i], sizeof(r->checks[i].phone));
		live[i] = 1;
		if (checkcache_get(d, s, phones[i], now, &cc) == STORE_OK) {
			r->checks[i].on_whatsapp = cc.on_whatsapp;
			memcpy(r->checks[i].jid, cc.jid, sizeof(cc.jid));
			live[i] = 0;
			continue;
		}
		keylen = lookup_key(key, sizeof(key), 0, s, phones[i]);
		if (hmap_get(d->lookups, key, keylen) != NULL)
			continue;
		for (k = 0; k < nnew; k++)
			if (strcmp(fresh[k], phones[i]) == 0)
				break;
		if (k == nnew)
			memcpy(fresh[nnew++], phones[i], sizeof(fresh[0]));
	}
	/* All or nothing: an over-budget check spends nothing. */
	if (lookup_budget(d, s, r, nnew) == -1) {
		request_finish(r);
		return;
	}
	if (nnew > 0 && lookup_start(d, s, fresh, nnew, NULL, NULL) == NULL) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "the lookup could not start");
		request_finish(r);
		return;
	}
	for (i = 0; i < n && r->err == IPC_ERR_NONE; i++) {
		if (!live[i])
			continue;
		keylen = lookup_key(key, sizeof(key), 0, s, phones[i]);
		if ((lk = hmap_get(d->lookups, key, keylen)) == NULL ||
		    lookup_join(lk, r, i, lookup_phone_index(lk, phones[i])) == -1)
			request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	}
	if (r->pending == 0)
		request_finish(r);
}

void
lookup_about(struct daemon *d, struct session *s, struct request *r,
    const struct jid *jid)
{
	char key[STORE_ID_MAX + JID_STR_MAX + 8], bare[JID_STR_MAX];
	struct lookup *lk;
	size_t keylen;

	if (!lookup_usable(s, r))
		return;
	jid_format_bare(jid, bare);
	keylen = lookup_key(key, sizeof(key), 1, s, bare);
	if ((lk = hmap_get(d->lookups, key, keylen)) == NULL) {
		if (lookup_budget(d, s, r, 1) == -1) {
			request_finish(r);
			return;
		}
		if ((lk = lookup_start(d, s, NULL, 0, jid, key)) == NULL) {
			request_fail(r, IPC_ERR_INTERNAL, 0, "the lookup could not start");
			request_finish(r);
			return;
		}
	}
	if (lookup_join(lk, r, 0, 0) == -1) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
	}
}

/* A link answer that is not an answer.  1 when lk was ended. */
static int
lookup_link_error(struct lookup *lk, enum link_rc rc, int64_t retry_after_ms)
{
	struct session *s = lk->s;

	lk->q = NULL;		/* the link is done with it */
	if (rc == LINK_OK) {
		if (s->lookup_backoff_ms != 0) {
			s->lookup_backoff_ms = 0;
			limits_changed(s);
		}
		return 0;
	}
	if (rc == LINK_RATE_OVERLIMIT) {
		/* WhatsApp's own back-off when it gave one, else ours, doubling. */
		s->lookup_backoff_ms = retry_after_ms > 0 ? retry_after_ms :
		    s->lookup_backoff_ms == 0 ? LOOKUP_BACKOFF_MIN_MS :
		    s->lookup_backoff_ms * 2 > LOOKUP_BACKOFF_MAX_MS ?
		    LOOKUP_BACKOFF_MAX_MS : s->lookup_backoff_ms * 2;
		s->lookup_backoff_until = clock_mono_ms() + s->lookup_backoff_ms;
		limits_changed(s);
		log_warnx("session %s: WhatsApp reported rate-overlimit; no live "
		    "lookups for %lld s", s->row.id,
		    (long long)lookup_ceil_s(s->lookup_backoff_ms));
		lookup_fail(lk, IPC_ERR_RATE_LIMITED, lookup_ceil_s(s->lookup_backoff_ms),
		    "WhatsApp reported rate-overlimit; backing off");
	} else if (rc == LINK_NOT_CONNECTED)
		lookup_fail(lk, IPC_ERR_NOT_CONNECTED, 0, "the link is down");
	else
		lookup_fail(lk, IPC_ERR_INTERNAL, 0, "the link failed");
	return 1;
}

void
lookup_ev_check(void *qcookie, const struct link_check_answer *a)
{
	struct lookup *lk = qcookie;
	struct daemon *d = lk->d;
	struct store_check *cc;
	struct request *r;
	size_t i, p;

	if (lookup_link_error(lk, a->rc, a->retry_after_ms))
		return;
	/* The driver answers each phone asked, in order. */
	if (a->n != lk->nphones || (cc = calloc(lk->nphones, sizeof(*cc))) == NULL) {
		lookup_fail(lk, IPC_ERR_INTERNAL, 0, "the link answered another question");
		return;
	}
	for (i = 0; i < lk->nphones; i++) {
		const struct link_check_result *res = &a->results[i];

		if (strcmp(res->phone, lk->phones[i]) != 0 ||
		    (res->on_whatsapp && (res->jid == NULL ||
		    strlen(res->jid) >= sizeof(cc[i].jid)))) {
			free(cc);
			lookup_fail(lk, IPC_ERR_INTERNAL, 0,
			    "the link answered another question");
			return;
		}
		cc[i].on_whatsapp = res->on_whatsapp;
		snprintf(cc[i].jid, sizeof(cc[i].jid), "%s", res->on_whatsapp ?
		    res->jid : "");
		cc[i].checked_ms = clock_wall_ms();
		checkcache_put(d, lk->s, lk->phones[i], &cc[i]);
	}
	for (i = 0; i < lk->nw; i++) {
		r = lk->w[i].r;
		p = lk->wphone[i];
		r->checks[lk->w[i].idx].on_whatsapp = cc[p].on_whatsapp;
		memcpy(r->checks[lk->w[i].idx].jid, cc[p].jid, sizeof(cc[p].jid));
	}
	free(cc);
	lookup_end(lk);
}

void
lookup_ev_about(void *qcookie, enum link_rc rc, int64_t retry_after_ms,
    const char *about)
{
	struct lookup *lk = qcookie;
	struct request *r;
	size_t i;

	if (lookup_link_error(lk, rc, retry_after_ms))
		return;
	for (i = 0; i < lk->nw; i++) {
		r = lk->w[i].r;
		free(r->about);
		if ((r->about = strdup(about)) == NULL)
			request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	}
	lookup_end(lk);
}

void
lookup_fail_session(struct daemon *d, struct session *s, int cancel, int err,
    const char *msg)
{
	struct lookup *lk, *next;

	for (lk = d->lookup_list; lk != NULL; lk = next) {
		next = lk->next;
		if (s != NULL && lk->s != s)
			continue;
		if (cancel)
			link_cancel(lk->q);
		lk->q = NULL;
		lookup_fail(lk, err, 0, msg);
	}
}
