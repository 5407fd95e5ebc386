#include <string.h>

#include "gateway/authorize.h"
#include "gateway/request.h"
#include "gateway/response.h"

/* Seconds to wait when the database was busy. */
#define AUTHORIZE_RETRY_S	1

static int
authorize_unauthorized(struct response *r, const char *message)
{
	if (response_error(r, 401, "unauthorized", message) != 0)
		return -1;
	/* RFC 6750 section 3. */
	r->www_authenticate = 1;
	return -1;
}

static int
authorize_busy(struct response *r)
{
	if (response_error(r, 503, "gateway_unavailable",
	    "the database is busy; retry later") == 0)
		r->retry_after = AUTHORIZE_RETRY_S;
	return -1;
}

int
authorize(struct auth *a, struct store *st, const struct request *req,
    unsigned cap, const char *session_id, size_t len, int64_t now_ms,
    struct auth_principal *p, struct store_session *s, struct response *r)
{
	enum auth_result rc;

	memset(p, 0, sizeof(*p));
	/* A credential over its size limit is not one we issued. */
	if (req->authorization.too_long || req->api_key.too_long) {
		response_detail(r, "credential longer than the limit");
		return authorize_unauthorized(r, "invalid credential");
	}
	rc = auth_authenticate(a, req->authorization.value, req->api_key.value,
	    now_ms, p);
	/* Only an authenticated principal is logged; a 401 says why (not the client). */
	if (rc != AUTH_OK) {
		if (p->reject[0] != '\0')
			response_detail(r, "%s", p->reject);
		memset(p, 0, sizeof(*p));
	}
	switch (rc) {
	case AUTH_OK:
		break;
	case AUTH_MISSING:
		return authorize_unauthorized(r, "a credential is required");
	case AUTH_INVALID:
		return authorize_unauthorized(r,
		    "the credential is invalid, expired or revoked");
	case AUTH_UNAVAILABLE:
	default:
		response_detail(r, "auth: database busy");
		return authorize_busy(r);
	}
	/* A route without a session (the Sessions list) needs the capability only. */
	if (session_id == NULL) {
		memset(s, 0, sizeof(*s));
		if (authz_has_cap(p, cap))
			return 0;
		response_error(r, 403, "forbidden",
		    "the credential lacks the permission this needs");
		return -1;
	}
	switch (authz_decide(st, p, cap, session_id, len, s)) {
	case AUTHZ_ALLOW:
		return 0;
	case AUTHZ_FORBIDDEN:
		response_error(r, 403, "forbidden",
		    "the credential lacks the permission this needs");
		return -1;
	case AUTHZ_NOT_FOUND:
		response_error(r, 404, "not_found", "session not found");
		return -1;
	case AUTHZ_UNAVAILABLE:
	default:
		response_detail(r, "authz: database busy");
		return authorize_busy(r);
	}
}
