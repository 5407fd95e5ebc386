/*
 * jwks: a JSON Web Key Set (RFC 7517 section 5) of public signature
 * keys, each built once into an OpenSSL EVP_PKEY.  RSA (n, e), EC
 * P-256/P-384/P-521 (x, y) and OKP Ed25519 (x).  Keys that are not for
 * signatures ("use" other than "sig"), of an unknown kty or crv, or
 * malformed are skipped with a log line; the rest of the set stays.
 */
#ifndef WAGW_JWKS_H
#define WAGW_JWKS_H

#include <stddef.h>

#include <openssl/evp.h>

#include "auth/jwa.h"
#include "auth/jws.h"

#define JWKS_FILE_MAX	(1024 * 1024)	/* bytes of a JWKS document */
#define JWKS_KEYS_MAX	64		/* usable keys kept; more are skipped */

struct jwk {
	char		 kid[JWS_KID_MAX + 1];
	size_t		 kid_len;
	int		 has_kid;
	enum jwa_kty	 kty;
	enum jwa_curve	 curve;		/* JWA_CURVE_NONE for RSA */
	const struct jwa *alg;		/* the JWK's "alg", or NULL: any that fits */
	EVP_PKEY	*pkey;		/* owned by the set */
};

struct jwks {
	struct jwk	*keys;
	size_t		 n;
};

/*
 * Parses len bytes of a JWKS document; name (a path or URL) labels the
 * log lines about skipped keys (NULL: they are not logged).  Returns a set the caller frees
 * with jwks_free (possibly with no usable key), or NULL when the
 * document itself is malformed, with the reason in err (errlen bytes).
 */
struct jwks *jwks_parse(const char *buf, size_t len, const char *name,
    char *err, size_t errlen);
void jwks_free(struct jwks *set);

enum jwks_select_rc {
	JWKS_FOUND,
	JWKS_UNKNOWN_KID,	/* the token's kid is not in the set */
	JWKS_NO_KEY		/* no key fits alg, or (no kid) more than one does */
};

/*
 * Chooses the key for a token: with a kid (kid_len bytes, kid != NULL),
 * the key with that kid, which must fit alg (key type, curve, the JWK's
 * own alg); without one, the only key of the set that fits alg.  *out
 * is borrowed from set.
 */
enum jwks_select_rc jwks_select(const struct jwks *set, const struct jwa *alg,
    const char *kid, size_t kid_len, const struct jwk **out);

/* Nonzero when key may verify alg. */
int jwk_fits(const struct jwk *key, const struct jwa *alg);

#endif
