/* jws: compact JWS framing and the JOSE header, on hand-made tokens. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "auth/jws.h"
#include "common/b64url.h"

/* header JSON + payload JSON + signature bytes -> token (into out). */
static void
make(char *out, size_t outlen, const char *h, const char *p, const char *sig)
{
	char eh[12000], ep[12000], es[1500];

	b64url_encode((const unsigned char *)h, strlen(h), eh);
	b64url_encode((const unsigned char *)p, strlen(p), ep);
	b64url_encode((const unsigned char *)sig, strlen(sig), es);
	snprintf(out, outlen, "%s.%s.%s", eh, ep, es);
}

static enum jws_rc
parse(const char *h, const char *p)
{
	char t[40000];
	struct jws j;
	enum jws_rc rc;

	make(t, sizeof(t), h, p, "signature-bytes");
	rc = jws_parse(&j, t, strlen(t));
	if (rc == JWS_OK)
		jws_clear(&j);
	return rc;
}

static const struct {
	int		 line;
	const char	*header;
	enum jws_rc	 want;
} header_cases[] = {
	{ __LINE__, "{\"alg\":\"RS256\"}", JWS_OK },
	{ __LINE__, "{\"alg\":\"EdDSA\",\"kid\":\"k\",\"typ\":\"JWT\"}", JWS_OK },
	{ __LINE__, "{\"alg\":\"none\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"HS256\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"HS512\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"rs256\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"ES256K\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"Ed25519\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":\"RS256\\u0000\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"\"}", JWS_BAD_ALG },
	{ __LINE__, "{\"alg\":256}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":null}", JWS_MALFORMED },
	{ __LINE__, "{\"typ\":\"JWT\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",\"crit\":[\"exp\"]}", JWS_CRIT },
	{ __LINE__, "{\"alg\":\"RS256\",\"crit\":[]}", JWS_CRIT },
	{ __LINE__, "{\"alg\":\"RS256\",\"crit\":null}", JWS_CRIT },
	{ __LINE__, "{\"alg\":\"RS256\",\"kid\":7}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",\"kid\":\"a\\u0000b\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",\"kid\\u0000\":\"a\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"none\",\"alg\":\"RS256\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",\"alg\":\"RS256\"}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",\"\\u0061lg\":\"none\"}", JWS_MALFORMED },
	{ __LINE__, "[\"RS256\"]", JWS_MALFORMED },
	{ __LINE__, "\"RS256\"", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\"} ", JWS_OK },	/* JSON allows it */
	{ __LINE__, "{\"alg\":\"RS256\"}{}", JWS_MALFORMED },
	{ __LINE__, "{'alg':'RS256'}", JWS_MALFORMED },
	{ __LINE__, "{\"alg\":\"RS256\",}", JWS_MALFORMED },
	{ __LINE__, "", JWS_MALFORMED },
	/* nesting deeper than the parser's bound */
	{ __LINE__, "{\"alg\":\"RS256\",\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", JWS_MALFORMED },
	/* members inside nested values and strings are not top-level ones */
	{ __LINE__, "{\"alg\":\"RS256\",\"x\":{\"alg\":1,\"b\":2},\"y\":\"a:b\\\":c\"}", JWS_OK },
	{ __LINE__, "{\"alg\":\"RS256\",\"x\":\"\\\\u0000\"}", JWS_OK },
};

START_TEST(headers)
{
	size_t i;

	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++)
		ck_assert_msg(parse(header_cases[i].header, "{}") == header_cases[i].want,
		    "line %d: got %d", header_cases[i].line,
		    parse(header_cases[i].header, "{}"));
}
END_TEST

START_TEST(fields)
{
	char t[4096];
	struct jws j;

	make(t, sizeof(t), "{\"alg\":\"PS384\",\"kid\":\"key-1\"}", "{\"a\":1}", "sig");
	ck_assert_int_eq(jws_parse(&j, t, strlen(t)), JWS_OK);
	ck_assert_str_eq(j.alg->name, "PS384");
	ck_assert_int_eq(j.kid_len, 5);
	ck_assert_int_eq(memcmp(j.kid, "key-1", 5), 0);
	ck_assert_int_eq(j.sig_len, 3);
	ck_assert_int_eq(memcmp(j.sig, "sig", 3), 0);
	ck_assert_int_eq(j.signing_input_len, (size_t)(strrchr(t, '.') - t));
	jws_clear(&j);
	/* The token need not be NUL-terminated: only len bytes are read. */
	strcat(t, "c2ln");
	ck_assert_int_eq(jws_parse(&j, t, strlen(t) - 4), JWS_OK);
	ck_assert_int_eq(j.sig_len, 3);
	jws_clear(&j);	/* twice is harmless */
}
END_TEST

