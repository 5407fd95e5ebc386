/*
 * The Sessions API (capability manage): list and read from the store,
 * create, delete, the :start/:stop/:restart/:logout actions, the pairing
 * QR (JSON, PNG or SVG), the pairing code and /me.  What changes a
 * session goes through the daemon, which answers once the change is
 * stored; what reads one comes from the store, which the daemon keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/clock.h"
#include "common/phone.h"
#include "common/qr.h"
#include "common/status.h"
#include "common/store.h"
#include "gateway/body.h"
#include "gateway/cursor.h"
#include "gateway/handle.h"
#include "gateway/jsonw.h"
#include "gateway/query.h"
#include "gateway/request.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

#define SESSIONS_LABEL_MAX	100	/* code points */
#define SESSIONS_ITEM_BYTES	512
#define SESSIONS_QR_PX		8	/* pixels per QR module */
#define SESSIONS_BUSY_RETRY_S	1

/* The cursor scope of an organization's Sessions list (never a session id). */
static void
sessions_scope(const char *org, char out[STORE_ID_MAX + 8])
{
	snprintf(out, STORE_ID_MAX + 8, "org:%s", org);
}

/* A WASession object. */
static void
sessions_write(struct jsonw *w, const struct store_session *s)
{
	JSONW_LIT(w, "{\"id\":");
	jsonw_string(w, s->id, strlen(s->id));
	JSONW_FIELD(w, "organizationId", s->org);
	JSONW_FIELD(w, "gatewayId", s->gateway_id);
	JSONW_LIT(w, ",\"label\":");
	if (jsonw_text(w, s->label, strlen(s->label)) != 0)
		JSONW_LIT(w, "\"\"");
	JSONW_FIELD(w, "status", s->status);
	JSONW_FIELD(w, "statusReason", s->reason);
	JSONW_FIELD(w, "waJid", s->jid);
	JSONW_FIELD(w, "waLid", s->lid);
	JSONW_FIELD(w, "phoneNumber", s->phone);
	JSONW_FIELD(w, "pushName", s->push_name);
	if (s->last_connected_ms > 0) {
		JSONW_LIT(w, ",\"lastConnectedAt\":");
		jsonw_int(w, s->last_connected_ms);
	}
	JSONW_LIT(w, ",\"createdAt\":");
	jsonw_int(w, s->created_ms);
	JSONW_LIT(w, ",\"updatedAt\":");
	jsonw_int(w, s->updated_ms);
	JSONW_LIT(w, "}");
}

static int
sessions_oom(struct jsonw *w, struct response *r)
{
	size_t len;

	free(jsonw_finish(w, &len));
	response_detail(r, "out of memory answering a session");
	response_internal(r);
	return -1;
}

/* Answers status with one WASession. */
static int
sessions_answer(const struct store_session *s, int status, struct response *r)
{
	struct jsonw w;
	char *body;
	size_t len;

	if (jsonw_init(&w, SESSIONS_ITEM_BYTES) != 0)
		return sessions_oom(&w, r);
	sessions_write(&w, s);
	if ((body = jsonw_finish(&w, &len)) == NULL)
		return sessions_oom(&w, r);
	response_buffer(r, status, body, len);
	return 0;
}

static int
sessions_store_error(struct response *r, int rc)
{
	response_detail(r, "store: %s", store_rc_str(rc));
	if (rc != STORE_BUSY) {
		response_internal(r);
		return 0;
	}
	if (response_error(r, 503, "gateway_unavailable",
	    "the database is busy; retry later") != 0)
		return -1;
	r->retry_after = SESSIONS_BUSY_RETRY_S;
	return 0;
}

/* A daemon answer that is not SESSIOND_OK, for the manage operations. */
static int
sessions_daemon_error(struct response *r, int rc, const char *conflict)
{
	switch (rc) {
	case SESSIOND_CONFLICT:
		return response_error(r, 409, "conflict", conflict);
	case SESSIOND_NOT_FOUND:
		/* In the store, not (yet) held: added without a SIGHUP. */
		response_detail(r, "sessiond: the session is not held");
		return response_error(r, 409, "conflict",
		    "the session holder has not taken this session up yet");
	case SESSIOND_NOT_CONNECTED:
	case SESSIOND_RATE_LIMITED:
		response_detail(r, "sessiond: %s", sessiond_rc_str(rc));
		response_internal(r);
		return 0;
	default:
		return handle_live_error(r, rc, 0);
	}
}

/* ---- reads ---- */

struct sessions_page {
	struct jsonw	 w;
	int64_t		 last;
	int		 rows;
};

static int
sessions_row(const struct store_session *s, void *arg)
{
	struct sessions_page *pg = arg;

	pg->last = s->rowid;
	if (pg->rows++ > 0)
		JSONW_LIT(&pg->w, ",");
	sessions_write(&pg->w, s);
	return pg->w.failed;
}

