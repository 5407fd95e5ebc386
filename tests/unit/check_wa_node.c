/* Unit tests of src/wa's binary node codec: wa_encode, wa_decode, wa_token. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_token.h"

/* Encodes <t a=v/> and compares the attribute value's bytes. */
static const struct {
	int		 line;
	const char	*val;
	size_t		 len;
	const char	*want;	/* bytes of the value */
	size_t		 wlen;
} str_cases[] = {
	{ __LINE__, "", 0, "\x00", 1 },				/* token 0 */
	{ __LINE__, "s.whatsapp.net", 14, "\x03", 1 },		/* single token */
	{ __LINE__, "read-self", 9, "\xec\x00", 2 },		/* dictionary 0 */
	{ __LINE__, "1.2-3", 5, "\xff\x83\x1b\x2a\x3f", 5 },	/* nibbles, odd */
	{ __LINE__, "ABCDEF", 6, "\xfb\x03\xab\xcd\xef", 5 },	/* hex */
	{ __LINE__, "abcdef", 6, "\xfc\x06" "abcdef", 8 },	/* lower hex: raw */
	{ __LINE__, "+5511", 5, "\xfc\x05+5511", 7 },
	{ __LINE__, "@s.whatsapp.net", 15, "\xfa\x00\x03", 3 },	/* server JID */
	{ __LINE__, "12@g.us", 7, "\xfa\xcf\x1c", 3 },	/* "12" is a token */
	{ __LINE__, "7:3@lid", 7, "\xf7\x01\x03\xe3", 4 },
	/* hosted forms are always AD_JID, as whatsmeow writes them. */
	{ __LINE__, "7@hosted", 8, "\xf7\x80\x00\xe3", 4 },
	{ __LINE__, "7:2@hosted.lid", 14, "\xf7\x81\x02\xe3", 4 },
	/*
	 * Where a JID form would not read back as the same string we send
	 * the raw string (the decoder never prints a device 0; Baileys
	 * writes AD_JID device 0 here and loses the ":0").
	 */
	{ __LINE__, "u:0@s.whatsapp.net", 18, "\xfc\x12u:0@s.whatsapp.net", 20 },
	{ __LINE__, "u:0@hosted", 10, "\xfc\x0au:0@hosted", 12 },
	{ __LINE__, "a_b@s.whatsapp.net", 18, "\xfc\x12" "a_b@s.whatsapp.net", 20 },
	{ __LINE__, "1:256@lid", 9, "\xfc\x09" "1:256@lid", 11 },
	{ __LINE__, "1:2@g.us", 8, "\xfc\x08" "1:2@g.us", 10 },
};

START_TEST(test_encode_strings)
{
	struct wa_buf b = { NULL, 0, 0, 0 };
	struct wa_node *n = wa_node_new("iq");
	size_t i;

	/* f8 03 <iq=token 0x19> <id token> <value> */
	for (i = 0; i < sizeof(str_cases) / sizeof(str_cases[0]); i++) {
		wa_node_free(n);
		n = wa_node_new("iq");
		ck_assert(wa_node_attrn(n, "id", 2, str_cases[i].val,
		    str_cases[i].len) == 0);
		wa_buf_reset(&b);
		ck_assert_msg(wa_encode_node(n, &b) == 0, "line %d", str_cases[i].line);
		ck_assert_msg(b.len == 4 + str_cases[i].wlen &&
		    memcmp(b.p + 4, str_cases[i].want, str_cases[i].wlen) == 0,
		    "line %d", str_cases[i].line);
	}
	wa_node_free(n);
	wa_buf_free(&b);
}
END_TEST

