/* Unit tests of wa_version: the version string and sw.js. */
#include <check.h>
#include <string.h>

#include "wa/wa_version.h"

START_TEST(test_version)
{
	static const struct {
		int		 line;
		const char	*sw;
		int		 ok;
		uint32_t	 rev;
	} sw[] = {
		{ __LINE__, "x={\"client_revision\":1045649367,\"y\":2}", 1, 1045649367 },
		{ __LINE__, "self.a=\"{\\\"client_revision\\\": 1023223821}\"", 1, 1023223821 },
		{ __LINE__, "\"client_revision\":\n 7", 1, 7 },
		{ __LINE__, "client_revision:123", 0, 0 },
		{ __LINE__, "\"client_revision\":\"123\"", 0, 0 },
		{ __LINE__, "\"client_revision\":99999999999", 0, 0 },
		{ __LINE__, "\"client_revision\": ", 0, 0 },
		{ __LINE__, "", 0, 0 },
		{ __LINE__, "\"client_revisio\":1 \"client_revision\":2", 1, 2 },
	};
	static const struct {
		const char	*s;
		int		 ok;
	} v[] = {
		{ "2.3000.1045649367", 1 }, { "2.3000", 0 }, { "2.3000.1.4", 0 },
		{ "2.03000.1", 0 }, { "2..1", 0 }, { "-2.3000.1", 0 },
		{ "2.3000.4294967295", 1 }, { "2.3000.4294967296", 0 }, { "", 0 },
	};
	uint32_t out[3];
	char buf[WA_VERSION_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(sw) / sizeof(sw[0]); i++) {
		memset(out, 0, sizeof(out));
		ck_assert_msg((wa_version_parse_sw(sw[i].sw, strlen(sw[i].sw),
		    out) == 0) == sw[i].ok, "line %d", sw[i].line);
		if (sw[i].ok)
			ck_assert_msg(out[0] == 2 && out[1] == 3000 &&
			    out[2] == sw[i].rev, "line %d", sw[i].line);
	}
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg((wa_version_parse(v[i].s, strlen(v[i].s), out) ==
		    0) == v[i].ok, "%s", v[i].s);
	ck_assert_str_eq(wa_version_format(wa_version_builtin, buf),
	    "2.3000.1045649367");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_version");
	TCase *tc = tcase_create("version");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
