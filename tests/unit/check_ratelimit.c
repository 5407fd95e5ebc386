/* The per-session live-lookup budget: exact Retry-After seconds. */
#include <string.h>

#include "sessiond/ratelimit.h"
#include "unit.h"

#define DAY	86400000LL
#define WALL0	(20000 * DAY + 1000)	/* 1 s into a UTC day */

static const struct {
	int		 line;
	int		 pm, burst, day;
	/* steps: n lookups at (mono, wall) -> expected seconds (0: allowed) */
	struct { int n; int64_t mono, wall, want; } step[6];
	int		 nsteps;
} cases[] = {
	{ __LINE__, 6, 2, 1000, {
	    { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 10 },
	    { 1, 9001, WALL0, 1 }, { 1, 10000, WALL0, 0 }, { 1, 10000, WALL0, 10 } }, 6 },
	/* Several at once need that many tokens. */
	{ __LINE__, 6, 2, 1000, {
	    { 2, 0, WALL0, 0 }, { 2, 10000, WALL0, 10 }, { 1, 10000, WALL0, 0 },
	    { 2, 20000, WALL0, 10 } }, 4 },
	/* A rate that does not divide a minute stays exact. */
	{ __LINE__, 7, 1, 1000, {
	    { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 9 }, { 1, 8571, WALL0, 1 },
	    { 1, 8572, WALL0, 0 } }, 4 },
	/* The cap per UTC day: wait until midnight, then a fresh day. */
	{ __LINE__, 1000000, 1000000, 2, {
	    { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 86399 },
	    { 1, 5, WALL0 + DAY - 1001, 1 }, { 1, 10, WALL0 + DAY - 1000, 0 } }, 5 },
	/* Both limits: the longer wait wins; nothing is spent while refused. */
	{ __LINE__, 60, 1, 1, {
	    { 1, 0, WALL0, 0 }, { 1, 0, WALL0, 86399 }, { 1, 0, WALL0 + DAY, 1 },
	    { 1, 1000, WALL0 + DAY, 0 } }, 4 },
	/* A long idle time never banks more than the burst. */
	{ __LINE__, 60, 2, 1000, {
	    { 1, 1000000, WALL0, 0 }, { 1, 1000000, WALL0, 0 },
	    { 1, 1000000, WALL0, 1 } }, 3 },
};

START_TEST(ratelimit_table)
{
	struct ratelimit_conf c = { cases[_i].pm, cases[_i].burst, cases[_i].day };
	struct ratelimit r;
	int k;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < cases[_i].nsteps; k++) {
		int64_t got = ratelimit_take(&r, &c, cases[_i].step[k].n,
		    cases[_i].step[k].mono, cases[_i].step[k].wall);

		ck_assert_msg(got == cases[_i].step[k].want,
		    "line %d step %d: got %lld want %lld", cases[_i].line, k,
		    (long long)got, (long long)cases[_i].step[k].want);
	}
}
END_TEST

/*
 * Saved as a debt of tokens and restored under another monotonic clock,
 * less the refill since; a new rate applies to what is left.
 */
START_TEST(ratelimit_save_restore)
{
	struct ratelimit_conf c = { 2, 3, 1000 }, fast = { 60, 3, 1000 };
	struct ratelimit r, back;
	int64_t debt;

	memset(&r, 0, sizeof(r));
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(ratelimit_take(&r, &c, 3, 5000, WALL0), 0);
	ck_assert_int_eq(ratelimit_take(&r, &c, 1, 5000, WALL0), 30);
	debt = ratelimit_save(&r, &c, 5000);
	ck_assert_int_eq(debt, 3 * 60000);	/* three tokens */
	/* Ten seconds later, in a new process whose monotonic clock is elsewhere. */
	ratelimit_restore(&back, &c, debt, WALL0, 900000, WALL0 + 10000);
	ck_assert_int_eq(ratelimit_take(&back, &c, 1, 900000, WALL0 + 10000), 20);
	ck_assert_int_eq(ratelimit_take(&back, &c, 1, 920000, WALL0 + 30000), 0);
	/* The same debt under a faster rate: a token a second. */
	memset(&back, 0, sizeof(back));
	ratelimit_restore(&back, &fast, debt, WALL0, 900000, WALL0 + 1000);
	ck_assert_int_eq(ratelimit_take(&back, &fast, 2, 900000, WALL0 + 1000), 1);
	ck_assert_int_eq(ratelimit_take(&back, &fast, 1, 900000, WALL0 + 1000), 0);
	/* A full bucket saves as 0; a debt long repaid restores as full. */
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ratelimit_save(&r, &c, 5000), 0);
	ratelimit_restore(&back, &c, 3 * 60000, WALL0 - 86400000LL * 365, 5000, WALL0);
	ck_assert_int_eq(ratelimit_take(&back, &c, 3, 5000, WALL0), 0);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, ratelimit_table, 0, N_ELEM(cases));
	tcase_add_test(tc, ratelimit_save_restore);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_ratelimit", ratelimit_suite)
