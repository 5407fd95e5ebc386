/*
 * Live lookups (check, about) on a session's link, with the safety
 * WhatsApp needs: a cache of check answers in SQLite (a hit spends no
 * budget, and never answers for a session that is not connected), the
 * session's budget (ratelimit.h), one query for identical lookups in
 * flight, a deadline per query, and a back-off after the link reports
 * rate-overlimit.
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
	int n = snprintf(buf, size, "%c|%s|%s", is_about ? 'a' : 'c', s->id, what);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

static void
lookup_free(struct lookup *lk)
{
	loop_timer_cancel(lk->timer);
	free(lk->key);
	free(lk->w);
	free(lk);
}

/* Ends lk: its waiters get what they were given, lk leaves the map. */
static void
lookup_end(struct lookup *lk)
{
	struct daemon *d = lk->d;
	size_t i;

	hmap_del(d->lookups, lk->key, lk->keylen);
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
	link_cancel(lk->d->link, lk->q);
	lk->q = NULL;
	log_info("session %s: a live lookup passed its deadline", lk->s->id);
	lookup_fail(lk, IPC_ERR_TIMEOUT, 0, "WhatsApp did not answer in time");
}

static struct lookup *
lookup_start(struct daemon *d, struct session *s, const char *key, size_t keylen,
    const char *phone, const struct jid *jid)
{
	struct lookup *lk;

	if ((lk = calloc(1, sizeof(*lk))) == NULL ||
	    (lk->key = strdup(key)) == NULL) {
		free(lk);
		return NULL;
	}
	lk->d = d;
	lk->keylen = keylen;
	lk->s = s;
	lk->is_about = jid != NULL;
	if (phone != NULL)
		snprintf(lk->phone, sizeof(lk->phone), "%s", phone);
	if (hmap_put(d->lookups, lk->key, keylen, lk) == -1)
		goto fail;
	lk->q = jid != NULL ? link_about(d->link, s->id, jid, lk) :
	    link_check(d->link, s->id, phone, lk);
	if (lk->q == NULL ||
	    (lk->timer = loop_timer_add(d->loop, d->cfg->lookup_timeout_ms,
	    lookup_timeout, lk)) == NULL) {
		link_cancel(d->link, lk->q);
		hmap_del(d->lookups, key, keylen);
		goto fail;
	}
	return lk;
fail:
	lookup_free(lk);
	return NULL;
}

static int
lookup_join(struct lookup *lk, struct request *r, size_t idx)
{
	struct lookup_waiter *w;

	if (lk->nw == lk->capw) {
		size_t cap = lk->capw ? lk->capw * 2 : 4;

		if ((w = reallocarray(lk->w, cap, sizeof(*w))) == NULL)
			return -1;
		lk->w = w;
		lk->capw = cap;
	}
	lk->w[lk->nw].r = r;
	lk->w[lk->nw++].idx = idx;
	r->pending++;
	return 0;
}

/*
 * Spends n new queries of s's budget.  0, or -1 after failing r with
 * rate_limited (or bad_request when n can never fit the bucket).
 */
static int
lookup_budget(struct daemon *d, struct session *s, struct request *r, size_t n)
{
	int64_t mono = clock_mono_ms(), ra;

	if (n == 0)
		return 0;
	if (s->backoff_until > mono) {
		request_fail(r, IPC_ERR_RATE_LIMITED, lookup_ceil_s(s->backoff_until - mono),
		    "backing off after WhatsApp reported rate-overlimit");
		return -1;
	}
	if (n > (size_t)d->rlc.burst) {
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "this needs %zu lookups at "
		    "once, more than lookup_burst (%d)", n, d->rlc.burst);
		return -1;
	}
	if ((ra = ratelimit_take(&s->rl, &d->rlc, (int)n, mono, clock_wall_ms())) > 0) {
		request_fail(r, IPC_ERR_RATE_LIMITED, ra,
		    "the session's live-lookup budget is spent");
		return -1;
	}
	return 0;
}

static int
lookup_usable(struct session *s, struct request *r)
{
	if (s->state == SESSION_UP)
		return 1;
	request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "%s",
	    s->state == SESSION_CONNECTING ? "connecting" : s->reason);
	request_finish(r);
	return 0;
}

