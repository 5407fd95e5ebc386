/*
 * API key last use.  wagw.fcgi never writes the database, so it reports
 * use here (at most once a minute per key); the daemon keeps the latest
 * time per key and hands them all to the writer a second later.
 */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define KEYUSE_DELAY_MS	1000
#define KEYUSE_MAX	100000	/* distinct keys waiting; more: flush now */

struct keyuse_one {
	char		 id[STORE_ID_MAX + 1];
	int64_t		 at;
};

struct keyuse_job {
	size_t		 n;
	struct keyuse_one v[];
};

static int
keyuse_write(struct store *st, void *arg)
{
	struct keyuse_job *j = arg;
	size_t i;
	int rc;

	for (i = 0; i < j->n; i++)
		if ((rc = store_key_touch(st, j->v[i].id, j->v[i].at)) != STORE_OK)
			return rc;
	return STORE_OK;
}

static int
keyuse_collect(const char *key, size_t len, void *val, void *arg)
{
	struct keyuse_job *j = arg;

	memcpy(j->v[j->n].id, key, len);
	j->v[j->n].id[len] = '\0';
	j->v[j->n++].at = *(int64_t *)val;
	return 0;
}

void
keyuse_flush(struct daemon *d)
{
	struct keyuse_job *j;
	struct hmap *fresh;

	loop_timer_cancel(d->keyuse_timer);
	d->keyuse_timer = NULL;
	if (d->keyuse == NULL || hmap_count(d->keyuse) == 0)
		return;
	if ((j = calloc(1, sizeof(*j) + hmap_count(d->keyuse) * sizeof(j->v[0]))) ==
	    NULL || (fresh = hmap_new()) == NULL) {
		free(j);
		log_warnx("recording API key use: out of memory");
		return;
	}
	hmap_each(d->keyuse, keyuse_collect, j);
	hmap_free_with(d->keyuse, free);
	d->keyuse = fresh;
	daemon_write(d, keyuse_write, NULL, j);
}

static void
keyuse_timer(void *arg)
{
	struct daemon *d = arg;

	d->keyuse_timer = NULL;
	keyuse_flush(d);
}

int
keyuse_note(struct daemon *d, const char *key_id, int64_t at_ms)
{
	int64_t *t, now = clock_wall_ms();
	size_t len = strlen(key_id);

	/* A report from the future is a report of now: last use only moves
	 * forward, so a far-off time could never be corrected. */
	if (at_ms > now)
		at_ms = now;
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
