/* Unit tests of wa_group: queries, <group> nodes, w:gp2 changes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_group.h"

#define A(...)	((const char *const []){ __VA_ARGS__, NULL })

static struct wa_node *
mk(const char *tag, const char *const *attrs)
{
	struct wa_node *n = wa_node_new(tag);
	size_t i;

	for (i = 0; attrs[i] != NULL; i += 2)
		wa_node_attr(n, attrs[i], attrs[i + 1]);
	return n;
}

START_TEST(test_queries)
{
	struct wa_node *q;

	q = wa_group_all_query("g1");
	ck_assert(wa_node_attr_is(q, "to", "@g.us") &&
	    wa_node_child(wa_node_child(q, "participating"), "participants") &&
	    wa_node_child(wa_node_child(q, "participating"), "description"));
	wa_node_free(q);
	q = wa_group_one_query("g2", "123-456@g.us");
	ck_assert(wa_node_attr_is(q, "to", "123-456@g.us"));
	wa_node_free(q);
	ck_assert_ptr_null(wa_group_one_query("g", "1@s.whatsapp.net"));
	ck_assert_ptr_null(wa_group_one_query("g", "@g.us"));
}
END_TEST

START_TEST(test_parse)
{
	struct wa_node *g, *d, *reply, *gs;
	struct wa_group grp, *list;
	size_t n;

	g = mk("group", A("id", "1203", "subject", "S", "s_t", "5", "s_o",
	    "1@lid", "creator", "2@s.whatsapp.net", "creator_pn",
	    "2@s.whatsapp.net", "creation", "7", "addressing_mode", "lid"));
	wa_node_add(g, mk("participant", A("jid", "1@lid", "type", "admin",
	    "phone_number", "3@s.whatsapp.net", "display_name", "Bo")));
	wa_node_add(g, mk("participant", A("jid", "4@s.whatsapp.net", "lid",
	    "5@lid")));
	wa_node_add(g, mk("participant", A("type", "admin")));	/* no jid */
	wa_node_add(g, mk("participant", A("jid", "6@hosted.lid")));
	d = mk("description", A("id", "D1"));
	wa_node_add_string(d, "body", "about us");
	wa_node_add(g, d);
	wa_node_add_new(g, "locked");
	wa_node_add(g, mk("ephemeral", A("expiration", "86400")));
	ck_assert_int_eq(wa_group_parse(g, &grp), 0);
	ck_assert_str_eq(grp.jid, "1203@g.us");
	ck_assert_str_eq(grp.subject, "S");
	ck_assert(grp.subject_t == 5 && grp.creation == 7 && grp.locked &&
	    !grp.announce && grp.ephemeral == 86400);
	ck_assert_uint_eq(grp.size, 3);	/* no "size": members counted */
	ck_assert(wa_str_eq(grp.description, "about us"));
	ck_assert_str_eq(grp.description_id, "D1");
	ck_assert_uint_eq(grp.nmembers, 3);
	ck_assert_str_eq(grp.members[0].pn, "3@s.whatsapp.net");
	ck_assert_str_eq(grp.members[0].lid, "1@lid");
	ck_assert_int_eq(grp.members[0].role, WA_GROUP_ADMIN);
	ck_assert_str_eq(grp.members[0].display_name, "Bo");
	ck_assert_str_eq(grp.members[1].pn, "4@s.whatsapp.net");
	ck_assert_str_eq(grp.members[1].lid, "5@lid");
	ck_assert_str_eq(grp.members[2].lid, "6@hosted.lid");
	ck_assert_ptr_null(grp.members[2].pn);
	wa_group_clear(&grp);

	/* An answer with a list, and with a single group. */
	reply = mk("iq", A("type", "result"));
	gs = wa_node_add_new(reply, "groups");
	wa_node_add(gs, g);
	wa_node_add(gs, mk("group", A("subject", "no id")));
	wa_node_add(gs, mk("group", A("id", "1@g.us", "size", "99")));
	ck_assert_int_eq(wa_group_parse_answer(reply, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(list[1].jid, "1@g.us");
	ck_assert_uint_eq(list[1].size, 99);
	wa_group_list_free(list, n);
	wa_node_free(reply);
	reply = mk("iq", A("type", "result"));
	wa_node_add(reply, mk("group", A("id", "2")));
	ck_assert_int_eq(wa_group_parse_answer(reply, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	wa_group_list_free(list, n);
	wa_node_free(reply);
	reply = mk("iq", A("type", "result"));
	ck_assert_int_eq(wa_group_parse_answer(reply, &list, &n), -1);
	wa_node_free(reply);
	ck_assert_int_eq(wa_group_parse(NULL, &grp), -1);
}
END_TEST

START_TEST(test_changes)
{
	struct wa_node *n, *k, *cr;
	struct wa_group_change *c;
	size_t nc;

	n = mk("notification", A("from", "1203@g.us", "type", "w:gp2",
	    "participant", "1@lid", "t", "99"));
	k = mk("add", A("reason", "invite"));
	wa_node_add(k, mk("participant", A("jid", "2@lid", "phone_number",
	    "3@s.whatsapp.net")));
	wa_node_add(n, k);
	wa_node_add(wa_node_add_new(n, "remove"), mk("participant",
	    A("jid", "4@s.whatsapp.net")));
	wa_node_add_new(n, "promote");
	wa_node_add_new(n, "demote");
	wa_node_add(n, mk("subject", A("subject", "New")));
	wa_node_add_new(n, "subject");	/* no subject: skipped */
	k = mk("description", A("id", "d"));
	wa_node_add_string(k, "body", "Desc");
	wa_node_add(n, k);
	k = wa_node_add_new(n, "description");
	wa_node_add_new(k, "delete");
	wa_node_add_new(n, "description");	/* neither: skipped */
	wa_node_add_new(n, "announcement");
	wa_node_add_new(n, "not_announcement");
	wa_node_add_new(n, "locked");
	wa_node_add_new(n, "unlocked");
	wa_node_add(n, mk("ephemeral", A("expiration", "604800")));
	wa_node_add_new(n, "ephemeral");	/* no timer: skipped */
	wa_node_add_new(n, "not_ephemeral");
	cr = wa_node_add_new(n, "create");
	wa_node_add(cr, mk("group", A("id", "55", "subject", "Fresh")));
	wa_node_add_new(n, "create");	/* no group: skipped */
	wa_node_add(n, mk("delete", A("reason", "admin")));
	wa_node_add_new(n, "membership_approval_request");	/* unknown */
	ck_assert_int_eq(wa_group_changes(n, &c, &nc), 0);
	ck_assert_uint_eq(nc, 15);
	ck_assert(c[0].kind == WA_GROUP_ADD && c[0].nmembers == 1 &&
	    strcmp(c[0].reason, "invite") == 0 &&
	    strcmp(c[0].members[0].pn, "3@s.whatsapp.net") == 0 &&
	    strcmp(c[0].group, "1203@g.us") == 0 &&
	    strcmp(c[0].author, "1@lid") == 0 && c[0].t == 99);
	ck_assert(c[1].kind == WA_GROUP_REMOVE && c[1].nmembers == 1);
	ck_assert(c[2].kind == WA_GROUP_PROMOTE && c[2].nmembers == 0);
	ck_assert(c[3].kind == WA_GROUP_DEMOTE);
	ck_assert(c[4].kind == WA_GROUP_SUBJECT && !strcmp(c[4].subject, "New"));
	ck_assert(c[5].kind == WA_GROUP_DESCRIPTION && wa_str_eq(c[5].text, "Desc"));
	ck_assert(c[6].kind == WA_GROUP_DESCRIPTION && c[6].text == NULL);
	ck_assert(c[7].kind == WA_GROUP_ANNOUNCE && c[7].flag == 1);
	ck_assert(c[8].kind == WA_GROUP_ANNOUNCE && c[8].flag == 0);
	ck_assert(c[9].kind == WA_GROUP_LOCKED && c[9].flag == 1);
	ck_assert(c[10].kind == WA_GROUP_LOCKED && c[10].flag == 0);
	ck_assert(c[11].kind == WA_GROUP_EPHEMERAL && c[11].value == 604800);
	ck_assert(c[12].kind == WA_GROUP_EPHEMERAL && c[12].flag == 0);
	ck_assert(c[13].kind == WA_GROUP_CREATE &&
	    !strcmp(c[13].created->subject, "Fresh"));
	ck_assert(c[14].kind == WA_GROUP_DELETE && !strcmp(c[14].reason, "admin"));
	wa_group_changes_free(c, nc);
	wa_node_free(n);
	/* Not a w:gp2 notification, or no from. */
	n = mk("notification", A("type", "w:gp2"));
	ck_assert_int_eq(wa_group_changes(n, &c, &nc), -1);
	wa_node_free(n);
	n = mk("notification", A("type", "encrypt", "from", "1@g.us"));
	ck_assert_int_eq(wa_group_changes(n, &c, &nc), -1);
	wa_node_free(n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_group");
	TCase *tc = tcase_create("group");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_queries);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_changes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
