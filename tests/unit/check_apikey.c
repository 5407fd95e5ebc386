#include <string.h>

#include "common/apikey.h"
#include "unit.h"

START_TEST(apikey_generate_shape)
{
	char s1[APIKEY_SECRET_LEN + 1], s2[APIKEY_SECRET_LEN + 1];
	char id[APIKEY_ID_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1];
	unsigned char h[APIKEY_HASH_LEN];

	ck_assert_int_eq(apikey_generate(s1, id), 0);
	ck_assert_int_eq(apikey_generate(s2, id), 0);
	ck_assert_uint_eq(strlen(s1), APIKEY_SECRET_LEN);
	ck_assert_int_eq(strncmp(s1, "wa_", 3), 0);
	ck_assert_str_ne(s1, s2);
	ck_assert_int_eq(strncmp(id, "key_", 4), 0);
	ck_assert_uint_eq(strspn(s1 + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
	    APIKEY_SECRET_LEN - 3);
	ck_assert_int_eq(apikey_parse(s1, strlen(s1), prefix), 1);
	ck_assert_int_eq(strncmp(prefix, s1, APIKEY_PREFIX_LEN), 0);
	ck_assert_uint_eq(strlen(prefix), APIKEY_PREFIX_LEN);
	apikey_hash(s1, strlen(s1), h);
	ck_assert_int_eq(apikey_matches(s1, strlen(s1), h), 1);
	ck_assert_int_eq(apikey_matches(s2, strlen(s2), h), 0);
	s1[APIKEY_SECRET_LEN - 1] ^= 1;
	ck_assert_int_eq(apikey_matches(s1, strlen(s1), h), 0);
}
END_TEST

START_TEST(apikey_parse_rejects)
{
	char good[APIKEY_SECRET_LEN + 1], id[APIKEY_ID_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1];
	char bad[APIKEY_SECRET_LEN + 2];

	ck_assert_int_eq(apikey_generate(good, id), 0);
	ck_assert_int_eq(apikey_parse(good, APIKEY_SECRET_LEN - 1, prefix), 0);
	memcpy(bad, good, sizeof(good));
	bad[0] = 'W';
	ck_assert_int_eq(apikey_parse(bad, APIKEY_SECRET_LEN, prefix), 0);
	memcpy(bad, good, sizeof(good));
	bad[20] = '-';
	ck_assert_int_eq(apikey_parse(bad, APIKEY_SECRET_LEN, prefix), 0);
	bad[20] = '\0';
	ck_assert_int_eq(apikey_parse(bad, APIKEY_SECRET_LEN, prefix), 0);
	memcpy(bad, good, sizeof(good));
	bad[APIKEY_SECRET_LEN] = 'x';
	bad[APIKEY_SECRET_LEN + 1] = '\0';
	ck_assert_int_eq(apikey_parse(bad, APIKEY_SECRET_LEN + 1, prefix), 0);
	ck_assert_int_eq(apikey_parse("eyJhbGciOiJSUzI1NiJ9.e30.sig", 27, prefix), 0);
}
END_TEST

static Suite *
apikey_suite(void)
{
	Suite *s = suite_create("apikey");
	TCase *tc = tcase_create("apikey");

	tcase_add_test(tc, apikey_generate_shape);
	tcase_add_test(tc, apikey_parse_rejects);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_apikey", apikey_suite)
