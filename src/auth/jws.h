/*
 * jws: strict parsing of a compact JWS (RFC 7515 section 7.1): three
 * base64url segments without padding, a JOSE header that is a JSON
 * object, a payload that is a JSON object.  Only the framing and the
 * header are checked here; signatures are jwa's, claims are jwt's.
 */
#ifndef WAGW_JWS_H
#define WAGW_JWS_H

#include <stddef.h>

#include <json-c/json.h>

#include "auth/jwa.h"
#include "common/b64url.h"

#define JWS_TOKEN_MAX	8192	/* bytes; longer tokens are never decoded */
#define JWS_SIG_MAX	1024	/* RSA up to 8192 bits */
#define JWS_KID_MAX	256

enum jws_rc {
	JWS_OK,
	JWS_TOO_LONG,		/* over JWS_TOKEN_MAX */
	JWS_MALFORMED,		/* segments, base64url, JSON, types */
	JWS_BAD_ALG,		/* none, HS*, or anything we do not accept */
	JWS_CRIT		/* "crit" present: we understand no extension */
};

struct jws {
	const struct jwa *alg;
	const char	*kid;		/* into header; NULL when absent */
	size_t		 kid_len;
	const char	*signing_input;	/* "header.payload", borrowed from the token */
	size_t		 signing_input_len;
	unsigned char	 payload[B64URL_DECODED_MAX(JWS_TOKEN_MAX)];	/* decoded */
	size_t		 payload_len;
	unsigned char	 sig[JWS_SIG_MAX];
	size_t		 sig_len;
	json_object	*header;	/* owned; jws_clear puts it */
};

/*
 * Parses len bytes of token (need not be NUL-terminated) into *out.
 * out borrows token.  On JWS_OK the caller calls jws_clear; on any
 * other result *out holds nothing to free.
 */
enum jws_rc jws_parse(struct jws *out, const char *token, size_t len);
void jws_clear(struct jws *j);

/*
 * Parses the (already decoded) payload of a parsed token.  Returns a JSON
 * object the caller puts, or NULL when the payload is not a JSON object
 * (or repeats a member, or holds a \u0000 escape).
 */
json_object *jws_payload(const struct jws *j);

/*
 * Parses len bytes of text as one JSON object, strictly: nothing after
 * it, no repeated member at the top level (json-c would silently keep
 * the last), no \u0000 escape anywhere (json-c cuts keys there).
 * Returns an object the caller puts, or NULL.
 */
json_object *jws_json_object(const char *text, size_t len);

/* A string member of obj (borrowed), NULL if absent, not a string or holding NUL. */
const char *jws_get_string(json_object *obj, const char *key, size_t *len);

const char *jws_rc_str(enum jws_rc rc);

#endif
