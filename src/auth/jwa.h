/*
 * jwa: the JSON Web Algorithms we accept for signatures (RFC 7518
 * section 3, RFC 8037 section 3.1) and signature verification with
 * OpenSSL 3.  "none" and the HMAC algorithms are deliberately absent:
 * a public JWKS key must never be usable as a shared secret.
 */
#ifndef WAGW_JWA_H
#define WAGW_JWA_H

#include <stddef.h>

#include <openssl/evp.h>

enum jwa_kty { JWA_KTY_RSA, JWA_KTY_EC, JWA_KTY_OKP };

enum jwa_curve {
	JWA_CURVE_NONE,		/* RSA */
	JWA_CURVE_P256, JWA_CURVE_P384, JWA_CURVE_P521,
	JWA_CURVE_ED25519
};

struct jwa {
	const char	*name;		/* "RS256", ... */
	enum jwa_kty	 kty;		/* the key type it needs */
	enum jwa_curve	 curve;		/* and the curve, if any */
	const char	*md;		/* OpenSSL digest name; NULL for EdDSA */
	int		 pss;		/* RSASSA-PSS */
	size_t		 sig_len;	/* exact JOSE signature length; 0: key-sized (RSA) */
};

/* The algorithm named by len bytes of name, or NULL when we do not accept it. */
const struct jwa *jwa_find(const char *name, size_t len);

/*
 * The curve named by a JWK "crv" (len bytes): P-256, P-384, P-521 or
 * Ed25519; JWA_CURVE_NONE for anything else.
 */
enum jwa_curve jwa_curve_find(const char *crv, size_t len);
/* Coordinate length in bytes of a curve (32, 48, 66, 32), 0 for none. */
size_t jwa_curve_len(enum jwa_curve c);
/* OpenSSL group name of an EC curve ("P-256", ...), NULL otherwise. */
const char *jwa_curve_group(enum jwa_curve c);

/*
 * Verifies sig (sig_len bytes, JOSE encoding: raw r||s for ECDSA) over
 * in (len bytes) with pkey, whose type the caller matched to alg.
 * Returns 1 only when the signature is valid; 0 for anything else.
 */
int jwa_verify(const struct jwa *alg, EVP_PKEY *pkey, const unsigned char *in,
    size_t len, const unsigned char *sig, size_t sig_len);

#endif
