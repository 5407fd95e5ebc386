/*
 * The blocking client of wagw-sessiond.  One request at a time per
 * client; the connection is kept between calls.  When a kept connection
 * turns out to be dead (the daemon restarted), the call reconnects once
 * and resends, but only when that cannot do the operation twice: either
 * nothing of the request went out, or the operation is one that is safe
 * to repeat (sessiond_repeatable).  The daemon closes connections idle
 * for a minute, so one unused for SESSIOND_KEEP_MS, or that the daemon
 * has closed, is replaced before a request goes out on it.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/clock.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"
#include "ipc/sessiond_client.h"

struct sessiond_client {
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 fd;
	uint32_t	 next_id;
	unsigned char	*rbuf;		/* IPC_HEADER_LEN + IPC_PAYLOAD_MAX */
	size_t		 rlen;
	char		 msg[160];	/* the last error reply's message */
	int64_t		 used_ms;	/* monotonic: the kept connection's last call */
};

/* Half the daemon's idle bound (CLIENT_IDLE_MS): it never closes one in use. */
#define SESSIOND_KEEP_MS	30000

/* Outcomes of one attempt below the enum sessiond_rc level. */
#define CALL_RETRY	(-1)	/* kept connection was dead: reconnect once */

/*
 * The operations that may be sent again after the connection died with
 * the request sent and no answer (the daemon may have done it, then
 * died).  The others are not done twice: a second create makes a second
 * session, a second delete answers for a session that is gone, a second
 * restart drops the connection the first one made, a second pairing code
 * replaces the first, a QR or code is used once.  They fail with
 * SESSIOND_UNAVAILABLE instead (the gateway's 503: the caller decides).
 */
static const char *const sessiond_repeatable[] = {
	"ping", "status", "connect", "disconnect", "check", "about",
	"jwks_refresh", "key_used", "session_get", "session_start",
	"session_stop", "session_logout", "session_qr", "session_wait", NULL
};

struct sessiond_client *
sessiond_client_new(const char *socket_path)
{
	struct sessiond_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (strlen(socket_path) >= sizeof(c->path) ||
	    (c->rbuf = malloc(IPC_HEADER_LEN + IPC_PAYLOAD_MAX)) == NULL) {
		free(c);
		return NULL;
	}
	memcpy(c->path, socket_path, strlen(socket_path) + 1);
	c->fd = -1;
	c->next_id = 1;
	return c;
}

static void
sessiond_close(struct sessiond_client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->rlen = 0;
}

void
sessiond_client_free(struct sessiond_client *c)
{
	if (c == NULL)
		return;
	sessiond_close(c);
	free(c->rbuf);
	free(c);
}

/* Whether the kept connection may carry a request: fresh, and not closed. */
static int
sessiond_kept_usable(struct sessiond_client *c)
{
	char b;
	ssize_t n;

	if (clock_mono_ms() - c->used_ms > SESSIOND_KEEP_MS)
		return 0;
	n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n > 0 || (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR));
}

static int
sessiond_left(int64_t deadline)
{
	int64_t left = deadline - clock_mono_ms();

	return left < 0 ? 0 : (int)left;
}

static int
sessiond_connect(struct sessiond_client *c, int64_t deadline)
{
	struct sockaddr_un sun;
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, c->path, strlen(c->path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return SESSIOND_ERROR;
	/* A full backlog (EAGAIN) clears by itself: retry until the deadline. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			close(fd);
			return SESSIOND_UNAVAILABLE;
		}
		if (sessiond_left(deadline) == 0) {
			close(fd);
			return SESSIOND_TIMEOUT;
		}
		nanosleep(&pause, NULL);
	}
	c->fd = fd;
	c->rlen = 0;
	return SESSIOND_OK;
}

static int
sessiond_send(struct sessiond_client *c, const unsigned char *buf, size_t len,
    int64_t deadline, int kept)
{
	struct pollfd pfd;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			pfd.fd = c->fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, sessiond_left(deadline)) == 0)
				return SESSIOND_TIMEOUT;
			continue;
		}
		/* EPIPE/ECONNRESET: the daemon went away. */
		return kept && off == 0 ? CALL_RETRY : SESSIOND_UNAVAILABLE;
	}
	return SESSIOND_OK;
}

