#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "sessiond/refresh.h"

struct refresh {
	struct loop	*loop;
	refresh_work	 work;
	refresh_done	 done;
	void		*arg;
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 want, quit, busy;	/* under mu */
	int		 pipe[2];		/* worker -> loop: a run ended */
	struct loop_io	*io;
	struct loop_timer *timer;		/* the next run */
	int64_t		 last_start;
	int		 completed;		/* runs completed */
};

static void *
refresh_main(void *arg)
{
	struct refresh *r = arg;
	char one = 1;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->want && !r->quit)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->quit)
			break;
		r->want = 0;
		pthread_mutex_unlock(&r->mu);
		r->work(r->arg);
		pthread_mutex_lock(&r->mu);
		while (write(r->pipe[1], &one, 1) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void
refresh_kick(struct refresh *r)
{
	r->last_start = clock_mono_ms();
	pthread_mutex_lock(&r->mu);
	if (!r->busy) {
		r->busy = 1;
		r->want = 1;
		pthread_cond_signal(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
}

static void
refresh_due(void *arg)
{
	struct refresh *r = arg;

	r->timer = NULL;
	refresh_kick(r);
}

static void
refresh_ended(struct loop_io *io, int events, void *arg)
{
	struct refresh *r = arg;
	char buf[16];
	int64_t next;

	(void)io;
	(void)events;
	while (read(r->pipe[0], buf, sizeof(buf)) > 0)
		;
	/* Taking the lock makes the worker's writes to arg visible here. */
	pthread_mutex_lock(&r->mu);
	r->busy = 0;
	pthread_mutex_unlock(&r->mu);
	r->completed++;
	next = r->done(r->arg);
	loop_timer_cancel(r->timer);
	r->timer = loop_timer_add(r->loop, next, refresh_due, r);
}

struct refresh *
refresh_new(struct loop *loop, refresh_work work, refresh_done done, void *arg,
    char *err, size_t errlen)
{
	struct refresh *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->loop = loop;
	r->work = work;
	r->done = done;
	r->arg = arg;
	if (pipe2(r->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((r->io = loop_io_add(loop, r->pipe[0], LOOP_READ, refresh_ended, r)) == NULL ||
	    (errno = pthread_create(&r->thread, NULL, refresh_main, r)) != 0) {
		snprintf(err, errlen, "cannot start a worker thread: %s", strerror(errno));
		loop_io_del(r->io);
		close(r->pipe[0]);
		close(r->pipe[1]);
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
		return NULL;
	}
	refresh_kick(r);
	return r;
}

void
refresh_now(struct refresh *r)
{
	loop_timer_cancel(r->timer);
	r->timer = NULL;
	refresh_kick(r);
}

int64_t
refresh_last_start(const struct refresh *r)
{
	return r->last_start;
}

int
refresh_first_pending(const struct refresh *r)
{
	return r->completed == 0;
}

void
refresh_free(struct refresh *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->quit = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	loop_timer_cancel(r->timer);
	loop_io_del(r->io);
	close(r->pipe[0]);
	close(r->pipe[1]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
