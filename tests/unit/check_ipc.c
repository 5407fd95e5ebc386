/*
 * The sessiond protocol codec (ipc_frame, ipc_msg) and the client's
 * behaviour when no daemon answers.  The client against a real daemon
 * is in check_sessiond.c.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"
#include "ipc/sessiond_client.h"
#include "unit.h"

static const struct {
	int		 line;
	unsigned char	 h[IPC_HEADER_LEN];
	size_t		 avail;
	int		 rc;
	int		 type;
	size_t		 len;
} frames[] = {
	{ __LINE__, { 'W', 'G', 1, 1, 0, 0, 0, 5 }, 8, IPC_FRAME_OK, 1, 5 },
	{ __LINE__, { 'W', 'G', 1, 2, 0, 1, 0, 0 }, 8, IPC_FRAME_OK, 2, 65536 },
	{ __LINE__, { 'W', 'G', 1, 1, 0, 0, 0, 0 }, 8, IPC_FRAME_OK, 1, 0 },
	{ __LINE__, { 'W', 'G', 1, 1, 0, 1, 0, 1 }, 8, IPC_FRAME_TOO_LARGE, 0, 0 },
	{ __LINE__, { 'W', 'G', 1, 1, 0xff, 0xff, 0xff, 0xff }, 8, IPC_FRAME_TOO_LARGE, 0, 0 },
	{ __LINE__, { 'W', 'G', 2, 1, 0, 0, 0, 5 }, 8, IPC_FRAME_VERSION, 0, 0 },
	{ __LINE__, { 'W', 'G', 1, 3, 0, 0, 0, 5 }, 8, IPC_FRAME_TYPE, 0, 0 },
	{ __LINE__, { 'W', 'g', 1, 1, 0, 0, 0, 5 }, 8, IPC_FRAME_MAGIC, 0, 0 },
	{ __LINE__, { 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T' }, 8, IPC_FRAME_MAGIC, 0, 0 },
	{ __LINE__, { 'W', 'G', 1, 1, 0, 0, 0, 5 }, 7, IPC_FRAME_SHORT, 0, 0 },
	{ __LINE__, { 0 }, 0, IPC_FRAME_SHORT, 0, 0 },
};

START_TEST(frame_parse_table)
{
	int type = 0;
	size_t len = 0;
	int rc = ipc_frame_parse(frames[_i].h, frames[_i].avail, &type, &len);

	ck_assert_msg(rc == frames[_i].rc, "line %d: rc %d", frames[_i].line, rc);
	if (rc == IPC_FRAME_OK) {
		ck_assert_msg(type == frames[_i].type, "line %d", frames[_i].line);
		ck_assert_msg(len == frames[_i].len, "line %d", frames[_i].line);
	}
	ck_assert_ptr_nonnull(ipc_frame_rc_str(rc));
}
END_TEST

START_TEST(frame_header_roundtrip)
{
	static const size_t lens[] = { 0, 1, 255, 256, 65535, IPC_PAYLOAD_MAX };
	unsigned char h[IPC_HEADER_LEN];
	size_t i, len;
	int type;

	for (i = 0; i < N_ELEM(lens); i++) {
		ipc_frame_header(h, IPC_TYPE_RESPONSE, lens[i]);
		ck_assert_int_eq(ipc_frame_parse(h, sizeof(h), &type, &len), IPC_FRAME_OK);
		ck_assert_int_eq(type, IPC_TYPE_RESPONSE);
		ck_assert_uint_eq(len, lens[i]);
	}
}
END_TEST

static const struct {
	int		 line;
	const char	*text;
	int		 ok;
} payloads[] = {
	{ __LINE__, "{\"id\":1,\"op\":\"ping\"}", 1 },
	{ __LINE__, " {\"a\":[1,2,{\"b\":null}]} ", 1 },
	{ __LINE__, "{}", 1 },
	{ __LINE__, "", 0 },
	{ __LINE__, "[1]", 0 },
	{ __LINE__, "\"x\"", 0 },
	{ __LINE__, "{\"id\":1} {\"id\":2}", 0 },
	{ __LINE__, "{\"id\":1}x", 0 },
	{ __LINE__, "{\"id\":1", 0 },
	{ __LINE__, "{'id':1}", 0 },
	{ __LINE__, "{\"id\":1,}", 0 },
	{ __LINE__, "{\"s\":\"\xff\xfe\"}", 0 },
	{ __LINE__, "{\"a\":[[[[[[[[[[1]]]]]]]]]]}", 0 },
	{ __LINE__, "{\"n\":NaN}", 0 },
};

START_TEST(msg_parse_table)
{
	struct json_object *o = ipc_msg_parse(payloads[_i].text, strlen(payloads[_i].text));

	ck_assert_msg((o != NULL) == payloads[_i].ok, "line %d", payloads[_i].line);
	json_object_put(o);
}
END_TEST

START_TEST(msg_getters_are_typed)
{
	static const char text[] = "{\"s\":\"ab\",\"nul\":\"a\\u0000b\",\"i\":42,"
	    "\"is\":\"42\",\"big\":99999999999999999999,\"neg\":-5,\"b\":true,"
	    "\"f\":1.5}";
	struct json_object *o = ipc_msg_parse(text, strlen(text));
	const char *s;
	size_t len;
	int64_t v;
	int b;

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(ipc_msg_str(o, "s", &s, &len), 0);
	ck_assert_str_eq(s, "ab");
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(ipc_msg_str(o, "nul", &s, &len), -1);
	ck_assert_int_eq(ipc_msg_str(o, "i", &s, &len), -1);
	ck_assert_int_eq(ipc_msg_str(o, "absent", &s, &len), 1);
	ck_assert_int_eq(ipc_msg_int(o, "i", &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(ipc_msg_int(o, "neg", &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(ipc_msg_int(o, "is", &v), -1);
	ck_assert_int_eq(ipc_msg_int(o, "big", &v), -1);
	ck_assert_int_eq(ipc_msg_int(o, "f", &v), -1);
	ck_assert_int_eq(ipc_msg_int(o, "absent", &v), 1);
	ck_assert_int_eq(ipc_msg_bool(o, "b", &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(ipc_msg_bool(o, "i", &b), -1);
	json_object_put(o);
}
END_TEST

START_TEST(msg_frame_roundtrip)
{
	struct json_object *o = json_object_new_object(), *back;
	unsigned char *buf;
	const char *s;
	size_t len, plen;
	int type;

	json_object_object_add(o, "about", json_object_new_string("h\xc3\xa9/\"x\""));
	ck_assert_ptr_nonnull(buf = ipc_msg_frame(o, IPC_TYPE_RESPONSE, &len));
	ck_assert_int_eq(ipc_frame_parse(buf, len, &type, &plen), IPC_FRAME_OK);
	ck_assert_uint_eq(len, IPC_HEADER_LEN + plen);
	ck_assert_ptr_nonnull(back = ipc_msg_parse((char *)buf + IPC_HEADER_LEN, plen));
	ck_assert_int_eq(ipc_msg_str(back, "about", &s, NULL), 0);
	ck_assert_str_eq(s, "h\xc3\xa9/\"x\"");
	free(buf);
	json_object_put(back);
	json_object_put(o);
}
END_TEST

START_TEST(msg_frame_refuses_oversized)
{
	struct json_object *o = json_object_new_object();
	char *big = malloc(IPC_PAYLOAD_MAX + 1);
	size_t len;

	memset(big, 'a', IPC_PAYLOAD_MAX);
	big[IPC_PAYLOAD_MAX] = '\0';
	json_object_object_add(o, "x", json_object_new_string(big));
	ck_assert_ptr_null(ipc_msg_frame(o, IPC_TYPE_REQUEST, &len));
	free(big);
	json_object_put(o);
}
END_TEST

START_TEST(err_names_roundtrip)
{
	int i;

	for (i = 0; i < IPC_ERR_COUNT; i++)
		ck_assert_int_eq(ipc_err_parse(ipc_err_str(i), strlen(ipc_err_str(i))), i);
	ck_assert_int_eq(ipc_err_parse("rate_limited", 12), IPC_ERR_RATE_LIMITED);
	ck_assert_int_eq(ipc_err_parse("rate_limite", 11), IPC_ERR_INTERNAL);
	ck_assert_int_eq(ipc_err_parse("whatever", 8), IPC_ERR_INTERNAL);
	for (i = SESSIOND_OK; i <= SESSIOND_ERROR; i++)
		ck_assert_ptr_nonnull(sessiond_rc_str(i));
}
END_TEST

static char dir[256], sock[300];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/wagw-ipc-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/s.sock", dir);
}

static void
teardown(void)
{
	unlink(sock);
	rmdir(dir);
}

static int
bind_socket(int do_listen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_uint_lt(strlen(sock), sizeof(sun.sun_path));
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (do_listen)
		ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

START_TEST(client_socket_missing_is_unavailable)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	struct sessiond_check_result res[1];
	const char *phones[] = { "14155550123" };
	char about[SESSIOND_ABOUT_MAX + 1];
	struct sessiond_status st;
	int ra = -1;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(sessiond_ping(c, 500), SESSIOND_UNAVAILABLE);
	ck_assert_int_eq(sessiond_check(c, "S1", phones, 1, 500, res, &ra),
	    SESSIOND_UNAVAILABLE);
	ck_assert_int_eq(ra, 0);
	ck_assert_int_eq(sessiond_about(c, "S1", "1@lid", 500, about, NULL),
	    SESSIOND_UNAVAILABLE);
	ck_assert_int_eq(sessiond_session_status(c, "S1", 500, &st), SESSIOND_UNAVAILABLE);
	ck_assert_int_eq(sessiond_key_used(c, "k", 1, 500), SESSIOND_UNAVAILABLE);
	sessiond_client_free(c);
	sessiond_client_free(NULL);
}
END_TEST

START_TEST(client_refused_is_unavailable)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	int fd = bind_socket(0);	/* a stale socket: bound, nobody listening */

	ck_assert_int_eq(sessiond_ping(c, 500), SESSIOND_UNAVAILABLE);
	close(fd);
	sessiond_client_free(c);
}
END_TEST

