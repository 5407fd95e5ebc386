#include <string.h>

#include "common/log.h"
#include "unit.h"

START_TEST(log_sanitize_table)
{
	static const struct {
		int		 line;
		const char	*in;
		size_t		 len, dstlen;
		const char	*want;
	} cases[] = {
		{ __LINE__, "plain", 5, 32, "plain" },
		{ __LINE__, "a\nb\rc\td", 7, 32, "a?b?c?d" },
		{ __LINE__, "x\0y", 3, 32, "x?y" },
		{ __LINE__, "\x1b[31mred", 8, 32, "?[31mred" },
		{ __LINE__, "ä", 2, 32, "??" },
		{ __LINE__, "0123456789", 10, 8, "0123..." },
		{ __LINE__, "0123456", 7, 8, "0123456" },
		{ __LINE__, "", 0, 8, "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		log_sanitize(buf, cases[i].dstlen, cases[i].in, cases[i].len);
		ck_assert_msg(strcmp(buf, cases[i].want) == 0, "line %d: \"%s\"",
		    cases[i].line, buf);
	}
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, log_sanitize_table);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_log", log_suite)
