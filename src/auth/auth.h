/*
 * auth: who is calling, and may they do this?
 *
 * The gateway calls exactly two functions per request:
 *   auth_authenticate  - turns the request's credential into a principal
 *   authz_decide       - allow, 401, 403 or 404 for (principal, capability,
 *                        session), in the documented order (README.md
 *                        "The API", docs/openapi.yaml)
 * Everything else here (JWS parsing, JWKS cache, token cache, API keys)
 * is behind these two.
 */
#ifndef WAGW_AUTH_H
#define WAGW_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "common/cap.h"
#include "common/store.h"

struct config;
struct sessiond_client;

enum auth_kind { AUTH_KIND_NONE, AUTH_KIND_JWT, AUTH_KIND_APIKEY };

struct auth_principal {
	enum auth_kind	 kind;
	/* "" when none, or when the claim is not a valid id (it matches nothing) */
	char		 org[STORE_ID_MAX + 1];
	unsigned	 caps;			/* enum cap bits, within org */
	int		 super_admin;		/* every organization, CAP_ALL */
	char		 subject[80];		/* JWT sub or API key id, for logs */
	/*
	 * Why authentication failed, for the log line of the 401: what was
	 * sent and what is wrong with it ("API key wa_AbCdEfGh (key_...):
	 * revoked", "JWT: expired").  An API key's public prefix at most,
	 * never a secret or a token.  "" on success.
	 */
	char		 reject[112];
};

enum auth_result {
	AUTH_OK,
	AUTH_MISSING,		/* no credential at all: 401 */
	AUTH_INVALID,		/* bad, expired, revoked: 401 */
	AUTH_UNAVAILABLE	/* database busy looking up a key: 503 */
};

struct auth;

/*
 * Per process.  Borrows cfg, st and sd (the daemon client, may be NULL)
 * for its lifetime.  The JWKS file is first read when a JWT arrives (a
 * missing file is logged then, not at start, and is not fatal: API keys
 * still work).  NULL on allocation failure.
 * Not thread-safe: one struct auth per thread.
 */
struct auth *auth_new(const struct config *cfg, struct store *st,
    struct sessiond_client *sd);
void auth_free(struct auth *a);

/*
 * authorization and x_api_key are the raw header values or NULL.
 * now_ms is wall-clock time.  Fills *out on AUTH_OK; otherwise *out is
 * zeroed (kind AUTH_KIND_NONE) but for out->reject, which says why.
 *
 * "Authorization: Bearer <t>" (scheme case-insensitive): t is an API
 * key when it starts with "wa_", else a JWT.  An Authorization header
 * with another scheme is ignored.  x-api-key must hold an API key.  A
 * Bearer credential and x-api-key together are AUTH_INVALID.  Neither:
 * AUTH_MISSING.  AUTH_UNAVAILABLE when the store failed looking up an
 * API key (busy or any other error; logged).
 *
 * The JWKS file is re-checked at most once a second; verified tokens
 * are cached until exp + leeway.  With sd set, this queues for the
 * daemon an API key's use (once a minute per key) and a request to
 * re-fetch jwks_url on an unknown kid (once per 30 s); auth_report
 * sends them.
 */
enum auth_result auth_authenticate(struct auth *a, const char *authorization,
    const char *x_api_key, int64_t now_ms, struct auth_principal *out);

/*
 * Sends what auth_authenticate queued, each bounded by 100 ms, failures
 * ignored.  The responder calls it once the answer is out, so neither
 * the client nor the read snapshot waits on the daemon.
 */
void auth_report(struct auth *a);

enum authz_decision {
	AUTHZ_ALLOW,
	AUTHZ_FORBIDDEN,	/* 403: lacks the capability */
	AUTHZ_NOT_FOUND,	/* 404: no such session, or another org's */
	AUTHZ_UNAVAILABLE	/* 503: database busy */
};

/*
 * Decides for a principal (already authenticated) that needs cap on
 * session_id (len bytes, raw from the path).  On AUTHZ_ALLOW fills
 * *session, otherwise zeroes it.  Order: the capability (403, also for
 * a p that is NULL or AUTH_KIND_NONE, or cap 0), then the session
 * (404).  A session id that is not a valid id, a missing session and
 * another organization's session take the same path and the same work
 * (one store lookup, a constant-time organization compare).  A store
 * error (busy or any other) is AUTHZ_UNAVAILABLE.
 */
/* Nonzero when p (authenticated) holds cap (not 0) in its organization. */
int authz_has_cap(const struct auth_principal *p, unsigned cap);

enum authz_decision authz_decide(struct store *st, const struct auth_principal *p,
    unsigned cap, const char *session_id, size_t len, struct store_session *session);

#endif
