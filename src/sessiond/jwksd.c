/*
 * The frontend's JWKS: when [auth] jwks_url is set, it is downloaded into
 * [auth] jwks_file (auth/jwks_fetch.h, blocking, on a refresh worker) at
 * start, again after the returned max-age, and early on jwks_refresh
 * requests (at most every JWKS_REFRESH_MIN_S).
 */
#include <stdio.h>
#include <stdlib.h>

#include "auth/jwks_fetch.h"
#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"
#include "sessiond/refresh.h"

#define JWKS_TIMEOUT_MS	10000

struct jwksd {
	struct daemon	*d;
	struct refresh	*r;
	/* the worker's last result */
	int		 rc, max_age_s;
	char		 err[256];
};

static void
jwksd_work(void *arg)
{
	struct jwksd *j = arg;

	j->err[0] = '\0';
	j->rc = jwks_fetch(j->d->cfg->jwks_url, j->d->cfg->jwks_file,
	    JWKS_TIMEOUT_MS, &j->max_age_s, j->err, sizeof(j->err));
}

static int64_t
jwksd_done(void *arg)
{
	struct jwksd *j = arg;

	if (j->rc == JWKS_FETCH_ERROR)
		log_warnx("jwks: fetching the JWKS failed: %s; retrying in %d s",
		    j->err, j->max_age_s);
	else if (j->rc == JWKS_FETCH_REPLACED)
		log_info("jwks: %s updated; next fetch in %d s",
		    j->d->cfg->jwks_file, j->max_age_s);
	else
		log_debug("jwks: unchanged; next fetch in %d s", j->max_age_s);
	return (int64_t)j->max_age_s * 1000;
}

int
jwksd_start(struct daemon *d, char *err, size_t errlen)
{
	struct jwksd *j;

	if (d->cfg->jwks_url[0] == '\0')
		return 0;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->d = d;
	if ((j->r = refresh_new(d->loop, jwksd_work, jwksd_done, j, err,
	    errlen)) == NULL) {
		free(j);
		return -1;
	}
	d->jwks = j;
	return 0;
}

void
jwksd_refresh(struct daemon *d)
{
	struct jwksd *j = d->jwks;

	if (j == NULL)
		return;
	if (clock_mono_ms() - refresh_last_start(j->r) < JWKS_REFRESH_MIN_S * 1000) {
		log_debug("jwks: refresh asked too soon after the last fetch; ignored");
		return;
	}
	refresh_now(j->r);
}

void
jwksd_stop(struct daemon *d)
{
	struct jwksd *j = d->jwks;

	if (j == NULL)
		return;
	refresh_free(j->r);	/* a fetch under way ends within JWKS_TIMEOUT_MS */
	free(j);
	d->jwks = NULL;
}
