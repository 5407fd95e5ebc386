/* Unit tests of wa_prekey: count, upload, the running-low notification. */
#include <check.h>
#include <string.h>

#include "wa/wa_prekey.h"

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

START_TEST(test_count)
{
	static const struct {
		int		 line;
		const char	*value;	/* NULL: no <count> */
		int		 ok;
		uint64_t	 n;
	} cases[] = {
		{ __LINE__, "0", 1, 0 }, { __LINE__, "812", 1, 812 },
		{ __LINE__, "4294967295", 1, 4294967295u },
		{ __LINE__, "4294967296", 0, 0 }, { __LINE__, "-1", 0, 0 },
		{ __LINE__, "", 0, 0 }, { __LINE__, "07", 0, 0 },
		{ __LINE__, NULL, 0, 0 },
	};
	struct wa_node *q, *r;
	uint64_t n;
	size_t i;

	q = wa_prekey_count_query("c1");
	ck_assert(wa_node_attr_is(q, "xmlns", "encrypt") &&
	    wa_node_attr_is(q, "type", "get") && wa_node_child(q, "count"));
	wa_node_free(q);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = mk("iq", A("type", "result"));
		if (cases[i].value != NULL)
			wa_node_attr(wa_node_add_new(r, "count"), "value",
			    cases[i].value);
		ck_assert_msg((wa_prekey_count_parse(r, &n) == 0) == cases[i].ok &&
		    (!cases[i].ok || n == cases[i].n), "line %d", cases[i].line);
		wa_node_free(r);
	}
}
END_TEST

START_TEST(test_upload)
{
	struct wa_creds c;
	struct wa_keypair kp;
	struct wa_node *n, *list, *k;
	uint32_t next;

	ck_assert_int_eq(wa_creds_new(&c), 0);
	c.next_prekey = WA_PREKEY_ID_MAX - 1;
	n = wa_prekey_upload(&c, "u1", 4, &next);
	ck_assert_ptr_nonnull(n);
	ck_assert(wa_node_attr_is(n, "xmlns", "encrypt") &&
	    wa_node_attr_is(n, "type", "set") && wa_node_attr_is(n, "id", "u1"));
	ck_assert(wa_str_eq(wa_node_child_content(n, "type"), "\x05"));
	ck_assert_uint_eq(wa_node_child_content(n, "registration")->len, 4);
	ck_assert(memcmp(wa_node_child_content(n, "identity")->p,
	    c.identity.pub, 32) == 0);
	list = wa_node_child(n, "list");
	ck_assert_uint_eq(list->nkids, 4);
	/* Ids wrap past 2^24 - 1 to 1. */
	ck_assert(memcmp(wa_node_child_content(list->kids[0], "id")->p,
	    "\xff\xff\xfe", 3) == 0);
	ck_assert(memcmp(wa_node_child_content(list->kids[1], "id")->p,
	    "\xff\xff\xff", 3) == 0);
	ck_assert(memcmp(wa_node_child_content(list->kids[2], "id")->p,
	    "\x00\x00\x01", 3) == 0);
	ck_assert_uint_eq(next, 3);
	ck_assert_int_eq(wa_creds_prekey(&c, 1, &kp), 0);
	ck_assert(memcmp(wa_node_child_content(list->kids[2], "value")->p,
	    kp.pub, 32) == 0);
	k = wa_node_child(n, "skey");
	ck_assert_uint_eq(wa_node_child_content(k, "signature")->len, 64);
	ck_assert(memcmp(wa_node_child_content(k, "id")->p, "\x00\x00\x01",
	    3) == 0);
	wa_node_free(n);
	wa_creds_clear(&c);
}
END_TEST

START_TEST(test_low)
{
	static const struct {
		int		 line;
		const char	*from, *type, *value;
		int		 low;
	} cases[] = {
		{ __LINE__, "@s.whatsapp.net", "encrypt", "4", 1 },
		{ __LINE__, "s.whatsapp.net", "encrypt", "5", 0 },
		{ __LINE__, "1@s.whatsapp.net", "encrypt", "0", 0 },
		{ __LINE__, "s.whatsapp.net", "w:gp2", "0", 0 },
		{ __LINE__, "s.whatsapp.net", "encrypt", NULL, 0 },
	};
	struct wa_node *n;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = mk("notification", A("from", cases[i].from, "type",
		    cases[i].type));
		if (cases[i].value)
			wa_node_attr(wa_node_add_new(n, "count"), "value",
			    cases[i].value);
		ck_assert_msg(wa_prekey_low_notification(n) == cases[i].low,
		    "line %d", cases[i].line);
		wa_node_free(n);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_prekey");
	TCase *tc = tcase_create("prekey");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_upload);
	tcase_add_test(tc, test_low);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
