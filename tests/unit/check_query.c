/* query: decoding and the rules of the query string. */
#include <stdio.h>
#include <string.h>

#include "gateway/query.h"
#include "unit.h"

static const char *const known[] = { "q", "limit", "source", "cursor", NULL };

static const struct {
	int		 line;
	const char	*qs;
	const char	*field;		/* NULL: parses */
	const char	*message;	/* expected error message (when field) */
	const char	*q;		/* expected q (NULL: absent or empty) */
	const char	*limit;
} cases[] = {
	{ __LINE__, "", NULL, NULL, NULL, NULL },
	{ __LINE__, "q=abc", NULL, NULL, "abc", NULL },
	{ __LINE__, "q=abc&limit=5", NULL, NULL, "abc", "5" },
	{ __LINE__, "limit=5&q=abc", NULL, NULL, "abc", "5" },
	/* '+' is a space, %2B a plus, escapes in either case. */
	{ __LINE__, "q=a+b", NULL, NULL, "a b", NULL },
	{ __LINE__, "q=%2B14155550123", NULL, NULL, "+14155550123", NULL },
	{ __LINE__, "q=%c3%84rger", NULL, NULL, "\xc3\x84rger", NULL },
	{ __LINE__, "q=%C3%84rger", NULL, NULL, "\xc3\x84rger", NULL },
	{ __LINE__, "q=100%25", NULL, NULL, "100%", NULL },
	{ __LINE__, "q=a%26b%3Dc", NULL, NULL, "a&b=c", NULL },
	{ __LINE__, "q=_%_", "q", "has a malformed percent-escape", NULL, NULL },
	/* Raw UTF-8 (not encoded) is accepted when valid. */
	{ __LINE__, "q=\xce\xb1\xce\xb2", NULL, NULL, "\xce\xb1\xce\xb2", NULL },
	/* Empty pairs are skipped; an empty value is absent. */
	{ __LINE__, "&&q=x&", NULL, NULL, "x", NULL },
	{ __LINE__, "q=", NULL, NULL, NULL, NULL },
	{ __LINE__, "q", NULL, NULL, NULL, NULL },
	{ __LINE__, "q=a=b", NULL, NULL, "a=b", NULL },
	/* Names are decoded too. */
	{ __LINE__, "%71=x", NULL, NULL, "x", NULL },
	/* Broken escapes, per parameter. */
	{ __LINE__, "q=%", "q", "has a malformed percent-escape", NULL, NULL },
	{ __LINE__, "q=%4", "q", "has a malformed percent-escape", NULL, NULL },
	{ __LINE__, "q=%zz", "q", "has a malformed percent-escape", NULL, NULL },
	{ __LINE__, "q=ok&limit=%G1", "limit", "has a malformed percent-escape", NULL, NULL },
	{ __LINE__, "q=%%41", "q", "has a malformed percent-escape", NULL, NULL },
	/* NUL and invalid UTF-8 after decoding. */
	{ __LINE__, "q=a%00b", "q", "contains a NUL byte", NULL, NULL },
	{ __LINE__, "q=%ff", "q", "is not valid UTF-8", NULL, NULL },
	{ __LINE__, "q=%c3", "q", "is not valid UTF-8", NULL, NULL },
	{ __LINE__, "q=%c0%80", "q", "is not valid UTF-8", NULL, NULL },
	{ __LINE__, "q=%ed%a0%80", "q", "is not valid UTF-8", NULL, NULL },
	{ __LINE__, "q=\xff", "q", "is not valid UTF-8", NULL, NULL },
	/* Repeated keys: one rule, always 400 naming the parameter. */
	{ __LINE__, "q=a&q=b", "q", "is repeated", NULL, NULL },
	{ __LINE__, "q=&q=b", "q", "is repeated", NULL, NULL },
	{ __LINE__, "q=a&%71=b", "q", "is repeated", NULL, NULL },
	{ __LINE__, "limit=1&limit=1", "limit", "is repeated", NULL, NULL },
	/* Unknown parameters. */
	{ __LINE__, "qq=1", "qq", "is not a known parameter", NULL, NULL },
	{ __LINE__, "Q=1", "Q", "is not a known parameter", NULL, NULL },
	{ __LINE__, "_=123", "_", "is not a known parameter", NULL, NULL },
	{ __LINE__, "q=a&phone=1", "phone", "is not a known parameter", NULL, NULL },
	{ __LINE__, "=1", "query", "has a parameter without a name", NULL, NULL },
	{ __LINE__, "%zz=1", "query", "has a malformed or unknown parameter name", NULL, NULL },
	{ __LINE__, "%00=1", "query", "has a malformed or unknown parameter name", NULL, NULL },
	{ __LINE__, "a%0Ab=1", "query", "has a malformed or unknown parameter name", NULL, NULL },
	{ __LINE__, "%c3%a4=1", "query", "has a malformed or unknown parameter name", NULL, NULL },
};