/*
 * Reads frames until the response with id arrives; responses to earlier
 * requests (abandoned at their deadline) are skipped.  *resp is the parsed
 * payload (caller puts).  retry: whether an end of the connection before
 * any answer may be retried (CALL_RETRY) rather than be unavailable.
 */
static int
sessiond_recv(struct sessiond_client *c, uint32_t id, int64_t deadline, int retry,
    struct json_object **resp)
{
	struct pollfd pfd;
	struct json_object *obj;
	size_t plen, whole;
	int64_t rid;
	int type, rc, got_any = 0;
	ssize_t n;

	*resp = NULL;
	for (;;) {
		rc = ipc_frame_parse(c->rbuf, c->rlen, &type, &plen);
		if (rc != IPC_FRAME_OK && rc != IPC_FRAME_SHORT)
			return SESSIOND_ERROR;
		if (rc == IPC_FRAME_OK && c->rlen >= IPC_HEADER_LEN + plen) {
			whole = IPC_HEADER_LEN + plen;
			obj = type == IPC_TYPE_RESPONSE ?
			    ipc_msg_parse((char *)c->rbuf + IPC_HEADER_LEN, plen) : NULL;
			memmove(c->rbuf, c->rbuf + whole, c->rlen - whole);
			c->rlen -= whole;
			if (obj == NULL || ipc_msg_int(obj, "id", &rid) != 0) {
				json_object_put(obj);
				return SESSIOND_ERROR;
			}
			if (rid == (int64_t)id || rid == 0) {
				*resp = obj;
				return SESSIOND_OK;
			}
			json_object_put(obj);
			continue;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((rc = poll(&pfd, 1, sessiond_left(deadline))) == -1) {
			if (errno == EINTR)
				continue;
			return SESSIOND_ERROR;
		}
		if (rc == 0)
			return SESSIOND_TIMEOUT;
		n = recv(c->fd, c->rbuf + c->rlen,
		    IPC_HEADER_LEN + IPC_PAYLOAD_MAX - c->rlen, 0);
		if (n > 0) {
			c->rlen += (size_t)n;
			got_any = 1;
			continue;
		}
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* EOF or reset before any answer on a kept connection: restart. */
		return retry && !got_any ? CALL_RETRY : SESSIOND_UNAVAILABLE;
	}
}

static int
sessiond_is_repeatable(struct json_object *req)
{
	struct json_object *v;
	const char *op;
	size_t i;

	if (!json_object_object_get_ex(req, "op", &v) ||
	    (op = json_object_get_string(v)) == NULL)
		return 0;
	for (i = 0; sessiond_repeatable[i] != NULL; i++)
		if (strcmp(sessiond_repeatable[i], op) == 0)
			return 1;
	return 0;
}

static int
sessiond_rc_from_err(int err)
{
	switch (err) {
	case IPC_ERR_NONE:		return SESSIOND_OK;
	case IPC_ERR_NOT_FOUND:		return SESSIOND_NOT_FOUND;
	case IPC_ERR_NOT_CONNECTED:	return SESSIOND_NOT_CONNECTED;
	case IPC_ERR_RATE_LIMITED:	return SESSIOND_RATE_LIMITED;
	case IPC_ERR_TIMEOUT:		return SESSIOND_TIMEOUT;
	case IPC_ERR_UNAVAILABLE:
	case IPC_ERR_BUSY:		return SESSIOND_UNAVAILABLE;
	case IPC_ERR_CONFLICT:		return SESSIOND_CONFLICT;
	case IPC_ERR_BAD_REQUEST:
	case IPC_ERR_UNKNOWN_OP:	return SESSIOND_BAD_REQUEST;
	default:			return SESSIOND_ERROR;
	}
}

/*
 * Sends req (consumed) with a fresh id and waits for its response until
 * timeout_ms.  On SESSIOND_OK *resp is the response (caller puts); on an
 * error reply from the daemon the matching rc is returned, with
 * *retry_after_s set for SESSIOND_RATE_LIMITED when retry_after_s is not
 * NULL.
 */
static int
sessiond_call(struct sessiond_client *c, struct json_object *req, int timeout_ms,
    struct json_object **resp, int *retry_after_s)
{
	int64_t deadline = clock_mono_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	unsigned char *frame = NULL;
	const char *err;
	size_t len, errlen;
	int64_t ra;
	uint32_t id;
	int rc = SESSIOND_ERROR, attempt, kept, repeatable;

