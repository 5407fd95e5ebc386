/*
 * One request of the protocol: parse and check it, run the operation,
 * reply.  Replies carry the request's id; they may leave in another order
 * than the requests came.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/phone.h"
#include "ipc/ipc_frame.h"
#include "ipc/sessiond_client.h"
#include "sessiond/daemon_impl.h"

#define SERVER_NAME	"wagw-sessiond " PACKAGE_VERSION

static const struct {
	const char	*name;
	enum request_op	 op;
} request_ops[] = {
	{ "ping", OP_PING },
	{ "status", OP_STATUS },
	{ "connect", OP_CONNECT },
	{ "disconnect", OP_DISCONNECT },
	{ "check", OP_CHECK },
	{ "about", OP_ABOUT },
	{ "jwks_refresh", OP_JWKS_REFRESH },
	{ "key_used", OP_KEY_USED },
};

static void
request_send(struct client *c, struct json_object *obj)
{
	unsigned char *frame;
	size_t len;

	if ((frame = ipc_msg_frame(obj, IPC_TYPE_RESPONSE, &len)) == NULL) {
		log_warnx("request: cannot encode a reply");
		return;
	}
	client_send(c, frame, len);
	free(frame);
}

static struct json_object *
request_error_obj(uint32_t id, int err, const char *msg, int64_t retry_after)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "error", json_object_new_string(ipc_err_str(err)));
	json_object_object_add(o, "message", json_object_new_string(msg));
	if (err == IPC_ERR_RATE_LIMITED)
		json_object_object_add(o, "retryAfter", json_object_new_int64(retry_after));
	return o;
}

static void
request_error(struct client *c, uint32_t id, int err, const char *msg)
{
	struct json_object *o = request_error_obj(id, err, msg, 0);

	if (o != NULL)
		request_send(c, o);
	json_object_put(o);
}

void
request_frame_error(struct client *c, int err, const char *msg)
{
	/* Closing first: the connection ends once this reply is out. */
	c->closing = 1;
	request_error(c, 0, err, msg);
}

struct request *
request_new(struct client *c, uint32_t id, enum request_op op)
{
	struct request *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->c = c;
	r->id = id;
	r->op = op;
	c->refs++;
	return r;
}

void
request_fail(struct request *r, int err, int64_t retry_after, const char *fmt, ...)
{
	va_list ap;

	if (r->err != IPC_ERR_NONE)
		return;
	r->err = err;
	r->retry_after = retry_after;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

static struct json_object *
request_result(struct request *r)
{
	struct json_object *o = json_object_new_object(), *arr, *item;
	size_t i;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	switch (r->op) {
	case OP_CHECK:
		if ((arr = json_object_new_array_ext((int)r->nchecks)) == NULL)
			break;
		json_object_object_add(o, "results", arr);
		for (i = 0; i < r->nchecks; i++) {
			if ((item = json_object_new_object()) == NULL)
				break;
			json_object_object_add(item, "phone",
			    json_object_new_string(r->checks[i].phone));
			json_object_object_add(item, "onWhatsApp",
			    json_object_new_boolean(r->checks[i].on_whatsapp));
			if (r->checks[i].on_whatsapp)
				json_object_object_add(item, "jid",
				    json_object_new_string(r->checks[i].jid));
			json_object_array_add(arr, item);
		}
		break;
	case OP_ABOUT:
		json_object_object_add(o, "about",
		    json_object_new_string(r->about ? r->about : ""));
		break;
	default:
		break;
	}
	return o;
}

void
request_finish(struct request *r)
{
	struct json_object *o;

	if (!r->c->dead) {
		o = r->err != IPC_ERR_NONE ?
		    request_error_obj(r->id, r->err, r->msg, r->retry_after) :
		    request_result(r);
		if (o != NULL)
			request_send(r->c, o);
		json_object_put(o);
	}
	client_unref(r->c);
	free(r->checks);
	free(r->about);
	free(r);
}

/* The "session" member, checked: NULL after an error reply. */
static struct session *
request_session(struct client *c, uint32_t id, struct json_object *obj)
{
	struct session *s;
	const char *sid;
	size_t len;

	if (ipc_msg_str(obj, "session", &sid, &len) != 0 || !ids_valid(sid, len)) {
		request_error(c, id, IPC_ERR_BAD_REQUEST,
		    "\"session\" must be a session id");
		return NULL;
	}
	if ((s = session_get(c->d, sid)) == NULL) {
		request_error(c, id, IPC_ERR_NOT_FOUND, "no such session");
		return NULL;
	}
	return s;
}

static void
request_ok(struct client *c, uint32_t id, struct json_object *extra)
{
	struct json_object *o = extra ? extra : json_object_new_object();

	if (o == NULL)
		return;
	json_object_object_add(o, "id", json_object_new_int64(id));
	request_send(c, o);
	json_object_put(o);
}

static void
request_check(struct client *c, uint32_t id, struct json_object *obj)
{
	char phones[SESSIOND_CHECK_MAX][16];
	struct json_object *arr, *v;
	struct session *s;
	struct request *r;
	size_t i, n;

	if ((s = request_session(c, id, obj)) == NULL)
		return;
	if (!json_object_object_get_ex(obj, "phones", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 || n > SESSIOND_CHECK_MAX) {
		request_error(c, id, IPC_ERR_BAD_REQUEST,
		    "\"phones\" must be an array of 1-50 phone numbers");
		return;
	}
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    phone_parse_e164(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), phones[i]) == -1) {
			request_error(c, id, IPC_ERR_BAD_REQUEST,
			    "\"phones\" must hold E.164 numbers");
			return;
		}
	}
	if ((r = request_new(c, id, OP_CHECK)) == NULL ||
	    (r->checks = calloc(n, sizeof(*r->checks))) == NULL) {
		if (r != NULL) {
			request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
			request_finish(r);
		} else
			request_error(c, id, IPC_ERR_INTERNAL, "out of memory");
		return;
	}
	r->nchecks = n;
	lookup_check(c->d, s, r, phones, n);
}

