/* Unit tests of wa_seen: people from plaintext stanza attributes. */
#include <check.h>
#include <string.h>

#include "wa/wa_proto.h"
#include "wa/wa_seen.h"

#define A(...)	((const char *const []){ __VA_ARGS__, NULL })

START_TEST(test_stanzas)
{
	const struct {
		int		 line;
		const char	*tag;
		const char	*const *attrs;
		int		 n;
		const char	*pn, *lid, *push;
		enum wa_seen_where where;
	} cases[] = {
		/* A direct message by phone number with its LID. */
		{ __LINE__, "message", A("from", "1555000:3@s.whatsapp.net", "sender_lid",
		    "77@lid", "notify", "Ann"), 1, "1555000@s.whatsapp.net", "77@lid", "Ann",
		    WA_SEEN_DM },
		/* LID-addressed, hosted forms folded, "-" is no name. */
		{ __LINE__, "message", A("from", "77:2@hosted.lid", "sender_pn",
		    "1555000@hosted", "notify", "-"), 1, "1555000@s.whatsapp.net", "77@lid", NULL,
		    WA_SEEN_DM },
		/* A group: the participant and its alternative. */
		{ __LINE__, "message", A("from", "1203@g.us", "participant", "88@lid",
		    "participant_pn", "1666000@s.whatsapp.net", "notify", "Bo"), 1,
		    "1666000@s.whatsapp.net", "88@lid", "Bo", WA_SEEN_GROUP },
		{ __LINE__, "message", A("from", "status@broadcast", "participant",
		    "1777000@s.whatsapp.net"), 1, "1777000@s.whatsapp.net", "", NULL,
		    WA_SEEN_ELSEWHERE },
		/* Our own message from the phone: the recipient. */
		{ __LINE__, "message", A("from", "1999000:0@s.whatsapp.net", "recipient",
		    "99@lid", "peer_recipient_pn", "1888000@s.whatsapp.net"), 1,
		    "1888000@s.whatsapp.net", "99@lid", NULL, WA_SEEN_DM },
		/* Our own, to ourselves: nobody. */
		{ __LINE__, "message", A("from", "1999000@s.whatsapp.net", "recipient",
		    "1999000@s.whatsapp.net"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "5@lid"), 0, NULL, NULL, NULL, 0 },
		/* Receipts carry no push name. */
		{ __LINE__, "receipt", A("from", "1555000@s.whatsapp.net", "notify", "X"), 1,
		    "1555000@s.whatsapp.net", "", NULL, WA_SEEN_DM },
		/* A call is no chat; a group's receipt is the group's. */
		{ __LINE__, "call", A("from", "1555000@s.whatsapp.net", "notify", "Cy"), 1,
		    "1555000@s.whatsapp.net", "", "Cy", WA_SEEN_ELSEWHERE },
		{ __LINE__, "receipt", A("from", "1203@g.us", "participant", "88@lid"), 1,
		    "", "88@lid", NULL, WA_SEEN_GROUP },
		/* Not people: servers, newsletters, bots, garbage, nothing. */
		{ __LINE__, "notification", A("from", "s.whatsapp.net"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "12@newsletter"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "1313555@bot"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "1555000.1:2@s.whatsapp.net"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "0123@s.whatsapp.net"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("id", "1"), 0, NULL, NULL, NULL, 0 },
		{ __LINE__, "message", A("from", "1203@g.us"), 0, NULL, NULL, NULL, 0 },
	};
	struct wa_person p[2];
	struct wa_node *n;
	size_t i, k;
	int got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = wa_node_new(cases[i].tag);
		for (k = 0; cases[i].attrs[k] != NULL; k += 2)
			wa_node_attr(n, cases[i].attrs[k], cases[i].attrs[k + 1]);
		got = wa_seen_stanza(n, "1999000@s.whatsapp.net", "5@lid", p);
		ck_assert_msg(got == cases[i].n, "line %d: %d", cases[i].line, got);
		if (got == 1) {
			ck_assert_msg(strcmp(p[0].pn, cases[i].pn) == 0 &&
			    strcmp(p[0].lid, cases[i].lid) == 0, "line %d: %s %s",
			    cases[i].line, p[0].pn, p[0].lid);
			ck_assert_msg(cases[i].push == NULL ? p[0].push_name == NULL :
			    strcmp(p[0].push_name, cases[i].push) == 0, "line %d",
			    cases[i].line);
			ck_assert_msg(p[0].where == cases[i].where, "line %d: where %d",
			    cases[i].line, p[0].where);
			wa_person_clear(&p[0]);
		}
		wa_node_free(n);
	}
}
END_TEST

START_TEST(test_business)
{
	struct wa_pb_vname_details d;
	struct wa_pb_vname_cert c;
	struct wa_buf db = { 0 }, cb = { 0 };
	struct wa_person p[2];
	struct wa_node *n;

	memset(&d, 0, sizeof(d));
	d.verified_name.p = (unsigned char *)"Shop";
	d.verified_name.len = 4;
	d.verified_name.has = 1;
	wa_pb_encode(&wa_pb_vname_details_desc, &d, &db);
	memset(&c, 0, sizeof(c));
	c.details.p = db.p; c.details.len = db.len; c.details.has = 1;
	wa_pb_encode(&wa_pb_vname_cert_desc, &c, &cb);
	n = wa_node_new("message");
	wa_node_attr(n, "from", "1555000@s.whatsapp.net");
	wa_node_add_bytes(n, "verified_name", cb.p, cb.len);
	ck_assert_int_eq(wa_seen_stanza(n, NULL, NULL, p), 1);
	ck_assert_str_eq(p[0].business, "Shop");
	wa_person_clear(&p[0]);
	wa_node_free(n);
	ck_assert_ptr_null(wa_proto_verified_name("\x0a\x02\x22\x00", 4));
	ck_assert_ptr_null(wa_proto_verified_name("", 0));
	wa_buf_free(&db);
	wa_buf_free(&cb);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_seen");
	TCase *tc = tcase_create("seen");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_stanzas);
	tcase_add_test(tc, test_business);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
