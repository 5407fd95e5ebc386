/*
 * handle_check, handle_about and handle_live_error: parameter checks
 * come first (400), then the daemon: one that is down (no socket, or a
 * stale socket file) is 503, one that accepts and never answers is 504
 * within the deadline.  Real Unix sockets; the daemon's answers that
 * need the daemon itself are covered by the e2e suite.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/clock.h"
#include "common/store.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/response.h"
#include "gateway/route.h"
#include "ipc/sessiond_client.h"
#include "unit.h"

static char dir[256], sock_missing[300], sock_stale[300], sock_silent[300];
static pid_t silent_pid = -1;
static struct store_session sess;

static int
listen_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	return fd;
}

static void
setup(void)
{
	int fd, c;

	snprintf(dir, sizeof(dir), "%s/wagw-live-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock_missing, sizeof(sock_missing), "%s/missing.sock", dir);
	snprintf(sock_stale, sizeof(sock_stale), "%s/stale.sock", dir);
	snprintf(sock_silent, sizeof(sock_silent), "%s/silent.sock", dir);
	/* A socket file nobody listens on any more (a dead daemon's). */
	close(listen_unix(sock_stale));
	/* A daemon that accepts and never says a word. */
	fd = listen_unix(sock_silent);
	if ((silent_pid = fork()) == 0) {
		for (;;)
			if ((c = accept(fd, NULL, NULL)) < 0)
				_exit(0);	/* keep every connection open */
	}
	ck_assert_int_gt(silent_pid, 0);
	close(fd);
	memset(&sess, 0, sizeof(sess));
	sess.rowid = 1;
	snprintf(sess.id, sizeof(sess.id), "S1");
	snprintf(sess.org, sizeof(sess.org), "acme");
}

static void
teardown(void)
{
	char cmd[400];

	if (silent_pid > 0) {
		kill(silent_pid, SIGKILL);
		waitpid(silent_pid, NULL, 0);
		silent_pid = -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const *
params_of(enum route_id id)
{
	const struct route_def *t;
	size_t n, i;

	t = route_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].params;
	ck_abort();
	return NULL;
}

static void
check(struct sessiond_client *sd, int timeout_ms, const char *qs, struct response *r)
{
	struct query q;
	struct query_error err;

	response_init(r);
	ck_assert_msg(query_parse(&q, qs, strlen(qs), params_of(ROUTE_CHECK), &err) == 0,
	    "%s: %s", qs, err.field);
	handle_check(sd, timeout_ms, &sess, &q, r);
}

static void
about(struct sessiond_client *sd, int timeout_ms, const char *jid, struct response *r)
{
	response_init(r);
	handle_about(sd, timeout_ms, &sess, jid, strlen(jid), r);
}

/* The error code of a JSON error body, checked for the envelope's shape. */
static const char *
code_of(const struct response *r, char *buf, size_t len)
{
	struct json_object *body, *err, *code;

	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_ptr_nonnull(body = json_tokener_parse(r->body));
	ck_assert(json_object_object_get_ex(body, "error", &err));
	ck_assert(json_object_object_get_ex(err, "code", &code));
	ck_assert(json_object_object_get_ex(err, "message", NULL));
	snprintf(buf, len, "%s", json_object_get_string(code));
	json_object_put(body);
	return buf;
}

static const struct {
	int		 line;
	const char	*qs;
} bad_phones[] = {
	{ __LINE__, "" },
	{ __LINE__, "phone=" },
	{ __LINE__, "phone=abc" },
	{ __LINE__, "phone=123456" },			/* 6 digits */
	{ __LINE__, "phone=1234567890123456" },		/* 16 digits */
	{ __LINE__, "phone=%2B0123456789" },		/* first digit 0 */
	{ __LINE__, "phone=%2B1+415+555" },		/* spaces */
	{ __LINE__, "phone=%2B1-415-5550123" },
	{ __LINE__, "phone=(415)5550123" },
	{ __LINE__, "phone=++14155550123" },		/* two spaces */
	{ __LINE__, "phone=%2B%2B14155550123" },
	{ __LINE__, "phone=14155550123+" },
	{ __LINE__, "phone=+" },
	{ __LINE__, "phone=%EF%BC%91%EF%BC%94%EF%BC%91%EF%BC%95%EF%BC%95%EF%BC%95%EF%BC%95" },
};

/* Parameters are checked before the daemon is asked: 400, even when it is down. */
START_TEST(check_bad_phone_is_400)
{
	struct sessiond_client *sd = sessiond_client_new(sock_missing);
	struct response r;
	char code[64];
	size_t i;

	for (i = 0; i < N_ELEM(bad_phones); i++) {
		check(sd, 300, bad_phones[i].qs, &r);
		ck_assert_msg(r.status == 400, "line %d: %d", bad_phones[i].line, r.status);
		ck_assert_str_eq(code_of(&r, code, sizeof(code)), "validation_error");
		ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"phone\""));
		response_free(&r);
	}
	sessiond_client_free(sd);
}
END_TEST

static const struct {
	int		 line;
	const char	*jid;
} bad_jids[] = {
	{ __LINE__, "" },
	{ __LINE__, "abc" },
	{ __LINE__, "120363021234567890@g.us" },	/* a group */
	{ __LINE__, "1-2@g.us" },
	{ __LINE__, "123@newsletter" },
	{ __LINE__, "123@S.WHATSAPP.NET" },
	{ __LINE__, "123%40lid" },			/* not decoded twice */
	{ __LINE__, "+123@s.whatsapp.net" },
	{ __LINE__, "123@lid " },
	{ __LINE__, "@lid" },
};

