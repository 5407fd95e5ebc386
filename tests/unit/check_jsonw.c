/* jsonw: streamed JSON text with json-c's string escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gateway/jsonw.h"
#include "unit.h"

static const struct {
	int		 line;
	const char	*in;
	size_t		 len;
	const char	*out;
} strings[] = {
	{ __LINE__, "", 0, "\"\"" },
	{ __LINE__, "abc", 3, "\"abc\"" },
	{ __LINE__, "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
	{ __LINE__, "a/b", 3, "\"a/b\"" },
	{ __LINE__, "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
	{ __LINE__, "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
	{ __LINE__, "\xc3\xa4\xe4\xb8\xad\xf0\x9f\x98\x80", 9,
	    "\"\xc3\xa4\xe4\xb8\xad\xf0\x9f\x98\x80\"" },
	/* Long, then empty, then long again (json-c 0.16 leaked here). */
	{ __LINE__, "0123456789012345678901234567890123456789", 40,
	    "\"0123456789012345678901234567890123456789\"" },
	{ __LINE__, "", 0, "\"\"" },
	{ __LINE__, "x", 1, "\"x\"" },
	{ __LINE__, "0123456789012345678901234567890123456789xx", 42,
	    "\"0123456789012345678901234567890123456789xx\"" },
	/* By length: what follows is not part of it. */
	{ __LINE__, "abcdef", 2, "\"ab\"" },
};

START_TEST(jsonw_strings)
{
	struct jsonw w;
	char *out;
	size_t i, len;

	for (i = 0; i < N_ELEM(strings); i++) {
		ck_assert_int_eq(jsonw_init(&w, 1), 0);
		jsonw_string(&w, strings[i].in, strings[i].len);
		ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
		ck_assert_msg(strcmp(out, strings[i].out) == 0 && len == strlen(out),
		    "line %d: %s", strings[i].line, out);
		free(out);
	}
}
END_TEST

/* A document far past the first buffer parses back to what went in. */
/* Every byte that needs escaping, and UTF-8, read back by json-c. */
START_TEST(jsonw_roundtrip_through_json_c)
{
	char in[160], *out;
	struct json_object *o;
	struct jsonw w;
	size_t n = 0, len;
	int c;

	for (c = 1; c < 0x80; c++)
		in[n++] = (char)c;
	memcpy(in + n, "\xc3\xa4\xe2\x80\xa8\xf0\x9f\x98\x80", 9);	/* ä U+2028 😀 */
	n += 9;
	ck_assert_int_eq(jsonw_init(&w, 1), 0);
	jsonw_string(&w, in, n);
	ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
	ck_assert_ptr_nonnull(o = json_tokener_parse(out));
	ck_assert(json_object_is_type(o, json_type_string));
	ck_assert_int_eq(json_object_get_string_len(o), (int)n);
	ck_assert_mem_eq(json_object_get_string(o), in, n);
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(jsonw_grows)
{
	struct jsonw w;
	struct json_object *o, *a;
	char *out, item[32];
	size_t len;
	int i;

	ck_assert_int_eq(jsonw_init(&w, 8), 0);
	JSONW_LIT(&w, "{\"data\":[");
	for (i = 0; i < 5000; i++) {
		if (i > 0)
			JSONW_LIT(&w, ",");
		snprintf(item, sizeof(item), "item \"%d\"", i);
		jsonw_string(&w, item, strlen(item));
	}
	JSONW_LIT(&w, "]}");
	ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_ptr_nonnull(o = json_tokener_parse(out));
	ck_assert(json_object_object_get_ex(o, "data", &a));
	ck_assert_uint_eq(json_object_array_length(a), 5000);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(a, 4999)),
	    "item \"4999\"");
	json_object_put(o);
	free(out);
}
END_TEST

/*
 * Optional fields: omitted when NULL or "", and a stored value that is
 * not UTF-8 (overlong, a surrogate, truncated, a stray continuation) is
 * left out whole, its key too, without touching what came before.
 */
START_TEST(jsonw_fields)
{
	static const struct {
		int		 line;
		const char	*value;
		const char	*out;
	} cases[] = {
		{ __LINE__, NULL, "{\"a\":1}" },
		{ __LINE__, "", "{\"a\":1}" },
		{ __LINE__, "Ann \"A\"", "{\"a\":1,\"name\":\"Ann \\\"A\\\"\"}" },
		{ __LINE__, "J\xc3\xbcrgen \xf0\x9f\x98\x80",
		    "{\"a\":1,\"name\":\"J\xc3\xbcrgen \xf0\x9f\x98\x80\"}" },
		{ __LINE__, "\xc0\xaf", "{\"a\":1}" },
		{ __LINE__, "a\xed\xa0\x80", "{\"a\":1}" },
		{ __LINE__, "ab\xe4\xb8", "{\"a\":1}" },
		{ __LINE__, "\x80z", "{\"a\":1}" },
		{ __LINE__, "\xff", "{\"a\":1}" },
	};
	struct jsonw w;
	char *out;
	size_t i, len;

	for (i = 0; i < N_ELEM(cases); i++) {
		ck_assert_int_eq(jsonw_init(&w, 1), 0);
		JSONW_LIT(&w, "{\"a\":1");
		JSONW_FIELD(&w, "name", cases[i].value);
		JSONW_LIT(&w, "}");
		ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
		ck_assert_msg(strcmp(out, cases[i].out) == 0 && len == strlen(out),
		    "line %d: %s", cases[i].line, out);
		free(out);
	}
}
END_TEST

