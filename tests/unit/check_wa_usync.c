/* Unit tests of wa_usync: the queries and the reply parser. */
#include <check.h>
#include <string.h>

#include "wa/wa_decode.h"
#include "wa/wa_proto.h"
#include "wa/wa_usync.h"

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

START_TEST(test_check_query)
{
	static const struct {
		const char	*phone;
		int		 ok;
	} cases[] = {
		{ "15551234567", 1 }, { "+15551234567", 1 }, { "1", 1 },
		{ "123456789012345", 1 }, { "1234567890123456", 0 },
		{ "05551234567", 0 }, { "+", 0 }, { "", 0 }, { "1555-123", 0 },
		{ "++1555", 0 },
	};
	const char *one[1];
	struct wa_node *q, *u;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		one[0] = cases[i].phone;
		q = wa_usync_check_query("i", "s", one, 1);
		ck_assert_msg((q != NULL) == cases[i].ok, "%s", cases[i].phone);
		wa_node_free(q);
	}
	one[0] = "15551234567";
	q = wa_usync_check_query("i1", "s1", one, 1);
	u = wa_node_child(q, "usync");
	ck_assert(wa_node_attr_is(q, "xmlns", "usync") &&
	    wa_node_attr_is(q, "type", "get") &&
	    wa_node_attr_is(u, "sid", "s1") && wa_node_attr_is(u, "mode", "query") &&
	    wa_node_attr_is(u, "context", "interactive"));
	ck_assert(wa_str_eq(wa_node_child_content(wa_node_child(wa_node_child(u,
	    "list"), "user"), "contact"), "+15551234567"));
	wa_node_free(q);
}
END_TEST

START_TEST(test_about_query)
{
	struct wa_node *q, *u;

	q = wa_usync_about_query("i", "s", "1@lid", "tok", 3);
	u = wa_node_child(wa_node_child(wa_node_child(q, "usync"), "list"),
	    "user");
	ck_assert(wa_node_attr_is(u, "jid", "1@lid") &&
	    wa_str_eq(wa_node_child_content(u, "tctoken"), "tok"));
	ck_assert_ptr_nonnull(wa_node_child(wa_node_child(wa_node_child(q,
	    "usync"), "query"), "status"));
	wa_node_free(q);
	ck_assert_ptr_null(wa_usync_about_query("i", "s", "", NULL, 0));
}
END_TEST

static struct wa_node *
answer(struct wa_node *list_kid)
{
	struct wa_node *iq = mk("iq", A("type", "result")), *us;

	us = wa_node_add_new(iq, "usync");
	wa_node_add(wa_node_add_new(us, "list"), list_kid);
	return iq;
}

START_TEST(test_parse_users)
{
	struct wa_usync_result r;
	struct wa_node *iq, *u, *c, *b, *s;
	struct wa_pb_vname_details d;
	struct wa_pb_vname_cert vc;
	struct wa_buf db = { 0 }, cb = { 0 };

	/* LID addressing with a business certificate. */
	u = mk("user", A("jid", "9@lid", "pn_jid", "1555@s.whatsapp.net"));
	c = mk("contact", A("type", "in"));
	wa_node_set_string(c, "+1555", 5);
	wa_node_add(u, c);
	memset(&d, 0, sizeof(d));
	d.verified_name.p = (unsigned char *)"Acme Ltd";
	d.verified_name.len = 8;
	d.verified_name.has = 1;
	wa_pb_encode(&wa_pb_vname_details_desc, &d, &db);
	memset(&vc, 0, sizeof(vc));
	vc.details.p = db.p; vc.details.len = db.len; vc.details.has = 1;
	wa_pb_encode(&wa_pb_vname_cert_desc, &vc, &cb);
	b = wa_node_add_new(u, "business");
	wa_node_add_bytes(b, "verified_name", cb.p, cb.len);
	iq = answer(u);
	ck_assert_int_eq(wa_usync_parse(iq, &r), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.users[0].lid, "9@lid");
	ck_assert_str_eq(r.users[0].pn, "1555@s.whatsapp.net");
	ck_assert_int_eq(r.users[0].contact, WA_USYNC_IN);
	ck_assert_str_eq(r.users[0].business, "Acme Ltd");
	wa_usync_result_free(&r);
	wa_node_free(iq);

	/* PN addressing, a per-user error, status with an error child. */
	u = mk("user", A("jid", "1556@s.whatsapp.net"));
	wa_node_attr(wa_node_add_new(u, "lid"), "val", "10@lid");
	c = wa_node_add_new(u, "contact");
	wa_node_add(c, mk("error", A("code", "429", "backoff", "30")));
	s = wa_node_add_new(u, "status");
	wa_node_add(s, mk("error", A("code", "401")));
	iq = answer(u);
	ck_assert_int_eq(wa_usync_parse(iq, &r), 0);
	ck_assert_str_eq(r.users[0].pn, "1556@s.whatsapp.net");
	ck_assert_str_eq(r.users[0].lid, "10@lid");
	ck_assert_int_eq(r.users[0].contact, WA_USYNC_UNKNOWN);
	ck_assert_int_eq(r.users[0].error, 429);
	ck_assert_int_eq(r.users[0].backoff_s, 30);
	ck_assert_int_eq(r.users[0].about, WA_USYNC_ABOUT_HIDDEN);
	wa_usync_result_free(&r);
	wa_node_free(iq);

	/* A user without a JID or a query is dropped; garbage business. */
	u = mk("user", A("x", "y"));
	b = wa_node_add_new(u, "business");
	wa_node_add_bytes(b, "verified_name", "\xff", 1);
	iq = answer(u);
	ck_assert_int_eq(wa_usync_parse(iq, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	wa_usync_result_free(&r);
	wa_node_free(iq);
	wa_buf_free(&db);
	wa_buf_free(&cb);
}
END_TEST

START_TEST(test_parse_shapes)
{
	struct wa_usync_result r;
	struct wa_node *iq, *us, *res, *p;

	/* No <usync><list>: an error. */
	iq = mk("iq", A("type", "result"));
	ck_assert_int_eq(wa_usync_parse(iq, &r), -1);
	us = wa_node_add_new(iq, "usync");
	ck_assert_int_eq(wa_usync_parse(iq, &r), -1);
	/* A whole protocol failed, with back-off. */
	res = wa_node_add_new(us, "result");
	p = wa_node_add_new(res, "contact");
	wa_node_add(p, mk("error", A("code", "429", "backoff", "nope")));
	wa_node_set_string(wa_node_add_new(us, "list"), "x", 1);
	ck_assert_int_eq(wa_usync_parse(iq, &r), 0);
	ck_assert(r.error == 429 && r.backoff_s == 0 && r.n == 0);
	wa_usync_result_free(&r);
	wa_node_free(iq);
	/* An error without a code still counts (as 500). */
	iq = mk("iq", A("type", "result"));
	us = wa_node_add_new(iq, "usync");
	wa_node_add_new(wa_node_add_new(wa_node_add_new(us, "result"), "lid"),
	    "error");
	wa_node_add_new(us, "list");
	ck_assert_int_eq(wa_usync_parse(iq, &r), 0);
	ck_assert_int_eq(r.error, 500);
	wa_usync_result_free(&r);
	wa_node_free(iq);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_usync");
	TCase *tc = tcase_create("usync");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_check_query);
	tcase_add_test(tc, test_about_query);
	tcase_add_test(tc, test_parse_users);
	tcase_add_test(tc, test_parse_shapes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
