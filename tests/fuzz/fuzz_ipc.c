/*
 * libFuzzer target: the wagw-sessiond protocol codec (ipc/ipc_frame.h,
 * ipc/ipc_msg.h) and the client's handling of daemon answers
 * (ipc/sessiond_client.h).  The first byte picks the mode:
 *   0   the rest is a byte stream cut into frames; each payload is
 *       parsed, read through the typed getters, re-framed and re-parsed
 *       (the round trip must hold);
 *   1-3 the rest is what a fake daemon (a thread on a Unix socket in a
 *       temporary directory) answers to a check, about or status call;
 *       the client must return a known code and well-formed results;
 *   4   the rest is a JSON object read as a session and as a pairing
 *       (ipc/ipc_session.h), whole and through its "session" and
 *       "pairing" members: what is read is NUL-terminated within its
 *       field, and writing it out and reading it back gives it again;
 *   5   the fake daemon answers a session call (session_get, or a
 *       session_wait when the answer's length is odd): the session and
 *       pairing read from it hold the same.
 * The first byte's value modulo 6 is the mode.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/status.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"
#include "ipc/ipc_session.h"
#include "ipc/sessiond_client.h"

#define FUZZ_PHONE	"14155550123"
#define FUZZ_JID	"14155550123@s.whatsapp.net"
#define FUZZ_TIMEOUT_MS	2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64], fuzz_sock[128];
static int fuzz_lfd = -1;
static const uint8_t *fuzz_answer;
static size_t fuzz_answer_len;
static sem_t fuzz_done;

static void
fuzz_getters(struct json_object *obj)
{
	static const char *const keys[] = { "id", "op", "session", "phones",
	    "jid", "error", "message", "retryAfter", "about", "connected",
	    "reason", "results", "keyId", "at" };
	const char *s;
	size_t i, len;
	int64_t v;
	int b, rc, e;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		rc = ipc_msg_str(obj, keys[i], &s, &len);
		if (rc < -1 || rc > 1 || (rc == 0 && (s == NULL || strlen(s) != len)))
			__builtin_trap();
		if (rc == 0) {
			e = ipc_err_parse(s, len);
			if (e < 0 || e >= IPC_ERR_COUNT ||
			    (e != IPC_ERR_INTERNAL && strcmp(ipc_err_str(e), s) != 0))
				__builtin_trap();
		}
		rc = ipc_msg_int(obj, keys[i], &v);
		if (rc < -1 || rc > 1)
			__builtin_trap();
		rc = ipc_msg_bool(obj, keys[i], &b);
		if (rc < -1 || rc > 1 || (rc == 0 && b != 0 && b != 1))
			__builtin_trap();
	}
}

static void
fuzz_codec(const uint8_t *data, size_t size)
{
	struct json_object *obj, *again;
	unsigned char *frame;
	const char *a, *b;
	size_t plen, flen, plen2;
	int type, type2;

	while (ipc_frame_parse(data, size, &type, &plen) == IPC_FRAME_OK) {
		if ((type != IPC_TYPE_REQUEST && type != IPC_TYPE_RESPONSE) ||
		    plen > IPC_PAYLOAD_MAX)
			__builtin_trap();
		if (size - IPC_HEADER_LEN < plen)
			break;
		if ((obj = ipc_msg_parse((const char *)data + IPC_HEADER_LEN,
		    plen)) != NULL) {
			if (!json_object_is_type(obj, json_type_object))
				__builtin_trap();
			fuzz_getters(obj);
			frame = ipc_msg_frame(obj, type, &flen);
			if (frame != NULL) {
				if (ipc_frame_parse(frame, flen, &type2, &plen2) !=
				    IPC_FRAME_OK || type2 != type ||
				    plen2 + IPC_HEADER_LEN != flen)
					__builtin_trap();
				again = ipc_msg_parse((char *)frame + IPC_HEADER_LEN, plen2);
				if (again == NULL)
					__builtin_trap();
				a = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
				b = json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN);
				if (a == NULL || b == NULL || strcmp(a, b) != 0)
					__builtin_trap();
				json_object_put(again);
				free(frame);
			}
			json_object_put(obj);
		}
		data += IPC_HEADER_LEN + plen;
		size -= IPC_HEADER_LEN + plen;
	}
	/* Whatever the header says, its code has a description. */
	if (ipc_frame_rc_str(ipc_frame_parse(data, size, &type, &plen)) == NULL)
		__builtin_trap();
}

