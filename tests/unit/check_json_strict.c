/* json_strict: what json-c accepts and RFC 8259 does not is refused. */
#include <stdio.h>
#include <string.h>

#include "common/json_strict.h"
#include "unit.h"

#define LONE	"is not valid UTF-8 (a lone surrogate escape)"

static const struct {
	int		 line;
	const char	*text;
	size_t		 len;		/* 0: strlen */
	const char	*why;		/* NULL: accepted */
} cases[] = {
	{ __LINE__, "{}", 0, NULL },
	{ __LINE__, " {\"a\": [1, 2.5e3, -0, true, false, null, \"x\"]} \n", 0, NULL },
	{ __LINE__, "{\"a\": {\"a\": {\"a\": 1}}, \"b\": [{\"a\": 1}, {\"a\": 2}]}", 0, NULL },
	/* A string may hold an escaped NUL: the getters refuse it. */
	{ __LINE__, "{\"a\": \"x\\u0000y\"}", 0, NULL },
	/* Escapes that spell the same name are the same name. */
	{ __LINE__, "{\"a\": 1, \"\\u0061\": 2}", 0, "names a member twice" },
	{ __LINE__, "{\"a\": 1, \"a\": 2}", 0, "names a member twice" },
	{ __LINE__, "{\"x\": {\"b\": 1, \"b\": 1}}", 0, "names a member twice" },
	{ __LINE__, "{\"x\": [{\"c\": 1}, {\"c\": 1, \"c\": 2}]}", 0, "names a member twice" },
	/* Braces and colons inside strings are text. */
	{ __LINE__, "{\"a\": \"{\\\"b\\\": 1, \\\"b\\\": 2}\", \"c\": \"}{,:\"}", 0, NULL },
	{ __LINE__, "[]", 0, "must be a JSON object" },
	{ __LINE__, "\"a\"", 0, "must be a JSON object" },
	{ __LINE__, "", 0, "is not valid JSON" },
	{ __LINE__, "{", 0, "is not valid JSON" },
	{ __LINE__, "{} {}", 0, "is not valid JSON" },
	{ __LINE__, "{}x", 0, "is not valid JSON" },
	{ __LINE__, "{'a': 1}", 0, "is not valid JSON" },
	{ __LINE__, "{\"a\": NaN}", 0, "is not valid JSON" },
	{ __LINE__, "{\"a\": Infinity}", 0, "is not valid JSON" },
	{ __LINE__, "{\"a\": 01}", 0, "is not valid JSON" },
	{ __LINE__, "{\"a\": 1,}", 0, "is not valid JSON" },
	{ __LINE__, "{\"a\": \"\xff\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xc3\"}", 0, "is not valid UTF-8" },
	/* What json-c's own check lets through (RFC 3629 section 3): an
	 * encoded surrogate, overlong forms, past U+10FFFF; also in a name. */
	{ __LINE__, "{\"a\": \"\xed\xa0\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xed\xbf\xbf\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xc0\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xc1\xbf\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xe0\x80\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xf0\x80\x80\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xf4\x90\x80\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"a\": \"\xf8\x88\x80\x80\x80\"}", 0, "is not valid UTF-8" },
	{ __LINE__, "{\"\xed\xa0\x80\": 1}", 0, "is not valid UTF-8" },
	/* The edges that are characters. */
	{ __LINE__, "{\"a\": \"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\"}", 0,
	    NULL },
	{ __LINE__, "{\"a\":\0 1}", 7, "is not valid JSON" },
	/* Escaped surrogates: a pair is one character, either half alone is
	 * not a character at all (json-c would make it U+FFFD). */
	{ __LINE__, "{\"a\": \"\\ud83d\\ude00\"}", 0, NULL },
	{ __LINE__, "{\"a\": \"x\\uD83D\\uDE00y\\u00e9\"}", 0, NULL },
	{ __LINE__, "{\"a\": \"\\ud800\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\udc00\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\uDFFF\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\udbff\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ud800x\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ud800\\n\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ud800\\u0041\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ud800\\ud800\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ude00\\ud83d\"}", 0, LONE },
	{ __LINE__, "{\"a\": \"\\ud83d\\ude00\\ud83d\"}", 0, LONE },
	{ __LINE__, "{\"\\ud800\": 1}", 0, LONE },
	{ __LINE__, "{\"a\": [\"ok\", \"\\udfff\"]}", 0, LONE },
	/* Cut short inside the escape: not JSON at all. */
	{ __LINE__, "{\"a\": \"\\ud8", 0, "is not valid JSON" },
	/* An escaped backslash before u is no escape. */
	{ __LINE__, "{\"a\": \"\\\\ud800\"}", 0, NULL },
	{ __LINE__, "{\"a\": [[[[[[[[[[1]]]]]]]]]]}", 0, "is nested too deeply" },
};

START_TEST(json_strict_cases)
{
	struct json_object *o;
	const char *why;
	size_t i, len;

	for (i = 0; i < N_ELEM(cases); i++) {
		why = NULL;
		len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		o = json_strict_object(cases[i].text, len, 8, &why);
		if (cases[i].why == NULL)
			ck_assert_msg(o != NULL, "line %d: refused (%s)", cases[i].line,
			    why ? why : "?");
		else {
			ck_assert_msg(o == NULL, "line %d: accepted", cases[i].line);
			ck_assert_msg(why != NULL && strcmp(why, cases[i].why) == 0,
			    "line %d: %s", cases[i].line, why ? why : "(none)");
		}
		json_object_put(o);
	}
}
END_TEST

/* Thousands of objects: counted, and past the bound refused, not overrun. */
START_TEST(json_strict_many_objects)
{
	static char buf[64 * 1024];
	struct json_object *o;
	size_t n = 0, i;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"a\": [");
	for (i = 0; i < 5000; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s{}", i ? "," : "");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "]}");
	ck_assert_ptr_null(o = json_strict_object(buf, n, 8, NULL));
	n = (size_t)snprintf(buf, sizeof(buf), "{\"a\": [");
	for (i = 0; i < 4000; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s{\"k\":%zu}", i ? "," : "", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "]}");
	ck_assert_ptr_nonnull(o = json_strict_object(buf, n, 8, NULL));
	json_object_put(o);
}
END_TEST

static Suite *
json_strict_suite(void)
{
	Suite *s = suite_create("json_strict");
	TCase *tc = tcase_create("json_strict");

	tcase_add_test(tc, json_strict_cases);
	tcase_add_test(tc, json_strict_many_objects);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_json_strict", json_strict_suite)