START_TEST(test_roundtrip)
{
	struct wa_node *root = wa_node_new("iq"), *kid, *back;
	struct wa_buf a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };
	unsigned char big[70000];

	memset(big, 0xab, sizeof(big));
	ck_assert(wa_node_attr(root, "to", "123:4@s.whatsapp.net") == 0);
	ck_assert(wa_node_attr(root, "type", "get") == 0);
	kid = wa_node_new("raw");
	ck_assert(wa_node_set_bytes(kid, big, sizeof(big)) == 0);
	ck_assert(wa_node_add(root, kid) == 0);
	kid = wa_node_new("text");
	ck_assert(wa_node_set_string(kid, "héllo", strlen("héllo")) == 0);
	ck_assert(wa_node_add(root, kid) == 0);
	ck_assert(wa_encode_stanza(root, &a) == 0);
	ck_assert(a.p[0] == 0);
	ck_assert(wa_decode_stanza(a.p, a.len, &back) == 0);
	ck_assert_str_eq(wa_node_get(back, "to")->p, "123:4@s.whatsapp.net");
	ck_assert(wa_node_child(back, "raw")->data.len == sizeof(big));
	ck_assert(wa_encode_stanza(back, &b) == 0);
	ck_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
	wa_node_free(root);
	wa_node_free(back);
	wa_buf_free(&a);
	wa_buf_free(&b);
}
END_TEST

/*
 * Every string must read back as itself, so a JID a server sends (the
 * "from" we echo in an ack) comes back unchanged: decode(encode(s)) == s.
 */
static const char *const stable_cases[] = {
	":0@s.whatsapp.net", "u:0@s.whatsapp.net", ":5@s.whatsapp.net",
	"@lid", "@hosted", "7@hosted", "7:0@hosted", "7:255@hosted.lid",
	"7:256@hosted.lid", "a:1:3@s.whatsapp.net", "a:1@s.whatsapp.net",
	"123.1:4@s.whatsapp.net", "1:00@lid", "1:01@lid", "x@", "@", "x@y@z",
	"a_b:3@lid", "1:2@g.us", "g.us", "@g.us",
};

START_TEST(test_strings_stable)
{
	struct wa_buf b = { NULL, 0, 0, 0 };
	struct wa_node *n, *back;
	const struct wa_str *v;
	size_t i;

	for (i = 0; i < sizeof(stable_cases) / sizeof(stable_cases[0]); i++) {
		n = wa_node_new("iq");
		ck_assert(wa_node_attr(n, "from", stable_cases[i]) == 0);
		wa_buf_reset(&b);
		ck_assert(wa_encode_node(n, &b) == 0);
		ck_assert(wa_decode_node(b.p, b.len, &back) == 0);
		v = wa_node_get(back, "from");
		ck_assert_msg(v != NULL && v->len == strlen(stable_cases[i]) &&
		    memcmp(v->p, stable_cases[i], v->len) == 0, "%s -> %s",
		    stable_cases[i], v ? v->p : "(none)");
		wa_node_free(n);
		wa_node_free(back);
	}
	wa_buf_free(&b);
}
END_TEST

/*
 * Issue 18: fuzz_wa_decode aborted on this input.  Its last attribute is
 * a JID_PAIR with user ":0" that the encoder wrote as AD_JID, which reads
 * back as another JID; encode(decode(x)) must be stable.
 */
START_TEST(test_issue18_jid_pair_colon_user)
{
	static const unsigned char in[] = {
		0x29, 0xf8, 0x0c, 0x6d, 0xa1, 0xb6, 0x01, 0x00, 0x81, 0xbd,
		0x00, 0xbd, 0x00, 0x00, 0xfa, 0xfc, 0x02, 0x3a, 0x30, 0x76,
	};
	struct wa_buf a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };
	struct wa_node *n, *m;

	ck_assert(wa_decode_stanza(in, sizeof(in), &n) == 0);
	ck_assert(wa_encode_stanza(n, &a) == 0);
	ck_assert(wa_decode_stanza(a.p, a.len, &m) == 0);
	ck_assert(wa_encode_stanza(m, &b) == 0);
	ck_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
	ck_assert_str_eq(n->attrs[n->nattrs - 1].val.p,
	    m->attrs[m->nattrs - 1].val.p);
	wa_node_free(n);
	wa_node_free(m);
	wa_buf_free(&a);
	wa_buf_free(&b);
}
END_TEST

