/* Unit tests of wa_paircode: the code, its crypto, the two IQs. */
#include <check.h>
#include <string.h>

#include "wa/wa_crypto.h"
#include "wa/wa_paircode.h"

START_TEST(test_encode)
{
	static const struct {
		const char	*raw;
		const char	*code;
	} cases[] = {
		{ "\x00\x00\x00\x00\x00", "11111111" },
		{ "\xff\xff\xff\xff\xff", "ZZZZZZZZ" },
		{ "\x08\x42\x10\x84\x21", "22222222" },
		{ "\x84\x21\x08\x42\x10", "HHHHHHHH" },
	};
	char code[9];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wa_paircode_encode((const unsigned char *)cases[i].raw, code);
		ck_assert_str_eq(code, cases[i].code);
	}
}
END_TEST

START_TEST(test_start)
{
	static const struct {
		const char	*phone;
		int		 ok;
	} cases[] = {
		{ "+15551234567", 1 }, { "15551234567", 1 }, { "1234567", 1 },
		{ "123456", 0 }, { "1234567890123456", 0 }, { "05551234567", 0 },
		{ "+1555 1234567", 0 }, { "", 0 }, { "+", 0 },
	};
	struct wa_paircode pc;
	char shown[10];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg((wa_paircode_start(&pc, cases[i].phone) == 0) ==
		    cases[i].ok, "%s", cases[i].phone);
	ck_assert_int_eq(wa_paircode_start(&pc, "+15551234567"), 0);
	ck_assert_str_eq(pc.jid, "15551234567@s.whatsapp.net");
	ck_assert_uint_eq(strlen(pc.code), 8);
	ck_assert_uint_eq(strspn(pc.code, "123456789ABCDEFGHJKLMNPQRSTVWXYZ"), 8);
	wa_paircode_display(&pc, shown);
	ck_assert(strlen(shown) == 9 && shown[4] == '-' &&
	    memcmp(shown, pc.code, 4) == 0);
	wa_paircode_clear(&pc);
}
END_TEST

