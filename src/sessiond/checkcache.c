/*
 * The check cache (check_cache_s).  Answers are written behind by the
 * writer; until a write is done the answer is also kept in memory, and
 * reads look there first, so nothing is asked twice meanwhile.  Reads of
 * the store go through the loop's reader, which a writer elsewhere
 * never blocks (WAL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/daemon_impl.h"

struct checkcache_entry {
	struct daemon	*d;
	char		 key[64];
	size_t		 keylen;
	int64_t		 rowid;
	char		 phone[16];
	struct store_check c;
	int		 writes;	/* queued writes of this entry */
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
	len = checkcache_key(key, sizeof(key), s->row.rowid, phone);
	if ((e = hmap_get(d->ccache, key, len)) != NULL) {
		if (now_ms - e->c.checked_ms >= max_age)
			return STORE_NOTFOUND;
		*out = e->c;
		return STORE_OK;
	}
	return store_check_get(d->st, s->row.rowid, phone, now_ms, max_age, out);
}

struct checkcache_job {
	struct checkcache_entry *e;
	int64_t		 rowid;
	char		 phone[16];
	struct store_check c;
};

static int
checkcache_write(struct store *st, void *arg)
{
	struct checkcache_job *j = arg;
	int rc = store_check_put(st, j->rowid, j->phone, &j->c);

	/* A session deleted meanwhile has nothing to cache. */
	return rc == STORE_NOREF ? STORE_OK : rc;
}

static void
checkcache_done(void *arg, int rc)
{
	struct checkcache_job *j = arg;
	struct checkcache_entry *e = j->e;

	if (rc != STORE_OK)
		log_warnx("caching a check: %s", store_rc_str(rc));
	/* Written: the store answers for it from now on. */
	if (--e->writes == 0) {
		hmap_del(e->d->ccache, e->key, e->keylen);
		free(e);
	}
	free(j);
}

void
checkcache_put(struct daemon *d, const struct session *s, const char *phone,
    const struct store_check *c)
{
	struct checkcache_entry *e;
	struct checkcache_job *j;
	char key[64];
	size_t len;

	if (d->cfg->check_cache_s == 0)
		return;
	len = checkcache_key(key, sizeof(key), s->row.rowid, phone);
	if ((e = hmap_get(d->ccache, key, len)) == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL ||
		    hmap_put(d->ccache, key, len, e) == -1) {
			free(e);
			log_warnx("session %s: caching a check: out of memory", s->row.id);
			return;
		}
		e->d = d;
		memcpy(e->key, key, len + 1);
		e->keylen = len;
		e->rowid = s->row.rowid;
		snprintf(e->phone, sizeof(e->phone), "%s", phone);
	}
	e->c = *c;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warnx("session %s: caching a check: out of memory", s->row.id);
		if (e->writes == 0) {
			hmap_del(d->ccache, e->key, e->keylen);
			free(e);
		}
		return;
	}
	j->e = e;
	j->rowid = e->rowid;
	memcpy(j->phone, e->phone, sizeof(j->phone));
	j->c = *c;
	e->writes++;
	if (writer_submit(d->wr, WRITER_RETRY, checkcache_write, checkcache_done,
	    j) == -1) {
		free(j);
		if (--e->writes == 0) {
			hmap_del(d->ccache, e->key, e->keylen);
			free(e);
		}
	}
}

void
checkcache_free(struct daemon *d)
{
	/* Every entry has a write queued, whose completion frees it. */
	hmap_free(d->ccache);
	d->ccache = NULL;
}
