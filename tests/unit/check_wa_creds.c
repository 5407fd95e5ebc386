/* Unit tests of wa_creds: keys, the blob, privacy tokens, prekeys. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_creds.h"
#include "wa/wa_crypto.h"

static void
paired(struct wa_creds *c)
{
	ck_assert_int_eq(wa_creds_new(c), 0);
	ck_assert_int_eq(wa_creds_set_paired(c, "15551234567:7@s.whatsapp.net",
	    "998877:7@lid", "android", "Acme \xc3\xa9", "\x0a\x01x", 3), 0);
}

START_TEST(test_new_and_roundtrip)
{
	struct wa_creds a, b;
	struct wa_buf x = { 0 }, y = { 0 };
	unsigned char msg[33];

	ck_assert_int_eq(wa_creds_new(&a), 0);
	ck_assert(a.reg_id >= 1 && a.reg_id <= 0x3fff && a.spk_id == 1 &&
	    a.next_prekey == 1 && !wa_creds_paired(&a));
	msg[0] = 5;
	memcpy(msg + 1, a.spk.pub, 32);
	ck_assert(wa_curve_verify(a.identity.pub, msg, 33, a.spk_sig));
	ck_assert_int_eq(wa_creds_save(&a, &x), 0);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(wa_creds_load(&b, x.p, x.len), 0);
	ck_assert(memcmp(&a.noise, &b.noise, sizeof(a.noise)) == 0 &&
	    memcmp(&a.identity, &b.identity, sizeof(a.identity)) == 0 &&
	    memcmp(&a.spk, &b.spk, sizeof(a.spk)) == 0 &&
	    memcmp(a.adv_secret, b.adv_secret, 32) == 0 &&
	    a.reg_id == b.reg_id && !wa_creds_paired(&b));
	wa_creds_clear(&a);
	wa_creds_clear(&b);

	paired(&a);
	ck_assert_int_eq(wa_creds_token_put(&a, "1@s.whatsapp.net", "2@lid",
	    1000, "tok", 3, 1000), 1);
	wa_buf_reset(&x);
	ck_assert_int_eq(wa_creds_save(&a, &x), 0);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(wa_creds_load(&b, x.p, x.len), 0);
	ck_assert_str_eq(b.jid, "15551234567:7@s.whatsapp.net");
	ck_assert_str_eq(b.lid, "998877:7@lid");
	ck_assert_str_eq(b.platform, "android");
	ck_assert_str_eq(b.business, "Acme \xc3\xa9");
	ck_assert(b.account_len == 3 && memcmp(b.account, "\x0a\x01x", 3) == 0);
	ck_assert_uint_eq(b.ntokens, 1);
	ck_assert_ptr_nonnull(wa_creds_token_find(&b, "2@lid", 1000));
	/* Saving again gives the same bytes. */
	ck_assert_int_eq(wa_creds_save(&b, &y), 0);
	ck_assert(x.len == y.len && memcmp(x.p, y.p, x.len) == 0);
	wa_creds_clear(&a);
	wa_creds_clear(&b);
	wa_buf_free(&x);
	wa_buf_free(&y);
}
END_TEST

/* Every truncation and every single-bit flip is refused, c untouched. */
START_TEST(test_load_rejects)
{
	struct wa_creds a, b;
	struct wa_buf x = { 0 };
	unsigned char *m;
	size_t i;

	paired(&a);
	ck_assert_int_eq(wa_creds_save(&a, &x), 0);
	memset(&b, 0, sizeof(b));
	b.reg_id = 4242;
	for (i = 0; i < x.len; i++)
		ck_assert_msg(wa_creds_load(&b, x.p, i) == -1, "length %zu", i);
	m = malloc(x.len + 1);
	for (i = 0; i < x.len * 8; i += 3) {
		memcpy(m, x.p, x.len);
		m[i / 8] ^= (unsigned char)(1 << (i % 8));
		ck_assert_msg(wa_creds_load(&b, m, x.len) == -1, "bit %zu", i);
	}
	memcpy(m, x.p, x.len);
	m[x.len] = 0;
	ck_assert_int_eq(wa_creds_load(&b, m, x.len + 1), -1);
	ck_assert_uint_eq(b.reg_id, 4242);
	free(m);
	wa_creds_clear(&a);
	wa_buf_free(&x);
}
END_TEST

