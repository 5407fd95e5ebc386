/*
 * jwks: JWKS documents into OpenSSL keys, key selection, and the
 * per-process file watcher.  Keys are made by openssl at test time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "auth/jwks.h"
#include "auth/jwks_file.h"
#include "auth_fixture.h"
#include "common/log.h"

/* The one JWK of index idx in file fx_dir()/file, as a JSON object (caller puts). */
static json_object *
jwk_of(const char *file, int idx)
{
	json_object *doc = json_object_from_file(fx_path(file)), *keys, *k;

	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "keys", &keys));
	k = json_object_get(json_object_array_get_idx(keys, (size_t)idx));
	json_object_put(doc);
	return k;
}

/*
 * Parses a JWKS of one key: key idx of file with member set to the JSON
 * value (NULL: removed).  Returns the number of usable keys, -1 for a
 * document rejected as a whole.
 */
static int
usable(const char *file, int idx, const char *member, const char *value)
{
	json_object *k = jwk_of(file, idx), *doc = json_object_new_object(),
	    *arr = json_object_new_array();
	struct jwks *set;
	const char *text;
	char err[256];
	int n;

	if (member != NULL) {
		json_object_object_del(k, member);
		if (value != NULL)
			json_object_object_add(k, member, json_tokener_parse(value));
	}
	json_object_array_add(arr, k);
	json_object_object_add(doc, "keys", arr);
	text = json_object_to_json_string(doc);
	set = jwks_parse(text, strlen(text), "test", err, sizeof(err));
	n = set ? (int)set->n : -1;
	jwks_free(set);
	json_object_put(doc);
	return n;
}

START_TEST(key_types)
{
	struct jwks *set;
	char err[256], *text;
	FILE *f;
	long len;

	/* rsa ec256 ec384 ec521 ed: all usable, in order, with kids */
	f = fopen(fx_path("all.json"), "r");
	ck_assert_ptr_nonnull(f);
	text = calloc(1, 100000);
	len = (long)fread(text, 1, 99999, f);
	fclose(f);
	set = jwks_parse(text, (size_t)len, "all.json", err, sizeof(err));
	free(text);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(set->n, 5);
	ck_assert_int_eq(set->keys[0].kty, JWA_KTY_RSA);
	ck_assert_int_eq(set->keys[1].curve, JWA_CURVE_P256);
	ck_assert_ptr_eq(set->keys[1].alg, jwa_find("ES256", 5));
	ck_assert_int_eq(set->keys[2].curve, JWA_CURVE_P384);
	ck_assert_int_eq(set->keys[3].curve, JWA_CURVE_P521);
	ck_assert_int_eq(set->keys[4].kty, JWA_KTY_OKP);
	ck_assert_int_eq(set->keys[4].has_kid, 0);
	ck_assert_str_eq(set->keys[0].kid, "rsa");
	ck_assert_int_eq(EVP_PKEY_get_bits(set->keys[0].pkey), 2048);
	ck_assert_int_eq(EVP_PKEY_get_bits(set->keys[3].pkey), 521);
	jwks_free(set);
}
END_TEST

