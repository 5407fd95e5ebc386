/*
 * The session operations of the protocol (docs/sessiond-protocol.md):
 * the Sessions API's create, delete, start, stop, restart, logout, QR and
 * pairing code; session_wait for clients that follow a session (the next
 * QR, paired, failed) without polling; the legacy status, connect and
 * disconnect of wagw-admin; and the sim commands that play the phone.
 * Every reply that changes a session leaves once the change is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/phone.h"
#include "ipc/ipc_session.h"
#include "sessiond/daemon_impl.h"

void
request_session_reply(struct request *r, struct session *s)
{
	struct ipc_pairing p;

	request_set(r, "session", ipc_session_to_json(&s->row));
	request_set(r, "seq", json_object_new_int64((int64_t)s->seq));
	if (s->pair_kind >= 0 && s->pair_code[0] != '\0') {
		memset(&p, 0, sizeof(p));
		p.kind = s->pair_kind == LINK_PAIR_CODE ? 'c' : 'q';
		snprintf(p.code, sizeof(p.code), "%s", s->pair_code);
		p.expires_ms = s->pair_expires_ms;
		request_set(r, "pairing", ipc_pairing_to_json(&p));
	}
}

static void
request_conflict(struct request *r, const char *msg)
{
	request_fail(r, IPC_ERR_CONFLICT, 0, "%s", msg);
	request_finish(r);
}

/* ---- create ---- */

struct create_job {
	struct request	*r;
	struct store_session row;
	int		 start;
	int		 rc;
};

static int
create_write(struct store *st, void *arg)
{
	struct create_job *j = arg;
	struct store_session_new n = { j->row.id, j->row.org, j->row.label,
	    j->row.link, j->row.gateway_id, j->row.autostart };
	int rc;

	/* The frontend owns organizations: one its token names exists. */
	if ((rc = store_org_ensure(st, j->row.org, j->row.created_ms)) != STORE_OK)
		return rc;
	return store_session_create(st, &n, j->row.created_ms, &j->row.rowid);
}

static void
create_done(void *arg, int rc)
{
	struct create_job *j = arg;
	struct request *r = j->r;
	struct daemon *d = r->c->d;
	struct session *s;

	d->waiting--;
	if (rc == STORE_BUSY)
		request_fail(r, IPC_ERR_UNAVAILABLE, 0, "the database is busy");
	else if (rc != STORE_OK)
		request_fail(r, IPC_ERR_INTERNAL, 0, "the session could not be stored");
	else if ((s = session_load(d, &j->row)) == NULL)
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	else {
		log_info("session %s: created for organization %s (%s link)",
		    s->row.id, s->row.org, s->row.link);
		if (j->start)
			session_start(s);
		session_persist(s, r);
		free(j);
		daemon_drain_check(d);
		return;
	}
	request_finish(r);
	free(j);
	daemon_drain_check(d);
}

static void
request_create(struct request *r, struct json_object *obj)
{
	struct daemon *d = r->c->d;
	struct create_job *j;
	const char *org, *label = "";
	size_t orglen, labellen = 0;
	int start = 0, rc;

	if (ipc_msg_str(obj, "org", &org, &orglen) != 0 || !ids_valid(org, orglen) ||
	    (rc = ipc_msg_str(obj, "label", &label, &labellen)) == -1 ||
	    labellen > STORE_LABEL_MAX || ipc_msg_bool(obj, "start", &start) == -1) {
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "session_create needs \"org\" "
		    "(an id), and takes \"label\" (a string) and \"start\" (a bool)");
		request_finish(r);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto nomem;
	j->r = r;
	j->start = start;
	j->row.created_ms = j->row.updated_ms = clock_wall_ms();
	if (ids_ulid(j->row.created_ms, j->row.id) == -1) {
		free(j);
		goto nomem;
	}
	memcpy(j->row.org, org, orglen + 1);
	memcpy(j->row.label, label, labellen + 1);
	snprintf(j->row.link, sizeof(j->row.link), "%s", d->cfg->link);
	snprintf(j->row.status, sizeof(j->row.status), "%s", status_name(STATUS_STOPPED));
	snprintf(j->row.gateway_id, sizeof(j->row.gateway_id), "%s", d->gateway_id);
	j->row.autostart = 0;
	if (writer_submit(d->wr, WRITER_BOUNDED, create_write, create_done, j) == -1) {
		free(j);
		goto nomem;
	}
	d->waiting++;
	return;
nomem:
	request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	request_finish(r);
}

