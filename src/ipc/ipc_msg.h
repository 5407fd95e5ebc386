/*
 * ipc_msg: the JSON payloads of the wagw-sessiond protocol
 * (docs/sessiond-protocol.md): strict parsing, typed getters that refuse
 * the wrong type or an embedded NUL, framing of an object, and the error
 * codes carried in responses.
 */
#ifndef WAGW_IPC_MSG_H
#define WAGW_IPC_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Error codes of responses ("error" member); IPC_ERR_NONE is success. */
enum ipc_err {
	IPC_ERR_NONE,
	IPC_ERR_BAD_REQUEST,	/* malformed request or parameter */
	IPC_ERR_UNKNOWN_OP,	/* op not known to this daemon */
	IPC_ERR_NOT_FOUND,	/* the daemon does not hold this session */
	IPC_ERR_NOT_CONNECTED,	/* the session's link is down */
	IPC_ERR_RATE_LIMITED,	/* budget spent; retryAfter says when */
	IPC_ERR_TIMEOUT,	/* the link did not answer in time */
	IPC_ERR_UNAVAILABLE,	/* draining, or the database is busy */
	IPC_ERR_BUSY,		/* too many requests in flight on this connection */
	IPC_ERR_CONFLICT,	/* the session's state does not allow it */
	IPC_ERR_TOO_LARGE,	/* frame above IPC_PAYLOAD_MAX (then closed) */
	IPC_ERR_VERSION,	/* unsupported protocol version (then closed) */
	IPC_ERR_INTERNAL,	/* anything else */
	IPC_ERR_COUNT
};

/* Largest request id; 0 is reserved for errors about a whole frame. */
#define IPC_ID_MAX	UINT32_MAX

/* The wire name of an error code ("rate_limited"...). */
const char *ipc_err_str(int err);
/* The code named by len bytes of s, or IPC_ERR_INTERNAL if unknown. */
int ipc_err_parse(const char *s, size_t len);

/*
 * Parses len bytes as exactly one JSON object (json_strict.h: valid
 * UTF-8, no member named twice, nesting at most 8 deep, nothing after it).  Returns a new reference
 * (caller puts it), or NULL.
 */
struct json_object *ipc_msg_parse(const char *buf, size_t len);

/*
 * Typed getters on member key of obj.  Return 0 and set the outputs,
 * 1 when the member is absent, -1 when it has the wrong type (a string
 * with an embedded NUL is the wrong type).  Strings are borrowed from obj.
 */
int ipc_msg_str(struct json_object *obj, const char *key, const char **s,
    size_t *len);
int ipc_msg_int(struct json_object *obj, const char *key, int64_t *v);
int ipc_msg_bool(struct json_object *obj, const char *key, int *v);

/*
 * Serializes obj as a frame of the given type (ipc_frame.h) into a new
 * buffer of *len bytes (caller frees).  NULL when out of memory or above
 * IPC_PAYLOAD_MAX.
 */
unsigned char *ipc_msg_frame(struct json_object *obj, int type, size_t *len);

#endif