static void
request_about(struct client *c, uint32_t id, struct json_object *obj)
{
	struct session *s;
	struct request *r;
	const char *js;
	struct jid jid;
	size_t len;

	/* As in the HTTP API: an unknown session before a bad parameter. */
	if ((s = request_session(c, id, obj)) == NULL)
		return;
	if (ipc_msg_str(obj, "jid", &js, &len) != 0 ||
	    jid_parse(js, len, &jid) == -1 || !jid_is_user(&jid)) {
		request_error(c, id, IPC_ERR_BAD_REQUEST, "\"jid\" must be a user JID");
		return;
	}
	if ((r = request_new(c, id, OP_ABOUT)) == NULL) {
		request_error(c, id, IPC_ERR_INTERNAL, "out of memory");
		return;
	}
	lookup_about(c->d, s, r, &jid);
}

static void
request_status(struct client *c, uint32_t id, struct json_object *obj)
{
	struct json_object *o;
	struct session *s;
	const char *reason;
	int up;

	if ((s = request_session(c, id, obj)) == NULL)
		return;
	session_status(s, &up, &reason);
	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "connected", json_object_new_boolean(up));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	request_ok(c, id, o);
}

static void
request_connect(struct client *c, uint32_t id, struct json_object *obj)
{
	struct session *s;
	struct request *r;

	if ((s = request_session(c, id, obj)) == NULL)
		return;
	if ((r = request_new(c, id, OP_CONNECT)) == NULL) {
		request_error(c, id, IPC_ERR_INTERNAL, "out of memory");
		return;
	}
	session_connect(s, r);
}

static void
request_key_used(struct client *c, uint32_t id, struct json_object *obj)
{
	const char *key;
	size_t len;
	int64_t at;

	if (ipc_msg_str(obj, "keyId", &key, &len) != 0 || !ids_valid(key, len) ||
	    ipc_msg_int(obj, "at", &at) != 0 || at < 0 ||
	    at > (int64_t)1 << 53) {
		request_error(c, id, IPC_ERR_BAD_REQUEST,
		    "key_used needs \"keyId\" (an id) and \"at\" (ms)");
		return;
	}
	if (keyuse_note(c->d, key, at) == -1) {
		request_error(c, id, IPC_ERR_INTERNAL, "out of memory");
		return;
	}
	request_ok(c, id, NULL);
}

void
request_handle(struct client *c, const char *payload, size_t len)
{
	struct json_object *obj, *pong;
	struct session *s;
	const char *op;
	size_t oplen, i;
	int64_t id;

	if ((obj = ipc_msg_parse(payload, len)) == NULL) {
		request_error(c, 0, IPC_ERR_BAD_REQUEST,
		    "the payload is not one JSON object");
		return;
	}
	if (ipc_msg_int(obj, "id", &id) != 0 || id < 1 || id > IPC_ID_MAX) {
		request_error(c, 0, IPC_ERR_BAD_REQUEST,
		    "\"id\" must be an integer 1-4294967295");
		goto out;
	}
	if (ipc_msg_str(obj, "op", &op, &oplen) != 0) {
		request_error(c, (uint32_t)id, IPC_ERR_BAD_REQUEST,
		    "\"op\" must be a string");
		goto out;
	}
	for (i = 0; i < sizeof(request_ops) / sizeof(request_ops[0]); i++)
		if (strlen(request_ops[i].name) == oplen &&
		    memcmp(request_ops[i].name, op, oplen) == 0)
			break;
	if (i == sizeof(request_ops) / sizeof(request_ops[0])) {
		request_error(c, (uint32_t)id, IPC_ERR_UNKNOWN_OP, "unknown op");
		goto out;
	}
	if (c->d->draining && request_ops[i].op != OP_PING) {
		request_error(c, (uint32_t)id, IPC_ERR_UNAVAILABLE,
		    "the daemon is shutting down");
		goto out;
	}
	if (c->refs >= CLIENT_INFLIGHT_MAX) {
		request_error(c, (uint32_t)id, IPC_ERR_BUSY,
		    "too many requests in flight on this connection");
		goto out;
	}
	switch (request_ops[i].op) {
	case OP_PING:
		if ((pong = json_object_new_object()) == NULL)
			break;
		json_object_object_add(pong, "version", json_object_new_int(IPC_VERSION));
		json_object_object_add(pong, "server", json_object_new_string(SERVER_NAME));
		json_object_object_add(pong, "link",
		    json_object_new_string(link_name(c->d->link)));
		json_object_object_add(pong, "draining",
		    json_object_new_boolean(c->d->draining));
		request_ok(c, (uint32_t)id, pong);
		break;
	case OP_STATUS:
		request_status(c, (uint32_t)id, obj);
		break;
	case OP_CONNECT:
		request_connect(c, (uint32_t)id, obj);
		break;
	case OP_DISCONNECT:
		if ((s = request_session(c, (uint32_t)id, obj)) == NULL)
			break;
		session_disconnect(s);
		request_ok(c, (uint32_t)id, NULL);
		break;
	case OP_CHECK:
		request_check(c, (uint32_t)id, obj);
		break;
	case OP_ABOUT:
		request_about(c, (uint32_t)id, obj);
		break;
	case OP_JWKS_REFRESH:
		jwksd_refresh(c->d);
		request_ok(c, (uint32_t)id, NULL);
		break;
	case OP_KEY_USED:
		request_key_used(c, (uint32_t)id, obj);
		break;
	}
out:
	json_object_put(obj);
}
