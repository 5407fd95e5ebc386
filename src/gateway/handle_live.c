/* How a live lookup's failure reads to the client (the API's error codes). */
#include "gateway/handle.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

/* Seconds a client should wait before retrying an unreachable daemon. */
#define HANDLE_LIVE_RETRY_S	5

int
handle_live_error(struct response *r, int rc, int retry_after_s)
{
	response_detail(r, "sessiond: %s", sessiond_rc_str(rc));
	switch (rc) {
	case SESSIOND_NOT_CONNECTED:
	/* A session in the database that the daemon does not hold (not
	 * picked up yet, or missing from its link config) is not connected. */
	case SESSIOND_NOT_FOUND:
		return response_error(r, 501, "not_implemented",
		    "the session is not connected");
	case SESSIOND_UNAVAILABLE:
		if (response_error(r, 503, "gateway_unavailable",
		    "the session holder is unavailable; retry later") != 0)
			return -1;
		r->retry_after = HANDLE_LIVE_RETRY_S;
		return 0;
	case SESSIOND_TIMEOUT:
		return response_error(r, 504, "gateway_timeout",
		    "WhatsApp did not answer in time");
	case SESSIOND_RATE_LIMITED:
		if (response_error(r, 429, "rate_limited",
		    "the session's live-lookup budget is spent; retry later") != 0)
			return -1;
		r->retry_after = retry_after_s > 0 ? retry_after_s : 1;
		return 0;
	default:
		/* SESSIOND_BAD_REQUEST is our bug; SESSIOND_ERROR a fault. */
		response_internal(r);
		return 0;
	}
}
