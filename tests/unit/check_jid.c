#include <string.h>

#include "common/jid.h"
#include "unit.h"

START_TEST(jid_table)
{
	static const struct {
		int		 line;
		const char	*in;
		int		 ok;
		enum jid_kind	 kind;
		int		 device;
		const char	*bare;
	} cases[] = {
		{ __LINE__, "14155550123@s.whatsapp.net", 1, JID_PHONE, -1, "14155550123@s.whatsapp.net" },
		{ __LINE__, "14155550123:12@s.whatsapp.net", 1, JID_PHONE, 12, "14155550123@s.whatsapp.net" },
		{ __LINE__, "205227043110953@lid", 1, JID_LID, -1, "205227043110953@lid" },
		{ __LINE__, "205227043110953:3@lid", 1, JID_LID, 3, "205227043110953@lid" },
		{ __LINE__, "120363021234567890@g.us", 1, JID_GROUP, -1, "120363021234567890@g.us" },
		{ __LINE__, "6281234567890-1600000000@g.us", 1, JID_GROUP, -1, "6281234567890-1600000000@g.us" },
		{ __LINE__, "120363000000000000@newsletter", 1, JID_NEWSLETTER, -1, "120363000000000000@newsletter" },
		{ __LINE__, "", 0, 0, 0, NULL },
		{ __LINE__, "@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "14155550123", 0, 0, 0, NULL },
		{ __LINE__, "14155550123@", 0, 0, 0, NULL },
		{ __LINE__, "14155550123@S.WHATSAPP.NET", 0, 0, 0, NULL },
		{ __LINE__, "14155550123@c.us", 0, 0, 0, NULL },
		{ __LINE__, "+14155550123@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "04155550123@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "123456@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "1234567890123456@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "14155550123:@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "14155550123:1234@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "14155550123:a@s.whatsapp.net", 0, 0, 0, NULL },
		{ __LINE__, "1:2:3@lid", 0, 0, 0, NULL },
		{ __LINE__, "120363021234567890:1@g.us", 0, 0, 0, NULL },
		{ __LINE__, "12-@g.us", 0, 0, 0, NULL },
		{ __LINE__, "-12@g.us", 0, 0, 0, NULL },
		{ __LINE__, "1-2-3@g.us", 0, 0, 0, NULL },
		{ __LINE__, "12-34@lid", 0, 0, 0, NULL },
		{ __LINE__, "abc@lid", 0, 0, 0, NULL },
		{ __LINE__, "1 2@lid", 0, 0, 0, NULL },
		{ __LINE__, "12@lid@lid", 0, 0, 0, NULL },
		{ __LINE__, "1234567890123456789012345@lid", 0, 0, 0, NULL },
	};
	struct jid j;
	char bare[JID_STR_MAX];
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		int rc = jid_parse(cases[i].in, strlen(cases[i].in), &j);

		ck_assert_msg((rc == 0) == cases[i].ok, "line %d: rc %d", cases[i].line, rc);
		if (!cases[i].ok)
			continue;
		ck_assert_msg(j.kind == cases[i].kind, "line %d: kind", cases[i].line);
		ck_assert_msg(j.device == cases[i].device, "line %d: device", cases[i].line);
		jid_format_bare(&j, bare);
		ck_assert_msg(strcmp(bare, cases[i].bare) == 0, "line %d: %s", cases[i].line, bare);
		ck_assert_int_eq(jid_is_user(&j), j.kind == JID_PHONE || j.kind == JID_LID);
	}
}
END_TEST

START_TEST(jid_embedded_nul)
{
	struct jid j;

	ck_assert_int_eq(jid_parse("12\0" "3@lid", 7, &j), -1);
	ck_assert_int_eq(jid_parse("123@lid\0", 8, &j), -1);
}
END_TEST

static Suite *
jid_suite(void)
{
	Suite *s = suite_create("jid");
	TCase *tc = tcase_create("jid");

	tcase_add_test(tc, jid_table);
	tcase_add_test(tc, jid_embedded_nul);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_jid", jid_suite)