START_TEST(payloads)
{
	static const struct {
		int		 line;
		const char	*payload;
		int		 ok;
	} cases[] = {
		{ __LINE__, "{\"exp\":1}", 1 },
		{ __LINE__, "{}", 1 },
		{ __LINE__, "[1]", 0 },
		{ __LINE__, "1", 0 },
		{ __LINE__, "null", 0 },
		{ __LINE__, "{\"exp\":1,\"exp\":2}", 0 },
		{ __LINE__, "{\"org\":\"a\",\"o\\u0072g\":\"b\"}", 0 },
		{ __LINE__, "{\"org\\u0000x\":\"a\"}", 0 },
		{ __LINE__, "{\"org\":\"a\\u0000\"}", 0 },
		{ __LINE__, "{\"org\":\"a\\\\u0000\"}", 1 },
		{ __LINE__, "{\"exp\":1}\n", 1 },
		{ __LINE__, "{\"exp\":1}\nx", 0 },
		{ __LINE__, "{\"exp\":01}", 0 },
	};
	char t[4096];
	struct jws j;
	json_object *o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make(t, sizeof(t), "{\"alg\":\"ES256\"}", cases[i].payload, "s");
		ck_assert_int_eq(jws_parse(&j, t, strlen(t)), JWS_OK);
		o = jws_payload(&j);
		ck_assert_msg((o != NULL) == cases[i].ok, "line %d", cases[i].line);
		json_object_put(o);
		jws_clear(&j);
	}
}
END_TEST

START_TEST(framing)
{
	static const struct {
		int		 line;
		const char	*token;
	} bad[] = {
		{ __LINE__, "" },
		{ __LINE__, "." },
		{ __LINE__, ".." },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30." },		/* unsecured */
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9..c2ln" },
		{ __LINE__, ".e30.c2ln" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln.c2ln" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln." },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9=.e30.c2ln" },	/* padding */
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2lu=" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2l+" },	/* base64, not url */
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2l/" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c2l" },	/* bits left over */
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e30.c" },	/* 1 mod 4 */
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9 .e30.c2ln" },
		{ __LINE__, "eyJhbGciOiJSUzI1NiJ9.e3 0.c2ln" },
	};
	struct jws j;
	size_t i;

	ck_assert_int_eq(jws_parse(&j, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", 29), JWS_OK);
	jws_clear(&j);
	ck_assert_int_eq(jws_parse(&j, "eyJhbGciOiJSUzI1NiJ9.e30=.c2ln", 30), JWS_MALFORMED);
	ck_assert_int_eq(jws_parse(&j, "eyJhbGciOiJSUzI1NiJ9.e3+.c2ln", 29), JWS_MALFORMED);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(jws_parse(&j, bad[i].token, strlen(bad[i].token)) ==
		    JWS_MALFORMED, "line %d", bad[i].line);
	/* An embedded NUL ends nothing: it is a bad character. */
	ck_assert_int_eq(jws_parse(&j, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\0", 30),
	    JWS_MALFORMED);
	ck_assert_int_eq(jws_parse(&j, "eyJhbGciOiJSUzI1NiJ9.e3\0.c2ln", 29),
	    JWS_MALFORMED);
}
END_TEST

START_TEST(size_bound)
{
	static char t[JWS_TOKEN_MAX + 2];
	struct jws j;
	char pad[7000];
	size_t len;

	/* Over the bound: rejected whatever the content, before decoding. */
	memset(t, '!', sizeof(t) - 1);
	ck_assert_int_eq(jws_parse(&j, t, JWS_TOKEN_MAX + 1), JWS_TOO_LONG);
	ck_assert_int_eq(jws_parse(&j, t, JWS_TOKEN_MAX), JWS_MALFORMED);
	/* A well-formed token of exactly the bound is parsed. */
	memset(pad, 'p', sizeof(pad));
	for (len = 5000; len < sizeof(pad); len++) {
		char p[7100];

		snprintf(p, sizeof(p), "{\"pad\":\"%.*s\"}", (int)len, pad);
		make(t, sizeof(t), "{\"alg\":\"EdDSA\"}", p, "0123456789012345678901234567890123456789012345678901234567890123");
		if (strlen(t) >= JWS_TOKEN_MAX)
			break;
	}
	ck_assert_uint_ge(strlen(t), JWS_TOKEN_MAX);
	ck_assert_int_eq(jws_parse(&j, t, strlen(t)),
	    strlen(t) == JWS_TOKEN_MAX ? JWS_OK : JWS_TOO_LONG);
	if (strlen(t) == JWS_TOKEN_MAX)
		jws_clear(&j);
	/* A signature longer than any key's is refused. */
	{
		char big[1500], tok[4000];

		memset(big, 's', 1100);
		big[1100] = '\0';
		make(tok, sizeof(tok), "{\"alg\":\"RS256\"}", "{}", big);
		ck_assert_int_eq(jws_parse(&j, tok, strlen(tok)), JWS_MALFORMED);
	}
}
END_TEST

START_TEST(get_string)
{
	const char *text = "{\"a\":\"x\",\"b\":1,\"c\":null}";
	json_object *o = jws_json_object(text, strlen(text));
	size_t len = 99;

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jws_get_string(o, "a", &len), "x");
	ck_assert_uint_eq(len, 1);
	ck_assert_ptr_null(jws_get_string(o, "b", &len));
	ck_assert_ptr_null(jws_get_string(o, "c", &len));
	ck_assert_ptr_null(jws_get_string(o, "d", &len));
	json_object_put(o);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jws");
	TCase *tc = tcase_create("jws");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, headers);
	tcase_add_test(tc, fields);
	tcase_add_test(tc, payloads);
	tcase_add_test(tc, framing);
	tcase_add_test(tc, size_bound);
	tcase_add_test(tc, get_string);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
