/* GET /healthz and GET /readyz: for load balancers and supervisors. */
#include "common/store.h"
#include "gateway/handle.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

#define HANDLE_READYZ_RETRY_S	5

static const char handle_ok[] = "{\"status\":\"ok\"}";

int
handle_healthz(struct response *r)
{
	response_static(r, 200, "application/json", handle_ok,
	    sizeof(handle_ok) - 1);
	return 0;
}

int
handle_readyz(struct store *st, struct sessiond_client *sd, int ping_ms,
    struct response *r)
{
	const char *why;
	int rc;

	why = "the database is not available";
	if (st == NULL) {
		response_detail(r, "database not open");
		goto unready;
	}
	if ((rc = store_ping(st)) != STORE_OK) {
		response_detail(r, "store: %s", store_rc_str(rc));
		goto unready;
	}
	why = "the session holder does not answer";
	if ((rc = sessiond_ping(sd, ping_ms)) != SESSIOND_OK) {
		response_detail(r, "sessiond: %s", sessiond_rc_str(rc));
		goto unready;
	}
	return handle_healthz(r);
unready:
	if (response_error(r, 503, "gateway_unavailable", why) != 0)
		return -1;
	r->retry_after = HANDLE_READYZ_RETRY_S;
	return 0;
}
