#include <string.h>

#include "auth/jws.h"
#include "common/b64url.h"

#define JWS_JSON_DEPTH	16

/*
 * json-c has already accepted text as JSON; count the top-level
 * members (one ':' each outside strings at depth 1) and look for a
 * \u0000 escape.  Returns the member count, or -1 for a NUL escape.
 */
static long
jws_scan(const char *s, size_t len)
{
	long members = 0;
	int depth = 0, in_str = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\') {
				if (i + 5 < len && s[i + 1] == 'u' &&
				    memcmp(s + i + 2, "0000", 4) == 0)
					return -1;
				i++;	/* skip the escaped character */
			} else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ':':
			if (depth == 1)
				members++;
			break;
		}
	}
	return members;
}

json_object *
jws_json_object(const char *text, size_t len)
{
	json_tokener *tok;
	json_object *obj = NULL;
	long members;

	if (len == 0 || len > JWS_TOKEN_MAX || memchr(text, '\0', len) != NULL)
		return NULL;
	if ((tok = json_tokener_new_ex(JWS_JSON_DEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(obj, json_type_object))
		goto fail;
	/* RFC 7515 section 4 / RFC 7519 section 4: reject duplicate names. */
	members = jws_scan(text, len);
	if (members < 0 || members != json_object_object_length(obj))
		goto fail;
	json_tokener_free(tok);
	return obj;
fail:
	json_object_put(obj);
	json_tokener_free(tok);
	return NULL;
}

const char *
jws_get_string(json_object *obj, const char *key, size_t *len)
{
	json_object *v;
	const char *s;
	int n;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = json_object_get_string_len(v);
	if (n < 0 || strlen(s) != (size_t)n)
		return NULL;
	if (len != NULL)
		*len = (size_t)n;
	return s;
}

/* Decodes a base64url segment into a fresh JSON object, or NULL. */
static json_object *
jws_segment_object(const char *b64, size_t len)
{
	char buf[B64URL_DECODED_MAX(JWS_TOKEN_MAX) + 1];
	long n;

	if (len == 0 || len > JWS_TOKEN_MAX)
		return NULL;
	if ((n = b64url_decode(b64, len, (unsigned char *)buf)) <= 0)
		return NULL;
	return jws_json_object(buf, (size_t)n);
}

enum jws_rc
jws_parse(struct jws *out, const char *token, size_t len)
{
	const char *d1, *d2, *sig;
	size_t hlen, plen, slen;
	const char *alg;
	size_t alg_len;
	json_object *v;
	enum jws_rc rc = JWS_MALFORMED;
	long n;

	memset(out, 0, sizeof(*out));
	/* Bounded before anything is decoded. */
	if (len > JWS_TOKEN_MAX)
		return JWS_TOO_LONG;
	if ((d1 = memchr(token, '.', len)) == NULL)
		return JWS_MALFORMED;
	if ((d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) == NULL)
		return JWS_MALFORMED;
	sig = d2 + 1;
	hlen = (size_t)(d1 - token);
	plen = (size_t)(d2 - d1 - 1);
	slen = len - (size_t)(sig - token);
	/* Exactly three segments, none empty (no unsecured JWS). */
	if (memchr(sig, '.', slen) != NULL || hlen == 0 || plen == 0 || slen == 0)
		return JWS_MALFORMED;
	if (B64URL_DECODED_MAX(slen) > JWS_SIG_MAX)
		return JWS_MALFORMED;
	if ((n = b64url_decode(sig, slen, out->sig)) <= 0)
		return JWS_MALFORMED;
	out->sig_len = (size_t)n;
	/* Decoded now, so a malformed payload is a malformed token. */
	if ((n = b64url_decode(d1 + 1, plen, out->payload)) <= 0)
		return JWS_MALFORMED;
	out->payload_len = (size_t)n;

	if ((out->header = jws_segment_object(token, hlen)) == NULL)
		goto fail;
	/* RFC 7515 section 4.1.1: alg is required and a string. */
	if ((alg = jws_get_string(out->header, "alg", &alg_len)) == NULL)
		goto fail;
	if ((out->alg = jwa_find(alg, alg_len)) == NULL) {
		rc = JWS_BAD_ALG;
		goto fail;
	}
	/* RFC 7515 section 4.1.11: a crit we do not understand is fatal. */
	if (json_object_object_get_ex(out->header, "crit", NULL)) {
		rc = JWS_CRIT;
		goto fail;
	}
	if (json_object_object_get_ex(out->header, "kid", &v)) {
		if ((out->kid = jws_get_string(out->header, "kid",
		    &out->kid_len)) == NULL || out->kid_len > JWS_KID_MAX) {
			out->kid = NULL;
			goto fail;
		}
	}
	out->signing_input = token;
	out->signing_input_len = (size_t)(d2 - token);
	return JWS_OK;
fail:
	jws_clear(out);
	return rc;
}

void
jws_clear(struct jws *j)
{
	json_object_put(j->header);
	memset(j, 0, sizeof(*j));
}

json_object *
jws_payload(const struct jws *j)
{
	return jws_json_object((const char *)j->payload, j->payload_len);
}

const char *
jws_rc_str(enum jws_rc rc)
{
	switch (rc) {
	case JWS_OK:
		return "ok";
	case JWS_TOO_LONG:
		return "token too long";
	case JWS_MALFORMED:
		return "malformed token";
	case JWS_BAD_ALG:
		return "algorithm not accepted";
	case JWS_CRIT:
		return "unsupported critical header";
	}
	return "?";
}