START_TEST(skipped_keys)
{
	/* index in all.json: 0 rsa, 1 ec256 (alg ES256), 2 ec384, 3 ec521, 4 ed */
	static const struct {
		int		 line, idx;
		const char	*member, *value;
		int		 want;
	} cases[] = {
		{ __LINE__, 0, NULL, NULL, 1 },
		{ __LINE__, 0, "use", "\"enc\"", 0 },
		{ __LINE__, 0, "use", NULL, 1 },
		{ __LINE__, 0, "use", "1", 0 },
		{ __LINE__, 0, "key_ops", "[\"encrypt\"]", 0 },
		{ __LINE__, 0, "key_ops", "[\"sign\",\"verify\"]", 1 },
		{ __LINE__, 0, "key_ops", "\"verify\"", 0 },
		{ __LINE__, 0, "kty", "\"oct\"", 0 },
		{ __LINE__, 0, "kty", "\"rsa\"", 0 },
		{ __LINE__, 0, "kty", NULL, 0 },
		{ __LINE__, 0, "alg", "\"HS256\"", 0 },
		{ __LINE__, 0, "alg", "\"RSA-OAEP\"", 0 },
		{ __LINE__, 0, "alg", "\"PS256\"", 1 },
		{ __LINE__, 0, "alg", "\"ES256\"", 0 },	/* does not fit the key */
		{ __LINE__, 0, "n", "\"AQAB\"", 0 },	/* far too short */
		{ __LINE__, 0, "n", NULL, 0 },
		{ __LINE__, 0, "e", "\"AQA=\"", 0 },	/* padded */
		{ __LINE__, 0, "e", "\"AAE\"", 0 },	/* even: not an RSA exponent */
		{ __LINE__, 0, "d", "\"AQAB\"", 0 },	/* private part */
		{ __LINE__, 0, "kid", "7", 0 },
		{ __LINE__, 0, "kid", "\"a\\u0000b\"", 0 },
		{ __LINE__, 1, NULL, NULL, 1 },
		{ __LINE__, 1, "crv", "\"P-384\"", 0 },	/* x, y of the wrong size */
		{ __LINE__, 1, "crv", "\"secp256k1\"", 0 },
		{ __LINE__, 1, "crv", "\"P-192\"", 0 },
		{ __LINE__, 1, "crv", "\"Ed25519\"", 0 },
		{ __LINE__, 1, "crv", NULL, 0 },
		{ __LINE__, 1, "y", NULL, 0 },
		{ __LINE__, 1, "x", "\"AAAA\"", 0 },
		{ __LINE__, 1, "alg", "\"ES384\"", 0 },
		{ __LINE__, 2, NULL, NULL, 1 },
		{ __LINE__, 3, NULL, NULL, 1 },
		{ __LINE__, 4, NULL, NULL, 1 },
		{ __LINE__, 4, "crv", "\"Ed448\"", 0 },
		{ __LINE__, 4, "crv", "\"X25519\"", 0 },
		{ __LINE__, 4, "x", "\"AAAA\"", 0 },
		{ __LINE__, 4, "alg", "\"EdDSA\"", 1 },
		{ __LINE__, 4, "kty", "\"EC\"", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(usable("all.json", cases[i].idx, cases[i].member,
		    cases[i].value) == cases[i].want, "line %d", cases[i].line);
}
END_TEST

START_TEST(bad_points_and_small_rsa)
{
	json_object *k = jwk_of("all.json", 1), *y;
	char buf[256], *log;
	const char *ys;
	int n;

	/* A point off the curve: change y's first character. */
	ck_assert(json_object_object_get_ex(k, "y", &y));
	ys = json_object_get_string(y);
	snprintf(buf, sizeof(buf), "\"%c%s\"", ys[0] == 'A' ? 'B' : 'A', ys + 1);
	json_object_put(k);
	fx_capture_begin();
	n = usable("all.json", 1, "y", buf);
	log = fx_capture_end();
	ck_assert_int_eq(n, 0);
	ck_assert_msg(strstr(log, "skipped") != NULL, "log: %s", log);
	free(log);
	/* RSA below 2048 bits */
	fx_capture_begin();
	n = usable("small.json", 0, NULL, NULL);
	log = fx_capture_end();
	ck_assert_int_eq(n, 0);
	ck_assert_msg(strstr(log, "kid small") && strstr(log, "2048"), "log: %s", log);
	free(log);
}
END_TEST

START_TEST(documents)
{
	static const struct {
		int		 line;
		const char	*doc;
		int		 want;
	} cases[] = {
		{ __LINE__, "{\"keys\":[]}", 0 },
		{ __LINE__, "{\"keys\":[1,\"x\",null,{}]}", 0 },
		{ __LINE__, "{\"keys\":{}}", -1 },
		{ __LINE__, "{\"key\":[]}", -1 },
		{ __LINE__, "[]", -1 },
		{ __LINE__, "", -1 },
		{ __LINE__, "{\"keys\":[]", -1 },
		{ __LINE__, "{\"keys\":[]} x", -1 },
		{ __LINE__, "{\"keys\":[]}\n", 0 },
	};
	struct jwks *set;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set = jwks_parse(cases[i].doc, strlen(cases[i].doc), "t", err, sizeof(err));
		ck_assert_msg((set ? (int)set->n : -1) == cases[i].want, "line %d",
		    cases[i].line);
		jwks_free(set);
	}
	ck_assert_ptr_null(jwks_parse("{\"keys\":[]}\0", 12, "t", err, sizeof(err)));
	jwks_free(NULL);
}
END_TEST

START_TEST(selection)
{
	struct jwks *set;
	const struct jwk *k;
	char err[256], *text;
	const struct jwa *rs = jwa_find("RS256", 5), *es = jwa_find("ES256", 5),
	    *es384 = jwa_find("ES384", 5), *ed = jwa_find("EdDSA", 5);
	FILE *f = fopen(fx_path("two.json"), "r");
	long len;

	/* two.json: rsa (kid a), rsa2 (kid b), ec256 (no kid), ed (kid e, alg EdDSA), dup kid a */
	ck_assert_ptr_nonnull(f);
	text = calloc(1, 100000);
	len = (long)fread(text, 1, 99999, f);
	fclose(f);
	fx_capture_begin();
	set = jwks_parse(text, (size_t)len, "two.json", err, sizeof(err));
	free(fx_capture_end());
	free(text);
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(set->n, 4);	/* the duplicate kid is skipped */
	ck_assert_int_eq(jwks_select(set, rs, "a", 1, &k), JWKS_FOUND);
	ck_assert_ptr_eq(k, &set->keys[0]);
	ck_assert_int_eq(jwks_select(set, rs, "b", 1, &k), JWKS_FOUND);
	ck_assert_ptr_eq(k, &set->keys[1]);
	ck_assert_int_eq(jwks_select(set, rs, "c", 1, &k), JWKS_UNKNOWN_KID);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(jwks_select(set, rs, "a\0", 2, &k), JWKS_UNKNOWN_KID);
	ck_assert_int_eq(jwks_select(set, rs, "", 0, &k), JWKS_UNKNOWN_KID);
	/* no kid: two RSA keys fit RS256 */
	ck_assert_int_eq(jwks_select(set, rs, NULL, 0, &k), JWKS_NO_KEY);
	/* no kid: exactly one P-256 key */
	ck_assert_int_eq(jwks_select(set, es, NULL, 0, &k), JWKS_FOUND);
	ck_assert_ptr_eq(k, &set->keys[2]);
	ck_assert_int_eq(jwks_select(set, es384, NULL, 0, &k), JWKS_NO_KEY);
	ck_assert_int_eq(jwks_select(set, ed, NULL, 0, &k), JWKS_FOUND);
	ck_assert_int_eq(jwks_select(set, ed, "e", 1, &k), JWKS_FOUND);
	/* kid found but wrong type */
	ck_assert_int_eq(jwks_select(set, es, "a", 1, &k), JWKS_NO_KEY);
	ck_assert_int_eq(jwks_select(set, rs, "e", 1, &k), JWKS_NO_KEY);
	ck_assert_int_eq(jwks_select(NULL, rs, "a", 1, &k), JWKS_UNKNOWN_KID);
	ck_assert_int_eq(jwks_select(NULL, rs, NULL, 0, &k), JWKS_NO_KEY);
	jwks_free(set);
}
END_TEST

START_TEST(file_watch)
{
	struct jwks_file *jf = jwks_file_new(fx_path("watch.json"));
	const struct jwks *k;
	int changed;
	char *log;

	fx_jwks("watch.json", "one=ed.pem");
	k = jwks_file_keys(jf, 1000, &changed);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(changed, 1);
	ck_assert_str_eq(k->keys[0].kid, "one");
	/* unchanged file: same set, nothing rebuilt */
	ck_assert_ptr_eq(jwks_file_keys(jf, 2000, &changed), k);
	ck_assert_int_eq(changed, 0);
	/* in-place rewrite (same inode), then looked at after a second */
	fx_jwks("watch.json", "two=ed.pem ec=ec256.pem");
	ck_assert_ptr_eq(jwks_file_keys(jf, 2999, &changed), k);
	ck_assert_int_eq(changed, 0);
	k = jwks_file_keys(jf, 3000, &changed);
	ck_assert_int_eq(changed, 1);
	ck_assert_uint_eq(k->n, 2);
	ck_assert_str_eq(k->keys[0].kid, "two");
	/* the clock going backwards forces a look */
	fx_jwks("watch.json", "three=ed.pem");
	k = jwks_file_keys(jf, 100, &changed);
	ck_assert_int_eq(changed, 1);
	ck_assert_str_eq(k->keys[0].kid, "three");
	/* broken: the set stays, logged once, not every second */
	fx_replace("watch.json", "not json");
	fx_capture_begin();
	ck_assert_ptr_eq(jwks_file_keys(jf, 5000, &changed), k);
	ck_assert_ptr_eq(jwks_file_keys(jf, 6000, &changed), k);
	ck_assert_ptr_eq(jwks_file_keys(jf, 7000, &changed), k);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "not JSON, keeping the current keys") != NULL, "%s", log);
	ck_assert_ptr_null(strstr(strstr(log, "keeping") + 1, "keeping"));
	free(log);
	/* an oversized file is refused */
	{
		char *big = malloc(JWKS_FILE_MAX + 2);

		memset(big, ' ', JWKS_FILE_MAX + 1);
		big[JWKS_FILE_MAX + 1] = '\0';
		fx_replace("watch.json", big);
		free(big);
	}
	fx_capture_begin();
	ck_assert_ptr_eq(jwks_file_keys(jf, 8000, &changed), k);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "cannot read") != NULL, "%s", log);
	free(log);
	jwks_file_free(jf);
	jwks_file_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jwks");
	TCase *tc = tcase_create("jwks");
	SRunner *sr;
	int failed;

	log_init("check_jwks", LOG_LEVEL_DEBUG);
	fx_init();
	fx_keygen("rsa", "rsa2048");
	fx_keygen("rsa2", "rsa2048");
	fx_keygen("small", "rsa1024");
	fx_keygen("ec256", "P-256");
	fx_keygen("ec384", "P-384");
	fx_keygen("ec521", "P-521");
	fx_keygen("ed", "ed25519");
	fx_jwks("all.json", "rsa=rsa.pem ec256=ec256.pem@ES256 ec384=ec384.pem "
	    "ec521=ec521.pem ed.pem");
	fx_jwks("small.json", "small=small.pem");
	fx_jwks("two.json", "a=rsa.pem b=rsa2.pem ec256.pem e=ed.pem@EdDSA a=ed.pem");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, key_types);
	tcase_add_test(tc, skipped_keys);
	tcase_add_test(tc, bad_points_and_small_rsa);
	tcase_add_test(tc, documents);
	tcase_add_test(tc, selection);
	tcase_add_test(tc, file_watch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fx_done();
	return failed == 0 ? 0 : 1;
}
