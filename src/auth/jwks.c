#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "auth/jwks.h"
#include "common/b64url.h"
#include "common/log.h"

#define JWK_RSA_N_MIN	256	/* bytes: 2048 bits */
#define JWK_RSA_N_MAX	1024	/* bytes: 8192 bits */
#define JWK_RSA_E_MAX	8
#define JWK_COORD_MAX	66

/*
 * A base64url member of a JWK decoded into out (max bytes).  Returns
 * the length, or -1 if absent, not a string or not strict base64url.
 */
static long
jwk_b64(json_object *jwk, const char *member, unsigned char *out, size_t max)
{
	const char *s;
	size_t len;

	if ((s = jws_get_string(jwk, member, &len)) == NULL || len == 0 ||
	    B64URL_DECODED_MAX(len) > max)
		return -1;
	return b64url_decode(s, len, out);
}

static EVP_PKEY *
jwk_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static EVP_PKEY *
jwk_rsa(json_object *jwk, const char **why)
{
	unsigned char n[JWK_RSA_N_MAX], e[JWK_RSA_E_MAX];
	long nlen, elen;
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pkey = NULL;

	*why = "bad n or e";
	if ((nlen = jwk_b64(jwk, "n", n, sizeof(n))) <= 0 ||
	    (elen = jwk_b64(jwk, "e", e, sizeof(e))) <= 0)
		goto out;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL)
		goto out;
	if (BN_num_bytes(bn) < JWK_RSA_N_MIN) {
		*why = "RSA key shorter than 2048 bits";
		goto out;
	}
	if (!BN_is_odd(be) || BN_is_one(be)) {
		*why = "bad RSA exponent";
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1)
		goto out;
	if ((pkey = jwk_fromdata("RSA", bld)) == NULL)
		*why = "OpenSSL rejected the RSA key";
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static EVP_PKEY *
jwk_ec(json_object *jwk, enum jwa_curve curve, const char **why)
{
	/* Trap: import the encoded point, not separate x/y (see STYLE.md). */
	unsigned char pt[1 + 2 * JWK_COORD_MAX];
	size_t clen = jwa_curve_len(curve);
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	/* RFC 7518 section 6.2.1.2: x and y are exactly the field size. */
	*why = "bad x or y";
	pt[0] = 0x04;
	if (jwk_b64(jwk, "x", pt + 1, JWK_COORD_MAX) != (long)clen ||
	    jwk_b64(jwk, "y", pt + 1 + clen, JWK_COORD_MAX) != (long)clen)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    jwa_curve_group(curve), 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, 1 + 2 * clen) != 1)
		goto out;
	if ((pkey = jwk_fromdata("EC", bld)) == NULL) {
		*why = "OpenSSL rejected the EC point";
		goto out;
	}
	/* The point must be on the curve (invalid-curve attacks). */
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check(ctx) != 1) {
		*why = "EC point not on the curve";
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

static EVP_PKEY *
jwk_okp(json_object *jwk, const char **why)
{
	unsigned char x[32];
	EVP_PKEY *pkey;

	*why = "bad x";
	if (jwk_b64(jwk, "x", x, sizeof(x)) != (long)sizeof(x))
		return NULL;
	if ((pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x,
	    sizeof(x))) == NULL)
		*why = "OpenSSL rejected the Ed25519 key";
	return pkey;
}

/* Nonzero when the JWK may verify (RFC 7517 sections 4.2, 4.3). */
static int
jwk_for_signing(json_object *jwk, const char **why)
{
	json_object *ops, *op;
	const char *use;
	size_t i, n;

	/* A public JWKS carrying private parts is a mistake we refuse to use. */
	if (json_object_object_get_ex(jwk, "d", NULL) ||
	    json_object_object_get_ex(jwk, "p", NULL)) {
		*why = "private key material";
		return 0;
	}
	if (json_object_object_get_ex(jwk, "use", NULL)) {
		use = jws_get_string(jwk, "use", NULL);
		if (use == NULL || strcmp(use, "sig") != 0) {
			*why = "use is not sig";
			return 0;
		}
	}
	if (json_object_object_get_ex(jwk, "key_ops", &ops)) {
		if (!json_object_is_type(ops, json_type_array)) {
			*why = "bad key_ops";
			return 0;
		}
		n = json_object_array_length(ops);
		for (i = 0; i < n; i++) {
			op = json_object_array_get_idx(ops, i);
			if (json_object_is_type(op, json_type_string) &&
			    strcmp(json_object_get_string(op), "verify") == 0 &&
			    (size_t)json_object_get_string_len(op) == 6)
				return 1;
		}
		*why = "key_ops lacks verify";
		return 0;
	}
	return 1;
}

/*
 * Builds one JWK into key.  Returns 0, or -1 with the reason for the
 * log in *why.
 */