	*resp = NULL;
	c->msg[0] = '\0';
	if (retry_after_s != NULL)
		*retry_after_s = 0;
	if (req == NULL)
		return SESSIOND_ERROR;
	repeatable = sessiond_is_repeatable(req);
	id = c->next_id++;
	if (c->next_id == 0)
		c->next_id = 1;
	if (json_object_object_add(req, "id", json_object_new_int64(id)) != 0 ||
	    (frame = ipc_msg_frame(req, IPC_TYPE_REQUEST, &len)) == NULL)
		goto out;
	for (attempt = 0; attempt < 2; attempt++) {
		if (c->fd != -1 && !sessiond_kept_usable(c))
			sessiond_close(c);
		kept = c->fd != -1;
		if (!kept && (rc = sessiond_connect(c, deadline)) != SESSIOND_OK)
			goto out;
		/* Nothing sent yet may always go again; once sent, only what
		 * is safe to do twice. */
		rc = sessiond_send(c, frame, len, deadline, kept);
		if (rc == SESSIOND_OK)
			rc = sessiond_recv(c, id, deadline, kept && repeatable, resp);
		if (rc != SESSIOND_OK)
			sessiond_close(c);
		if (rc != CALL_RETRY)
			break;
	}
	c->used_ms = clock_mono_ms();
	if (rc != SESSIOND_OK)
		goto out;
	if (ipc_msg_str(*resp, "error", &err, &errlen) == 0) {
		rc = sessiond_rc_from_err(ipc_err_parse(err, errlen));
		if (ipc_msg_str(*resp, "message", &err, &errlen) == 0) {
			if (errlen >= sizeof(c->msg))
				errlen = sizeof(c->msg) - 1;
			memcpy(c->msg, err, errlen);
			c->msg[errlen] = '\0';
		}
		if (rc == SESSIOND_RATE_LIMITED && retry_after_s != NULL &&
		    ipc_msg_int(*resp, "retryAfter", &ra) == 0 && ra > 0 &&
		    ra <= INT32_MAX)
			*retry_after_s = (int)ra;
		/* A frame-level error means the daemon closes the connection. */
		if (ipc_msg_int(*resp, "id", &ra) == 0 && ra == 0)
			sessiond_close(c);
		json_object_put(*resp);
		*resp = NULL;
	}
out:
	free(frame);
	json_object_put(req);
	return rc;
}

static struct json_object *
sessiond_req(const char *op, const char *session_id)
{
	struct json_object *req = json_object_new_object();

	if (req == NULL)
		return NULL;
	if (json_object_object_add(req, "op", json_object_new_string(op)) != 0 ||
	    (session_id != NULL && json_object_object_add(req, "session",
	    json_object_new_string(session_id)) != 0)) {
		json_object_put(req);
		return NULL;
	}
	return req;
}

static int
sessiond_simple(struct sessiond_client *c, struct json_object *req, int timeout_ms)
{
	struct json_object *resp;
	int rc = sessiond_call(c, req, timeout_ms, &resp, NULL);

	json_object_put(resp);
	return rc;
}

int
sessiond_ping(struct sessiond_client *c, int timeout_ms)
{
	return sessiond_simple(c, sessiond_req("ping", NULL), timeout_ms);
}

int
sessiond_check(struct sessiond_client *c, const char *session_id,
    const char *const *phones, size_t n, int timeout_ms,
    struct sessiond_check_result *results, int *retry_after_s)
{
	struct json_object *req, *arr, *resp = NULL, *list, *item;
	const char *s;
	size_t i, len;
	int rc, b;