int
handle_sessions_list(struct store *st, const struct cursor_key *ck,
    const char *org, const struct query *q, struct response *r)
{
	struct sessions_page pg;
	char scope[STORE_ID_MAX + 8], cursor[CURSOR_LEN + 1], *body;
	const char *v;
	int64_t after = 0;
	size_t len;
	int limit, rc, more = 0;

	sessions_scope(org, scope);
	v = query_get(q, "limit", &len);
	if (handle_limit(v, len, &limit) != 0)
		response_invalid_add(r, "limit", 5, "must be an integer");
	if ((v = query_get(q, "cursor", &len)) != NULL &&
	    cursor_decode(ck, scope, v, len, &after) != 0)
		response_invalid_add(r, "cursor", 6,
		    "is not a cursor of this organization's sessions");
	if (r->ninvalid > 0)
		return response_invalid_finish(r);
	memset(&pg, 0, sizeof(pg));
	if (jsonw_init(&pg.w, 64 + (size_t)limit * SESSIONS_ITEM_BYTES) != 0)
		return sessions_oom(&pg.w, r);
	JSONW_LIT(&pg.w, "{\"data\":[");
	/* A credential without an organization owns no session. */
	rc = *org == '\0' ? STORE_OK :
	    store_session_page(st, org, after, limit, sessions_row, &pg, &more);
	if (rc == STORE_OK && pg.w.failed)
		return sessions_oom(&pg.w, r);
	if (rc != STORE_OK) {
		free(jsonw_finish(&pg.w, &len));
		return sessions_store_error(r, rc);
	}
	cursor[0] = '\0';
	if (more && cursor_encode(ck, scope, pg.last, cursor) != 0) {
		free(jsonw_finish(&pg.w, &len));
		response_detail(r, "cannot make a cursor");
		response_internal(r);
		return 0;
	}
	JSONW_LIT(&pg.w, "],\"nextCursor\":");
	jsonw_string(&pg.w, cursor, strlen(cursor));
	JSONW_LIT(&pg.w, "}");
	if ((body = jsonw_finish(&pg.w, &len)) == NULL)
		return sessions_oom(&pg.w, r);
	response_buffer(r, 200, body, len);
	return 0;
}

int
handle_session_get(struct store *st, const struct store_session *s,
    struct response *r)
{
	struct store_session row;
	int rc;

	if ((rc = store_session_get(st, s->id, &row)) != STORE_OK)
		return rc == STORE_NOTFOUND ?
		    response_error(r, 404, "not_found", "session not found") :
		    sessions_store_error(r, rc);
	return sessions_answer(&row, 200, r);
}

int
handle_me(struct store *st, const struct store_session *s, struct response *r)
{
	struct store_session row;
	struct jsonw w;
	char *body;
	size_t len;
	int rc;

	if ((rc = store_session_get(st, s->id, &row)) != STORE_OK)
		return rc == STORE_NOTFOUND ?
		    response_error(r, 404, "not_found", "session not found") :
		    sessions_store_error(r, rc);
	if (jsonw_init(&w, SESSIONS_ITEM_BYTES) != 0)
		return sessions_oom(&w, r);
	JSONW_LIT(&w, "{\"sessionId\":");
	jsonw_string(&w, row.id, strlen(row.id));
	JSONW_FIELD(&w, "status", row.status);
	if (strcmp(row.status, status_name(STATUS_WORKING)) == 0)
		JSONW_LIT(&w, ",\"connected\":true");
	else
		JSONW_LIT(&w, ",\"connected\":false");
	JSONW_FIELD(&w, "waJid", row.jid);
	JSONW_FIELD(&w, "waLid", row.lid);
	JSONW_FIELD(&w, "phoneNumber", row.phone);
	JSONW_FIELD(&w, "pushName", row.push_name);
	JSONW_LIT(&w, "}");
	if ((body = jsonw_finish(&w, &len)) == NULL)
		return sessions_oom(&w, r);
	response_buffer(r, 200, body, len);
	return 0;
}

/* ---- changes, through the daemon ---- */

int
handle_session_create(struct sessiond_client *sd, int timeout_ms, const char *org,
    const struct request *req, struct response *r)
{
	static const char *const known[] = { "label", "start", NULL };
	struct sessiond_session out;
	struct json_object *body;
	const char *label = NULL;
	size_t len;
	int start = 0, rc;

	if (body_object(req, known, &body, r) != 0) {
		json_object_put(body);
		return r->status != 0 ? 0 : response_invalid_finish(r);
	}
	body_string(body, "label", SESSIONS_LABEL_MAX, &label, &len, r);
	body_bool(body, "start", &start, r);
	if (r->ninvalid > 0) {
		json_object_put(body);
		return response_invalid_finish(r);
	}
	if (*org == '\0') {
		json_object_put(body);
		return response_error(r, 403, "forbidden",
		    "the credential names no organization to create a session in");
	}
	rc = sessiond_session_create(sd, org, label, start, timeout_ms, &out);
	json_object_put(body);
	if (rc != SESSIOND_OK)
		return sessions_daemon_error(r, rc, "the session cannot be created now");
	snprintf(r->location, sizeof(r->location), "/api/v1/sessions/%s", out.s.id);
	return sessions_answer(&out.s, 201, r);
}

