#include <sys/eventfd.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/resolver.h"

#define RESOLVER_KEY_MAX	320

/* One name being resolved, with the queries that wait for it. */
struct resolver_job {
	char		 key[RESOLVER_KEY_MAX];	/* "host|port" */
	char		 host[256], port[8];
	struct resolver_result res;
	struct resolver_query *waiting;		/* loop side */
	struct resolver_job *next;		/* todo or done (under mu) */
	struct resolver_job *inflight_next;	/* loop side */
};

struct resolver_query {
	struct resolver	*r;
	struct resolver_job *job;	/* NULL: answered from the cache */
	struct loop_timer *timer;	/* the cache's answer, on the next round */
	struct resolver_result res;
	resolver_cb	 cb;
	void		*arg;
	int		 cancelled;
	struct resolver_query *next;	/* job->waiting, or resolver.cached_q */
};

struct resolver_cached {
	char		 key[RESOLVER_KEY_MAX];
	int64_t		 until;		/* monotonic ms */
	struct resolver_result res;
	struct resolver_cached *next;
};

struct resolver {
	struct loop	*loop;
	struct loop_io	*io;
	int		 efd;
	pthread_t	 threads[RESOLVER_THREADS];
	size_t		 nthreads;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct resolver_job *todo, *done;	/* guarded by mu */
	int		 stopping;		/* guarded by mu */
	struct resolver_job *inflight;		/* loop side: every job not answered */
	struct resolver_cached *cache;		/* loop side */
	struct resolver_query *cached_q;	/* loop side: answers on their way */
	int		 closing;		/* answer nothing more */
};

static void
resolver_getaddrinfo(struct resolver_job *j)
{
	struct addrinfo hints, *ai = NULL, *p;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	memset(&j->res, 0, sizeof(j->res));
	if ((j->res.err = getaddrinfo(j->host, j->port, &hints, &ai)) != 0) {
		j->res.sys_errno = j->res.err == EAI_SYSTEM ? errno : 0;
		return;
	}
	for (p = ai; p != NULL && j->res.n < RESOLVER_ADDRS_MAX; p = p->ai_next) {
		if (p->ai_addrlen > sizeof(j->res.addr[0]))
			continue;
		memcpy(&j->res.addr[j->res.n], p->ai_addr, p->ai_addrlen);
		j->res.len[j->res.n++] = p->ai_addrlen;
	}
	freeaddrinfo(ai);
	if (j->res.n == 0)
		j->res.err = EAI_NONAME;
}

static void *
resolver_main(void *arg)
{
	struct resolver *r = arg;
	struct resolver_job *j;
	uint64_t one = 1;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->todo == NULL && !r->stopping)
			pthread_cond_wait(&r->cv, &r->mu);
		/* Stopping: what is not begun is dropped (resolver_free). */
		if (r->stopping) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		j = r->todo;
		r->todo = j->next;
		pthread_mutex_unlock(&r->mu);
		resolver_getaddrinfo(j);
		pthread_mutex_lock(&r->mu);
		j->next = r->done;
		r->done = j;
		pthread_mutex_unlock(&r->mu);
		if (write(r->efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			log_warn("resolver: eventfd");
	}
}