START_TEST(client_silent_daemon_is_timeout)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	int fd = bind_socket(1);	/* accepts (backlog), never answers */
	int64_t t0 = clock_mono_ms(), dt;

	ck_assert_int_eq(sessiond_ping(c, 150), SESSIOND_TIMEOUT);
	dt = clock_mono_ms() - t0;
	ck_assert_int_ge(dt, 140);
	ck_assert_int_lt(dt, 1000);
	close(fd);
	sessiond_client_free(c);
}
END_TEST

START_TEST(client_rejects_bad_arguments)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	struct sessiond_check_result res[1];
	const char *phones[SESSIOND_CHECK_MAX + 1] = { 0 };
	char longpath[200];

	ck_assert_int_eq(sessiond_check(c, "S1", phones, 0, 100, res, NULL),
	    SESSIOND_BAD_REQUEST);
	ck_assert_int_eq(sessiond_check(c, "S1", phones, SESSIOND_CHECK_MAX + 1, 100,
	    res, NULL), SESSIOND_BAD_REQUEST);
	sessiond_client_free(c);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_ptr_null(sessiond_client_new(longpath));
}
END_TEST

/* ---- a daemon that dies with a request unanswered ---- */

static int
fake_read(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, buf + got, len - got)) <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static void
fake_say(int report, const char *what)
{
	if (write(report, what, strlen(what)) == -1 || write(report, "\n", 1) == -1)
		_exit(1);
}