START_TEST(query_cases)
{
	struct query q;
	struct query_error err;
	const char *v;
	size_t i, len;
	int rc;

	for (i = 0; i < N_ELEM(cases); i++) {
		rc = query_parse(&q, cases[i].qs, strlen(cases[i].qs), known, &err);
		if (cases[i].field != NULL || cases[i].message != NULL) {
			ck_assert_msg(rc == -1, "line %d: parsed", cases[i].line);
			if (cases[i].field != NULL)
				ck_assert_msg(strcmp(err.field, cases[i].field) == 0,
				    "line %d: field %s", cases[i].line, err.field);
			ck_assert_msg(strcmp(err.message, cases[i].message) == 0,
			    "line %d: message %s", cases[i].line, err.message);
			continue;
		}
		ck_assert_msg(rc == 0, "line %d: %s %s", cases[i].line, err.field,
		    err.message ? err.message : "");
		v = query_get(&q, "q", &len);
		if (cases[i].q == NULL)
			ck_assert_msg(v == NULL, "line %d: q present", cases[i].line);
		else
			ck_assert_msg(v != NULL && len == strlen(cases[i].q) &&
			    memcmp(v, cases[i].q, len) == 0 && v[len] == '\0',
			    "line %d: q", cases[i].line);
		v = query_get(&q, "limit", &len);
		if (cases[i].limit == NULL)
			ck_assert_msg(v == NULL, "line %d: limit present", cases[i].line);
		else
			ck_assert_msg(v != NULL && strcmp(v, cases[i].limit) == 0,
			    "line %d: limit", cases[i].line);
	}
}
END_TEST

/* The query string is taken by length, not up to a NUL. */
START_TEST(query_by_length)
{
	struct query q;
	struct query_error err;
	const char s[] = "q=ab&limit=3";

	ck_assert_int_eq(query_parse(&q, s, 4, known, &err), 0);
	ck_assert_str_eq(query_get(&q, "q", NULL), "ab");
	ck_assert_ptr_null(query_get(&q, "limit", NULL));
}
END_TEST

/* Hard limits: the whole string and one decoded value. */
START_TEST(query_limits)
{
	static char s[REQUEST_QUERY_MAX + 2];
	struct query q;
	struct query_error err;
	size_t n;

	/* A value of exactly QUERY_VALUE_MAX bytes is fine, one more is not. */
	memcpy(s, "q=", 2);
	memset(s + 2, 'a', QUERY_VALUE_MAX);
	s[2 + QUERY_VALUE_MAX] = '\0';
	ck_assert_int_eq(query_parse(&q, s, strlen(s), known, &err), 0);
	s[2 + QUERY_VALUE_MAX] = 'a';
	s[3 + QUERY_VALUE_MAX] = '\0';
	ck_assert_int_eq(query_parse(&q, s, strlen(s), known, &err), -1);
	ck_assert_str_eq(err.field, "q");
	ck_assert_str_eq(err.message, "is longer than 1024 bytes");
	/* Percent-encoded: 3 bytes each on the wire, 1 decoded. */
	for (n = 2; n + 3 <= 2 + 3 * QUERY_VALUE_MAX; n += 3)
		memcpy(s + n, "%41", 3);
	s[n] = '\0';
	ck_assert_int_eq(query_parse(&q, s, strlen(s), known, &err), 0);
	ck_assert_uint_eq(strlen(query_get(&q, "q", NULL)), QUERY_VALUE_MAX);
	/* The whole string. */
	memcpy(s, "q=", 2);
	memset(s + 2, 'a', REQUEST_QUERY_MAX - 1);
	s[REQUEST_QUERY_MAX + 1] = '\0';
	ck_assert_int_eq(query_parse(&q, s, strlen(s), known, &err), -1);
	ck_assert_str_eq(err.field, "query");
	ck_assert_str_eq(err.message, "is longer than 4096 bytes");
}
END_TEST

/* Every known name once, at the largest sizes: the buffer holds them. */
START_TEST(query_all_params_full)
{
	static char s[REQUEST_QUERY_MAX + 1];
	struct query q;
	struct query_error err;
	size_t len;
	int i;

	len = (size_t)snprintf(s, sizeof(s), "q=");
	memset(s + len, 'x', 1000);
	len += 1000;
	for (i = 0; i < 3; i++) {
		len += (size_t)snprintf(s + len, sizeof(s) - len, "&%s=", known[i + 1]);
		memset(s + len, '1', 900);
		len += 900;
	}
	s[len] = '\0';
	ck_assert_int_eq(query_parse(&q, s, len, known, &err), 0);
	ck_assert_uint_eq(q.n, 4);
	ck_assert_uint_eq(strlen(query_get(&q, "cursor", NULL)), 900);
}
END_TEST

static Suite *
query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("query");

	tcase_add_test(tc, query_cases);
	tcase_add_test(tc, query_by_length);
	tcase_add_test(tc, query_limits);
	tcase_add_test(tc, query_all_params_full);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_query", query_suite)