static void
resolver_cache_put(struct resolver *r, const struct resolver_job *j)
{
	struct resolver_cached *c, **pp;
	int64_t now = clock_mono_ms();

	/* Failures are not kept: the next try asks again. */
	if (j->res.err != 0)
		return;
	for (pp = &r->cache; (c = *pp) != NULL;) {
		if (strcmp(c->key, j->key) == 0 || c->until <= now) {
			*pp = c->next;
			free(c);
		} else
			pp = &c->next;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	memcpy(c->key, j->key, sizeof(c->key));
	c->until = now + RESOLVER_TTL_MS;
	c->res = j->res;
	c->next = r->cache;
	r->cache = c;
}

static void
resolver_unlink_job(struct resolver *r, struct resolver_job *j)
{
	struct resolver_job **pp;

	for (pp = &r->inflight; *pp != NULL; pp = &(*pp)->inflight_next)
		if (*pp == j) {
			*pp = j->inflight_next;
			return;
		}
}

/* On the loop: answers the queries of finished jobs. */
static void
resolver_io(struct loop_io *io, int events, void *arg)
{
	struct resolver *r = arg;
	struct resolver_job *j, *next;
	struct resolver_query *q, *qn;
	uint64_t n;

	(void)io;
	(void)events;
	while (read(r->efd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
	pthread_mutex_lock(&r->mu);
	j = r->done;
	r->done = NULL;
	pthread_mutex_unlock(&r->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		resolver_unlink_job(r, j);
		resolver_cache_put(r, j);
		for (q = j->waiting; q != NULL; q = qn) {
			qn = q->next;
			if (!q->cancelled && !r->closing)
				q->cb(q->arg, &j->res);
			free(q);
		}
		free(j);
	}
}

struct resolver *
resolver_new(struct loop *loop, char *err, size_t errlen)
{
	struct resolver *r;
	size_t i;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->loop = loop;
	r->efd = -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (r->io = loop_io_add(loop, r->efd, LOOP_READ, resolver_io, r)) == NULL) {
		snprintf(err, errlen, "resolver: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < RESOLVER_THREADS; i++) {
		if ((errno = pthread_create(&r->threads[i], NULL, resolver_main, r)) != 0) {
			snprintf(err, errlen, "resolver: cannot start a thread: %s",
			    strerror(errno));
			goto fail;
		}
		r->nthreads++;
	}
	return r;
fail:
	resolver_free(r);
	return NULL;
}

static void
resolver_cached_unlink(struct resolver_query *q)
{
	struct resolver_query **pp;

	for (pp = &q->r->cached_q; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			return;
		}
}

static void
resolver_cached_answer(void *arg)
{
	struct resolver_query *q = arg;

	q->timer = NULL;
	resolver_cached_unlink(q);
	q->cb(q->arg, &q->res);
	free(q);
}

struct resolver_query *
resolver_lookup(struct resolver *r, const char *host, const char *port,
    resolver_cb cb, void *arg)
{
	struct resolver_query *q;
	struct resolver_cached *c;
	struct resolver_job *j;
	char key[RESOLVER_KEY_MAX];
	int64_t now = clock_mono_ms();
	int n;

	n = snprintf(key, sizeof(key), "%s|%s", host, port);
	if (n < 0 || (size_t)n >= sizeof(key) || strlen(host) >= sizeof(j->host) ||
	    strlen(port) >= sizeof(j->port) || (q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->r = r;
	q->cb = cb;
	q->arg = arg;
	for (c = r->cache; c != NULL; c = c->next)
		if (c->until > now && strcmp(c->key, key) == 0) {
			q->res = c->res;
			if ((q->timer = loop_timer_add(r->loop, 0, resolver_cached_answer,
			    q)) == NULL) {
				free(q);
				return NULL;
			}
			q->next = r->cached_q;
			r->cached_q = q;
			return q;
		}
	/* One lookup of a name at a time: later queries wait for it too. */
	for (j = r->inflight; j != NULL; j = j->inflight_next)
		if (strcmp(j->key, key) == 0)
			break;
	if (j == NULL) {
		if ((j = calloc(1, sizeof(*j))) == NULL) {
			free(q);
			return NULL;
		}
		memcpy(j->key, key, (size_t)n + 1);
		snprintf(j->host, sizeof(j->host), "%s", host);
		snprintf(j->port, sizeof(j->port), "%s", port);
		pthread_mutex_lock(&r->mu);
		j->next = r->todo;
		r->todo = j;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		j->inflight_next = r->inflight;
		r->inflight = j;
	}
	q->job = j;
	q->next = j->waiting;
	j->waiting = q;
	return q;
}

void
resolver_cancel(struct resolver_query *q)
{
	if (q == NULL)
		return;
	if (q->job == NULL) {
		loop_timer_cancel(q->timer);
		resolver_cached_unlink(q);
		free(q);
		return;
	}
	/* Freed when its job ends. */
	q->cancelled = 1;
}

void
resolver_free(struct resolver *r)
{
	struct resolver_job *j;
	struct resolver_cached *c;
	size_t i;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	for (i = 0; i < r->nthreads; i++)
		pthread_join(r->threads[i], NULL);
	/* Queries still waiting are dropped without an answer. */
	r->closing = 1;
	while ((j = r->todo) != NULL) {
		r->todo = j->next;
		j->next = r->done;
		r->done = j;
	}
	while (r->cached_q != NULL)
		resolver_cancel(r->cached_q);
	if (r->io != NULL)
		resolver_io(r->io, 0, r);
	loop_io_del(r->io);
	if (r->efd != -1)
		close(r->efd);
	while ((c = r->cache) != NULL) {
		r->cache = c->next;
		free(c);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