/* The fake daemon: reads one request frame, answers fuzz_answer, closes. */
static void *
fuzz_server(void *arg)
{
	unsigned char buf[IPC_HEADER_LEN + IPC_PAYLOAD_MAX];
	size_t have, plen;
	ssize_t n;
	int fd, type;

	(void)arg;
	for (;;) {
		if ((fd = accept(fuzz_lfd, NULL, NULL)) == -1)
			continue;
		have = 0;
		for (;;) {
			if (ipc_frame_parse(buf, have, &type, &plen) == IPC_FRAME_OK &&
			    have >= IPC_HEADER_LEN + plen)
				break;
			if (have == sizeof(buf) ||
			    (n = recv(fd, buf + have, sizeof(buf) - have, 0)) <= 0)
				break;
			have += (size_t)n;
		}
		if (fuzz_answer_len > 0)
			(void)send(fd, fuzz_answer, fuzz_answer_len, MSG_NOSIGNAL);
		close(fd);
		sem_post(&fuzz_done);
	}
	return NULL;
}

static void
fuzz_cleanup(void)
{
	unlink(fuzz_sock);
	rmdir(fuzz_dir);
}

static void
fuzz_setup(void)
{
	struct sockaddr_un sun;
	pthread_t t;

	if (fuzz_lfd != -1)
		return;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_ipc.XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		__builtin_trap();
	snprintf(fuzz_sock, sizeof(fuzz_sock), "%s/s", fuzz_dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, fuzz_sock, strlen(fuzz_sock) + 1);
	if ((fuzz_lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fuzz_lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fuzz_lfd, 4) == -1 || sem_init(&fuzz_done, 0, 0) == -1 ||
	    pthread_create(&t, NULL, fuzz_server, NULL) != 0)
		__builtin_trap();
	atexit(fuzz_cleanup);
}

static void
fuzz_str_ok(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		__builtin_trap();
}

/* A session as read: every string ends within its field, the status is one. */
static void
fuzz_session_ok(const struct store_session *s)
{
	fuzz_str_ok(s->id, sizeof(s->id));
	fuzz_str_ok(s->org, sizeof(s->org));
	fuzz_str_ok(s->link, sizeof(s->link));
	fuzz_str_ok(s->label, sizeof(s->label));
	fuzz_str_ok(s->status, sizeof(s->status));
	fuzz_str_ok(s->reason, sizeof(s->reason));
	fuzz_str_ok(s->phone, sizeof(s->phone));
	fuzz_str_ok(s->jid, sizeof(s->jid));
	fuzz_str_ok(s->lid, sizeof(s->lid));
	fuzz_str_ok(s->push_name, sizeof(s->push_name));
	fuzz_str_ok(s->gateway_id, sizeof(s->gateway_id));
	if (status_parse(s->status, strlen(s->status)) < 0 || s->created_ms < 0 ||
	    s->updated_ms < 0 || s->last_connected_ms < 0)
		__builtin_trap();
}

static void
fuzz_pairing_ok(const struct ipc_pairing *p)
{
	fuzz_str_ok(p->code, sizeof(p->code));
	if ((p->kind != 'q' && p->kind != 'c') || p->code[0] == '\0' ||
	    p->expires_ms < 0)
		__builtin_trap();
}

/* Reads obj as a session and as a pairing; what reads must round-trip. */
static void
fuzz_session_json(struct json_object *obj)
{
	struct store_session s, s2;
	struct ipc_pairing p, p2;
	struct json_object *o;

	if (ipc_session_from_json(obj, &s) == 0) {
		fuzz_session_ok(&s);
		if ((o = ipc_session_to_json(&s)) == NULL ||
		    ipc_session_from_json(o, &s2) != 0 || memcmp(&s, &s2, sizeof(s)) != 0)
			__builtin_trap();
		json_object_put(o);
	}
	if (ipc_pairing_from_json(obj, &p) == 0) {
		fuzz_pairing_ok(&p);
		if ((o = ipc_pairing_to_json(&p)) == NULL ||
		    ipc_pairing_from_json(o, &p2) != 0 || memcmp(&p, &p2, sizeof(p)) != 0)
			__builtin_trap();
		json_object_put(o);
	}
}

