/* Unit tests of src/wa's crypto (wa_crypto) and curve (wa_curve) modules. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "wa/wa_crypto.h"
#include "wa/wa_curve.h"

static size_t
hex(const char *s, unsigned char *out)
{
	size_t n = strlen(s) / 2, i;
	unsigned v;

	for (i = 0; i < n; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	return n;
}

/* RFC 5869 appendix A.1. */
START_TEST(test_hkdf_rfc5869)
{
	unsigned char ikm[22], salt[13], info[10], okm[42], want[42];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < 13; i++)
		salt[i] = (unsigned char)i;
	for (i = 0; i < 10; i++)
		info[i] = (unsigned char)(0xf0 + i);
	hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865", want);
	ck_assert(wa_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42) == 0);
	ck_assert(memcmp(okm, want, 42) == 0);
}
END_TEST

/* RFC 7914 section 11, first PBKDF2-HMAC-SHA256 vector. */
START_TEST(test_pbkdf2_rfc7914)
{
	unsigned char out[64], want[64];

	hex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
	    "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
	    want);
	ck_assert(wa_pbkdf2_sha256("passwd", 6, "salt", 4, 1, out, 64) == 0);
	ck_assert(memcmp(out, want, 64) == 0);
	ck_assert(wa_pbkdf2_sha256("passwd", 6, "salt", 4, 0, out, 64) == -1);
}
END_TEST

/* The GCM specification's test case 16 (AES-256, 96-bit IV, AAD). */
START_TEST(test_gcm_vector)
{
	unsigned char key[32], iv[12], pt[60], aad[20], want[76], out[76],
	    back[60];

	hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	    key);
	hex("cafebabefacedbaddecaf888", iv);
	hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", pt);
	hex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad);
	hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
	    "76fc6ece0f4e1768cddf8853bb2d551b", want);
	ck_assert(wa_aes_gcm_encrypt(key, iv, aad, 20, pt, 60, out) == 0);
	ck_assert(memcmp(out, want, 76) == 0);
	ck_assert(wa_aes_gcm_decrypt(key, iv, aad, 20, out, 76, back) == 0);
	ck_assert(memcmp(back, pt, 60) == 0);
	out[75] ^= 1;
	ck_assert(wa_aes_gcm_decrypt(key, iv, aad, 20, out, 76, back) == -1);
	ck_assert(wa_aes_gcm_decrypt(key, iv, aad, 20, out, 15, back) == -1);
}
END_TEST

/* RFC 7748 section 6.1. */
START_TEST(test_x25519_rfc7748)
{
	unsigned char a[32], b[32], want[32], shared[32];
	struct wa_keypair ka, kb;

	hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a);
	hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b);
	ck_assert(wa_curve_from_private(a, &ka) == 0);
	ck_assert(wa_curve_from_private(b, &kb) == 0);
	hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", want);
	ck_assert(memcmp(ka.pub, want, 32) == 0);
	hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want);
	ck_assert(wa_curve_shared(ka.priv, kb.pub, shared) == 0);
	ck_assert(memcmp(shared, want, 32) == 0);
	/* A low-order point (0) gives the all-zero secret: refused. */
	memset(b, 0, 32);
	ck_assert(wa_curve_shared(ka.priv, b, shared) == -1);
}
END_TEST

/*
 * A curve25519-js signature (what Baileys' Curve.sign returned for this
 * key and message): ours must be identical and verify.
 */
START_TEST(test_sign_vector)
{
	unsigned char priv[32], msg[33], want[64], sig[64], pub[32];
	struct wa_keypair kp;

	memset(priv, 0x42, 32);
	msg[0] = 5;
	memset(msg + 1, 0x11, 32);
	hex("f6ef6d43e2740ddbf48b1b82692650b4b77cb1677a86b2935655904b582127c2"
	    "d87fceb26a7aa5eab2426924ce8f90af8aa59a03162cb2a32aed2da950522401",
	    want);
	hex("132c442be010fbd57e72603328aa76e71fccc1503aae219327d14d9c9993f472",
	    pub);
	ck_assert(wa_curve_from_private(priv, &kp) == 0);
	ck_assert(memcmp(kp.pub, pub, 32) == 0);
	ck_assert(wa_curve_sign(priv, msg, sizeof(msg), sig) == 0);
	ck_assert(memcmp(sig, want, 64) == 0);
	ck_assert(wa_curve_verify(pub, msg, sizeof(msg), sig) == 1);
}
END_TEST

START_TEST(test_sign_roundtrip)
{
	struct wa_keypair a, b;
	unsigned char sig[64], msg[100];
	int i;

	for (i = 0; i < 50; i++) {
		ck_assert(wa_curve_generate(&a) == 0);
		ck_assert(wa_curve_generate(&b) == 0);
		ck_assert(wa_random(msg, sizeof(msg)) == 0);
		ck_assert(wa_curve_sign(a.priv, msg, (size_t)i, sig) == 0);
		ck_assert(wa_curve_verify(a.pub, msg, (size_t)i, sig) == 1);
		ck_assert(wa_curve_verify(b.pub, msg, (size_t)i, sig) == 0);
		sig[63] ^= 0x80;	/* the sign bit carries the key's sign */
		ck_assert(wa_curve_verify(a.pub, msg, (size_t)i, sig) == 0);
		sig[63] ^= 0x80;
		sig[i % 64] ^= 0x10;
		ck_assert(wa_curve_verify(a.pub, msg, (size_t)i, sig) == 0);
	}
}
END_TEST

START_TEST(test_hashes)
{
	unsigned char out[64], want[64];

	hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want);
	ck_assert(wa_sha256("abc", 3, out) == 0 && memcmp(out, want, 32) == 0);
	hex("900150983cd24fb0d6963f7d28e17f72", want);
	ck_assert(wa_md5("abc", 3, out) == 0 && memcmp(out, want, 16) == 0);
	/* RFC 4231 test case 2. */
	hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want);
	ck_assert(wa_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28,
	    out) == 0 && memcmp(out, want, 32) == 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_crypto");
	TCase *tc = tcase_create("vectors");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_hkdf_rfc5869);
	tcase_add_test(tc, test_pbkdf2_rfc7914);
	tcase_add_test(tc, test_gcm_vector);
	tcase_add_test(tc, test_x25519_rfc7748);
	tcase_add_test(tc, test_sign_vector);
	tcase_add_test(tc, test_sign_roundtrip);
	tcase_add_test(tc, test_hashes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
