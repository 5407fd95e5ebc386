#include <string.h>

#include "common/phone.h"
#include "unit.h"

START_TEST(phone_table)
{
	static const struct {
		int		 line;
		const char	*in, *want;	/* want NULL: rejected */
	} cases[] = {
		{ __LINE__, "+14155550123", "14155550123" },
		{ __LINE__, "14155550123", "14155550123" },
		{ __LINE__, "+1234567", "1234567" },
		{ __LINE__, "+123456789012345", "123456789012345" },
		{ __LINE__, "+123456", NULL },
		{ __LINE__, "+1234567890123456", NULL },
		{ __LINE__, "+04155550123", NULL },
		{ __LINE__, "++14155550123", NULL },
		{ __LINE__, " 14155550123", NULL },
		{ __LINE__, "+1 415 555 0123", NULL },
		{ __LINE__, "+1-415-555-0123", NULL },
		{ __LINE__, "+1(415)5550123", NULL },
		{ __LINE__, "14155550123+", NULL },
		{ __LINE__, "", NULL },
		{ __LINE__, "+", NULL },
		{ __LINE__, "١٤١٥٥٥٥٠١٢٣", NULL },	/* Arabic-Indic digits */
	};
	char d[PHONE_DIGITS_MAX + 1];
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		int rc = phone_parse_e164(cases[i].in, strlen(cases[i].in), d);

		if (cases[i].want == NULL) {
			ck_assert_msg(rc == -1, "line %d: accepted", cases[i].line);
			continue;
		}
		ck_assert_msg(rc == 0, "line %d: rejected", cases[i].line);
		ck_assert_msg(strcmp(d, cases[i].want) == 0, "line %d: %s", cases[i].line, d);
	}
}
END_TEST

START_TEST(phone_nul)
{
	char d[PHONE_DIGITS_MAX + 1];

	ck_assert_int_eq(phone_parse_e164("+1415\0" "5550123", 12, d), -1);
}
END_TEST

static Suite *
phone_suite(void)
{
	Suite *s = suite_create("phone");
	TCase *tc = tcase_create("phone");

	tcase_add_test(tc, phone_table);
	tcase_add_test(tc, phone_nul);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_phone", phone_suite)