/* Inputs the decoder must refuse without allocating what they claim. */
static const struct {
	int		 line;
	const char	*in;
	size_t		 len;
} bad_cases[] = {
	{ __LINE__, "", 0 },
	{ __LINE__, "\xf8", 1 },				/* truncated */
	{ __LINE__, "\xf8\x00", 2 },				/* empty list */
	{ __LINE__, "\xf8\x01\x00", 3 },			/* empty tag */
	{ __LINE__, "\xf8\x02\x19\xf9\xff\xff", 6 },		/* 65535 kids, no bytes */
	{ __LINE__, "\xf8\x02\x19\xfe\x7f\xff\xff\xff", 8 },	/* 2 GiB binary */
	{ __LINE__, "\xf8\x01\x19\x00", 4 },			/* trailing byte */
	{ __LINE__, "\xf8\x03\x19\x19\xf7\x05\x01\x00", 8 },	/* AD_JID domain 5 */
	{ __LINE__, "\xf8\x03\x19\x19\xfa\xfa\x00\x03\x03", 9 },	/* nested JID */
	{ __LINE__, "\xf8\x03\x19\x19\xff\x81\xcf", 7 },	/* nibble 12 */
	{ __LINE__, "\xf8\x01\xf0", 3 },			/* tag 240 */
	{ __LINE__, "\xf8\x03\x19\x19\xf6\x00", 6 },		/* FB_JID */
	{ __LINE__, "\xf8\x02\x19\xfd\x10\x00\x00", 7 },	/* BINARY_20 >= 2^20 */
};

START_TEST(test_decode_rejects)
{
	struct wa_node *n = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		ck_assert_msg(wa_decode_node((const unsigned char *)bad_cases[i].in,
		    bad_cases[i].len, &n) == -1, "line %d", bad_cases[i].line);
	ck_assert(n == NULL);
	ck_assert(wa_decode_stanza((const unsigned char *)"", 0, &n) == -1);
}
END_TEST

START_TEST(test_depth_limit)
{
	struct wa_buf b = { NULL, 0, 0, 0 };
	struct wa_node *n = NULL;
	int i;

	/* WA_NODE_MAX_DEPTH + 1 nested <x> nodes, each "f8 02 <x> f8 01". */
	for (i = 0; i <= WA_NODE_MAX_DEPTH; i++) {
		wa_buf_add(&b, "\xf8\x02\x19", 3);
		wa_buf_add(&b, i == WA_NODE_MAX_DEPTH ? "\x00" : "\xf8\x01", i ==
		    WA_NODE_MAX_DEPTH ? 1 : 2);
	}
	ck_assert(wa_decode_node(b.p, b.len, &n) == -1);
	wa_buf_free(&b);
}
END_TEST

START_TEST(test_zlib_bomb)
{
	unsigned char *zero = calloc(1, WA_STANZA_MAX + 2), *z;
	uLongf zlen = compressBound(WA_STANZA_MAX + 2);
	struct wa_node *n = NULL;

	ck_assert_ptr_nonnull(zero);
	z = malloc(zlen + 1);
	ck_assert_ptr_nonnull(z);
	z[0] = 2;
	ck_assert(compress(z + 1, &zlen, zero, WA_STANZA_MAX + 2) == Z_OK);
	ck_assert(wa_decode_stanza(z, zlen + 1, &n) == -1);
	/* A truncated stream is refused too. */
	ck_assert(wa_decode_stanza(z, zlen / 2, &n) == -1);
	free(zero);
	free(z);
}
END_TEST

START_TEST(test_tokens)
{
	const struct wa_token_entry *t;
	size_t i;

	for (i = 1; i < WA_TOKEN_SINGLE_N; i++) {
		t = wa_token_find(wa_token_single[i], strlen(wa_token_single[i]));
		ck_assert(t != NULL && t->dict == -1 && (size_t)t->index == i);
	}
	ck_assert(wa_token_find("nope-not-a-token", 16) == NULL);
	ck_assert(wa_token_find("iq", 1) == NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_node");
	TCase *tc = tcase_create("codec");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_encode_strings);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_strings_stable);
	tcase_add_test(tc, test_issue18_jid_pair_colon_user);
	tcase_add_test(tc, test_decode_rejects);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_zlib_bomb);
	tcase_add_test(tc, test_tokens);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