/*
 * A daemon on lfd, one connection at a time.  Every request's op goes to
 * report, one a line.  ping is answered; any other op gets the error
 * not_found.  On the first connection, request number hangup (from 1) is
 * read whole and the connection closed with it unanswered (a daemon that
 * died mid-request); hangup -1: the connection is closed after the first
 * answer, before any other request ("closed" on report).
 */
static void
fake_daemon(int lfd, int hangup, int report)
{
	unsigned char h[IPC_HEADER_LEN], p[4096], *frame;
	struct json_object *req, *resp;
	const char *op;
	size_t len, flen;
	int64_t id;
	int fd, type, conn = 0, nreq;

	while ((fd = accept(lfd, NULL, NULL)) != -1) {
		conn++;
		for (nreq = 1; fake_read(fd, h, sizeof(h)) == 0; nreq++) {
			if (ipc_frame_parse(h, sizeof(h), &type, &len) != IPC_FRAME_OK ||
			    len > sizeof(p) || fake_read(fd, p, len) == -1 ||
			    (req = ipc_msg_parse((char *)p, len)) == NULL ||
			    ipc_msg_str(req, "op", &op, &len) != 0 ||
			    ipc_msg_int(req, "id", &id) != 0)
				_exit(1);
			fake_say(report, op);
			if (conn == 1 && nreq == hangup)
				break;
			resp = json_object_new_object();
			json_object_object_add(resp, "id", json_object_new_int64(id));
			if (strcmp(op, "ping") != 0) {
				json_object_object_add(resp, "error",
				    json_object_new_string("not_found"));
				json_object_object_add(resp, "message",
				    json_object_new_string("fake"));
			}
			frame = ipc_msg_frame(resp, IPC_TYPE_RESPONSE, &flen);
			if (frame == NULL || write(fd, frame, flen) != (ssize_t)flen)
				_exit(1);
			free(frame);
			json_object_put(resp);
			json_object_put(req);
			if (conn == 1 && hangup == -1) {
				fake_say(report, "closed");
				break;
			}
		}
		close(fd);
	}
	_exit(0);
}

