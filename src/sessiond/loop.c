#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/loop.h"

#define LOOP_BATCH	64

struct loop_io {
	struct loop	*loop;
	int		 fd;
	int		 dead;
	size_t		 pos;		/* index in loop.ios */
	loop_io_cb	 cb;
	void		*arg;
	struct loop_io	*next_dead;
};

struct loop_timer {
	struct loop	*loop;
	int64_t		 when;
	uint64_t	 seq;		/* FIFO among equal deadlines */
	size_t		 pos;		/* index in the heap */
	loop_timer_cb	 cb;
	void		*arg;
};

struct loop {
	int		 epfd;
	int		 stop;
	struct loop_timer **heap;	/* binary min-heap on (when, seq) */
	size_t		 nheap, capheap;
	uint64_t	 seq;
	struct loop_io	*dead;		/* freed after the dispatch round */
	size_t		 nios;
	struct loop_io	**ios;		/* every live io, for loop_free */
	size_t		 capios;
};

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		log_warn("loop");
		return NULL;
	}
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("epoll_create1");
		free(l);
		return NULL;
	}
	return l;
}

static void
loop_reap(struct loop *l)
{
	struct loop_io *io;

	while ((io = l->dead) != NULL) {
		l->dead = io->next_dead;
		free(io);
	}
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nheap; i++)
		free(l->heap[i]);
	for (i = 0; i < l->nios; i++)
		free(l->ios[i]);
	loop_reap(l);
	free(l->heap);
	free(l->ios);
	close(l->epfd);
	free(l);
}

static uint32_t
loop_mask(int events)
{
	return (events & LOOP_READ ? EPOLLIN : 0) | (events & LOOP_WRITE ? EPOLLOUT : 0);
}

struct loop_io *
loop_io_add(struct loop *l, int fd, int events, loop_io_cb cb, void *arg)
{
	struct epoll_event ev = { 0 };
	struct loop_io *io, **n;

	if (l->nios == l->capios) {
		size_t cap = l->capios ? l->capios * 2 : 64;

		if ((n = reallocarray(l->ios, cap, sizeof(*n))) == NULL)
			return NULL;
		l->ios = n;
		l->capios = cap;
	}
	if ((io = calloc(1, sizeof(*io))) == NULL)
		return NULL;
	io->loop = l;
	io->fd = fd;
	io->cb = cb;
	io->arg = arg;
	ev.events = loop_mask(events);
	ev.data.ptr = io;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("epoll_ctl add");
		free(io);
		return NULL;
	}
	io->pos = l->nios;
	l->ios[l->nios++] = io;
	return io;
}

int
loop_io_mod(struct loop_io *io, int events)
{
	struct epoll_event ev = { 0 };

	ev.events = loop_mask(events);
	ev.data.ptr = io;
	if (epoll_ctl(io->loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) == -1) {
		log_warn("epoll_ctl mod");
		return -1;
	}
	return 0;
}

void
loop_io_del(struct loop_io *io)
{
	struct loop *l;

	if (io == NULL || io->dead)
		return;
	l = io->loop;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	l->ios[io->pos] = l->ios[--l->nios];
	l->ios[io->pos]->pos = io->pos;
	/* Events of this round may still name io: free it afterwards. */
	io->dead = 1;
	io->next_dead = l->dead;
	l->dead = io;
}

static int
loop_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
loop_heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->pos = i;
}

static void
loop_heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0 && loop_before(t, l->heap[(i - 1) / 2])) {
		loop_heap_set(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	loop_heap_set(l, i, t);
}

static void
loop_heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && loop_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!loop_before(l->heap[c], t))
			break;
		loop_heap_set(l, i, l->heap[c]);
		i = c;
	}
	loop_heap_set(l, i, t);
}

static void
loop_heap_remove(struct loop *l, struct loop_timer *t)
{
	size_t i = t->pos;
	struct loop_timer *last = l->heap[--l->nheap];

	if (last == t)
		return;
	loop_heap_set(l, i, last);
	loop_heap_down(l, i);
	loop_heap_up(l, last->pos);
}

struct loop_timer *
loop_timer_add(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg)
{
	struct loop_timer *t, **n;

	if (l->nheap == l->capheap) {
		size_t cap = l->capheap ? l->capheap * 2 : 64;

		if ((n = reallocarray(l->heap, cap, sizeof(*n))) == NULL)
			return NULL;
		l->heap = n;
		l->capheap = cap;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->loop = l;
	t->when = clock_mono_ms() + (ms < 0 ? 0 : ms);
	t->seq = l->seq++;
	t->cb = cb;
	t->arg = arg;
	l->heap[l->nheap++] = t;
	loop_heap_up(l, l->nheap - 1);
	return t;
}

void
loop_timer_cancel(struct loop_timer *t)
{
	if (t == NULL)
		return;
	loop_heap_remove(t->loop, t);
	free(t);
}

static void
loop_run_timers(struct loop *l)
{
	int64_t now = clock_mono_ms();
	uint64_t limit = l->seq;
	struct loop_timer *t;
	loop_timer_cb cb;
	void *arg;

	/* Timers added by these callbacks wait for the next round. */
	while (l->nheap > 0 && !l->stop) {
		t = l->heap[0];
		if (t->when > now || t->seq >= limit)
			break;
		loop_heap_remove(l, t);
		cb = t->cb;
		arg = t->arg;
		free(t);
		cb(arg);
	}
}

static int
loop_wait_ms(struct loop *l)
{
	int64_t d;

	if (l->nheap == 0)
		return -1;
	d = l->heap[0]->when - clock_mono_ms();
	if (d < 0)
		return 0;
	return d > 60000 ? 60000 : (int)d;
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_BATCH];
	struct loop_io *io;
	int i, n, e;

	l->stop = 0;
	while (!l->stop) {
		n = epoll_wait(l->epfd, evs, LOOP_BATCH, loop_wait_ms(l));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("epoll_wait");
			return -1;
		}
		for (i = 0; i < n && !l->stop; i++) {
			io = evs[i].data.ptr;
			if (io->dead)
				continue;
			e = (evs[i].events & EPOLLIN ? LOOP_READ : 0) |
			    (evs[i].events & EPOLLOUT ? LOOP_WRITE : 0) |
			    (evs[i].events & (EPOLLERR | EPOLLHUP) ? LOOP_ERROR : 0);
			io->cb(io, e, io->arg);
		}
		loop_reap(l);
		loop_run_timers(l);
		loop_reap(l);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
