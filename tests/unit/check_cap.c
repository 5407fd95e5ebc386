#include <string.h>

#include "common/cap.h"
#include "unit.h"

START_TEST(cap_lists)
{
	static const struct {
		int		 line;
		const char	*in;
		unsigned	 want;
	} cases[] = {
		{ __LINE__, "read", CAP_READ },
		{ __LINE__, "read,send", CAP_READ | CAP_SEND },
		{ __LINE__, "events,manage,send,read", CAP_ALL },
		{ __LINE__, "", 0 },
		{ __LINE__, "read,", 0 },
		{ __LINE__, ",read", 0 },
		{ __LINE__, "read,read", 0 },
		{ __LINE__, "Read", 0 },
		{ __LINE__, "read, send", 0 },
		{ __LINE__, "admin", 0 },
	};
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++)
		ck_assert_msg(cap_parse_list(cases[i].in) == cases[i].want, "line %d",
		    cases[i].line);
	ck_assert_str_eq(cap_name(CAP_MANAGE), "manage");
	ck_assert_ptr_null(cap_name(CAP_READ | CAP_SEND));
}
END_TEST

START_TEST(cap_roles)
{
	ck_assert_uint_eq(cap_of_org_role("owner", 5), CAP_ALL);
	ck_assert_uint_eq(cap_of_org_role("admin", 5), CAP_ALL);
	ck_assert_uint_eq(cap_of_org_role("member", 6), CAP_ALL & ~CAP_MANAGE);
	ck_assert_uint_eq(cap_of_org_role("Owner", 5), 0);
	ck_assert_uint_eq(cap_of_org_role("super_admin", 11), 0);
	ck_assert_uint_eq(cap_of_org_role("member\0x", 8), 0);
}
END_TEST

static Suite *
cap_suite(void)
{
	Suite *s = suite_create("cap");
	TCase *tc = tcase_create("cap");

	tcase_add_test(tc, cap_lists);
	tcase_add_test(tc, cap_roles);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_cap", cap_suite)
