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
	{ "session_create", OP_SESSION_CREATE },
	{ "session_delete", OP_SESSION_DELETE },
	{ "session_get", OP_SESSION_GET },
	{ "session_start", OP_SESSION_START },
	{ "session_stop", OP_SESSION_STOP },
	{ "session_restart", OP_SESSION_RESTART },
	{ "session_logout", OP_SESSION_LOGOUT },
	{ "session_qr", OP_SESSION_QR },
	{ "session_pair_code", OP_SESSION_PAIR_CODE },
	{ "session_wait", OP_SESSION_WAIT },
	{ "sim_scan", OP_SIM_SCAN },
	{ "sim_link_code", OP_SIM_LINK_CODE },
	{ "sim_unlink", OP_SIM_UNLINK },
	{ "sim_drop", OP_SIM_DROP },
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

void
request_set(struct request *r, const char *key, struct json_object *val)
{
	if (r->result == NULL && (r->result = json_object_new_object()) == NULL) {
		json_object_put(val);
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		return;
	}
	json_object_object_add(r->result, key, val);
}

static struct json_object *
request_result(struct request *r)
{
	struct json_object *o, *arr, *item;
	size_t i;

	o = r->result != NULL ? json_object_get(r->result) : json_object_new_object();
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
	json_object_put(r->result);
	free(r->checks);
	free(r->about);
	free(r);
}

struct session *
request_session(struct request *r, struct json_object *obj)
{
	struct session *s;
	const char *sid;
	size_t len;

	if (ipc_msg_str(obj, "session", &sid, &len) != 0 || !ids_valid(sid, len)) {
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "\"session\" must be a session id");
		request_finish(r);
		return NULL;
	}
	if ((s = session_get(r->c->d, sid)) == NULL) {
		request_fail(r, IPC_ERR_NOT_FOUND, 0, "no such session");
		request_finish(r);
		return NULL;
	}
	return s;
}

/* Fails r with a bad request and finishes it. */
static void
request_bad(struct request *r, const char *msg)
{
	request_fail(r, IPC_ERR_BAD_REQUEST, 0, "%s", msg);
	request_finish(r);
}

static void
request_check(struct request *r, struct json_object *obj)
{
	char phones[SESSIOND_CHECK_MAX][16];
	struct json_object *arr, *v;
	struct session *s;
	size_t i, n;

	if ((s = request_session(r, obj)) == NULL)
		return;
	if (!json_object_object_get_ex(obj, "phones", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 || n > SESSIOND_CHECK_MAX) {
		request_bad(r, "\"phones\" must be an array of 1-50 phone numbers");
		return;
	}
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    phone_parse_e164(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), phones[i]) == -1) {
			request_bad(r, "\"phones\" must hold E.164 numbers");
			return;
		}
	}
	if ((r->checks = calloc(n, sizeof(*r->checks))) == NULL) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
		return;
	}
	r->nchecks = n;
	lookup_check(r->c->d, s, r, phones, n);
}

static void
request_about(struct request *r, struct json_object *obj)
{
	struct session *s;
	const char *js;
	struct jid jid;
	size_t len;

	/* As in the HTTP API: an unknown session before a bad parameter. */
	if ((s = request_session(r, obj)) == NULL)
		return;
	if (ipc_msg_str(obj, "jid", &js, &len) != 0 ||
	    jid_parse(js, len, &jid) == -1 || !jid_is_user(&jid)) {
		request_bad(r, "\"jid\" must be a user JID");
		return;
	}
	lookup_about(r->c->d, s, r, &jid);
}

static void
request_key_used(struct request *r, struct json_object *obj)
{
	const char *key;
	size_t len;
	int64_t at;

	if (ipc_msg_str(obj, "keyId", &key, &len) != 0 || !ids_valid(key, len) ||
	    ipc_msg_int(obj, "at", &at) != 0 || at < 0 ||
	    at > (int64_t)1 << 53) {
		request_bad(r, "key_used needs \"keyId\" (an id) and \"at\" (ms)");
		return;
	}
	if (keyuse_note(r->c->d, key, at) == -1)
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	request_finish(r);
}

static void
request_ping(struct request *r)
{
	struct daemon *d = r->c->d;

	request_set(r, "version", json_object_new_int(IPC_VERSION));
	request_set(r, "server", json_object_new_string(SERVER_NAME));
	request_set(r, "link", json_object_new_string(d->cfg->link));
	request_set(r, "gatewayId", json_object_new_string(d->gateway_id));
	request_set(r, "draining", json_object_new_boolean(d->draining));
	request_set(r, "sessions", json_object_new_int64((int64_t)hmap_count(d->sessions)));
	request_set(r, "linkQueries", json_object_new_int64((int64_t)d->link_queries));
	request_finish(r);
}

void
request_handle(struct client *c, const char *payload, size_t len)
{
	struct json_object *obj;
	struct request *r;
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
	if ((r = request_new(c, (uint32_t)id, request_ops[i].op)) == NULL) {
		request_error(c, (uint32_t)id, IPC_ERR_INTERNAL, "out of memory");
		goto out;
	}
	switch (r->op) {
	case OP_PING:
		request_ping(r);
		break;
	case OP_CHECK:
		request_check(r, obj);
		break;
	case OP_ABOUT:
		request_about(r, obj);
		break;
	case OP_JWKS_REFRESH:
		jwksd_refresh(c->d);
		request_finish(r);
		break;
	case OP_KEY_USED:
		request_key_used(r, obj);
		break;
	default:
		request_session_op(r, obj);
		break;
	}
out:
	json_object_put(obj);
}