/* An action body: nothing, or {} - every member is unknown. */
static int
sessions_empty_body(const struct request *req, struct response *r)
{
	static const char *const none[] = { NULL };
	struct json_object *body;
	int rc = body_object(req, none, &body, r);

	json_object_put(body);
	if (rc != 0 && r->status == 0)
		response_invalid_finish(r);
	return rc;
}

int
handle_session_action(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const char *op, const struct request *req,
    struct response *r)
{
	struct sessiond_session out;
	int rc;

	if (sessions_empty_body(req, r) != 0)
		return 0;
	rc = sessiond_session_call(sd, op, s->id, timeout_ms, &out);
	if (rc != SESSIOND_OK)
		return sessions_daemon_error(r, rc,
		    "the session's link cannot start (see its statusReason)");
	return sessions_answer(&out.s, 200, r);
}

int
handle_session_delete(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, struct response *r)
{
	int rc = sessiond_session_call(sd, "session_delete", s->id, timeout_ms, NULL);

	if (rc != SESSIOND_OK)
		return sessions_daemon_error(r, rc, "the session cannot be deleted now");
	response_static(r, 204, NULL, NULL, 0);
	return 0;
}

/* {"code", "expiresAt"}: a pairing credential as JSON. */
static int
sessions_pairing_json(const struct ipc_pairing *p, struct response *r)
{
	struct jsonw w;
	char *body;
	size_t len;

	if (jsonw_init(&w, 128 + strlen(p->code)) != 0)
		return sessions_oom(&w, r);
	JSONW_LIT(&w, "{\"code\":");
	if (jsonw_text(&w, p->code, strlen(p->code)) != 0)
		JSONW_LIT(&w, "\"\"");
	JSONW_LIT(&w, ",\"expiresAt\":");
	jsonw_int(&w, p->expires_ms);
	JSONW_LIT(&w, "}");
	if ((body = jsonw_finish(&w, &len)) == NULL)
		return sessions_oom(&w, r);
	response_buffer(r, 200, body, len);
	return 0;
}

int
handle_qr(struct sessiond_client *sd, int timeout_ms, const struct store_session *s,
    const struct query *q, struct response *r)
{
	static const char starting[] = "{\"status\":\"starting\"}";
	struct sessiond_session out;
	const char *fmt;
	char *img;
	size_t len;
	int rc, kind = 0;

	if ((fmt = query_get(q, "format", &len)) == NULL ||
	    (len == 4 && memcmp(fmt, "json", 4) == 0))
		kind = 'j';
	else if (len == 3 && memcmp(fmt, "png", 3) == 0)
		kind = 'p';
	else if (len == 3 && memcmp(fmt, "svg", 3) == 0)
		kind = 's';
	else {
		response_invalid_add(r, "format", 6, "must be json, png or svg");
		return response_invalid_finish(r);
	}
	rc = sessiond_session_call(sd, "session_qr", s->id, timeout_ms, &out);
	if (rc != SESSIOND_OK)
		return sessions_daemon_error(r, rc, "the session is paired, or pairs "
		    "by phone code; a QR code is for an unpaired session");
	/* Pairing begins: no code yet.  202, not 404 (no such session). */
	if (out.pairing.kind != 'q') {
		response_static(r, 202, "application/json", starting,
		    sizeof(starting) - 1);
		r->retry_after = 1;
		return 0;
	}
	if (kind == 'j')
		return sessions_pairing_json(&out.pairing, r);
	img = kind == 'p' ? (char *)qr_png(out.pairing.code, SESSIONS_QR_PX, &len) :
	    qr_svg(out.pairing.code, &len);
	if (img == NULL) {
		response_detail(r, "cannot draw the QR code");
		response_internal(r);
		return -1;
	}
	response_buffer(r, 200, img, len);
	r->content_type = kind == 'p' ? "image/png" : "image/svg+xml";
	return 0;
}

int
handle_pairing_code(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct request *req, struct response *r)
{
	static const char *const known[] = { "phone", NULL };
	char digits[PHONE_DIGITS_MAX + 1];
	struct sessiond_session out;
	struct json_object *body;
	const char *phone;
	size_t len;
	int rc;

	if (body_object(req, known, &body, r) != 0) {
		json_object_put(body);
		return r->status != 0 ? 0 : response_invalid_finish(r);
	}
	rc = body_string(body, "phone", 32, &phone, &len, r);
	if (rc == 1)
		response_invalid_add(r, "phone", 5, "is required");
	else if (rc == 0 && phone_parse_e164(phone, len, digits) != 0)
		response_invalid_add(r, "phone", 5,
		    "must be an E.164 number: an optional +, then 7 to 15 digits");
	json_object_put(body);
	if (r->ninvalid > 0)
		return response_invalid_finish(r);
	rc = sessiond_session_pair_code(sd, s->id, digits, timeout_ms, &out);
	if (rc != SESSIOND_OK)
		return sessions_daemon_error(r, rc, "the session is paired, or cannot "
		    "pair by phone code now");
	if (out.pairing.kind != 'c') {
		response_detail(r, "sessiond: no pairing code in the answer");
		response_internal(r);
		return 0;
	}
	return sessions_pairing_json(&out.pairing, r);
}
