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

static Suite *
ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, ids_table);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_ids", ids_suite)