/* ---- delete ---- */

struct delete_job {
	struct request	*r;
	char		 id[STORE_ID_MAX + 1];
	int64_t		 rowid;
};

static int
delete_write(struct store *st, void *arg)
{
	struct delete_job *j = arg;
	int rc = store_session_rm(st, j->id);

	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static void
delete_done(void *arg, int rc)
{
	struct delete_job *j = arg;
	struct request *r = j->r;
	struct daemon *d = r->c->d;
	struct session *s = session_get(d, j->id);

	d->waiting--;
	if (rc == STORE_BUSY)
		request_fail(r, IPC_ERR_UNAVAILABLE, 0, "the database is busy");
	else if (rc != STORE_OK)
		request_fail(r, IPC_ERR_INTERNAL, 0, "the session could not be deleted");
	else if (s != NULL && s->row.rowid == j->rowid) {
		/* Gone from the store: unpair (WhatsApp is told), then forget. */
		if (session_paired(s))
			session_logout(s);
		log_info("session %s: deleted", s->row.id);
		session_remove(s);
	}
	request_finish(r);
	free(j);
	daemon_drain_check(d);
}

static void
request_delete(struct request *r, struct session *s)
{
	struct daemon *d = r->c->d;
	struct delete_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto nomem;
	j->r = r;
	snprintf(j->id, sizeof(j->id), "%s", s->row.id);
	j->rowid = s->row.rowid;
	if (writer_submit(d->wr, WRITER_BOUNDED, delete_write, delete_done, j) == -1) {
		free(j);
		goto nomem;
	}
	d->waiting++;
	return;
nomem:
	request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
	request_finish(r);
}

/* ---- pairing ---- */

static void
request_qr(struct request *r, struct session *s)
{
	const char *msg;
	int err;

	if (s->status == STATUS_SCAN_QR_CODE && s->pair_kind == LINK_PAIR_QR) {
		request_session_reply(r, s);
		request_finish(r);
		return;
	}
	if (session_pair(s, NULL, &err, &msg) == -1) {
		request_fail(r, err, 0, "%s", msg);
		request_finish(r);
		return;
	}
	/* Pairing begins: the QR is not out yet (HTTP 202). */
	session_persist(s, r);
}

static void
request_pair_code(struct request *r, struct session *s, struct json_object *obj)
{
	char phone[PHONE_DIGITS_MAX + 1];
	const char *v, *msg;
	size_t len;
	int err;

	if (ipc_msg_str(obj, "phone", &v, &len) != 0 ||
	    phone_parse_e164(v, len, phone) == -1) {
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "\"phone\" must be an E.164 number");
		request_finish(r);
		return;
	}
	if (s->pair_kind == LINK_PAIR_CODE && strcmp(s->pair_phone, phone) == 0 &&
	    s->pair_expires_ms > clock_wall_ms()) {
		request_session_reply(r, s);
		request_finish(r);
		return;
	}
	if (session_pair(s, phone, &err, &msg) == -1) {
		request_fail(r, err, 0, "%s", msg);
		request_finish(r);
		return;
	}
	session_persist(s, NULL);
	if (session_wait(s, r, WAIT_CODE, 0, r->c->d->cfg->lookup_timeout_ms) == -1) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
	}
}

static void
request_wait(struct request *r, struct session *s, struct json_object *obj)
{
	int64_t after = 0, timeout = WAIT_MAX_MS;

	if (ipc_msg_int(obj, "after", &after) == -1 || after < 0 ||
	    ipc_msg_int(obj, "timeoutMs", &timeout) == -1 || timeout < 1 ||
	    timeout > WAIT_MAX_MS) {
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "session_wait takes \"after\" "
		    "(a seq) and \"timeoutMs\" (1-%d)", WAIT_MAX_MS);
		request_finish(r);
		return;
	}
	if (s->seq > (uint64_t)after) {
		request_session_reply(r, s);
		request_finish(r);
		return;
	}
	if (session_wait(s, r, WAIT_CHANGE, (uint64_t)after, timeout) == -1) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
	}
}

/* ---- wagw-admin's legacy operations ---- */

static void
request_status(struct request *r, struct session *s)
{
	int up = s->status == STATUS_WORKING;

	request_set(r, "connected", json_object_new_boolean(up));
	request_set(r, "state", json_object_new_string(status_name(s->status)));
	request_set(r, "reason", json_object_new_string(s->row.reason));
	request_finish(r);
}