/* Well-checksummed but inconsistent blobs: the records are checked too. */
static int
load_records(const unsigned char *rec, size_t n)
{
	struct wa_buf b = { 0 };
	struct wa_creds c;
	unsigned char sum[32];
	int rc;

	wa_buf_add(&b, "WAGWCRED\x01", 9);
	wa_buf_add(&b, rec, n);
	wa_sha256(b.p, b.len, sum);
	wa_buf_add(&b, sum, 16);
	memset(&c, 0, sizeof(c));
	rc = wa_creds_load(&c, b.p, b.len);
	wa_creds_clear(&c);
	wa_buf_free(&b);
	return rc;
}

START_TEST(test_load_records)
{
	struct wa_creds a;
	struct wa_buf x = { 0 }, r = { 0 };
	size_t body;

	ck_assert_int_eq(wa_creds_new(&a), 0);
	ck_assert_int_eq(wa_creds_save(&a, &x), 0);
	body = x.len - 9 - 16;
	/* The records as saved load. */
	ck_assert_int_eq(load_records(x.p + 9, body), 0);
	/* Without the last record (next prekey): a required one missing. */
	ck_assert_int_eq(load_records(x.p + 9, body - 6), -1);
	/* A duplicate, an unknown tag, a bad length, a truncated header. */
	wa_buf_add(&r, x.p + 9, body);
	wa_buf_add(&r, x.p + 9, 35);
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	wa_buf_reset(&r);
	wa_buf_add(&r, x.p + 9, body);
	wa_buf_add(&r, "\x63\x00\x00", 3);
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	wa_buf_reset(&r);
	wa_buf_add(&r, x.p + 9, body);
	wa_buf_add(&r, "\x08\x00", 2);
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	/* A JID without an account, a LID without a JID. */
	wa_buf_reset(&r);
	wa_buf_add(&r, x.p + 9, body);
	wa_buf_add(&r, "\x08\x00\x10" "1:2@s.whatsapp.net", 3 + 16);
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	wa_buf_reset(&r);
	wa_buf_add(&r, x.p + 9, body);
	wa_buf_add(&r, "\x09\x00\x07" "1:2@lid", 10);
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	/*
	 * The signed prekey's signature must verify: records NOISE (35
	 * bytes), IDENTITY (35), REG_ID (7), then SPK: header 3, id 3, key
	 * 32, signature from offset 115.
	 */
	wa_buf_reset(&r);
	wa_buf_add(&r, x.p + 9, body);
	ck_assert_int_eq(r.p[77], 4);
	r.p[120] ^= 1;
	ck_assert_int_eq(load_records(r.p, r.len), -1);
	wa_creds_clear(&a);
	wa_buf_free(&x);
	wa_buf_free(&r);
}
END_TEST

START_TEST(test_set_paired)
{
	struct wa_creds c;
	char big[300];

	ck_assert_int_eq(wa_creds_new(&c), 0);
	ck_assert_int_eq(wa_creds_set_paired(&c, "1:2@lid", NULL, NULL, NULL,
	    "x", 1), -1);
	ck_assert_int_eq(wa_creds_set_paired(&c, "1:2@s.whatsapp.net", "3@g.us",
	    NULL, NULL, "x", 1), -1);
	ck_assert_int_eq(wa_creds_set_paired(&c, "1:2@s.whatsapp.net", NULL,
	    NULL, NULL, "x", 0), -1);
	ck_assert(!wa_creds_paired(&c));
	/* A long name is cut at a UTF-8 boundary. */
	memset(big, 'a', sizeof(big));
	big[WA_CREDS_NAME_MAX - 2] = '\xc3';
	big[WA_CREDS_NAME_MAX - 1] = '\xa9';
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(wa_creds_set_paired(&c, "1:2@s.whatsapp.net", NULL,
	    NULL, big, "x", 1), 0);
	ck_assert_uint_eq(strlen(c.business), WA_CREDS_NAME_MAX - 2);
	ck_assert_int_eq(wa_creds_set_lid(&c, "5:2@lid"), 0);
	ck_assert_int_eq(wa_creds_set_lid(&c, "5@s.whatsapp.net"), -1);
	ck_assert_str_eq(c.lid, "5:2@lid");
	wa_creds_clear(&c);
}
END_TEST

