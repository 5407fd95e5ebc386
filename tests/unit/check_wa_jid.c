/*
 * Unit tests of the wire-JID additions to common/jid (jid_wire_*,
 * jid_from_wire, jid_format) that the WhatsApp link uses.
 */
#include <check.h>
#include <string.h>

#include "common/jid.h"

static const struct {
	int		 line;
	const char	*in;
	const char	*user;
	int		 agent, device;
	const char	*server;
	const char	*out;	/* jid_wire_format */
} good[] = {
	{ __LINE__, "123:4@s.whatsapp.net", "123", -1, 4, "s.whatsapp.net", "123:4@s.whatsapp.net" },
	{ __LINE__, "123.1:4@s.whatsapp.net", "123", 1, 4, "s.whatsapp.net", "123.1:4@s.whatsapp.net" },
	{ __LINE__, "123_1:4@s.whatsapp.net", "123", 1, 4, "s.whatsapp.net", "123.1:4@s.whatsapp.net" },
	{ __LINE__, "123:0@lid", "123", -1, 0, "lid", "123@lid" },
	{ __LINE__, "@s.whatsapp.net", "", -1, -1, "s.whatsapp.net", "@s.whatsapp.net" },
	{ __LINE__, "s.whatsapp.net", "", -1, -1, "s.whatsapp.net", "@s.whatsapp.net" },
	{ __LINE__, "status@broadcast", "status", -1, -1, "broadcast", "status@broadcast" },
	{ __LINE__, "1234-5678@g.us", "1234-5678", -1, -1, "g.us", "1234-5678@g.us" },
	{ __LINE__, "120363@newsletter", "120363", -1, -1, "newsletter", "120363@newsletter" },
	{ __LINE__, "5:65535@hosted.lid", "5", -1, 65535, "hosted.lid", "5:65535@hosted.lid" },
};

static const struct {
	int		 line;
	const char	*in;
} bad[] = {
	{ __LINE__, "" }, { __LINE__, "1@" }, { __LINE__, "a@B.com" },
	{ __LINE__, "1:01@lid" }, { __LINE__, "1:65536@lid" },
	{ __LINE__, "1.256@lid" }, { __LINE__, "1:2:3@lid" },
	{ __LINE__, "a.b.c@x" }, { __LINE__, "1:@lid" }, { __LINE__, "1.:2@lid" },
	{ __LINE__, "1@s.whatsapp.net.toolongtoolongtoolong" },
};

START_TEST(test_wire_parse)
{
	struct jid_wire w;
	char buf[JID_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(jid_wire_parse(good[i].in, strlen(good[i].in), &w) == 0,
		    "line %d", good[i].line);
		ck_assert_msg(strcmp(w.user, good[i].user) == 0 &&
		    w.agent == good[i].agent && w.device == good[i].device &&
		    strcmp(w.server, good[i].server) == 0, "line %d", good[i].line);
		ck_assert(jid_wire_format(&w, buf) == 0);
		ck_assert_msg(strcmp(buf, good[i].out) == 0, "line %d: %s",
		    good[i].line, buf);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(jid_wire_parse(bad[i].in, strlen(bad[i].in), &w) == -1,
		    "line %d", bad[i].line);
	/* Embedded NUL in the user. */
	ck_assert(jid_wire_parse("1\0002@lid", 7, &w) == -1);
}
END_TEST

START_TEST(test_from_wire)
{
	struct jid_wire w;
	struct jid j;
	char buf[JID_STR_MAX];

	ck_assert(jid_wire_parse("5511999999999:3@c.us", 20, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == 0);
	ck_assert(j.kind == JID_PHONE && j.device == 3);
	jid_format(&j, buf);
	ck_assert_str_eq(buf, "5511999999999:3@s.whatsapp.net");
	jid_format_bare(&j, buf);
	ck_assert_str_eq(buf, "5511999999999@s.whatsapp.net");
	ck_assert(jid_wire_parse("123456789@lid", 13, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == 0 && j.kind == JID_LID && j.device == -1);
	jid_format(&j, buf);
	ck_assert_str_eq(buf, "123456789@lid");
	/* Hosted accounts are the same people as PN / LID ones. */
	ck_assert(jid_wire_parse("5511999999999:2@hosted", 22, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == 0 && j.kind == JID_PHONE &&
	    j.device == 2);
	ck_assert(jid_wire_parse("123456789@hosted.lid", 20, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == 0 && j.kind == JID_LID &&
	    j.device == -1);
	jid_format(&j, buf);
	ck_assert_str_eq(buf, "123456789@lid");
	/* An agent, an unsupported server, a non-E.164 user. */
	ck_assert(jid_wire_parse("5511999999999.1:3@s.whatsapp.net", 32, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == -1);
	ck_assert(jid_wire_parse("status@broadcast", 16, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == -1);
	ck_assert(jid_wire_parse("012@s.whatsapp.net", 18, &w) == 0);
	ck_assert(jid_from_wire(&w, &j) == -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_jid");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_wire_parse);
	tcase_add_test(tc, test_from_wire);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