static void
request_connect(struct request *r, struct session *s)
{
	if (!session_paired(s)) {
		request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "the session is not paired "
		    "(pair it first: wagw-admin session pair)");
		request_finish(r);
		return;
	}
	if (session_start(s) == -1) {
		request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "%s", s->row.reason);
		request_finish(r);
		return;
	}
	session_persist(s, NULL);
	if (s->status == STATUS_WORKING) {
		request_finish(r);
		return;
	}
	if (s->status == STATUS_FAILED) {
		request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "%s", s->row.reason);
		request_finish(r);
		return;
	}
	log_info("session %s: connecting at the operator's request", s->row.id);
	if (session_wait(s, r, WAIT_UP, 0, r->c->d->cfg->lookup_timeout_ms) == -1) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
	}
}

/* ---- the simulated phone ---- */

static void
request_sim(struct request *r, struct json_object *obj)
{
	struct daemon *d = r->c->d;
	const char *a = NULL, *b = NULL;
	char err[256];
	int rc = -1;

	err[0] = '\0';
	switch (r->op) {
	case OP_SIM_SCAN:
		if (ipc_msg_str(obj, "qr", &a, NULL) != 0 ||
		    ipc_msg_str(obj, "account", &b, NULL) != 0)
			snprintf(err, sizeof(err), "sim_scan needs \"qr\" and \"account\"");
		else
			rc = link_sim_scan(d->link, a, b, err, sizeof(err));
		break;
	case OP_SIM_LINK_CODE:
		if (ipc_msg_str(obj, "code", &a, NULL) != 0)
			snprintf(err, sizeof(err), "sim_link_code needs \"code\"");
		else
			rc = link_sim_link_code(d->link, a, err, sizeof(err));
		break;
	default:
		if (ipc_msg_str(obj, "session", &a, NULL) != 0)
			snprintf(err, sizeof(err), "%s needs \"session\"",
			    r->op == OP_SIM_DROP ? "sim_drop" : "sim_unlink");
		else if (r->op == OP_SIM_DROP)
			rc = link_sim_drop(d->link, a, err, sizeof(err));
		else
			rc = link_sim_unlink(d->link, a, err, sizeof(err));
		break;
	}
	if (rc == -1)
		request_fail(r, IPC_ERR_BAD_REQUEST, 0, "%s", err);
	request_finish(r);
}

void
request_session_op(struct request *r, struct json_object *obj)
{
	struct session *s;

	switch (r->op) {
	case OP_SESSION_CREATE:
		request_create(r, obj);
		return;
	case OP_SIM_SCAN:
	case OP_SIM_LINK_CODE:
	case OP_SIM_UNLINK:
	case OP_SIM_DROP:
		request_sim(r, obj);
		return;
	default:
		break;
	}
	if ((s = request_session(r, obj)) == NULL)
		return;
	switch (r->op) {
	case OP_STATUS:
		request_status(r, s);
		break;
	case OP_CONNECT:
		request_connect(r, s);
		break;
	case OP_DISCONNECT:
		session_stop(s, "disconnected by the operator");
		session_persist(s, r);
		break;
	case OP_SESSION_DELETE:
		request_delete(r, s);
		break;
	case OP_SESSION_GET:
		request_session_reply(r, s);
		request_finish(r);
		break;
	case OP_SESSION_START:
		if (session_start(s) == -1)
			request_conflict(r, s->row.reason);
		else
			session_persist(s, r);
		break;
	case OP_SESSION_STOP:
		session_stop(s, "");
		session_persist(s, r);
		break;
	case OP_SESSION_RESTART:
		session_stop(s, "");
		if (session_start(s) == -1)
			request_conflict(r, s->row.reason);
		else
			session_persist(s, r);
		break;
	case OP_SESSION_LOGOUT:
		session_logout(s);
		session_persist(s, r);
		break;
	case OP_SESSION_QR:
		request_qr(r, s);
		break;
	case OP_SESSION_PAIR_CODE:
		request_pair_code(r, s, obj);
		break;
	case OP_SESSION_WAIT:
		request_wait(r, s, obj);
		break;
	default:
		request_fail(r, IPC_ERR_INTERNAL, 0, "unhandled op");
		request_finish(r);
		break;
	}
}
