/*
 * The check cache (check_cache_s) with write-behind: answers are kept in
 * memory and written to SQLite in one transaction per loop round, rather
 * than one transaction per lookup.  Reads look at the pending answers
 * first, so nothing is asked twice meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/daemon_impl.h"

struct checkcache_entry {
	char		 session[STORE_ID_MAX + 1];
	int64_t		 rowid;
	char		 phone[16];
	struct store_check c;
};

static size_t
checkcache_key(char *buf, size_t size, int64_t rowid, const char *phone)
{
	int n = snprintf(buf, size, "%lld|%s", (long long)rowid, phone);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

int
checkcache_get(struct daemon *d, const struct session *s, const char *phone,
    int64_t now_ms, struct store_check *out)
{
	int64_t max_age = (int64_t)d->cfg->check_cache_s * 1000;
	struct checkcache_entry *e;
	char key[64];
	size_t len;

	if (max_age == 0)
		return STORE_NOTFOUND;
	len = checkcache_key(key, sizeof(key), s->rowid, phone);
	if ((e = hmap_get(d->ccache, key, len)) != NULL) {
		if (now_ms - e->c.checked_ms >= max_age)
			return STORE_NOTFOUND;
		*out = e->c;
		return STORE_OK;
	}
	return store_check_get(d->st, s->rowid, phone, now_ms, max_age, out);
}

static int
checkcache_write_one(const char *key, size_t len, void *val, void *arg)
{
	struct checkcache_entry *e = val;
	struct daemon *d = arg;
	struct session *s = session_get(d, e->session);
	int rc;

	(void)key;
	(void)len;
	/* Not for a session dropped from the database meanwhile. */
	if (s != NULL && s->rowid == e->rowid &&
	    (rc = store_check_put(d->st, e->rowid, e->phone, &e->c)) != STORE_OK)
		log_warnx("session %s: caching a check: %s", e->session,
		    store_rc_str(rc));
	return 0;
}

void
checkcache_flush(struct daemon *d)
{
	struct hmap *n;
	int rc;

	loop_timer_cancel(d->ccache_timer);
	d->ccache_timer = NULL;
	if (hmap_count(d->ccache) == 0)
		return;
	if ((rc = store_begin(d->st)) != STORE_OK) {
		log_warnx("caching checks: %s", store_rc_str(rc));
		return;		/* kept for the next round */
	}
	hmap_each(d->ccache, checkcache_write_one, d);
	if ((rc = store_commit(d->st)) != STORE_OK) {
		log_warnx("caching checks: commit: %s", store_rc_str(rc));
		store_rollback(d->st);
		return;
	}
	if ((n = hmap_new()) == NULL)
		return;		/* written again next time: harmless */
	hmap_free_with(d->ccache, free);
	d->ccache = n;
}

static void
checkcache_timer(void *arg)
{
	struct daemon *d = arg;

	d->ccache_timer = NULL;
	checkcache_flush(d);
	/* Busy: try again a little later. */
	if (hmap_count(d->ccache) > 0)
		d->ccache_timer = loop_timer_add(d->loop, 100, checkcache_timer, d);
}

void
checkcache_put(struct daemon *d, const struct session *s, const char *phone,
    const struct store_check *c)
{
	struct checkcache_entry *e;
	char key[64];
	size_t len;

	if (d->cfg->check_cache_s == 0)
		return;
	len = checkcache_key(key, sizeof(key), s->rowid, phone);
	if ((e = hmap_get(d->ccache, key, len)) == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL ||
		    hmap_put(d->ccache, key, len, e) == -1) {
			free(e);
			log_warnx("session %s: caching a check: out of memory", s->id);
			return;
		}
		snprintf(e->session, sizeof(e->session), "%s", s->id);
		e->rowid = s->rowid;
		snprintf(e->phone, sizeof(e->phone), "%s", phone);
	}
	e->c = *c;
	if (d->ccache_timer == NULL)
		d->ccache_timer = loop_timer_add(d->loop, 0, checkcache_timer, d);
}

void
checkcache_free(struct daemon *d)
{
	if (d->ccache == NULL)
		return;
	hmap_free_with(d->ccache, free);
	d->ccache = NULL;
}