	if (retry_after_s != NULL)
		*retry_after_s = 0;
	if (n == 0 || n > SESSIOND_CHECK_MAX)
		return SESSIOND_BAD_REQUEST;
	if ((req = sessiond_req("check", session_id)) == NULL ||
	    (arr = json_object_new_array_ext((int)n)) == NULL ||
	    json_object_object_add(req, "phones", arr) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	for (i = 0; i < n; i++)
		if (json_object_array_add(arr, json_object_new_string(phones[i])) != 0) {
			json_object_put(req);
			return SESSIOND_ERROR;
		}
	if ((rc = sessiond_call(c, req, timeout_ms, &resp, retry_after_s)) != SESSIOND_OK)
		return rc;
	rc = SESSIOND_ERROR;
	if (!json_object_object_get_ex(resp, "results", &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) != n)
		goto out;
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(list, i);
		memset(&results[i], 0, sizeof(results[i]));
		if (!json_object_is_type(item, json_type_object) ||
		    ipc_msg_str(item, "phone", &s, &len) != 0 ||
		    len >= sizeof(results[i].phone) ||
		    ipc_msg_bool(item, "onWhatsApp", &b) != 0)
			goto out;
		memcpy(results[i].phone, s, len + 1);
		results[i].on_whatsapp = b;
		if (b) {
			if (ipc_msg_str(item, "jid", &s, &len) != 0 ||
			    len >= sizeof(results[i].jid))
				goto out;
			memcpy(results[i].jid, s, len + 1);
		}
	}
	rc = SESSIOND_OK;
out:
	json_object_put(resp);
	return rc;
}

int
sessiond_about(struct sessiond_client *c, const char *session_id,
    const char *jid, int timeout_ms, char *about, int *retry_after_s)
{
	struct json_object *req, *resp = NULL;
	const char *s;
	size_t len;
	int rc;

	about[0] = '\0';
	if ((req = sessiond_req("about", session_id)) == NULL ||
	    json_object_object_add(req, "jid", json_object_new_string(jid)) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	if ((rc = sessiond_call(c, req, timeout_ms, &resp, retry_after_s)) != SESSIOND_OK)
		return rc;
	if (ipc_msg_str(resp, "about", &s, &len) != 0 || len > SESSIOND_ABOUT_MAX)
		rc = SESSIOND_ERROR;
	else
		memcpy(about, s, len + 1);
	json_object_put(resp);
	return rc;
}

int
sessiond_session_status(struct sessiond_client *c, const char *session_id,
    int timeout_ms, struct sessiond_status *out)
{
	struct json_object *resp = NULL;
	const char *s;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = sessiond_call(c, sessiond_req("status", session_id), timeout_ms,
	    &resp, NULL);
	if (rc != SESSIOND_OK)
		return rc;
	if (ipc_msg_bool(resp, "connected", &out->connected) != 0 ||
	    ipc_msg_str(resp, "state", &s, &len) != 0 || len >= sizeof(out->state))
		rc = SESSIOND_ERROR;
	else
		memcpy(out->state, s, len + 1);
	if (rc != SESSIOND_OK || ipc_msg_str(resp, "reason", &s, &len) != 0)
		rc = SESSIOND_ERROR;
	else {
		if (len >= sizeof(out->reason))
			len = sizeof(out->reason) - 1;
		memcpy(out->reason, s, len);
		out->reason[len] = '\0';
	}
	json_object_put(resp);
	return rc;
}

int
sessiond_session_connect(struct sessiond_client *c, const char *session_id,
    int timeout_ms)
{
	return sessiond_simple(c, sessiond_req("connect", session_id), timeout_ms);
}

int
sessiond_session_disconnect(struct sessiond_client *c, const char *session_id,
    int timeout_ms)
{
	return sessiond_simple(c, sessiond_req("disconnect", session_id), timeout_ms);
}

/* Reads a reply's session (and pairing) into out (may be NULL). */
static int
sessiond_session_reply(struct json_object *resp, struct sessiond_session *out)
{
	struct json_object *v;
	int64_t seq;

	if (out == NULL)
		return SESSIOND_OK;
	memset(out, 0, sizeof(*out));
	if (!json_object_object_get_ex(resp, "session", &v) ||
	    ipc_session_from_json(v, &out->s) == -1 ||
	    ipc_msg_int(resp, "seq", &seq) != 0 || seq < 0)
		return SESSIOND_ERROR;
	out->seq = (uint64_t)seq;
	if (json_object_object_get_ex(resp, "pairing", &v) &&
	    ipc_pairing_from_json(v, &out->pairing) == -1)
		return SESSIOND_ERROR;
	return SESSIOND_OK;
}

static int
sessiond_session_run(struct sessiond_client *c, struct json_object *req,
    int timeout_ms, struct sessiond_session *out)
{
	struct json_object *resp = NULL;
	int rc;

	if ((rc = sessiond_call(c, req, timeout_ms, &resp, NULL)) == SESSIOND_OK)
		rc = sessiond_session_reply(resp, out);
	json_object_put(resp);
	return rc;
}

int
sessiond_session_call(struct sessiond_client *c, const char *op,
    const char *session_id, int timeout_ms, struct sessiond_session *out)
{
	/* A delete answers with nothing. */
	if (strcmp(op, "session_delete") == 0)
		out = NULL;
	return sessiond_session_run(c, sessiond_req(op, session_id), timeout_ms, out);
}

int
sessiond_session_create(struct sessiond_client *c, const char *org,
    const char *label, int start, int timeout_ms, struct sessiond_session *out)
{
	struct json_object *req = sessiond_req("session_create", NULL);

	if (req == NULL ||
	    json_object_object_add(req, "org", json_object_new_string(org)) != 0 ||
	    (label != NULL && json_object_object_add(req, "label",
	    json_object_new_string(label)) != 0) ||
	    json_object_object_add(req, "start", json_object_new_boolean(start)) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	return sessiond_session_run(c, req, timeout_ms, out);
}

int
sessiond_session_pair_code(struct sessiond_client *c, const char *session_id,
    const char *phone, int timeout_ms, struct sessiond_session *out)
{
	struct json_object *req = sessiond_req("session_pair_code", session_id);

	if (req == NULL ||
	    json_object_object_add(req, "phone", json_object_new_string(phone)) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	return sessiond_session_run(c, req, timeout_ms, out);
}

int
sessiond_session_wait(struct sessiond_client *c, const char *session_id,
    uint64_t after, int wait_ms, int timeout_ms, struct sessiond_session *out)
{
	struct json_object *req = sessiond_req("session_wait", session_id);

	if (req == NULL ||
	    json_object_object_add(req, "after", json_object_new_int64((int64_t)after)) != 0 ||
	    json_object_object_add(req, "timeoutMs", json_object_new_int64(wait_ms)) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	return sessiond_session_run(c, req, timeout_ms, out);
}

int
sessiond_sim(struct sessiond_client *c, const char *op, const char *a,
    const char *b, int timeout_ms)
{
	struct json_object *req = sessiond_req(op, NULL);
	const char *ka = strcmp(op, "sim_scan") == 0 ? "qr" :
	    strcmp(op, "sim_link_code") == 0 ? "code" : "session";

	if (req == NULL ||
	    json_object_object_add(req, ka, json_object_new_string(a)) != 0 ||
	    (b != NULL && json_object_object_add(req, "account",
	    json_object_new_string(b)) != 0)) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	return sessiond_simple(c, req, timeout_ms);
}

const char *
sessiond_message(const struct sessiond_client *c)
{
	return c->msg;
}

int
sessiond_jwks_refresh(struct sessiond_client *c, int timeout_ms)
{
	return sessiond_simple(c, sessiond_req("jwks_refresh", NULL), timeout_ms);
}

int
sessiond_key_used(struct sessiond_client *c, const char *key_id, int64_t at_ms,
    int timeout_ms)
{
	struct json_object *req = sessiond_req("key_used", NULL);

	if (req == NULL ||
	    json_object_object_add(req, "keyId", json_object_new_string(key_id)) != 0 ||
	    json_object_object_add(req, "at", json_object_new_int64(at_ms)) != 0) {
		json_object_put(req);
		return SESSIOND_ERROR;
	}
	return sessiond_simple(c, req, timeout_ms);
}

const char *
sessiond_rc_str(int rc)
{
	switch (rc) {
	case SESSIOND_OK:		return "ok";
	case SESSIOND_UNAVAILABLE:	return "session daemon unavailable";
	case SESSIOND_TIMEOUT:		return "session daemon timed out";
	case SESSIOND_NOT_CONNECTED:	return "session not connected";
	case SESSIOND_RATE_LIMITED:	return "lookup budget spent";
	case SESSIOND_NOT_FOUND:	return "session not held by the daemon";
	case SESSIOND_BAD_REQUEST:	return "request rejected by the daemon";
	case SESSIOND_CONFLICT:		return "the session's state does not allow it";
	default:			return "session daemon protocol error";
	}
}
