#include <string.h>

#include <openssl/bn.h>
#include <sodium.h>

#include "wa/wa_curve.h"

static int
wa_curve_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static void
wa_clamp(unsigned char k[WA_KEY_LEN])
{
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

int
wa_curve_from_private(const unsigned char priv[WA_KEY_LEN],
    struct wa_keypair *kp)
{
	unsigned char k[WA_KEY_LEN];

	if (wa_curve_init() == -1)
		return -1;
	memcpy(k, priv, WA_KEY_LEN);
	wa_clamp(k);
	if (crypto_scalarmult_base(kp->pub, k) != 0) {
		sodium_memzero(k, sizeof(k));
		return -1;
	}
	memcpy(kp->priv, k, WA_KEY_LEN);
	sodium_memzero(k, sizeof(k));
	return 0;
}

int
wa_curve_generate(struct wa_keypair *kp)
{
	unsigned char k[WA_KEY_LEN];
	int rc;

	if (wa_curve_init() == -1)
		return -1;
	randombytes_buf(k, sizeof(k));
	rc = wa_curve_from_private(k, kp);
	sodium_memzero(k, sizeof(k));
	return rc;
}

int
wa_curve_shared(const unsigned char priv[WA_KEY_LEN],
    const unsigned char pub[WA_KEY_LEN], unsigned char out[WA_KEY_LEN])
{
	if (wa_curve_init() == -1)
		return -1;
	return crypto_scalarmult(out, priv, pub) == 0 ? 0 : -1;
}

/* SHA-512(a || b || c) reduced modulo the group order L. */
static void
wa_hash_reduce(unsigned char out[32], const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen)
{
	crypto_hash_sha512_state st;
	unsigned char h[64];

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, a, alen);
	crypto_hash_sha512_update(&st, b, blen);
	crypto_hash_sha512_update(&st, c, clen);
	crypto_hash_sha512_final(&st, h);
	crypto_core_ed25519_scalar_reduce(out, h);
	sodium_memzero(h, sizeof(h));
}

/*
 * curve25519-js's deterministic variant: with a the clamped Montgomery
 * scalar and A = aB, r = H(a || M) mod L, R = rB, S = r + H(R || A || M) a,
 * and A's sign bit stored in sig[63] (S < L leaves that bit free).
 */
int
wa_curve_sign(const unsigned char priv[WA_KEY_LEN], const void *msg,
    size_t len, unsigned char sig[WA_SIG_LEN])
{
	unsigned char a[32], wide[64], ared[32], A[32], r[32], h[32], ha[32];
	int rc = -1;

	if (wa_curve_init() == -1)
		return -1;
	memcpy(a, priv, 32);
	wa_clamp(a);
	if (crypto_scalarmult_ed25519_base_noclamp(A, a) != 0)
		goto out;
	memset(wide, 0, sizeof(wide));
	memcpy(wide, a, 32);
	crypto_core_ed25519_scalar_reduce(ared, wide);
	wa_hash_reduce(r, a, 32, msg, len, "", 0);
	if (crypto_scalarmult_ed25519_base_noclamp(sig, r) != 0)
		goto out;
	wa_hash_reduce(h, sig, 32, A, 32, msg, len);
	crypto_core_ed25519_scalar_mul(ha, h, ared);
	crypto_core_ed25519_scalar_add(sig + 32, r, ha);
	sig[63] |= A[31] & 0x80;
	rc = 0;
out:
	sodium_memzero(a, sizeof(a));
	sodium_memzero(wide, sizeof(wide));
	sodium_memzero(ared, sizeof(ared));
	sodium_memzero(r, sizeof(r));
	sodium_memzero(ha, sizeof(ha));
	return rc;
}

/*
 * The Edwards y of a Montgomery u: y = (u - 1) / (u + 1) mod 2^255 - 19
 * (RFC 7748 section 4.1).  Returns -1 when u + 1 has no inverse.
 */
static int
wa_mont_to_edwards(const unsigned char u[32], unsigned char y[32])
{
	BN_CTX *ctx;
	BIGNUM *p, *x, *num, *den;
	unsigned char t[32];
	int rc = -1;

	if ((ctx = BN_CTX_new()) == NULL)
		return -1;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	x = BN_CTX_get(ctx);
	num = BN_CTX_get(ctx);
	den = BN_CTX_get(ctx);
	memcpy(t, u, 32);
	t[31] &= 0x7f;
	if (den == NULL || BN_lebin2bn(t, 32, x) == NULL)
		goto out;
	BN_zero(p);
	if (!BN_set_bit(p, 255) || !BN_sub_word(p, 19) ||
	    !BN_nnmod(x, x, p, ctx) ||
	    !BN_mod_sub(num, x, BN_value_one(), p, ctx) ||
	    !BN_mod_add(den, x, BN_value_one(), p, ctx) || BN_is_zero(den) ||
	    BN_mod_inverse(den, den, p, ctx) == NULL ||
	    !BN_mod_mul(num, num, den, p, ctx) ||
	    BN_bn2lebinpad(num, y, 32) != 32)
		goto out;
	rc = 0;
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return rc;
}

int
wa_curve_verify(const unsigned char pub[WA_KEY_LEN], const void *msg,
    size_t len, const unsigned char sig[WA_SIG_LEN])
{
	unsigned char ed[32], s[64];

	if (wa_curve_init() == -1 || wa_mont_to_edwards(pub, ed) == -1)
		return 0;
	ed[31] |= sig[63] & 0x80;
	memcpy(s, sig, 64);
	s[63] &= 0x7f;
	return crypto_sign_ed25519_verify_detached(s, msg, len, ed) == 0;
}
