/* Unit tests of wa_iq: ids, waiters, deadlines, answers' outcomes. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "wa/wa_iq.h"

static struct wa_str
str(const char *s)
{
	struct wa_str v = { (char *)(uintptr_t)s, strlen(s) };

	return v;
}

START_TEST(test_waiters)
{
	struct wa_iq q;
	struct wa_iq_waiter w;
	char a[WA_IQ_ID_MAX], b[WA_IQ_ID_MAX], c[WA_IQ_ID_MAX], bad[64];
	struct wa_str s;

	ck_assert_int_eq(wa_iq_init(&q), 0);
	ck_assert_int_eq(wa_iq_deadline(&q), -1);
	ck_assert_int_eq(wa_iq_add(&q, 1, 11, NULL, 500, a), 0);
	ck_assert_int_eq(wa_iq_add(&q, 2, 22, NULL, 300, b), 0);
	wa_iq_id(&q, c);	/* an id nobody waits on */
	ck_assert_int_eq(wa_iq_add(&q, 1, 33, NULL, 900, c), 0);
	/* "<a>.<b>-<n>", the counter from 1. */
	ck_assert(strchr(a, '.') != NULL && a[strlen(a) - 2] == '-' &&
	    a[strlen(a) - 1] == '1');
	ck_assert_int_eq(wa_iq_count(&q, 1), 2);
	ck_assert_int_eq(wa_iq_count(&q, -1), 3);
	ck_assert_int_eq(wa_iq_deadline(&q), 300);
	/* Unknown, malformed and foreign ids match nothing. */
	snprintf(bad, sizeof(bad), "%s", a);
	bad[strlen(bad) - 1] = '9';
	s = str(bad);
	ck_assert_int_eq(wa_iq_take(&q, &s, &w), 0);
	s = str("1.2-1");
	ck_assert_int_eq(wa_iq_take(&q, &s, &w), 0);
	snprintf(bad, sizeof(bad), "%s0", a);
	s = str(bad);
	ck_assert_int_eq(wa_iq_take(&q, &s, &w), 0);
	ck_assert_int_eq(wa_iq_take(&q, NULL, &w), 0);
	s = str(b);
	ck_assert_int_eq(wa_iq_take(&q, &s, &w), 1);
	ck_assert(w.kind == 2 && w.cookie == 22);
	ck_assert_int_eq(wa_iq_take(&q, &s, &w), 0);	/* only once */
	ck_assert_int_eq(wa_iq_take_expired(&q, 499, &w), 0);
	ck_assert_int_eq(wa_iq_take_expired(&q, 500, &w), 1);
	ck_assert_uint_eq(w.cookie, 11);
	ck_assert_int_eq(wa_iq_take_kind(&q, 2, &w), 0);
	ck_assert_int_eq(wa_iq_take_kind(&q, 1, &w), 1);
	ck_assert_int_eq(wa_iq_take_any(&q, &w), 0);
	ck_assert_int_eq(wa_iq_deadline(&q), -1);
	wa_iq_free(&q);
}
END_TEST

static struct wa_node *
reply(const char *type, const char *code, const char *backoff)
{
	struct wa_node *n = wa_node_new("iq"), *e;

	if (type != NULL)
		wa_node_attr(n, "type", type);
	if (code != NULL) {
		e = wa_node_add_new(n, "error");
		wa_node_attr(e, "code", code);
		if (backoff != NULL)
			wa_node_attr(e, "backoff", backoff);
	}
	return n;
}

START_TEST(test_outcome)
{
	static const struct {
		int		 line;
		const char	*type, *code, *backoff;
		enum wa_iq_status want;
		int		 wcode;
		int64_t		 wback;
	} cases[] = {
		{ __LINE__, "result", NULL, NULL, WA_IQ_OK, 0, 0 },
		{ __LINE__, "error", "429", "60", WA_IQ_RATE_LIMITED, 429, 60 },
		{ __LINE__, "error", "429", "x", WA_IQ_RATE_LIMITED, 429, 0 },
		{ __LINE__, "error", "400", NULL, WA_IQ_BAD_REQUEST, 400, 0 },
		{ __LINE__, "error", "401", NULL, WA_IQ_FORBIDDEN, 401, 0 },
		{ __LINE__, "error", "403", NULL, WA_IQ_FORBIDDEN, 403, 0 },
		{ __LINE__, "error", "404", NULL, WA_IQ_NOT_FOUND, 404, 0 },
		{ __LINE__, "error", "503", NULL, WA_IQ_SERVER_ERROR, 503, 0 },
		{ __LINE__, "error", "-1", NULL, WA_IQ_MALFORMED, 0, 0 },
		{ __LINE__, "error", NULL, NULL, WA_IQ_MALFORMED, 0, 0 },
		{ __LINE__, "get", NULL, NULL, WA_IQ_MALFORMED, 0, 0 },
		{ __LINE__, NULL, NULL, NULL, WA_IQ_MALFORMED, 0, 0 },
	};
	struct wa_node *n;
	int code;
	int64_t b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = reply(cases[i].type, cases[i].code, cases[i].backoff);
		ck_assert_msg(wa_iq_outcome(n, &code, &b) == cases[i].want &&
		    code == cases[i].wcode && b == cases[i].wback, "line %d",
		    cases[i].line);
		wa_node_free(n);
	}
	ck_assert_str_eq(wa_iq_strstatus(WA_IQ_TIMEOUT), "timed out");
	ck_assert_str_eq(wa_iq_strstatus((enum wa_iq_status)99), "unknown");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_iq");
	TCase *tc = tcase_create("iq");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_waiters);
	tcase_add_test(tc, test_outcome);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
