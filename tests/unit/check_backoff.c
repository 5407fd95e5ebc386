/* backoff: reconnect delays, exponential, capped, jittered, reset when stable. */
#include <stdint.h>

#include "sessiond/backoff.h"
#include "unit.h"

START_TEST(backoff_doubles_to_the_cap)
{
	static const int64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 64000,
	    128000, 256000, 300000, 300000, 300000 };
	struct backoff_conf c;
	struct backoff b = { 0 };
	size_t i;

	backoff_default(&c);
	/* rnd 2^31: the middle of the jitter, exactly the nominal delay. */
	for (i = 0; i < N_ELEM(want); i++)
		ck_assert_msg(backoff_next(&b, &c, 0x80000000u) == want[i],
		    "attempt %zu", i);
	/* The attempts never overflow however long it goes on. */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(backoff_next(&b, &c, 0x80000000u), 300000);
}
END_TEST

START_TEST(backoff_jitter_bounds)
{
	struct backoff_conf c = { 1000, 8000, 60000 };
	struct backoff b = { 0 };
	uint32_t rnds[] = { 0, 1, 0x7fffffffu, 0xffffffffu };
	int64_t d, lo, hi, nominal;
	size_t i, k;

	for (k = 0; k < 6; k++) {
		nominal = k >= 3 ? 8000 : 1000 << k;
		lo = nominal * 4 / 5;
		hi = nominal * 6 / 5;
		for (i = 0; i < N_ELEM(rnds); i++) {
			b.attempts = (int)k;
			d = backoff_next(&b, &c, rnds[i]);
			ck_assert_msg(d >= lo && d <= hi, "attempt %zu rnd %u: %lld", k,
			    rnds[i], (long long)d);
		}
	}
	b.attempts = 0;
	ck_assert_int_eq(backoff_next(&b, &c, 0), 800);
	b.attempts = 0;
	ck_assert_int_eq(backoff_next(&b, &c, 0xffffffffu), 1199);
}
END_TEST

START_TEST(backoff_resets_after_a_stable_connection)
{
	struct backoff_conf c;
	struct backoff b = { 5 };

	backoff_default(&c);
	backoff_up_for(&b, &c, 1000, 1000 + c.stable_ms - 1);
	ck_assert_int_eq(b.attempts, 5);
	backoff_up_for(&b, &c, 1000, 1000 + c.stable_ms);
	ck_assert_int_eq(b.attempts, 0);
	ck_assert_int_eq(backoff_next(&b, &c, 0x80000000u), 1000);
}
END_TEST

static Suite *
backoff_suite(void)
{
	Suite *s = suite_create("backoff");
	TCase *tc = tcase_create("backoff");

	tcase_add_test(tc, backoff_doubles_to_the_cap);
	tcase_add_test(tc, backoff_jitter_bounds);
	tcase_add_test(tc, backoff_resets_after_a_stable_connection);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_backoff", backoff_suite)
