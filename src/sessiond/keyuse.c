/*
 * API key last use.  wagw.fcgi never writes the database, so it reports
 * use here (at most once a minute per key); the daemon keeps the latest
 * time per key and writes them all in one transaction a second later.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define KEYUSE_DELAY_MS	1000
#define KEYUSE_MAX	100000	/* distinct keys waiting; more: flush now */

struct keyuse_write {
	struct daemon	*d;
	int		 failed;
};

static int
keyuse_write_one(const char *key, size_t len, void *val, void *arg)
{
	struct keyuse_write *w = arg;
	int rc;

	(void)len;
	if ((rc = store_key_touch(w->d->st, key, *(int64_t *)val)) != STORE_OK) {
		log_warnx("recording API key use: %s", store_rc_str(rc));
		w->failed = 1;
	}
	return 0;
}

void
keyuse_flush(struct daemon *d)
{
	struct keyuse_write w = { d, 0 };
	int rc;

	loop_timer_cancel(d->keyuse_timer);
	d->keyuse_timer = NULL;
	if (hmap_count(d->keyuse) == 0)
		return;
	if ((rc = store_begin(d->st)) != STORE_OK) {
		log_warnx("recording API key use: %s", store_rc_str(rc));
		return;		/* kept for the next flush */
	}
	hmap_each(d->keyuse, keyuse_write_one, &w);
	if ((rc = store_commit(d->st)) != STORE_OK) {
		log_warnx("recording API key use: commit: %s", store_rc_str(rc));
		store_rollback(d->st);
		return;
	}
	hmap_free_with(d->keyuse, free);
	if ((d->keyuse = hmap_new()) == NULL)
		log_warnx("recording API key use: out of memory");
}

static void
keyuse_timer(void *arg)
{
	struct daemon *d = arg;

	d->keyuse_timer = NULL;
	keyuse_flush(d);
	if (d->keyuse != NULL && hmap_count(d->keyuse) > 0)
		d->keyuse_timer = loop_timer_add(d->loop, KEYUSE_DELAY_MS, keyuse_timer, d);
}

int
keyuse_note(struct daemon *d, const char *key_id, int64_t at_ms)
{
	int64_t *t;
	size_t len = strlen(key_id);

	if (d->keyuse == NULL && (d->keyuse = hmap_new()) == NULL)
		return -1;
	if ((t = hmap_get(d->keyuse, key_id, len)) != NULL) {
		if (at_ms > *t)
			*t = at_ms;
		return 0;
	}
	if (hmap_count(d->keyuse) >= KEYUSE_MAX)
		keyuse_flush(d);
	if (d->keyuse == NULL || (t = malloc(sizeof(*t))) == NULL)
		return -1;
	*t = at_ms;
	if (hmap_put(d->keyuse, key_id, len, t) == -1) {
		free(t);
		return -1;
	}
	if (d->keyuse_timer == NULL)
		d->keyuse_timer = loop_timer_add(d->loop, KEYUSE_DELAY_MS, keyuse_timer, d);
	return 0;
}
