#include <string.h>

#include "common/clock.h"
#include "common/store.h"
#include "gateway/authorize.h"
#include "gateway/cors.h"
#include "gateway/dispatch.h"
#include "gateway/gateway.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/request.h"
#include "gateway/response.h"
#include "gateway/route.h"

/* Seconds to wait while the database cannot be opened. */
#define DISPATCH_BACKEND_RETRY_S	5

/* The daemon op of a session action route. */
static const char *
dispatch_action(enum route_id id)
{
	switch (id) {
	case ROUTE_SESSION_START:	return "session_start";
	case ROUTE_SESSION_STOP:	return "session_stop";
	case ROUTE_SESSION_RESTART:	return "session_restart";
	default:			return "session_logout";
	}
}

static void
dispatch_api(struct gateway *gw, const struct request *req,
    const struct route_match *m, struct response *r, struct auth_principal *p)
{
	struct store_session s;
	struct query q;
	struct query_error qerr;
	int live_ms = gw->cfg.lookup_timeout_ms + GATEWAY_LIVE_MARGIN_MS;
	int get = req->method == REQUEST_GET || req->method == REQUEST_HEAD;

	if (gateway_backend(gw) != 0) {
		response_detail(r, "database not open");
		if (response_error(r, 503, "gateway_unavailable",
		    "the gateway is starting or its database is unavailable; "
		    "retry later") == 0)
			r->retry_after = DISPATCH_BACKEND_RETRY_S;
		return;
	}
	/*
	 * One snapshot for the credential, the session and what is read from
	 * the store; it ends before a route waits for the daemon.  A BEGIN
	 * that fails leaves each statement to run (and fail) on its own.
	 */
	store_read_begin(gw->st);
	if (authorize(gw->auth, gw->st, req, m->def->cap, m->session,
	    m->session_len, clock_wall_ms(), p, &s, r) != 0)
		goto out;
	/* Only GET takes query parameters; a body says the rest. */
	if (query_parse(&q, req->query, req->query_len,
	    get ? m->def->params : route_no_params, &qerr) != 0) {
		response_invalid_add(r, qerr.field, strlen(qerr.field),
		    qerr.message);
		response_invalid_finish(r);
		goto out;
	}
	if (get) {
		switch (m->def->id) {
		case ROUTE_CONTACTS:
			handle_list(gw->st, gw->ck, &s, &q, r);
			goto out;
		case ROUTE_SESSIONS:
			handle_sessions_list(gw->st, gw->ck, p->org, &q, r);
			goto out;
		case ROUTE_SESSION:
			handle_session_get(gw->st, &s, r);
			goto out;
		case ROUTE_ME:
			handle_me(gw->st, &s, r);
			goto out;
		case ROUTE_CONTACT:
			handle_contact(gw->st, &s, m->jid, m->jid_len, r);
			goto out;
		case ROUTE_GROUPS:
			handle_groups(gw->st, gw->ck, &s, &q, r);
			goto out;
		case ROUTE_GROUP:
			handle_group(gw->st, &s, m->jid, m->jid_len, r);
			goto out;
		case ROUTE_MEMBERS:
			handle_members(gw->st, gw->ck, &s, m->jid, m->jid_len, &q, r);
			goto out;
		default:
			break;
		}
	}
	store_read_end(gw->st);
	switch (m->def->id) {
	case ROUTE_CHECK:
		if (get)
			handle_check(gw->sd, live_ms, &s, &q, r);
		else
			handle_check_batch(gw->sd, live_ms, &s, req, r);
		break;
	case ROUTE_ABOUT:
		handle_about(gw->sd, live_ms, &s, m->jid, m->jid_len, r);
		break;
	case ROUTE_SESSIONS:
		handle_session_create(gw->sd, live_ms, p->org, req, r);
		break;
	case ROUTE_SESSION:
		handle_session_delete(gw->sd, live_ms, &s, r);
		break;
	case ROUTE_SESSION_START:
	case ROUTE_SESSION_STOP:
	case ROUTE_SESSION_RESTART:
	case ROUTE_SESSION_LOGOUT:
		handle_session_action(gw->sd, live_ms, &s, dispatch_action(m->def->id),
		    req, r);
		break;
	case ROUTE_QR:
		handle_qr(gw->sd, live_ms, &s, &q, r);
		break;
	case ROUTE_PAIRING_CODE:
		handle_pairing_code(gw->sd, live_ms, &s, req, r);
		break;
	default:
		response_internal(r);
		break;
	}
	return;
out:
	store_read_end(gw->st);
}

/* Nonzero when the route answers the request's method. */
static int
dispatch_method_ok(const struct route_def *def, enum request_method method)
{
	switch (method) {
	case REQUEST_GET:
	case REQUEST_HEAD:
		return (def->methods & ROUTE_GET) != 0;
	case REQUEST_POST:
		return (def->methods & ROUTE_POST) != 0;
	case REQUEST_DELETE:
		return (def->methods & ROUTE_DELETE) != 0;
	default:
		return 0;
	}
}

/* Parses a query string where no parameter is taken: -1 with a 400. */
static int
dispatch_no_query(const struct request *req, struct response *r)
{
	struct query q;
	struct query_error qerr;

	if (query_parse(&q, req->query, req->query_len, route_no_params,
	    &qerr) == 0)
		return 0;
	response_invalid_add(r, qerr.field, strlen(qerr.field), qerr.message);
	response_invalid_finish(r);
	return -1;
}

void
dispatch(struct gateway *gw, const struct request *req, struct response *r,
    struct auth_principal *p)
{
	struct route_match m;

	memset(p, 0, sizeof(*p));
	r->request_id = req->id;
	cors_apply(&gw->cfg, req, r);
	/* An over-long path, or one with %2F, %00 or a broken escape, names no resource. */
	if (req->path_too_long || req->path_invalid ||
	    route_match(req->path, req->path_len, &m) == ROUTE_NONE) {
		response_error(r, 404, "not_found", "no such resource");
		goto out;
	}
	if (req->method == REQUEST_OPTIONS) {
		/* Preflight: no credential (Fetch standard, CORS-preflight). */
		response_static(r, 204, NULL, NULL, 0);
		r->allow = m.def->allow;
		goto out;
	}
	if (!dispatch_method_ok(m.def, req->method)) {
		response_error(r, 405, "method_not_allowed",
		    "method not allowed; see the Allow header");
		r->allow = m.def->allow;
		goto out;
	}
	switch (m.def->id) {
	case ROUTE_HEALTHZ:
	case ROUTE_READYZ:
	case ROUTE_OPENAPI:
		/* They take no parameter: like every route, an unknown one is 400. */
		if (dispatch_no_query(req, r) != 0)
			goto out;
		break;
	default:
		break;
	}
	switch (m.def->id) {
	case ROUTE_HEALTHZ:
		handle_healthz(r);
		break;
	case ROUTE_READYZ:
		handle_readyz(gateway_backend(gw) == 0 ? gw->st : NULL, gw->sd,
		    GATEWAY_PING_MS, r);
		break;
	case ROUTE_OPENAPI:
		handle_openapi(r);
		break;
	default:
		dispatch_api(gw, req, &m, r, p);
		break;
	}
out:
	if (r->status == 0)
		response_internal(r);
}