START_TEST(test_flow)
{
	struct wa_paircode pc;
	struct wa_creds c;
	struct wa_keypair phone, peph;
	struct wa_node *hello, *reply, *n, *reg, *fin;
	const struct wa_str *w, *bundle;
	unsigned char ceph[32], salt[32], iv[16], wrapped[80], eph[32],
	    bk[32], pt[96], ident[32], adv[32], old[32];

	ck_assert_int_eq(wa_creds_new(&c), 0);
	ck_assert_int_eq(wa_paircode_start(&pc, "15551234567"), 0);
	hello = wa_paircode_hello(&pc, &c, "h1", "1", "Chrome (Linux)");
	reg = wa_node_child(hello, "link_code_companion_reg");
	ck_assert(wa_node_attr_is(hello, "xmlns", "md") &&
	    wa_node_attr_is(reg, "stage", "companion_hello") &&
	    wa_node_attr_is(reg, "should_show_push_notification", "true"));
	/* The nonce is one zero byte (whatsmeow). */
	w = wa_node_child_content(reg, "link_code_pairing_nonce");
	ck_assert(w != NULL && w->len == 1 && w->p[0] == '\0');
	ck_assert(memcmp(wa_node_child_content(reg,
	    "companion_server_auth_key_pub")->p, c.noise.pub, 32) == 0);
	w = wa_node_child_content(reg,
	    "link_code_pairing_wrapped_companion_ephemeral_pub");
	ck_assert_uint_eq(w->len, 80);
	ck_assert_int_eq(wa_paircode_unwrap(pc.code,
	    (const unsigned char *)w->p, ceph), 0);
	ck_assert(memcmp(ceph, pc.eph.pub, 32) == 0);

	/* The answer without a ref is refused, with one accepted. */
	reply = wa_node_new("iq");
	ck_assert_int_eq(wa_paircode_hello_reply(&pc, reply), -1);
	wa_node_add_bytes(wa_node_add_new(reply, "link_code_companion_reg"),
	    "link_code_pairing_ref", "R-9", 3);
	ck_assert_int_eq(wa_paircode_hello_reply(&pc, reply), 0);
	wa_node_free(reply);
	wa_node_free(hello);

	/* The phone's notification. */
	wa_curve_generate(&phone);
	wa_curve_generate(&peph);
	wa_random(salt, 32);
	wa_random(iv, 16);
	ck_assert_int_eq(wa_paircode_wrap(pc.code, salt, iv, peph.pub, wrapped), 0);
	n = wa_node_new("notification");
	wa_node_attr(n, "type", "link_code_companion_reg");
	reg = wa_node_add_new(n, "link_code_companion_reg");
	wa_node_add_bytes(reg, "link_code_pairing_ref", "R-8", 3);
	wa_node_add_bytes(reg, "link_code_pairing_wrapped_primary_ephemeral_pub",
	    wrapped, 79);
	wa_node_add_bytes(reg, "primary_identity_pub", phone.pub, 32);
	ck_assert(wa_paircode_is_notification(n));
	memcpy(old, c.adv_secret, 32);
	ck_assert_ptr_null(wa_paircode_finish(&pc, &c, n, "f1"));	/* ref */
	memcpy(reg->kids[0]->data.p, "R-9", 3);
	ck_assert_ptr_null(wa_paircode_finish(&pc, &c, n, "f1"));	/* 79 */
	wa_node_set_bytes(reg->kids[1], wrapped, 80);
	wa_node_set_bytes(reg->kids[2], phone.pub, 31);
	ck_assert_ptr_null(wa_paircode_finish(&pc, &c, n, "f1"));	/* 31 */
	ck_assert(memcmp(old, c.adv_secret, 32) == 0);
	wa_node_set_bytes(reg->kids[2], phone.pub, 32);
	fin = wa_paircode_finish(&pc, &c, n, "f1");
	ck_assert_ptr_nonnull(fin);
	reg = wa_node_child(fin, "link_code_companion_reg");
	ck_assert(wa_node_attr_is(reg, "stage", "companion_finish") &&
	    wa_node_attr_is(reg, "jid", "15551234567@s.whatsapp.net"));
	ck_assert(wa_str_eq(wa_node_child_content(reg, "link_code_pairing_ref"),
	    "R-9"));
	bundle = wa_node_child_content(reg, "link_code_pairing_wrapped_key_bundle");
	ck_assert_uint_eq(bundle->len, WA_PAIRCODE_BUNDLE);
	/* The phone decrypts the bundle and derives the same ADV secret. */
	ck_assert_int_eq(wa_curve_shared(peph.priv, pc.eph.pub, eph), 0);
	ck_assert_int_eq(wa_hkdf_sha256(bundle->p, 32, eph, 32,
	    "link_code_pairing_key_bundle_encryption_key", 43, bk, 32), 0);
	ck_assert_int_eq(wa_aes_gcm_decrypt(bk,
	    (const unsigned char *)bundle->p + 32, NULL, 0, bundle->p + 44, 112,
	    pt), 0);
	ck_assert(memcmp(pt, c.identity.pub, 32) == 0 &&
	    memcmp(pt + 32, phone.pub, 32) == 0);
	ck_assert_int_eq(wa_curve_shared(phone.priv, c.identity.pub, ident), 0);
	ck_assert_int_eq(wa_paircode_adv_secret(eph, ident, pt + 64, adv), 0);
	ck_assert(memcmp(adv, c.adv_secret, 32) == 0);
	ck_assert(memcmp(old, c.adv_secret, 32) != 0);
	wa_node_free(fin);
	wa_node_free(n);
	wa_paircode_clear(&pc);
	wa_creds_clear(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_paircode");
	TCase *tc = tcase_create("paircode");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_encode);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_flow);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
