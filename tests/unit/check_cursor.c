/* cursor: opaque list positions, authenticated and bound to a session. */
#include <stdint.h>
#include <string.h>

#include "common/b64url.h"
#include "gateway/cursor.h"
#include "unit.h"

static const unsigned char key1[STORE_CURSOR_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[STORE_CURSOR_KEY_LEN] = "0123456789abcdef0123456789abcdX";

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

START_TEST(cursor_round_trip)
{
	static const int64_t pos[] = { 1, 2, 255, 256, 65535, 1000000,
	    INT64_C(4294967296), INT64_MAX };
	struct cursor_key *k = cursor_key_new(key1);
	char c[CURSOR_LEN + 1];
	int64_t after;
	size_t i;

	ck_assert_ptr_nonnull(k);
	for (i = 0; i < N_ELEM(pos); i++) {
		ck_assert_int_eq(cursor_encode(k, "S1", pos[i], c), 0);
		ck_assert_uint_eq(strlen(c), CURSOR_LEN);
		ck_assert_uint_eq(strspn(c, b64chars), CURSOR_LEN);
		ck_assert_int_eq(cursor_decode(k, "S1", c, strlen(c), &after), 0);
		ck_assert(after == pos[i]);
	}
	/* Positions are positive. */
	ck_assert_int_eq(cursor_encode(k, "S1", 0, c), -1);
	ck_assert_int_eq(cursor_encode(k, "S1", -5, c), -1);
	cursor_key_free(k);
	cursor_key_free(NULL);
}
END_TEST

/* The same key in another process (a new cursor_key) reads it: no per-process secret. */
START_TEST(cursor_across_processes)
{
	struct cursor_key *a = cursor_key_new(key1), *b = cursor_key_new(key1);
	char c[CURSOR_LEN + 1], d[CURSOR_LEN + 1];
	int64_t after;

	ck_assert_int_eq(cursor_encode(a, "S1", 42, c), 0);
	ck_assert_int_eq(cursor_encode(b, "S1", 42, d), 0);
	ck_assert_str_eq(c, d);
	ck_assert_int_eq(cursor_decode(b, "S1", c, strlen(c), &after), 0);
	ck_assert(after == 42);
	cursor_key_free(a);
	cursor_key_free(b);
}
END_TEST

/* Changing any character to any other is refused. */
START_TEST(cursor_tamper_every_byte)
{
	struct cursor_key *k = cursor_key_new(key1);
	char c[CURSOR_LEN + 1], t[CURSOR_LEN + 1];
	int64_t after;
	size_t i, j;

	ck_assert_int_eq(cursor_encode(k, "S1", 123456, c), 0);
	for (i = 0; i < CURSOR_LEN; i++) {
		for (j = 0; j < sizeof(b64chars) - 1; j++) {
			if (b64chars[j] == c[i])
				continue;
			memcpy(t, c, sizeof(t));
			t[i] = b64chars[j];
			ck_assert_msg(cursor_decode(k, "S1", t, CURSOR_LEN, &after) == -1,
			    "byte %zu -> %c accepted", i, b64chars[j]);
		}
	}
	cursor_key_free(k);
}
END_TEST

/* Every bit of the decoded bytes, re-encoded validly. */
START_TEST(cursor_tamper_every_bit)
{
	struct cursor_key *k = cursor_key_new(key1);
	unsigned char raw[CURSOR_RAW_LEN];
	char c[CURSOR_LEN + 1], t[CURSOR_LEN + 1];
	int64_t after;
	size_t i;
	int bit;

	ck_assert_int_eq(cursor_encode(k, "S1", 99, c), 0);
	ck_assert_int_eq(b64url_decode(c, CURSOR_LEN, raw), CURSOR_RAW_LEN);
	for (i = 0; i < CURSOR_RAW_LEN; i++)
		for (bit = 0; bit < 8; bit++) {
			raw[i] ^= (unsigned char)(1 << bit);
			b64url_encode(raw, CURSOR_RAW_LEN, t);
			ck_assert_msg(cursor_decode(k, "S1", t, CURSOR_LEN, &after) == -1,
			    "byte %zu bit %d accepted", i, bit);
			raw[i] ^= (unsigned char)(1 << bit);
		}
	cursor_key_free(k);
}
END_TEST

START_TEST(cursor_truncated_and_extended)
{
	struct cursor_key *k = cursor_key_new(key1);
	char c[CURSOR_LEN + 2];
	int64_t after;
	size_t n;

	ck_assert_int_eq(cursor_encode(k, "S1", 7, c), 0);
	for (n = 0; n < CURSOR_LEN; n++)
		ck_assert_msg(cursor_decode(k, "S1", c, n, &after) == -1, "len %zu", n);
	c[CURSOR_LEN] = 'A';
	c[CURSOR_LEN + 1] = '\0';
	ck_assert_int_eq(cursor_decode(k, "S1", c, CURSOR_LEN + 1, &after), -1);
	cursor_key_free(k);
}
END_TEST

START_TEST(cursor_other_session_or_key)
{
	struct cursor_key *k = cursor_key_new(key1), *k2 = cursor_key_new(key2);
	char c[CURSOR_LEN + 1];
	int64_t after;

	ck_assert_int_eq(cursor_encode(k, "S1", 7, c), 0);
	ck_assert_int_eq(cursor_decode(k, "S2", c, CURSOR_LEN, &after), -1);
	ck_assert_int_eq(cursor_decode(k, "S", c, CURSOR_LEN, &after), -1);
	ck_assert_int_eq(cursor_decode(k, "S1x", c, CURSOR_LEN, &after), -1);
	ck_assert_int_eq(cursor_decode(k, "s1", c, CURSOR_LEN, &after), -1);
	/* Another database (another cursor key). */
	ck_assert_int_eq(cursor_decode(k2, "S1", c, CURSOR_LEN, &after), -1);
	cursor_key_free(k);
	cursor_key_free(k2);
}
END_TEST

START_TEST(cursor_garbage)
{
	static const char *const bad[] = {
		"", "x", "0", "null", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"//////////////////////////////////",
		"AQAAAAAAAAAB=AAAAAAAAAAAAAAAAAAAAA",
		"AQAAAAAAAAAB AAAAAAAAAAAAAAAAAAAAA",
		"AQAAAAAAAAAB+AAAAAAAAAAAAAAAAAAAAA",
	};
	struct cursor_key *k = cursor_key_new(key1);
	int64_t after;
	size_t i;

	for (i = 0; i < N_ELEM(bad); i++)
		ck_assert_msg(cursor_decode(k, "S1", bad[i], strlen(bad[i]), &after) == -1,
		    "%s accepted", bad[i]);
	cursor_key_free(k);
}
END_TEST

static Suite *
cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("cursor");

	tcase_add_test(tc, cursor_round_trip);
	tcase_add_test(tc, cursor_across_processes);
	tcase_add_test(tc, cursor_tamper_every_byte);
	tcase_add_test(tc, cursor_tamper_every_bit);
	tcase_add_test(tc, cursor_truncated_and_extended);
	tcase_add_test(tc, cursor_other_session_or_key);
	tcase_add_test(tc, cursor_garbage);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_cursor", cursor_suite)
