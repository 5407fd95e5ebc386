/*
 * loop: timers fire in order and once, cancelled ones never; callbacks may
 * add and remove events, their own included; fd events with their kinds.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "unit.h"
#include "common/clock.h"
#include "sessiond/loop.h"

struct rec {
	struct loop	*l;
	char		 order[32];
	size_t		 n;
	struct loop_timer *victim;
	struct loop_io	*io;
	int		 fd;
	int		 reads, writes;
};

static struct rec R;

static void
mark(void *arg)
{
	R.order[R.n++] = *(const char *)arg;
}

static void
stop_cb(void *arg)
{
	loop_stop(arg);
}

static void
cancel_other(void *arg)
{
	mark(arg);
	loop_timer_cancel(R.victim);	/* due in the same round: must not fire */
	R.victim = NULL;
}

static void
add_more(void *arg)
{
	static const char c = 'z';

	mark(arg);
	loop_timer_add(R.l, 0, mark, (void *)&c);	/* next round */
}

START_TEST(timers_in_order_once_and_cancelled)
{
	static const char a = 'a', b = 'b', c = 'c', d = 'd', e = 'e';
	struct loop_timer *t;
	int64_t t0;

	memset(&R, 0, sizeof(R));
	ck_assert_ptr_nonnull(R.l = loop_new());
	loop_timer_add(R.l, 30, mark, (void *)&c);
	loop_timer_add(R.l, 10, mark, (void *)&a);
	loop_timer_add(R.l, 20, cancel_other, (void *)&b);
	R.victim = loop_timer_add(R.l, 20, mark, (void *)&d);
	t = loop_timer_add(R.l, 5, mark, (void *)&e);
	loop_timer_cancel(t);
	loop_timer_add(R.l, 40, add_more, (void *)&e);
	loop_timer_add(R.l, 80, stop_cb, R.l);
	loop_timer_cancel(NULL);
	t0 = clock_mono_ms();
	ck_assert_int_eq(loop_run(R.l), 0);
	ck_assert_int_ge(clock_mono_ms() - t0, 75);
	R.order[R.n] = '\0';
	ck_assert_str_eq(R.order, "abcez");
	loop_free(R.l);
}
END_TEST

static void
on_io(struct loop_io *io, int events, void *arg)
{
	char buf[64];

	(void)arg;
	if (events & LOOP_WRITE) {
		R.writes++;
		loop_io_mod(io, LOOP_READ);	/* written: now only reads */
	}
	/* The end of the pipe comes as a hang-up (LOOP_ERROR). */
	if (events & (LOOP_READ | LOOP_ERROR)) {
		R.reads++;
		if (read(R.fd, buf, sizeof(buf)) <= 0) {
			loop_io_del(io);	/* its own removal, from its callback */
			loop_stop(R.l);
		}
	}
}

static void
write_then_close(void *arg)
{
	int *wfd = arg;

	ck_assert_int_eq(write(*wfd, "hi", 2), 2);
	close(*wfd);
}

START_TEST(io_events_and_removal_from_the_callback)
{
	int p[2], wfd;

	memset(&R, 0, sizeof(R));
	ck_assert_ptr_nonnull(R.l = loop_new());
	ck_assert_int_eq(pipe(p), 0);
	R.fd = p[0];
	wfd = p[1];
	/* A pipe's read end is never writable: LOOP_WRITE on it stays quiet. */
	ck_assert_ptr_nonnull(R.io = loop_io_add(R.l, R.fd, LOOP_READ | LOOP_WRITE,
	    on_io, NULL));
	loop_timer_add(R.l, 20, write_then_close, &wfd);
	loop_timer_add(R.l, 3000, stop_cb, R.l);
	ck_assert_int_eq(loop_run(R.l), 0);
	ck_assert_int_eq(R.writes, 0);
	ck_assert_int_ge(R.reads, 2);	/* the data, then the end */
	close(p[0]);
	loop_free(R.l);
}
END_TEST

START_TEST(free_with_events_left)
{
	int p[2];

	ck_assert_ptr_nonnull(R.l = loop_new());
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_ptr_nonnull(loop_io_add(R.l, p[0], LOOP_READ, on_io, NULL));
	ck_assert_ptr_nonnull(loop_timer_add(R.l, 100000, stop_cb, R.l));
	loop_free(R.l);
	/* The fds stay open: they are the caller's. */
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, timers_in_order_once_and_cancelled);
	tcase_add_test(tc, io_events_and_removal_from_the_callback);
	tcase_add_test(tc, free_with_events_left);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_loop", loop_suite)