START_TEST(test_tokens)
{
	struct wa_creds c;
	char jid[32];
	int i;

	ck_assert_int_eq(wa_creds_new(&c), 0);
	/* Refused: no JID, empty, too old, too long. */
	ck_assert_int_eq(wa_creds_token_put(&c, NULL, "", 100, "t", 1, 100), 0);
	ck_assert_int_eq(wa_creds_token_put(&c, "1@lid", NULL, 100, "", 0, 100),
	    0);
	ck_assert_int_eq(wa_creds_token_put(&c, "1@lid", NULL, 0, "t", 1,
	    WA_CREDS_TOKEN_TTL + 1), 0);
	ck_assert_int_eq(wa_creds_token_put(&c, "1@lid", NULL, 100, jid, 300,
	    100), 0);
	/* One per person; a newer one replaces, an older one does not. */
	ck_assert_int_eq(wa_creds_token_put(&c, "1@s.whatsapp.net", "1@lid",
	    100, "a", 1, 100), 1);
	ck_assert_int_eq(wa_creds_token_put(&c, NULL, "1@lid", 200, "b", 1,
	    200), 1);
	ck_assert_int_eq(wa_creds_token_put(&c, "1@s.whatsapp.net", NULL, 150,
	    "c", 1, 200), 0);
	ck_assert_uint_eq(c.ntokens, 1);
	ck_assert_int_eq(wa_creds_token_find(&c, "1@s.whatsapp.net", 200)->token[0],
	    'b');
	ck_assert_ptr_null(wa_creds_token_find(&c, "1@s.whatsapp.net",
	    200 + WA_CREDS_TOKEN_TTL + 1));
	ck_assert_ptr_null(wa_creds_token_find(&c, "", 200));
	/* Full: the oldest goes. */
	for (i = 0; i < WA_CREDS_TOKENS_MAX + 5; i++) {
		snprintf(jid, sizeof(jid), "%d@lid", 100 + i);
		ck_assert_int_eq(wa_creds_token_put(&c, NULL, jid, 1000 + i, "x",
		    1, 2000), 1);
	}
	ck_assert_uint_eq(c.ntokens, WA_CREDS_TOKENS_MAX);
	ck_assert_ptr_null(wa_creds_token_find(&c, "100@lid", 2000));
	ck_assert_ptr_nonnull(wa_creds_token_find(&c, "168@lid", 2000));
	wa_creds_clear(&c);
}
END_TEST

START_TEST(test_prekeys)
{
	struct wa_creds c;
	struct wa_keypair a, b, a2;

	ck_assert_int_eq(wa_creds_new(&c), 0);
	ck_assert_int_eq(wa_creds_prekey(&c, 0, &a), -1);
	ck_assert_int_eq(wa_creds_prekey(&c, WA_PREKEY_ID_MAX + 1, &a), -1);
	ck_assert_int_eq(wa_creds_prekey(&c, 1, &a), 0);
	ck_assert_int_eq(wa_creds_prekey(&c, 2, &b), 0);
	ck_assert_int_eq(wa_creds_prekey(&c, 1, &a2), 0);
	ck_assert(memcmp(&a, &a2, sizeof(a)) == 0);
	ck_assert(memcmp(a.pub, b.pub, 32) != 0);
	wa_creds_clear(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_creds");
	TCase *tc = tcase_create("creds");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_new_and_roundtrip);
	tcase_add_test(tc, test_load_rejects);
	tcase_add_test(tc, test_load_records);
	tcase_add_test(tc, test_set_paired);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_prekeys);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
