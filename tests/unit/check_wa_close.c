/* Unit tests of wa_close: why a connection ended. */
#include <check.h>
#include <string.h>

#include "wa/wa_close.h"

#define A(...)	((const char *const []){ __VA_ARGS__, NULL })

static struct wa_node *
mk(const char *tag, const char *const *attrs)
{
	struct wa_node *n = wa_node_new(tag);
	size_t i;

	for (i = 0; attrs[i] != NULL; i += 2)
		wa_node_attr(n, attrs[i], attrs[i + 1]);
	return n;
}

START_TEST(test_close)
{
	struct wa_close c;
	struct wa_node *n;

	n = mk("failure", A("reason", "402", "code", "101", "expire", "7200"));
	ck_assert_int_eq(wa_close_failure(n, &c), 0);
	ck_assert(c.reason == WA_CLOSE_BANNED && c.permanent && c.code == 402 &&
	    c.ban_code == 101 && c.expire_s == 7200);
	wa_node_free(n);
	n = mk("failure", A("location", "x"));
	ck_assert_int_eq(wa_close_failure(n, &c), 0);
	ck_assert(c.reason == WA_CLOSE_UNAVAILABLE && !c.permanent &&
	    c.code == 500);
	wa_node_free(n);
	n = mk("stream:error", A("x", "y"));
	ck_assert_int_eq(wa_close_stream_error(n, &c), 0);
	ck_assert(c.reason == WA_CLOSE_STREAM_ERROR && !c.permanent);
	ck_assert_int_eq(wa_close_failure(n, &c), -1);
	wa_node_free(n);
	n = mk("success", A("x", "y"));
	ck_assert_int_eq(wa_close_stream_error(n, &c), -1);
	wa_node_free(n);
	wa_close_set(&c, WA_CLOSE_KEEPALIVE);
	ck_assert(!c.permanent);
	wa_close_set(&c, WA_CLOSE_REPLACED);
	ck_assert(c.permanent);
	ck_assert_str_eq(wa_close_str(WA_CLOSE_RESTART), "restart required");
	ck_assert_str_eq(wa_close_str((enum wa_close_reason)99), "unknown");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_close");
	TCase *tc = tcase_create("close");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_close);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
