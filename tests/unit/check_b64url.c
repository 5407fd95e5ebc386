#include <string.h>

#include "common/b64url.h"
#include "unit.h"

START_TEST(b64url_vectors)
{
	/* RFC 4648 section 10, without padding, in the URL alphabet. */
	static const struct {
		const char *plain, *enc;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },
	};
	char enc[64];
	unsigned char dec[64];
	size_t i;
	long n;

	for (i = 0; i < N_ELEM(v); i++) {
		b64url_encode((const unsigned char *)v[i].plain, strlen(v[i].plain), enc);
		ck_assert_str_eq(enc, v[i].enc);
		n = b64url_decode(v[i].enc, strlen(v[i].enc), dec);
		ck_assert_int_eq(n, (long)strlen(v[i].plain));
		ck_assert_mem_eq(dec, v[i].plain, (size_t)n);
	}
}
END_TEST

START_TEST(b64url_strict)
{
	static const char *const bad[] = {
		"Zg==", "Zm9v=", "Z", "Zm9vY", "Zm+v", "Zm/v", "Zm9 ", "Zh",
		"Zm9=", "Zm-\n", "Zm9\0",
	};
	unsigned char dec[64];
	size_t i;

	for (i = 0; i < N_ELEM(bad); i++)
		ck_assert_msg(b64url_decode(bad[i], strlen(bad[i]) ? strlen(bad[i]) : 4,
		    dec) == -1, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(b64url_roundtrip_all_bytes)
{
	unsigned char in[256], out[256];
	char enc[B64URL_ENCODED_LEN(256) + 1];
	size_t len, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(in); len++) {
		b64url_encode(in, len, enc);
		ck_assert_uint_eq(strlen(enc), B64URL_ENCODED_LEN(len));
		ck_assert_int_eq(b64url_decode(enc, strlen(enc), out), (long)len);
		ck_assert_mem_eq(in, out, len);
	}
}
END_TEST

static Suite *
b64url_suite(void)
{
	Suite *s = suite_create("b64url");
	TCase *tc = tcase_create("b64url");

	tcase_add_test(tc, b64url_vectors);
	tcase_add_test(tc, b64url_strict);
	tcase_add_test(tc, b64url_roundtrip_all_bytes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_b64url", b64url_suite)
