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

static void
dispatch_api(struct gateway *gw, const struct request *req,
    const struct route_match *m, struct response *r, struct auth_principal *p)
{
	struct store_session s;
	struct query q;
	struct query_error qerr;
	int live_ms = gw->cfg.lookup_timeout_ms + GATEWAY_LIVE_MARGIN_MS;

	if (gateway_backend(gw) != 0) {
		response_detail(r, "database not open");
		if (response_error(r, 503, "gateway_unavailable",
		    "the gateway is starting or its database is unavailable; "
		    "retry later") == 0)
			r->retry_after = DISPATCH_BACKEND_RETRY_S;
		return;
	}
	/*
	 * One snapshot for the credential, the session and the page; it
	 * ends before a live route waits for the daemon.  A BEGIN that
	 * fails leaves each statement to run (and fail) on its own.
	 */
	store_read_begin(gw->st);
	if (authorize(gw->auth, gw->st, req, m->def->cap, m->session,
	    m->session_len, clock_wall_ms(), p, &s, r) != 0)
		goto out;
	if (query_parse(&q, req->query, req->query_len, m->def->params,
	    &qerr) != 0) {
		response_invalid_add(r, qerr.field, strlen(qerr.field),
		    qerr.message);
		response_invalid_finish(r);
		goto out;
	}
	if (m->def->id == ROUTE_CONTACTS) {
		handle_list(gw->st, gw->ck, &s, &q, r);
		goto out;
	}
	store_read_end(gw->st);
	switch (m->def->id) {
	case ROUTE_CHECK:
		handle_check(gw->sd, live_ms, &s, &q, r);
		break;
	case ROUTE_ABOUT:
		handle_about(gw->sd, live_ms, &s, m->jid, m->jid_len, r);
		break;
	default:
		response_internal(r);
		break;
	}
	return;
out:
	store_read_end(gw->st);
}

void
dispatch(struct gateway *gw, const struct request *req, struct response *r,
    struct auth_principal *p)
{
	struct route_match m;

	memset(p, 0, sizeof(*p));
	r->request_id = req->id;
	cors_apply(&gw->cfg, req, r);
	/* An over-long path names no resource. */
	if (req->path_too_long ||
	    route_match(req->path, req->path_len, &m) == ROUTE_NONE) {
		response_error(r, 404, "not_found", "no such resource");
		goto out;
	}
	switch (req->method) {
	case REQUEST_GET:
	case REQUEST_HEAD:
		break;
	case REQUEST_OPTIONS:
		/* Preflight: no credential (Fetch standard, CORS-preflight). */
		response_static(r, 204, NULL, NULL, 0);
		r->allow = ROUTE_ALLOW;
		goto out;
	default:
		response_error(r, 405, "method_not_allowed",
		    "method not allowed; see the Allow header");
		r->allow = ROUTE_ALLOW;
		goto out;
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
