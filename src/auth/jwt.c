#include <math.h>
#include <string.h>

#include "auth/jws.h"
#include "auth/jwt.h"
#include "common/cap.h"
#include "common/ids.h"
#include "common/log.h"

/*
 * A NumericDate claim (RFC 7519 section 2): an integer or a finite
 * number of seconds, 0..JWT_TIME_MAX.  Returns 1 with *out, 0 when
 * absent, -1 when malformed.  Type checked first: json-c would parse a
 * string and clamp an overflow silently.
 */
static int
jwt_numeric_date(json_object *claims, const char *name, int64_t *out)
{
	json_object *v;
	double d;

	if (!json_object_object_get_ex(claims, name, &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		/* An unsigned value above INT64_MAX is out of range anyway. */
		*out = json_object_get_int64(v);
		if (*out < 0 || *out > JWT_TIME_MAX)
			return -1;
		return 1;
	}
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0 || d > (double)JWT_TIME_MAX)
			return -1;
		*out = (int64_t)d;	/* d >= 0: truncation is floor */
		return 1;
	}
	return -1;
}

static int
jwt_str_eq(const char *s, size_t len, const char *want)
{
	return s != NULL && strlen(want) == len && memcmp(s, want, len) == 0;
}

/* RFC 7519 section 4.1.3: aud is a string or an array of strings. */
static int
jwt_audience_ok(json_object *claims, const char *want)
{
	json_object *aud, *v;
	const char *s;
	size_t i, n, slen;
	int len;

	if (!json_object_object_get_ex(claims, "aud", &aud))
		return 0;
	if (json_object_is_type(aud, json_type_string)) {
		s = jws_get_string(claims, "aud", &slen);
		return jwt_str_eq(s, s ? slen : 0, want);
	}
	if (!json_object_is_type(aud, json_type_array))
		return 0;
	n = json_object_array_length(aud);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(aud, i);
		if (!json_object_is_type(v, json_type_string))
			continue;
		s = json_object_get_string(v);
		len = json_object_get_string_len(v);
		if (len >= 0 && strlen(s) == (size_t)len &&
		    jwt_str_eq(s, (size_t)len, want))
			return 1;
	}
	return 0;
}

/* Claims -> principal: organization, roles, capabilities (README.md). */
static void
jwt_principal(const struct jwt_policy *pol, json_object *claims,
    struct auth_principal *p)
{
	const char *s;
	size_t len;

	memset(p, 0, sizeof(*p));
	p->kind = AUTH_KIND_JWT;
	/* An org that is not a valid id matches nothing: leave it empty. */
	s = jws_get_string(claims, pol->org_claim, &len);
	if (s != NULL && ids_valid(s, len))
		memcpy(p->org, s, len);
	s = jws_get_string(claims, pol->org_role_claim, &len);
	if (s != NULL)
		p->caps = cap_of_org_role(s, len);
	s = jws_get_string(claims, pol->platform_role_claim, &len);
	if (jwt_str_eq(s, s ? len : 0, "super_admin")) {
		p->super_admin = 1;
		p->caps = CAP_ALL;
	}
	s = jws_get_string(claims, "sub", &len);
	log_sanitize(p->subject, sizeof(p->subject), s ? s : "", s ? len : 0);
}

enum jwt_rc
jwt_verify(const struct jwt_policy *pol, const struct jwks *keys,
    const char *token, size_t len, int64_t now_ms, struct auth_principal *out,
    int64_t *valid_until_ms, const char **why)
{
	struct jws j;
	const struct jwk *key;
	json_object *claims = NULL;
	enum jws_rc jrc;
	enum jwt_rc rc = JWT_INVALID;
	int64_t exp, nbf, iat, now_s, leeway = pol->leeway_s;
	const char *s, *dummy;
	size_t slen;
	int r;

	if (why == NULL)
		why = &dummy;
	if ((jrc = jws_parse(&j, token, len)) != JWS_OK) {
		*why = jws_rc_str(jrc);
		return JWT_INVALID;
	}
	switch (jwks_select(keys, j.alg, j.kid, j.kid_len, &key)) {
	case JWKS_FOUND:
		break;
	case JWKS_UNKNOWN_KID:
		*why = "unknown kid";
		rc = JWT_UNKNOWN_KID;
		goto out;
	case JWKS_NO_KEY:
		*why = j.kid ? "key does not fit alg" :
		    "no kid and not exactly one key fits alg";
		goto out;
	}
	if (!jwa_verify(j.alg, key->pkey, (const unsigned char *)j.signing_input,
	    j.signing_input_len, j.sig, j.sig_len)) {
		*why = "bad signature";
		goto out;
	}
	if ((claims = jws_payload(&j)) == NULL) {
		*why = "payload is not a JSON object";
		goto out;
	}
	/* Seconds, rounded down: "before exp" holds through exp - 1 + 0.999. */
	now_s = now_ms / 1000;
	/* RFC 7519 section 4.1.4: exp (required here). */
	if ((r = jwt_numeric_date(claims, "exp", &exp)) != 1) {
		*why = r == 0 ? "no exp" : "bad exp";
		goto out;
	}
	if (now_s >= exp + leeway) {
		*why = "expired";
		goto out;
	}
	/* Section 4.1.5: nbf. */
	if ((r = jwt_numeric_date(claims, "nbf", &nbf)) == -1 ||
	    (r == 1 && now_s < nbf - leeway)) {
		*why = r == -1 ? "bad nbf" : "not yet valid";
		goto out;
	}
	/* Section 4.1.6: iat, an issue time in the future is refused. */
	if ((r = jwt_numeric_date(claims, "iat", &iat)) == -1 ||
	    (r == 1 && iat > now_s + leeway)) {
		*why = r == -1 ? "bad iat" : "issued in the future";
		goto out;
	}
	/* Section 4.1.1: iss, compared as a case-sensitive string. */
	if (pol->issuer != NULL && pol->issuer[0] != '\0') {
		s = jws_get_string(claims, "iss", &slen);
		if (!jwt_str_eq(s, s ? slen : 0, pol->issuer)) {
			*why = "wrong iss";
			goto out;
		}
	}
	if (pol->audience != NULL && pol->audience[0] != '\0' &&
	    !jwt_audience_ok(claims, pol->audience)) {
		*why = "wrong aud";
		goto out;
	}
	jwt_principal(pol, claims, out);
	*valid_until_ms = (exp + leeway) * 1000 - 1;
	*why = "ok";
	rc = JWT_OK;
out:
	json_object_put(claims);
	jws_clear(&j);
	return rc;
}