static int
jwk_build(json_object *jwk, struct jwk *key, const struct jwks *set,
    const char **why)
{
	const char *kty, *kid, *alg, *crv;
	size_t kty_len, kid_len, alg_len, crv_len, i;

	memset(key, 0, sizeof(*key));
	if (!json_object_is_type(jwk, json_type_object)) {
		*why = "not an object";
		return -1;
	}
	if (!jwk_for_signing(jwk, why))
		return -1;
	if (json_object_object_get_ex(jwk, "kid", NULL)) {
		kid = jws_get_string(jwk, "kid", &kid_len);
		if (kid == NULL || kid_len > JWS_KID_MAX) {
			*why = "bad kid";
			return -1;
		}
		for (i = 0; i < set->n; i++)
			if (set->keys[i].has_kid && set->keys[i].kid_len == kid_len &&
			    memcmp(set->keys[i].kid, kid, kid_len) == 0) {
				*why = "duplicate kid";
				return -1;
			}
		memcpy(key->kid, kid, kid_len);
		key->kid_len = kid_len;
		key->has_kid = 1;
	}
	if (json_object_object_get_ex(jwk, "alg", NULL)) {
		alg = jws_get_string(jwk, "alg", &alg_len);
		if (alg == NULL || (key->alg = jwa_find(alg, alg_len)) == NULL) {
			*why = "alg not accepted";
			return -1;
		}
	}
	if ((kty = jws_get_string(jwk, "kty", &kty_len)) == NULL) {
		*why = "no kty";
		return -1;
	}
	crv = jws_get_string(jwk, "crv", &crv_len);
	if (kty_len == 3 && memcmp(kty, "RSA", 3) == 0) {
		key->kty = JWA_KTY_RSA;
		key->pkey = jwk_rsa(jwk, why);
	} else if (kty_len == 2 && memcmp(kty, "EC", 2) == 0) {
		key->kty = JWA_KTY_EC;
		key->curve = crv ? jwa_curve_find(crv, crv_len) : JWA_CURVE_NONE;
		if (key->curve == JWA_CURVE_NONE || key->curve == JWA_CURVE_ED25519) {
			*why = "unknown crv";
			return -1;
		}
		key->pkey = jwk_ec(jwk, key->curve, why);
	} else if (kty_len == 3 && memcmp(kty, "OKP", 3) == 0) {
		key->kty = JWA_KTY_OKP;
		key->curve = crv ? jwa_curve_find(crv, crv_len) : JWA_CURVE_NONE;
		if (key->curve != JWA_CURVE_ED25519) {
			*why = "unknown crv";
			return -1;
		}
		key->pkey = jwk_okp(jwk, why);
	} else {
		*why = "unknown kty";
		return -1;
	}
	if (key->pkey == NULL)
		return -1;
	if (key->alg != NULL && !jwk_fits(key, key->alg)) {
		*why = "alg does not fit the key";
		EVP_PKEY_free(key->pkey);
		key->pkey = NULL;
		return -1;
	}
	return 0;
}

struct jwks *
jwks_parse(const char *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	json_tokener *tok = NULL;
	json_object *doc = NULL, *keys;
	struct jwks *set = NULL;
	char kid[64];
	const char *why;
	size_t i, n;

	if (len > JWKS_FILE_MAX) {
		snprintf(err, errlen, "larger than %d bytes", JWKS_FILE_MAX);
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "not JSON");
		goto fail;
	}
	if ((tok = json_tokener_new_ex(16)) == NULL)
		goto nomem;
	doc = json_tokener_parse_ex(tok, buf, (int)len);
	if (doc == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "not JSON");
		goto fail;
	}
	/* Trailing whitespace is fine in a file; anything else is not. */
	for (i = json_tokener_get_parse_end(tok); i < len; i++)
		if (strchr(" \t\r\n", buf[i]) == NULL) {
			snprintf(err, errlen, "not JSON");
			goto fail;
		}
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array)) {
		snprintf(err, errlen, "not a JWKS (no \"keys\" array)");
		goto fail;
	}
	if ((set = calloc(1, sizeof(*set))) == NULL)
		goto nomem;
	n = json_object_array_length(keys);
	if ((set->keys = calloc(n < JWKS_KEYS_MAX ? n + 1 : JWKS_KEYS_MAX,
	    sizeof(*set->keys))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		json_object *jwk = json_object_array_get_idx(keys, i);
		const char *k;
		size_t klen = 0;

		if (set->n == JWKS_KEYS_MAX) {
			if (name != NULL)
				log_warnx("%s: more than %d keys; the rest are "
				    "skipped", name, JWKS_KEYS_MAX);
			break;
		}
		if (jwk_build(jwk, &set->keys[set->n], set, &why) == -1) {
			k = json_object_is_type(jwk, json_type_object) ?
			    jws_get_string(jwk, "kid", &klen) : NULL;
			if (name != NULL)
				log_warnx("%s: key %zu (kid %s) skipped: %s", name, i,
				    k ? log_sanitize(kid, sizeof(kid), k, klen) :
				    "none", why);
			continue;
		}
		set->n++;
	}
	json_object_put(doc);
	json_tokener_free(tok);
	return set;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	jwks_free(set);
	json_object_put(doc);
	if (tok != NULL)	/* json-c 0.16 does not take NULL */
		json_tokener_free(tok);
	return NULL;
}

void
jwks_free(struct jwks *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		EVP_PKEY_free(set->keys[i].pkey);
	free(set->keys);
	free(set);
}

int
jwk_fits(const struct jwk *key, const struct jwa *alg)
{
	if (key->alg != NULL && key->alg != alg)
		return 0;
	return key->kty == alg->kty && key->curve == alg->curve;
}

enum jwks_select_rc
jwks_select(const struct jwks *set, const struct jwa *alg, const char *kid,
    size_t kid_len, const struct jwk **out)
{
	const struct jwk *found = NULL;
	size_t i, fits = 0;

	*out = NULL;
	if (set == NULL)
		return kid ? JWKS_UNKNOWN_KID : JWKS_NO_KEY;
	for (i = 0; i < set->n; i++) {
		const struct jwk *k = &set->keys[i];

		if (kid != NULL) {
			if (k->has_kid && k->kid_len == kid_len &&
			    memcmp(k->kid, kid, kid_len) == 0) {
				if (!jwk_fits(k, alg))
					return JWKS_NO_KEY;
				*out = k;
				return JWKS_FOUND;
			}
		} else if (jwk_fits(k, alg)) {
			found = k;
			fits++;
		}
	}
	if (kid != NULL)
		return JWKS_UNKNOWN_KID;
	if (fits != 1)
		return JWKS_NO_KEY;
	*out = found;
	return JWKS_FOUND;
}