static pid_t
fake_start(int hangup, int *report)
{
	int lfd = bind_socket(1), p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		fake_daemon(lfd, hangup, p[1]);
	}
	close(lfd);
	close(p[1]);
	*report = p[0];
	return pid;
}

static void
fake_stop(pid_t pid, int report)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(report);
}

/* What the fake daemon reported within ms of quiet, lines joined by ' '. */
static void
fake_heard(int report, int ms, char *out, size_t len)
{
	struct pollfd p = { .fd = report, .events = POLLIN };
	size_t n = 0;
	ssize_t got;

	while (n + 1 < len && poll(&p, 1, ms) == 1 &&
	    (got = read(report, out + n, len - n - 1)) > 0)
		n += (size_t)got;
	out[n] = '\0';
	for (got = 0; (size_t)got < n; got++)
		if (out[got] == '\n')
			out[got] = (size_t)got + 1 == n ? '\0' : ' ';
}

/* Runs op on c; its answer (not_found from the fake, or why not). */
static int
fake_call(struct sessiond_client *c, const char *op)
{
	struct sessiond_check_result res[1];
	const char *phones[] = { "14155550123" };
	char about[SESSIOND_ABOUT_MAX + 1];
	struct sessiond_status st;
	struct sessiond_session ss;

	if (strcmp(op, "session_create") == 0)
		return sessiond_session_create(c, "o1", "x", 0, 2000, &ss);
	if (strcmp(op, "session_pair_code") == 0)
		return sessiond_session_pair_code(c, "S1", "14155550123", 2000, &ss);
	if (strcmp(op, "session_wait") == 0)
		return sessiond_session_wait(c, "S1", 0, 100, 2000, &ss);
	if (strncmp(op, "session_", 8) == 0)
		return sessiond_session_call(c, op, "S1", 2000, &ss);
	if (strncmp(op, "sim_", 4) == 0)
		return sessiond_sim(c, op, "x", NULL, 2000);
	if (strcmp(op, "check") == 0)
		return sessiond_check(c, "S1", phones, 1, 2000, res, NULL);
	if (strcmp(op, "about") == 0)
		return sessiond_about(c, "S1", "1@lid", 2000, about, NULL);
	if (strcmp(op, "status") == 0)
		return sessiond_session_status(c, "S1", 2000, &st);
	if (strcmp(op, "connect") == 0)
		return sessiond_session_connect(c, "S1", 2000);
	if (strcmp(op, "disconnect") == 0)
		return sessiond_session_disconnect(c, "S1", 2000);
	if (strcmp(op, "key_used") == 0)
		return sessiond_key_used(c, "k1", 1, 2000);
	ck_assert_str_eq(op, "jwks_refresh");
	return sessiond_jwks_refresh(c, 2000);
}