void
lookup_check(struct daemon *d, struct session *s, struct request *r,
    char (*phones)[16], size_t n)
{
	char key[STORE_ID_MAX + 32];
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
		for (k = 0; k < i; k++)
			if (live[k] && strcmp(phones[k], phones[i]) == 0)
				break;
		if (k == i)
			nnew++;
	}
	if (lookup_budget(d, s, r, nnew) == -1) {
		request_finish(r);
		return;
	}
	for (i = 0; i < n && r->err == IPC_ERR_NONE; i++) {
		if (!live[i])
			continue;
		keylen = lookup_key(key, sizeof(key), 0, s, phones[i]);
		if ((lk = hmap_get(d->lookups, key, keylen)) == NULL &&
		    (lk = lookup_start(d, s, key, keylen, phones[i], NULL)) == NULL) {
			request_fail(r, IPC_ERR_INTERNAL, 0, "the lookup could not start");
			break;
		}
		if (lookup_join(lk, r, i) == -1)
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
		if ((lk = lookup_start(d, s, key, keylen, NULL, jid)) == NULL) {
			request_fail(r, IPC_ERR_INTERNAL, 0, "the lookup could not start");
			request_finish(r);
			return;
		}
	}
	if (lookup_join(lk, r, 0) == -1) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
	}
}

/* A link error that is not an answer.  1 when lk was ended. */
static int
lookup_link_error(struct lookup *lk, int rc)
{
	struct session *s = lk->s;

	lk->q = NULL;		/* the link is done with it */
	if (rc == LINK_OK) {
		s->backoff_ms = 0;
		return 0;
	}
	if (rc == LINK_RATE_OVERLIMIT) {
		s->backoff_ms = s->backoff_ms == 0 ? BACKOFF_MIN_MS :
		    s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2;
		s->backoff_until = clock_mono_ms() + s->backoff_ms;
		log_warnx("session %s: WhatsApp reported rate-overlimit; no live "
		    "lookups for %lld s", s->id, (long long)(s->backoff_ms / 1000));
		lookup_fail(lk, IPC_ERR_RATE_LIMITED, lookup_ceil_s(s->backoff_ms),
		    "WhatsApp reported rate-overlimit; backing off");
	} else if (rc == LINK_NOT_CONNECTED)
		lookup_fail(lk, IPC_ERR_NOT_CONNECTED, 0, "the link is down");
	else
		lookup_fail(lk, IPC_ERR_INTERNAL, 0, "the link failed");
	return 1;
}

void
lookup_ev_check(void *cookie, int rc, int on_whatsapp, const char *jid)
{
	struct lookup *lk = cookie;
	struct daemon *d = lk->d;
	struct store_check cc;
	struct request *r;
	size_t i;

	if (lookup_link_error(lk, rc))
		return;
	memset(&cc, 0, sizeof(cc));
	cc.on_whatsapp = on_whatsapp;
	snprintf(cc.jid, sizeof(cc.jid), "%s", on_whatsapp ? jid : "");
	cc.checked_ms = clock_wall_ms();
	checkcache_put(d, lk->s, lk->phone, &cc);
	for (i = 0; i < lk->nw; i++) {
		r = lk->w[i].r;
		r->checks[lk->w[i].idx].on_whatsapp = cc.on_whatsapp;
		memcpy(r->checks[lk->w[i].idx].jid, cc.jid, sizeof(cc.jid));
	}
	lookup_end(lk);
}

void
lookup_ev_about(void *cookie, int rc, const char *about)
{
	struct lookup *lk = cookie;
	struct request *r;
	size_t i;

	if (lookup_link_error(lk, rc))
		return;
	for (i = 0; i < lk->nw; i++) {
		r = lk->w[i].r;
		free(r->about);
		if ((r->about = strdup(about)) == NULL)
			request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	}
	lookup_end(lk);
}

struct lookup_sel {
	struct session	*s;
	struct lookup	**v;
	size_t		 n;
};

static int
lookup_select(const char *key, size_t len, void *val, void *arg)
{
	struct lookup_sel *sel = arg;
	struct lookup *lk = val;

	(void)key;
	(void)len;
	if (sel->s == NULL || lk->s == sel->s)
		sel->v[sel->n++] = lk;
	return 0;
}

void
lookup_fail_session(struct daemon *d, struct session *s, int cancel, int err,
    const char *msg)
{
	struct lookup_sel sel = { s, NULL, 0 };
	size_t i;

	if (hmap_count(d->lookups) == 0)
		return;
	if ((sel.v = calloc(hmap_count(d->lookups), sizeof(*sel.v))) == NULL) {
		log_warnx("lookup: out of memory failing lookups");
		return;
	}
	hmap_each(d->lookups, lookup_select, &sel);
	for (i = 0; i < sel.n; i++) {
		if (cancel)
			link_cancel(d->link, sel.v[i]->q);
		sel.v[i]->q = NULL;
		lookup_fail(sel.v[i], err, 0, msg);
	}
	free(sel.v);
}
