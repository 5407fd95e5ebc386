#include <string.h>

#include "wa/wa_close.h"

void
wa_close_set(struct wa_close *c, enum wa_close_reason reason)
{
	memset(c, 0, sizeof(*c));
	c->reason = reason;
	c->permanent = reason < WA_CLOSE_RESTART;
}

int
wa_close_failure(const struct wa_node *n, struct wa_close *c)
{
	uint64_t v;

	if (!wa_node_is(n, "failure"))
		return -1;
	/* Baileys: a failure without a reason is a 500. */
	if (wa_node_uint(n, "reason", 999, &v) == -1)
		v = 500;
	switch (v) {
	case 401:
	case 403:
	case 406:
		wa_close_set(c, WA_CLOSE_LOGGED_OUT);
		break;
	case 402:
		wa_close_set(c, WA_CLOSE_BANNED);
		if (wa_node_uint(n, "code", INT32_MAX, &v) == 0)
			c->ban_code = (int)v;
		if (wa_node_uint(n, "expire", INT64_MAX, &v) == 0)
			c->expire_s = (int64_t)v;
		v = 402;
		break;
	case 405:
		wa_close_set(c, WA_CLOSE_CLIENT_OUTDATED);
		break;
	case 409:
		wa_close_set(c, WA_CLOSE_BAD_USER_AGENT);
		break;
	default:
		/* 500, 503 and anything unknown: try again later. */
		wa_close_set(c, WA_CLOSE_UNAVAILABLE);
		break;
	}
	c->code = (int)v;
	return 0;
}

int
wa_close_stream_error(const struct wa_node *n, struct wa_close *c)
{
	const struct wa_node *conflict;
	uint64_t v = 0;

	if (!wa_node_is(n, "stream:error"))
		return -1;
	(void)wa_node_uint(n, "code", 999, &v);
	conflict = wa_node_child(n, "conflict");
	if (v == 515)
		wa_close_set(c, WA_CLOSE_RESTART);
	else if (v == 401 || wa_node_attr_is(conflict, "type", "device_removed"))
		wa_close_set(c, WA_CLOSE_LOGGED_OUT);
	else if (wa_node_attr_is(conflict, "type", "replaced"))
		wa_close_set(c, WA_CLOSE_REPLACED);
	else if (v >= 500 && v <= 599)
		wa_close_set(c, WA_CLOSE_UNAVAILABLE);
	else
		wa_close_set(c, WA_CLOSE_STREAM_ERROR);
	c->code = (int)v;
	return 0;
}

const char *
wa_close_str(enum wa_close_reason reason)
{
	static const char *names[] = {
		"logged out", "replaced by another connection",
		"client version refused", "temporarily banned",
		"bad user agent", "pairing ended", "pairing failed",
		"closed locally", "restart required", "service unavailable",
		"stream error", "closed by the server", "keepalive timed out",
		"timed out", "handshake failed", "protocol violation",
		"I/O error", "internal error",
	};

	return (unsigned)reason < sizeof(names) / sizeof(names[0]) ?
	    names[reason] : "unknown";
}