static const struct {
	int		 line;
	const char	*op;
	int		 again;		/* sent again on a new connection */
} repeat[] = {
	/* Not safe to do twice: a second session, a delete answered 404 or
	 * 409 for a session that is gone, a second restart, a code that
	 * replaces the first, a QR or code used twice, a second drop. */
	{ __LINE__, "session_create", 0 },
	{ __LINE__, "session_delete", 0 },
	{ __LINE__, "session_restart", 0 },
	{ __LINE__, "session_pair_code", 0 },
	{ __LINE__, "sim_scan", 0 },
	{ __LINE__, "sim_link_code", 0 },
	{ __LINE__, "sim_unlink", 0 },
	{ __LINE__, "sim_drop", 0 },
	/* Safe: the same answer, the same state. */
	{ __LINE__, "session_get", 1 },
	{ __LINE__, "session_start", 1 },
	{ __LINE__, "session_stop", 1 },
	{ __LINE__, "session_logout", 1 },
	{ __LINE__, "session_qr", 1 },
	{ __LINE__, "session_wait", 1 },
	{ __LINE__, "check", 1 },
	{ __LINE__, "about", 1 },
	{ __LINE__, "status", 1 },
	{ __LINE__, "connect", 1 },
	{ __LINE__, "disconnect", 1 },
	{ __LINE__, "key_used", 1 },
	{ __LINE__, "jwks_refresh", 1 },
};

/*
 * A kept connection ends after the request went out and before its
 * answer: only what is safe to repeat is sent again; the rest is
 * unavailable (503), never done twice.
 */
START_TEST(client_resends_only_what_is_safe_to_repeat)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	char heard[256], want[256];
	int report;
	pid_t pid = fake_start(2, &report);

	ck_assert_int_eq(sessiond_ping(c, 2000), SESSIOND_OK);
	ck_assert_int_eq(fake_call(c, repeat[_i].op),
	    repeat[_i].again ? SESSIOND_NOT_FOUND : SESSIOND_UNAVAILABLE);
	fake_heard(report, 200, heard, sizeof(heard));
	snprintf(want, sizeof(want), "ping %s%s%s", repeat[_i].op,
	    repeat[_i].again ? " " : "", repeat[_i].again ? repeat[_i].op : "");
	ck_assert_msg(strcmp(heard, want) == 0, "line %d: the daemon heard \"%s\"",
	    repeat[_i].line, heard);
	/* The next call works on a new connection. */
	ck_assert_int_eq(sessiond_ping(c, 2000), SESSIOND_OK);
	sessiond_client_free(c);
	fake_stop(pid, report);
}
END_TEST

/* A kept connection found dead before anything went out: every op goes again. */
START_TEST(client_resends_what_never_left)
{
	struct sessiond_client *c = sessiond_client_new(sock);
	char heard[256];
	int report;
	pid_t pid = fake_start(-1, &report);

	ck_assert_int_eq(sessiond_ping(c, 2000), SESSIOND_OK);
	fake_heard(report, 200, heard, sizeof(heard));
	ck_assert_str_eq(heard, "ping closed");
	ck_assert_int_eq(fake_call(c, "session_create"), SESSIOND_NOT_FOUND);
	fake_heard(report, 200, heard, sizeof(heard));
	ck_assert_str_eq(heard, "session_create");
	sessiond_client_free(c);
	fake_stop(pid, report);
}
END_TEST

static Suite *
ipc_suite(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = tcase_create("codec");

	tcase_add_loop_test(tc, frame_parse_table, 0, N_ELEM(frames));
	tcase_add_test(tc, frame_header_roundtrip);
	tcase_add_loop_test(tc, msg_parse_table, 0, N_ELEM(payloads));
	tcase_add_test(tc, msg_getters_are_typed);
	tcase_add_test(tc, msg_frame_roundtrip);
	tcase_add_test(tc, msg_frame_refuses_oversized);
	tcase_add_test(tc, err_names_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("client");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, client_socket_missing_is_unavailable);
	tcase_add_test(tc, client_refused_is_unavailable);
	tcase_add_test(tc, client_silent_daemon_is_timeout);
	tcase_add_test(tc, client_rejects_bad_arguments);
	tcase_add_loop_test(tc, client_resends_only_what_is_safe_to_repeat, 0,
	    N_ELEM(repeat));
	tcase_add_test(tc, client_resends_what_never_left);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_ipc", ipc_suite)
