/*
 * The frontend's JWKS: when [auth] jwks_url is set, a worker thread
 * downloads it into [auth] jwks_file (auth/jwks_fetch.h, blocking) at
 * start, again after the returned max-age, and early on jwks_refresh
 * requests (at most every JWKS_REFRESH_MIN_S).  The loop never blocks:
 * the worker reports through a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/jwks_fetch.h"
#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define JWKS_TIMEOUT_MS	10000

struct jwksd {
	struct daemon	*d;
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 want, quit, busy;
	/* the worker's last result, under mu */
	int		 rc, max_age_s;
	char		 err[256];
	int		 pipe[2];	/* worker -> loop */
	struct loop_io	*io;
	struct loop_timer *timer;	/* next scheduled fetch */
	int64_t		 last_start;	/* monotonic ms */
};

static void *
jwksd_main(void *arg)
{
	struct jwksd *j = arg;
	char err[256];
	int rc, age;
	char one = 1;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		while (!j->want && !j->quit)
			pthread_cond_wait(&j->cv, &j->mu);
		if (j->quit)
			break;
		j->want = 0;
		pthread_mutex_unlock(&j->mu);
		err[0] = '\0';
		rc = jwks_fetch(j->d->cfg->jwks_url, j->d->cfg->jwks_file,
		    JWKS_TIMEOUT_MS, &age, err, sizeof(err));
		pthread_mutex_lock(&j->mu);
		j->rc = rc;
		j->max_age_s = age;
		snprintf(j->err, sizeof(j->err), "%s", err);
		while (write(j->pipe[1], &one, 1) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static void
jwksd_kick(struct jwksd *j)
{
	j->last_start = clock_mono_ms();
	pthread_mutex_lock(&j->mu);
	if (!j->busy) {
		j->busy = 1;
		j->want = 1;
		pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
}

static void
jwksd_due(void *arg)
{
	struct jwksd *j = arg;

	j->timer = NULL;
	jwksd_kick(j);
}

static void
jwksd_done(struct loop_io *io, int events, void *arg)
{
	struct jwksd *j = arg;
	char buf[16];
	int rc, age;

	(void)io;
	(void)events;
	while (read(j->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&j->mu);
	j->busy = 0;
	rc = j->rc;
	age = j->max_age_s;
	if (rc == JWKS_FETCH_ERROR)
		log_warnx("jwks: fetching the JWKS failed: %s; retrying in %d s",
		    j->err, age);
	pthread_mutex_unlock(&j->mu);
	if (rc == JWKS_FETCH_REPLACED)
		log_info("jwks: %s updated; next fetch in %d s",
		    j->d->cfg->jwks_file, age);
	else if (rc == JWKS_FETCH_UNCHANGED)
		log_debug("jwks: unchanged; next fetch in %d s", age);
	loop_timer_cancel(j->timer);
	j->timer = loop_timer_add(j->d->loop, (int64_t)age * 1000, jwksd_due, j);
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
	j->pipe[0] = j->pipe[1] = -1;
	if (pipe2(j->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(j);
		return -1;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if ((j->io = loop_io_add(d->loop, j->pipe[0], LOOP_READ, jwksd_done, j)) == NULL ||
	    (errno = pthread_create(&j->thread, NULL, jwksd_main, j)) != 0) {
		snprintf(err, errlen, "cannot start the JWKS worker: %s", strerror(errno));
		loop_io_del(j->io);
		close(j->pipe[0]);
		close(j->pipe[1]);
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cv);
		free(j);
		return -1;
	}
	d->jwks = j;
	jwksd_kick(j);
	return 0;
}

void
jwksd_refresh(struct daemon *d)
{
	struct jwksd *j = d->jwks;

	if (j == NULL)
		return;
	if (clock_mono_ms() - j->last_start < JWKS_REFRESH_MIN_S * 1000) {
		log_debug("jwks: refresh asked too soon after the last fetch; ignored");
		return;
	}
	loop_timer_cancel(j->timer);
	j->timer = NULL;
	jwksd_kick(j);
}

void
jwksd_stop(struct daemon *d)
{
	struct jwksd *j = d->jwks;

	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	j->quit = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	/* A fetch in progress ends within JWKS_TIMEOUT_MS. */
	pthread_join(j->thread, NULL);
	loop_timer_cancel(j->timer);
	loop_io_del(j->io);
	close(j->pipe[0]);
	close(j->pipe[1]);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
	d->jwks = NULL;
}