/* Integers as printf writes them, at every length and both ends. */
START_TEST(jsonw_ints)
{
	int64_t v[64 + 6];
	char want[32], *out;
	struct jsonw w;
	size_t i, n = 0, len;
	int64_t p = 1;

	v[n++] = 0;
	v[n++] = -1;
	v[n++] = INT64_MAX;
	v[n++] = INT64_MIN;
	v[n++] = INT64_MIN + 1;
	v[n++] = 1700000000000LL;
	/* 9, 10, 99, 100, ...: each digit count's edges, and their negatives. */
	for (i = 0; i < 16; i++, p *= 10) {
		v[n++] = p;
		v[n++] = p - 1;
		v[n++] = -p;
		v[n++] = 1 - p;
	}
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(jsonw_init(&w, 1), 0);
		jsonw_int(&w, v[i]);
		ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
		snprintf(want, sizeof(want), "%lld", (long long)v[i]);
		ck_assert_str_eq(out, want);
		ck_assert_uint_eq(len, strlen(want));
		free(out);
	}
}
END_TEST

/* What RFC 8259 asks of one byte, the slow way: the reference. */
static size_t
ref_escape(unsigned char c, char *o)
{
	switch (c) {
	case '"': return (size_t)sprintf(o, "\\\"");
	case '\\': return (size_t)sprintf(o, "\\\\");
	case '\b': return (size_t)sprintf(o, "\\b");
	case '\f': return (size_t)sprintf(o, "\\f");
	case '\n': return (size_t)sprintf(o, "\\n");
	case '\r': return (size_t)sprintf(o, "\\r");
	case '\t': return (size_t)sprintf(o, "\\t");
	}
	if (c < 0x20)
		return (size_t)sprintf(o, "\\u%04x", c);
	*o = (char)c;
	return 1;
}

/*
 * Strings are read eight bytes at a time: every byte value at every
 * position of a 27-byte string (three words and a tail) is escaped as
 * the reference does, and a byte >= 0x80 anywhere is seen - a lone one
 * is not UTF-8, so jsonw_text refuses it.
 */
START_TEST(jsonw_every_byte_everywhere)
{
	char in[27], want[6 * sizeof(in) + 3], *out, *o;
	struct jsonw w;
	size_t pos, i, len;
	unsigned b;

	for (pos = 0; pos < sizeof(in); pos++) {
		for (b = 0; b < 256; b++) {
			memset(in, 'a', sizeof(in));
			in[pos] = (char)b;
			o = want;
			*o++ = '"';
			for (i = 0; i < sizeof(in); i++)
				o += ref_escape((unsigned char)in[i], o);
			*o++ = '"';
			*o = '\0';
			ck_assert_int_eq(jsonw_init(&w, 1), 0);
			ck_assert_int_eq(jsonw_text(&w, in, sizeof(in)), b < 0x80 ? 0 : -1);
			if (b >= 0x80)
				jsonw_string(&w, in, sizeof(in));
			ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
			ck_assert_msg(strcmp(out, want) == 0 && len == strlen(want),
			    "byte 0x%02x at %zu: %s", b, pos, out);
			free(out);
		}
	}
}
END_TEST

/* A checked string: written when UTF-8, else nothing and -1. */
START_TEST(jsonw_texts)
{
	struct jsonw w;
	char *out;
	size_t len;

	ck_assert_int_eq(jsonw_init(&w, 1), 0);
	ck_assert_int_eq(jsonw_text(&w, "a\"\xc3\xbc", 4), 0);
	ck_assert_int_eq(jsonw_text(&w, "ab\xe4\xb8", 4), -1);
	ck_assert_int_eq(jsonw_text(&w, "\xc0\xaf", 2), -1);
	ck_assert_int_eq(jsonw_text(&w, "", 0), 0);
	ck_assert_ptr_nonnull(out = jsonw_finish(&w, &len));
	ck_assert_str_eq(out, "\"a\\\"\xc3\xbc\"\"\"");
	free(out);
}
END_TEST

static Suite *
jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");

	tcase_add_test(tc, jsonw_strings);
	tcase_add_test(tc, jsonw_roundtrip_through_json_c);
	tcase_add_test(tc, jsonw_grows);
	tcase_add_test(tc, jsonw_fields);
	tcase_add_test(tc, jsonw_ints);
	tcase_add_test(tc, jsonw_texts);
	tcase_add_test(tc, jsonw_every_byte_everywhere);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_jsonw", jsonw_suite)
