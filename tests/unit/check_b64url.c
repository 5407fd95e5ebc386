#include <stdint.h>
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

/* The decoder the slow, obvious way: the reference. */
static long
ref_decode(const unsigned char *in, size_t len, unsigned char *out)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, bits = 0, o = 0;
	uint32_t acc = 0;
	const char *at;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == 0 || (at = strchr(alpha, in[i])) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(at - alpha);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return acc != 0 ? -1 : (long)o;	/* leftover bits must be zero */
}

/*
 * Every byte value at every position of inputs of 2 to 9 characters
 * (each length mod 4, the 4-character steps and the tails): the same
 * answer as the reference, decoded bytes included.
 */
START_TEST(b64url_every_byte_everywhere)
{
	unsigned char in[9], out[9], want[9];
	size_t len, pos;
	unsigned b;
	long n, r;

	for (len = 2; len <= sizeof(in); len++) {
		for (pos = 0; pos < len; pos++) {
			for (b = 0; b < 256; b++) {
				memcpy(in, "QUJDREVG", 8);
				in[8] = 'w';
				in[pos] = (unsigned char)b;
				n = b64url_decode((const char *)in, len, out);
				r = ref_decode(in, len, want);
				ck_assert_msg(n == r, "byte 0x%02x at %zu of %zu: %ld, not %ld",
				    b, pos, len, n, r);
				if (r > 0)
					ck_assert_mem_eq(out, want, (size_t)r);
			}
		}
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
	tcase_add_test(tc, b64url_every_byte_everywhere);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_b64url", b64url_suite)
