#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "auth/jwa.h"

static const struct jwa jwa_table[] = {
	{ "RS256", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA256", 0, 0 },
	{ "RS384", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA384", 0, 0 },
	{ "RS512", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA512", 0, 0 },
	{ "PS256", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA256", 1, 0 },
	{ "PS384", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA384", 1, 0 },
	{ "PS512", JWA_KTY_RSA, JWA_CURVE_NONE, "SHA512", 1, 0 },
	/* RFC 7518 section 3.4: r||s, each the size of the group order. */
	{ "ES256", JWA_KTY_EC, JWA_CURVE_P256, "SHA256", 0, 64 },
	{ "ES384", JWA_KTY_EC, JWA_CURVE_P384, "SHA384", 0, 96 },
	{ "ES512", JWA_KTY_EC, JWA_CURVE_P521, "SHA512", 0, 132 },
	/* RFC 8037 section 3.1; Ed448 is not accepted. */
	{ "EdDSA", JWA_KTY_OKP, JWA_CURVE_ED25519, NULL, 0, 64 },
};

const struct jwa *
jwa_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(jwa_table) / sizeof(jwa_table[0]); i++)
		if (strlen(jwa_table[i].name) == len &&
		    memcmp(jwa_table[i].name, name, len) == 0)
			return &jwa_table[i];
	return NULL;
}

static const struct {
	const char	*crv;
	enum jwa_curve	 curve;
	size_t		 len;
	const char	*group;
} jwa_curves[] = {
	{ "P-256", JWA_CURVE_P256, 32, "P-256" },
	{ "P-384", JWA_CURVE_P384, 48, "P-384" },
	{ "P-521", JWA_CURVE_P521, 66, "P-521" },
	{ "Ed25519", JWA_CURVE_ED25519, 32, NULL },
};

enum jwa_curve
jwa_curve_find(const char *crv, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(jwa_curves) / sizeof(jwa_curves[0]); i++)
		if (strlen(jwa_curves[i].crv) == len &&
		    memcmp(jwa_curves[i].crv, crv, len) == 0)
			return jwa_curves[i].curve;
	return JWA_CURVE_NONE;
}

size_t
jwa_curve_len(enum jwa_curve c)
{
	size_t i;

	for (i = 0; i < sizeof(jwa_curves) / sizeof(jwa_curves[0]); i++)
		if (jwa_curves[i].curve == c)
			return jwa_curves[i].len;
	return 0;
}

const char *
jwa_curve_group(enum jwa_curve c)
{
	size_t i;

	for (i = 0; i < sizeof(jwa_curves) / sizeof(jwa_curves[0]); i++)
		if (jwa_curves[i].curve == c)
			return jwa_curves[i].group;
	return NULL;
}

/*
 * OpenSSL wants ECDSA signatures DER-encoded; JOSE sends r||s of fixed
 * length.  Anything but exactly sig_len bytes was rejected before.
 * Returns the DER length written to *der (caller frees), or -1.
 */
static int
jwa_ecdsa_der(const unsigned char *sig, size_t sig_len, unsigned char **der)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	int n = -1;

	*der = NULL;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, (int)(sig_len / 2), NULL)) == NULL ||
	    (s = BN_bin2bn(sig + sig_len / 2, (int)(sig_len / 2), NULL)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;	/* owned by es now */
	n = i2d_ECDSA_SIG(es, der);
	if (n <= 0) {
		*der = NULL;
		n = -1;
	}
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return n;
}

int
jwa_verify(const struct jwa *alg, EVP_PKEY *pkey, const unsigned char *in,
    size_t len, const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	int n, ok = 0;

	if (alg->sig_len != 0 && sig_len != alg->sig_len)
		goto out;
	/* RFC 7518 section 3.3: an RSA signature is exactly the modulus size. */
	if (alg->kty == JWA_KTY_RSA && (int)sig_len != EVP_PKEY_get_size(pkey))
		goto out;
	if (alg->kty == JWA_KTY_EC) {
		if ((n = jwa_ecdsa_der(sig, sig_len, &der)) == -1)
			goto out;
		sig = der;
		sig_len = (size_t)n;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestVerifyInit_ex(ctx, &pctx, alg->md, NULL, NULL, pkey,
	    NULL) != 1)
		goto out;
	/* RFC 7518 section 3.5: MGF1 with the same hash, salt = hash size. */
	if (alg->pss &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, alg->md, NULL) != 1))
		goto out;
	/* Trap: -1 on malformed input, so only 1 means valid. */
	ok = EVP_DigestVerify(ctx, sig, sig_len, in, len) == 1;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}