START_TEST(about_bad_jid_is_400)
{
	struct sessiond_client *sd = sessiond_client_new(sock_missing);
	struct response r;
	char code[64];
	size_t i;

	for (i = 0; i < N_ELEM(bad_jids); i++) {
		about(sd, 300, bad_jids[i].jid, &r);
		ck_assert_msg(r.status == 400, "line %d: %d", bad_jids[i].line, r.status);
		ck_assert_str_eq(code_of(&r, code, sizeof(code)), "validation_error");
		ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"jid\""));
		response_free(&r);
	}
	sessiond_client_free(sd);
}
END_TEST

/* Good input, daemon down: 503 gateway_unavailable with Retry-After. */
START_TEST(daemon_down_is_503)
{
	static const char *const good_checks[] = {
		"phone=%2B14155550123", "phone=+14155550123", "phone=14155550123",
	};
	static const char *const good_jids[] = {
		"14155550123@s.whatsapp.net", "14155550123:12@s.whatsapp.net",
		"205227043110953@lid", "205227043110953:3@lid",
	};
	const char *socks[] = { sock_missing, sock_stale };
	struct sessiond_client *sd;
	struct response r;
	char code[64];
	size_t i, k;

	for (k = 0; k < N_ELEM(socks); k++) {
		ck_assert_ptr_nonnull(sd = sessiond_client_new(socks[k]));
		for (i = 0; i < N_ELEM(good_checks); i++) {
			check(sd, 300, good_checks[i], &r);
			ck_assert_msg(r.status == 503, "%s: %d", good_checks[i], r.status);
			ck_assert_str_eq(code_of(&r, code, sizeof(code)), "gateway_unavailable");
			ck_assert_int_gt(r.retry_after, 0);
			response_free(&r);
		}
		for (i = 0; i < N_ELEM(good_jids); i++) {
			about(sd, 300, good_jids[i], &r);
			ck_assert_msg(r.status == 503, "%s: %d", good_jids[i], r.status);
			ck_assert_str_eq(code_of(&r, code, sizeof(code)), "gateway_unavailable");
			response_free(&r);
		}
		sessiond_client_free(sd);
	}
}
END_TEST

/* A daemon that never answers: 504 within the deadline. */
START_TEST(daemon_silent_is_504)
{
	struct sessiond_client *sd = sessiond_client_new(sock_silent);
	struct response r;
	char code[64];
	int64_t t0, dt;

	t0 = clock_mono_ms();
	check(sd, 300, "phone=%2B14155550123", &r);
	dt = clock_mono_ms() - t0;
	ck_assert_int_eq(r.status, 504);
	ck_assert_str_eq(code_of(&r, code, sizeof(code)), "gateway_timeout");
	ck_assert_msg(dt >= 250 && dt < 1500, "took %lld ms", (long long)dt);
	response_free(&r);

	t0 = clock_mono_ms();
	about(sd, 300, "205227043110953@lid", &r);
	dt = clock_mono_ms() - t0;
	ck_assert_int_eq(r.status, 504);
	ck_assert_str_eq(code_of(&r, code, sizeof(code)), "gateway_timeout");
	ck_assert_msg(dt >= 250 && dt < 1500, "took %lld ms", (long long)dt);
	response_free(&r);
	sessiond_client_free(sd);
}
END_TEST

/* Every daemon outcome maps to its documented error. */
static const struct {
	int		 line;
	int		 rc;
	int		 retry_in;
	int		 status;
	const char	*code;
	int		 retry_out;
} mapping[] = {
	{ __LINE__, SESSIOND_NOT_CONNECTED, 0, 501, "not_implemented", 0 },
	{ __LINE__, SESSIOND_NOT_FOUND, 0, 501, "not_implemented", 0 },
	{ __LINE__, SESSIOND_UNAVAILABLE, 0, 503, "gateway_unavailable", 5 },
	{ __LINE__, SESSIOND_TIMEOUT, 0, 504, "gateway_timeout", 0 },
	{ __LINE__, SESSIOND_RATE_LIMITED, 17, 429, "rate_limited", 17 },
	{ __LINE__, SESSIOND_RATE_LIMITED, 0, 429, "rate_limited", 1 },
	{ __LINE__, SESSIOND_BAD_REQUEST, 0, 500, "internal", 0 },
	{ __LINE__, SESSIOND_ERROR, 0, 500, "internal", 0 },
	{ __LINE__, 9999, 0, 500, "internal", 0 },
};

START_TEST(live_error_mapping)
{
	struct response r;
	char code[64];
	size_t i;

	for (i = 0; i < N_ELEM(mapping); i++) {
		response_init(&r);
		ck_assert_int_eq(handle_live_error(&r, mapping[i].rc, mapping[i].retry_in), 0);
		ck_assert_msg(r.status == mapping[i].status, "line %d", mapping[i].line);
		ck_assert_msg(strcmp(code_of(&r, code, sizeof(code)), mapping[i].code) == 0,
		    "line %d: %s", mapping[i].line, code);
		ck_assert_msg(r.retry_after == mapping[i].retry_out, "line %d: %d",
		    mapping[i].line, r.retry_after);
		/* 500 says nothing about the cause. */
		if (r.status == 500)
			ck_assert_str_eq(r.body,
			    "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
		response_free(&r);
	}
}
END_TEST

static Suite *
live_suite(void)
{
	Suite *s = suite_create("handle_live");
	TCase *tc = tcase_create("live");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, check_bad_phone_is_400);
	tcase_add_test(tc, about_bad_jid_is_400);
	tcase_add_test(tc, daemon_down_is_503);
	tcase_add_test(tc, daemon_silent_is_504);
	tcase_add_test(tc, live_error_mapping);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_handle_live", live_suite)
