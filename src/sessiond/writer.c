#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "sessiond/writer.h"

#define WRITER_BATCH		256	/* jobs in one transaction at most */
#define WRITER_PAUSE_MS		50	/* between attempts on a busy database */
#define WRITER_STOP_TRIES	3	/* busy rounds a job waits out at shutdown */

struct writer_job {
	enum writer_mode mode;
	writer_fn	 fn;
	writer_done	 done;
	void		*arg;
	int		 rc;
	int		 tries;
	struct writer_job *next;
};

struct writer_list {
	struct writer_job *head, *tail;
};

struct writer {
	struct store	*st;		/* the thread's own */
	struct loop	*loop;
	struct loop_io	*io;
	int		 efd;		/* the thread -> the loop: jobs done */
	pthread_t	 thread;
	int		 started;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct writer_list todo;	/* guarded by mu */
	struct writer_list done;	/* guarded by mu */
	int		 stopping;	/* guarded by mu */
	size_t		 pending;	/* the loop's count */
};

static void
writer_push(struct writer_list *l, struct writer_job *j)
{
	j->next = NULL;
	if (l->tail != NULL)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static void
writer_pause(void)
{
	struct timespec ts = { 0, WRITER_PAUSE_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Runs the jobs of batch in one transaction.  Finished jobs move to
 * *fin; jobs to run again (WRITER_AGAIN, or the database was busy) are
 * left in batch, in order.
 */
static int
writer_stopping(struct writer *w)
{
	int stopping;

	pthread_mutex_lock(&w->mu);
	stopping = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return stopping;
}

static void
writer_round(struct writer *w, struct writer_list *batch, struct writer_list *fin)
{
	struct writer_list again = { NULL, NULL }, ran = { NULL, NULL };
	struct writer_job *j, *next;
	int rc;

	if ((rc = store_begin(w->st)) != STORE_OK) {
		/* Busy past the timeout: bounded jobs give up, the rest wait
		 * (at shutdown, a few rounds only). */
		int stopping = writer_stopping(w);

		for (j = batch->head; j != NULL; j = next) {
			next = j->next;
			j->rc = rc;
			writer_push(j->mode == WRITER_BOUNDED || rc != STORE_BUSY ||
			    (stopping && ++j->tries >= WRITER_STOP_TRIES) ? fin : &again, j);
		}
		*batch = again;
		if (batch->head != NULL)
			writer_pause();
		return;
	}
	for (j = batch->head; j != NULL; j = next) {
		next = j->next;
		if ((rc = store_savepoint(w->st)) == STORE_OK) {
			rc = j->fn(w->st, j->arg);
			if (rc == STORE_OK || rc == WRITER_AGAIN)
				store_release(w->st);
			else
				store_rollback_to(w->st);
		}
		j->rc = rc;
		writer_push(&ran, j);
	}
	if ((rc = store_commit(w->st)) != STORE_OK) {
		log_warnx("writer: commit: %s; trying again", store_rc_str(rc));
		store_rollback(w->st);
		*batch = ran;
		writer_pause();
		return;
	}
	for (j = ran.head; j != NULL; j = next) {
		next = j->next;
		writer_push(j->rc == WRITER_AGAIN ? &again : fin, j);
	}
	*batch = again;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct writer_list batch = { NULL, NULL }, fin;
	struct writer_job *j;
	uint64_t one = 1;
	size_t n;
	int stop;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (batch.head == NULL && w->todo.head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		/* What is left of the last round comes first, then new jobs. */
		for (n = 0; w->todo.head != NULL && n < WRITER_BATCH; n++) {
			j = w->todo.head;
			if ((w->todo.head = j->next) == NULL)
				w->todo.tail = NULL;
			writer_push(&batch, j);
		}
		stop = w->stopping && batch.head == NULL && w->todo.head == NULL;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
		fin.head = fin.tail = NULL;
		writer_round(w, &batch, &fin);
		if (fin.head == NULL)
			continue;
		pthread_mutex_lock(&w->mu);
		if (w->done.tail != NULL)
			w->done.tail->next = fin.head;
		else
			w->done.head = fin.head;
		w->done.tail = fin.tail;
		pthread_mutex_unlock(&w->mu);
		if (write(w->efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			log_warn("writer: eventfd");
	}
	return NULL;
}

/* On the loop: the completions of finished jobs. */
static void
writer_complete(struct writer *w)
{
	struct writer_job *j, *next;
	uint64_t n;

	while (read(w->efd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
	pthread_mutex_lock(&w->mu);
	j = w->done.head;
	w->done.head = w->done.tail = NULL;
	pthread_mutex_unlock(&w->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		w->pending--;
		j->done(j->arg, j->rc);
		free(j);
	}
}

static void
writer_io(struct loop_io *io, int events, void *arg)
{
	(void)io;
	(void)events;
	writer_complete(arg);
}

struct writer *
writer_new(const char *path, int busy_ms, struct loop *loop, char *err,
    size_t errlen)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->efd = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->loop = loop;
	if (store_open(&w->st, path, STORE_WRITER, busy_ms, err, errlen) != STORE_OK)
		goto fail;
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (w->io = loop_io_add(loop, w->efd, LOOP_READ, writer_io, w)) == NULL) {
		snprintf(err, errlen, "writer: %s", strerror(errno));
		goto fail;
	}
	if ((errno = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
		snprintf(err, errlen, "writer: cannot start its thread: %s",
		    strerror(errno));
		goto fail;
	}
	w->started = 1;
	return w;
fail:
	writer_free(w);
	return NULL;
}

int
writer_submit(struct writer *w, enum writer_mode mode, writer_fn fn,
    writer_done done, void *arg)
{
	struct writer_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->mode = mode;
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&w->mu);
	writer_push(&w->todo, j);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	w->pending++;
	return 0;
}

size_t
writer_pending(const struct writer *w)
{
	return w->pending;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stopping = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		writer_complete(w);
	}
	loop_io_del(w->io);
	if (w->efd != -1)
		close(w->efd);
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
