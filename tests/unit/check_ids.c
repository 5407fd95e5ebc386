#include <string.h>

#include "common/ids.h"
#include "unit.h"

START_TEST(ids_table)
{
	char max[65], over[66];

	memset(max, 'a', 64);
	max[64] = '\0';
	memset(over, 'a', 65);
	over[65] = '\0';
	ck_assert_int_eq(ids_valid("01HZX8K3M9SESSIONA", 18), 1);
	ck_assert_int_eq(ids_valid("a_b-C", 5), 1);
	ck_assert_int_eq(ids_valid(max, 64), 1);
	ck_assert_int_eq(ids_valid(over, 65), 0);
	ck_assert_int_eq(ids_valid("", 0), 0);
	ck_assert_int_eq(ids_valid("a b", 3), 0);
	ck_assert_int_eq(ids_valid("a/b", 3), 0);
	ck_assert_int_eq(ids_valid("..", 2), 0);
	ck_assert_int_eq(ids_valid("a\0b", 3), 0);
	ck_assert_int_eq(ids_valid("é", 2), 0);
}
END_TEST

/* ULIDs: the spec's time encoding, random after it, valid session ids. */
START_TEST(ids_ulid_form)
{
	char a[IDS_ULID_LEN + 1], b[IDS_ULID_LEN + 1];

	/* The spec's example time 1469918176385 encodes as 01ARYZ6S41. */
	ck_assert_int_eq(ids_ulid(1469918176385LL, a), 0);
	ck_assert_uint_eq(strlen(a), IDS_ULID_LEN);
	ck_assert_int_eq(strncmp(a, "01ARYZ6S41", 10), 0);
	ck_assert_int_eq(ids_valid(a, strlen(a)), 1);
	ck_assert_int_eq(ids_ulid(1469918176385LL, b), 0);
	ck_assert_int_eq(strncmp(b, "01ARYZ6S41", 10), 0);
	ck_assert_str_ne(a, b);		/* 80 random bits */
	/* Later is greater, as strings. */
	ck_assert_int_eq(ids_ulid(1469918176386LL, b), 0);
	ck_assert_int_lt(strncmp(a, b, 10), 0);
	ck_assert_int_eq(ids_ulid(0, a), 0);
	ck_assert_int_eq(strncmp(a, "0000000000", 10), 0);
	ck_assert_int_eq(ids_ulid(281474976710655LL, a), 0);
	ck_assert_int_eq(strncmp(a, "7ZZZZZZZZZ", 10), 0);
	/* No I, L, O or U (Crockford). */
	ck_assert_ptr_null(strpbrk(a, "ILOU"));
}
END_TEST

static Suite *
ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, ids_table);
	tcase_add_test(tc, ids_ulid_form);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_ids", ids_suite)
