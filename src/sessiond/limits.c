/*
 * A session's live-lookup limits across restarts: the token bucket, the
 * UTC day's count and WhatsApp's back-off are read when the daemon takes
 * a session up, and written behind, LIMITS_DELAY_MS after a change and at
 * shutdown.  A crash or a deploy so hands no session a fresh budget, nor
 * cancels a back-off WhatsApp imposed; a SIGKILL may lose the last
 * second's spending.  Kept in wall-clock time: the loop's is monotonic.
 */
#include <stdlib.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define LIMITS_DELAY_MS	1000

struct limits_one {
	int64_t		 rowid;
	struct store_limits l;
};

struct limits_job {
	size_t		 n;
	struct limits_one v[];
};

void
limits_load(struct session *s)
{
	struct store_limits l;
	int64_t mono = clock_mono_ms(), wall = clock_wall_ms();
	int rc;

	if ((rc = store_limits_get(s->d->st, s->row.rowid, &l)) != STORE_OK) {
		if (rc != STORE_NOTFOUND)
			log_warnx("session %s: reading its lookup limits: %s",
			    s->row.id, store_rc_str(rc));
		return;
	}
	ratelimit_restore(&s->rl, &s->d->rlc, l.bucket_debt, l.bucket_at_ms, mono, wall);
	s->rl.day = l.day;
	s->rl.day_count = l.day_count;
	s->lookup_backoff_ms = l.backoff_ms;
	if (l.backoff_until_ms > wall)
		s->lookup_backoff_until = mono + (l.backoff_until_ms - wall);
}

static int
limits_write(struct store *st, void *arg)
{
	struct limits_job *j = arg;
	int64_t now = clock_wall_ms();
	size_t i;
	int rc;

	for (i = 0; i < j->n; i++) {
		rc = store_limits_put(st, j->v[i].rowid, &j->v[i].l, now);
		/* A session deleted meanwhile has nothing left to limit. */
		if (rc != STORE_OK && rc != STORE_NOREF)
			return rc;
	}
	return STORE_OK;
}

static int
limits_collect(const char *key, size_t len, void *val, void *arg)
{
	struct session *s = val;
	struct limits_job *j = arg;
	struct limits_one *o;
	int64_t mono = clock_mono_ms(), wall = clock_wall_ms();

	(void)key;
	(void)len;
	if (!s->limits_dirty)
		return 0;
	s->limits_dirty = 0;
	o = &j->v[j->n++];
	o->rowid = s->row.rowid;
	o->l.bucket_debt = ratelimit_save(&s->rl, &s->d->rlc, mono);
	o->l.bucket_at_ms = wall;
	o->l.day = s->rl.day;
	o->l.day_count = s->rl.day_count;
	o->l.backoff_ms = s->lookup_backoff_ms;
	o->l.backoff_until_ms = s->lookup_backoff_until > mono ?
	    wall + (s->lookup_backoff_until - mono) : 0;
	return 0;
}

void
limits_flush(struct daemon *d)
{
	struct limits_job *j;

	loop_timer_cancel(d->limits_timer);
	d->limits_timer = NULL;
	if (d->sessions == NULL || d->nlimits_dirty == 0)
		return;
	if ((j = calloc(1, sizeof(*j) + d->nlimits_dirty * sizeof(j->v[0]))) == NULL) {
		log_warnx("keeping lookup limits: out of memory");
		return;
	}
	hmap_each(d->sessions, limits_collect, j);
	d->nlimits_dirty = 0;
	daemon_write(d, limits_write, NULL, j);
}

static void
limits_timer(void *arg)
{
	struct daemon *d = arg;

	d->limits_timer = NULL;
	limits_flush(d);
}

void
limits_changed(struct session *s)
{
	struct daemon *d = s->d;

	if (s->limits_dirty)
		return;
	s->limits_dirty = 1;
	d->nlimits_dirty++;
	if (d->limits_timer == NULL)
		d->limits_timer = loop_timer_add(d->loop, LIMITS_DELAY_MS, limits_timer, d);
}