static void
fuzz_session(const uint8_t *data, size_t size)
{
	struct json_object *obj, *v;

	if ((obj = ipc_msg_parse((const char *)data, size)) == NULL)
		return;
	fuzz_session_json(obj);
	if (json_object_object_get_ex(obj, "session", &v))
		fuzz_session_json(v);
	if (json_object_object_get_ex(obj, "pairing", &v))
		fuzz_session_json(v);
	json_object_put(obj);
}

static void
fuzz_client(int mode, const uint8_t *data, size_t size)
{
	static const char *const phones[] = { FUZZ_PHONE };
	struct sessiond_check_result res[1];
	struct sessiond_status st;
	struct sessiond_session ss;
	struct sessiond_client *c;
	char about[SESSIOND_ABOUT_MAX + 1];
	struct timespec ts;
	int rc, retry = -1;

	fuzz_setup();
	fuzz_answer = data;
	fuzz_answer_len = size;
	if ((c = sessiond_client_new(fuzz_sock)) == NULL)
		__builtin_trap();
	switch (mode) {
	case 1:
		rc = sessiond_check(c, "S1", phones, 1, FUZZ_TIMEOUT_MS, res, &retry);
		if (rc == SESSIOND_OK) {
			fuzz_str_ok(res[0].phone, sizeof(res[0].phone));
			fuzz_str_ok(res[0].jid, sizeof(res[0].jid));
			if ((res[0].on_whatsapp != 0 && res[0].on_whatsapp != 1) ||
			    (!res[0].on_whatsapp && res[0].jid[0] != '\0'))
				__builtin_trap();
		}
		if (retry < 0 || (rc != SESSIOND_RATE_LIMITED && retry != 0))
			__builtin_trap();
		break;
	case 2:
		rc = sessiond_about(c, "S1", FUZZ_JID, FUZZ_TIMEOUT_MS, about, &retry);
		fuzz_str_ok(about, sizeof(about));
		if (rc != SESSIOND_OK && about[0] != '\0')
			__builtin_trap();
		if (retry < 0)
			__builtin_trap();
		break;
	case 3:
		rc = sessiond_session_status(c, "S1", FUZZ_TIMEOUT_MS, &st);
		fuzz_str_ok(st.reason, sizeof(st.reason));
		if (rc == SESSIOND_OK && st.connected != 0 && st.connected != 1)
			__builtin_trap();
		break;
	default:
		rc = size % 2 ? sessiond_session_wait(c, "S1", 7, 100, FUZZ_TIMEOUT_MS, &ss) :
		    sessiond_session_call(c, "session_get", "S1", FUZZ_TIMEOUT_MS, &ss);
		if (rc == SESSIOND_OK) {
			fuzz_session_ok(&ss.s);
			if (ss.pairing.kind != 0)
				fuzz_pairing_ok(&ss.pairing);
		}
		break;
	}
	if (rc < SESSIOND_OK || rc > SESSIOND_ERROR || sessiond_rc_str(rc) == NULL)
		__builtin_trap();
	/*
	 * Exactly one connection per call: wait for the server to finish it
	 * (a call that never connected is a broken harness, not a finding
	 * to hang on).
	 */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	while ((rc = sem_timedwait(&fuzz_done, &ts)) != 0 && errno == EINTR)
		continue;	/* libFuzzer's -timeout is a SIGALRM */
	if (rc != 0)
		__builtin_trap();
	sessiond_client_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 6) {
	case 0:
		fuzz_codec(data + 1, size - 1);
		break;
	case 4:
		fuzz_session(data + 1, size - 1);
		break;
	default:
		fuzz_client(data[0] % 6, data + 1, size - 1);
		break;
	}
	return 0;
}
