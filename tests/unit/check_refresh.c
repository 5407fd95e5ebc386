/*
 * refresh: the work runs on a thread of its own, its completion on the
 * loop, again after the completion's delay, early on refresh_now, and
 * never twice at once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <check.h>

#include "unit.h"
#include "sessiond/loop.h"
#include "sessiond/refresh.h"

struct fx {
	struct loop	*loop;
	struct refresh	*r;
	pthread_t	 loop_thread;	/* the thread that runs the loop */
	atomic_int	 running;	/* works under way at once */
	int		 overlap;
	int		 works, dones;
	int		 on_loop;	/* every completion ran on the loop's thread */
	int		 work_ms;
	int64_t		 next_ms;
	int		 stop_after;
	int		 first_pending_in_done;
};

static void
fx_work(void *arg)
{
	struct fx *f = arg;

	if (atomic_fetch_add(&f->running, 1) != 0)
		f->overlap = 1;
	usleep((useconds_t)f->work_ms * 1000);
	f->works++;	/* read by fx_done on the loop: the refresh hands it over */
	atomic_fetch_sub(&f->running, 1);
}

static int64_t
fx_done(void *arg)
{
	struct fx *f = arg;

	if (!pthread_equal(pthread_self(), f->loop_thread))
		f->on_loop = 0;
	f->dones++;
	if (refresh_first_pending(f->r))
		f->first_pending_in_done = 1;
	if (f->dones == 1)
		refresh_now(f->r);	/* early: runs at once, not after next_ms */
	if (f->dones >= f->stop_after)
		loop_stop(f->loop);
	return f->next_ms;
}

static void
fx_kick(void *arg)
{
	struct fx *f = arg;

	/* Asked again while a run is under way: that run does. */
	refresh_now(f->r);
	refresh_now(f->r);
}

static void
fx_timeout(void *arg)
{
	loop_stop(arg);
}

START_TEST(runs_again_early_never_twice)
{
	struct fx f = { 0 };
	char err[128];

	f.loop = loop_new();
	f.loop_thread = pthread_self();
	f.on_loop = 1;
	f.work_ms = 30;
	f.next_ms = 50;
	f.stop_after = 4;
	ck_assert_ptr_nonnull(f.r = refresh_new(f.loop, fx_work, fx_done, &f, err,
	    sizeof(err)));
	ck_assert(refresh_first_pending(f.r));
	ck_assert_int_gt(refresh_last_start(f.r), 0);
	loop_timer_add(f.loop, 5, fx_kick, &f);
	loop_timer_add(f.loop, 5000, fx_timeout, f.loop);
	loop_run(f.loop);
	ck_assert_int_eq(f.dones, 4);
	ck_assert_int_eq(f.works, 4);
	ck_assert(!f.overlap);
	ck_assert(f.on_loop);
	ck_assert(!f.first_pending_in_done);
	ck_assert(!refresh_first_pending(f.r));
	refresh_free(f.r);
	loop_free(f.loop);
}
END_TEST

/* Freed while a run is under way: waits for it, nothing runs after. */
START_TEST(free_waits_for_the_run)
{
	struct fx f = { 0 };
	char err[128];

	f.loop = loop_new();
	f.loop_thread = pthread_self();
	f.work_ms = 100;
	f.next_ms = 10;
	f.stop_after = 1000;
	ck_assert_ptr_nonnull(f.r = refresh_new(f.loop, fx_work, fx_done, &f, err,
	    sizeof(err)));
	usleep(20000);
	refresh_free(f.r);
	ck_assert_int_eq(f.works, 1);
	ck_assert_int_eq(f.dones, 0);
	refresh_free(NULL);
	loop_free(f.loop);
}
END_TEST

static Suite *
refresh_suite(void)
{
	Suite *s = suite_create("refresh");
	TCase *tc = tcase_create("refresh");

	tcase_add_test(tc, runs_again_early_never_twice);
	tcase_add_test(tc, free_waits_for_the_run);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_refresh", refresh_suite)
