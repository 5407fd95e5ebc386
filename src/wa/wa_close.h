/*
 * wa_close: why a session's connection ended, and whether trying again
 * can help.  The server says it with <failure reason> right after the
 * handshake or with <stream:error code> at any time (L2; whatsmeow
 * connectionevents.go, Baileys getErrorCodeFromStreamError); the rest
 * (timeouts, a dead link, bad bytes) the client finds itself.
 */
#ifndef WAGW_WA_CLOSE_H
#define WAGW_WA_CLOSE_H

#include <stdint.h>

#include "wa/wa_node.h"

enum wa_close_reason {
	/* Permanent: do not reconnect without the user. */
	WA_CLOSE_LOGGED_OUT,	/* 401/403/406, device_removed, our logout:
				   drop the credentials */
	WA_CLOSE_REPLACED,	/* conflict replaced: another connection */
	WA_CLOSE_CLIENT_OUTDATED, /* 405: the version was refused */
	WA_CLOSE_BANNED,	/* 402 temporarily_banned, until expire_s */
	WA_CLOSE_BAD_USER_AGENT, /* 409 */
	WA_CLOSE_PAIRING_ENDED,	/* the QR refs ran out unscanned */
	WA_CLOSE_PAIRING_FAILED, /* pair-success did not verify */
	WA_CLOSE_LOCAL,		/* wa_client_close */
	/* Transient: reconnect (restart at once, else with back-off). */
	WA_CLOSE_RESTART,	/* 515: reconnect now (after pairing) */
	WA_CLOSE_UNAVAILABLE,	/* 5xx failure or stream error */
	WA_CLOSE_STREAM_ERROR,	/* another stream:error code */
	WA_CLOSE_SERVER_CLOSED,	/* xmlstreamend or a WebSocket close */
	WA_CLOSE_KEEPALIVE,	/* the link went silent */
	WA_CLOSE_TIMEOUT,	/* handshake or login did not finish */
	WA_CLOSE_HANDSHAKE,	/* upgrade refused, Noise or certificate */
	WA_CLOSE_PROTOCOL,	/* bytes we cannot read */
	WA_CLOSE_IO,		/* the driver's socket failed */
	WA_CLOSE_INTERNAL	/* memory or crypto library */
};

struct wa_close {
	enum wa_close_reason	 reason;
	int			 permanent;
	int			 code;		/* the server's number, or 0 */
	int			 ban_code;	/* 402: the ban's "code" */
	int64_t			 expire_s;	/* 402: seconds the ban lasts */
};

/* Fills c for reason (permanent as the list above says, codes 0). */
void wa_close_set(struct wa_close *c, enum wa_close_reason reason);
/* Fills c from <failure reason=N [code] [expire]>.  Returns 0 or -1. */
int wa_close_failure(const struct wa_node *n, struct wa_close *c);
/*
 * Fills c from <stream:error code=N>[<conflict type/>]: 515 restart,
 * 401 / device_removed logged out, replaced, 503 unavailable, else a
 * transient stream error.  Returns 0 or -1 (not a stream:error).
 */
int wa_close_stream_error(const struct wa_node *n, struct wa_close *c);
/* A short English name of reason (static). */
const char *wa_close_str(enum wa_close_reason reason);

#endif
