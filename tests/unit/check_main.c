/*
 * main: the wagw.fcgi program itself, run as a FastCGI server on a Unix
 * socket and spoken to with cgi-fcgi (libfcgi-bin).  Signals end it
 * between requests: at once when idle, after the answer when busy.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/apikey.h"
#include "common/cap.h"
#include "common/clock.h"
#include "common/store.h"
#include "unit.h"

#define PROGRAM	"./cgi-bin/wagw.fcgi"

static char dir[256], conf[300], sock[300], dsock[300], dbpath[300], errlog[300];
static char bearer[APIKEY_SECRET_LEN + 16];
static pid_t silent_pid = -1;
static int accepted_fd = -1;	/* a byte per connection the daemon accepts */

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void
make_database(void)
{
	struct store *st;
	struct store_key k;
	char err[256], secret[APIKEY_SECRET_LEN + 1], id[APIKEY_ID_LEN + 1];

	ck_assert_int_eq(store_open(&st, dbpath, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "acme", "Acme", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "acme", "", 1), STORE_OK);
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(apikey_generate(secret, id), 0);
	snprintf(k.id, sizeof(k.id), "%s", id);
	snprintf(k.org, sizeof(k.org), "acme");
	ck_assert(apikey_parse(secret, strlen(secret), k.prefix));
	apikey_hash(secret, strlen(secret), k.hash);
	k.permissions = CAP_READ;
	k.created_ms = clock_wall_ms();
	/* Used just now: the key-use report to the (silent) daemon is not due. */
	ck_assert_int_eq(store_key_add(st, &k), STORE_OK);
	ck_assert_int_eq(store_key_touch(st, k.id, clock_wall_ms() + 3600000), STORE_OK);
	snprintf(bearer, sizeof(bearer), "Bearer %s", secret);
	store_close(st);
}

/* A daemon that accepts, says so on accepted_fd, and never answers. */
static void
start_silent_daemon(void)
{
	struct sockaddr_un sa;
	int fd, p[2];

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(dsock), sizeof(sa.sun_path));
	memcpy(sa.sun_path, dsock, strlen(dsock) + 1);
	ck_assert_int_ge(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(pipe(p), 0);
	if ((silent_pid = fork()) == 0) {
		close(p[0]);
		for (;;) {
			if (accept(fd, NULL, NULL) < 0)
				_exit(0);
			if (write(p[1], "a", 1) != 1)
				_exit(1);
		}
	}
	close(p[1]);
	close(fd);
	accepted_fd = p[0];
}

static void
setup(void)
{
	char text[2048];

	snprintf(dir, sizeof(dir), "%s/wagw-main-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/wagw.conf", dir);
	snprintf(sock, sizeof(sock), "%s/fcgi.sock", dir);
	snprintf(dsock, sizeof(dsock), "%s/sessiond.sock", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/wagw.db", dir);
	snprintf(errlog, sizeof(errlog), "%s/stderr.log", dir);
	snprintf(text, sizeof(text),
	    "[store]\ndatabase = %s\n"
	    "[sessiond]\nsocket = %s\nlookup_timeout_ms = 300\n"
	    "[auth]\njwks_file = %s/none.json\n", dbpath, dsock, dir);
	write_file(conf, text);
	make_database();
	start_silent_daemon();
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
	close(accepted_fd);
	accepted_fd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Starts wagw.fcgi with args; stdin from /dev/null, stderr to errlog. */
static pid_t
start(const char *config, const char *listen_path)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		fd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		setenv("WAGW_CONFIG", config, 1);
		if (listen_path != NULL)
			execl(PROGRAM, PROGRAM, "--listen", listen_path, (char *)NULL);
		else
			execl(PROGRAM, PROGRAM, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	return pid;
}

/* Waits up to ms for pid; returns its wait status, or -1 if it runs on. */
static int
wait_for(pid_t pid, int ms)
{
	int status;

	for (; ms > 0; ms -= 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	return -1;
}

/* Waits until the program accepts connections (bind comes before listen). */
static void
wait_socket(void)
{
	struct sockaddr_un sa;
	int i, fd, ok = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(sock), sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	for (i = 0; i < 1000 && !ok; i++) {
		ck_assert_int_ge(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (!ok)
			usleep(10000);
	}
	ck_assert_msg(ok, "wagw.fcgi does not listen on %s", sock);
}

/* One request through cgi-fcgi; returns its output (caller frees). */
static char *
request(const char *path, const char *query, const char *auth)
{
	char cmd[2048], *out;
	size_t len = 0, cap = 65536;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "env -i REQUEST_METHOD=GET SCRIPT_NAME= "
	    "PATH_INFO='%s' QUERY_STRING='%s' HTTP_AUTHORIZATION='%s' "
	    "cgi-fcgi -bind -connect '%s' </dev/null", path, query, auth, sock);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_ptr_nonnull(out = malloc(cap));
	len = fread(out, 1, cap - 1, p);
	out[len] = '\0';
	pclose(p);
	return out;
}

static void
serves_then_exits_on(int sig)
{
	pid_t pid = start(conf, sock);
	char *out;
	int status;

	wait_socket();
	out = request("/healthz", "", "");
	ck_assert_msg(strncmp(out, "Status: 200 OK\r\n", 16) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "{\"status\":\"ok\"}"));
	free(out);
	out = request("/api/v1/sessions/S1/contacts", "", bearer);
	ck_assert_msg(strncmp(out, "Status: 200 OK\r\n", 16) == 0, "%s", out);
	free(out);
	/* Idle in its wait for a connection: the signal ends it at once. */
	ck_assert_int_eq(kill(pid, sig), 0);
	status = wait_for(pid, 2000);
	ck_assert_msg(status != -1, "still running after the signal");
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}

START_TEST(main_sigterm_when_idle)
{
	serves_then_exits_on(SIGTERM);
}
END_TEST

START_TEST(main_sigusr1_when_idle)
{
	serves_then_exits_on(SIGUSR1);
}
END_TEST

/* A signal during a request: the answer is complete, then it exits. */
START_TEST(main_signal_mid_request)
{
	pid_t pid = start(conf, sock), client;
	char cmd[2048], outpath[320], buf[4096];
	struct pollfd pfd;
	int64_t t0;
	int status;
	FILE *f;
	size_t n;

	wait_socket();
	snprintf(outpath, sizeof(outpath), "%s/answer", dir);
	snprintf(cmd, sizeof(cmd), "env -i REQUEST_METHOD=GET SCRIPT_NAME= "
	    "PATH_INFO=/api/v1/sessions/S1/contacts/check QUERY_STRING=phone=%%2B14155550123 "
	    "HTTP_AUTHORIZATION='%s' cgi-fcgi -bind -connect '%s' </dev/null >'%s'",
	    bearer, sock, outpath);
	t0 = clock_mono_ms();
	if ((client = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* Once the lookup waits for the silent daemon (300 ms + margin)... */
	pfd.fd = accepted_fd;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	ck_assert_int_eq(read(accepted_fd, buf, 1), 1);
	/* ...the signal comes in the middle of the request. */
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(client, &status, 0), client);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_ge(clock_mono_ms() - t0, 250);
	ck_assert_ptr_nonnull(f = fopen(outpath, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_msg(strncmp(buf, "Status: 504 Gateway Timeout\r\n", 29) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "\"code\":\"gateway_timeout\""));
	status = wait_for(pid, 2000);
	ck_assert_msg(status != -1, "still running after the answer");
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static int
errlog_has(const char *s)
{
	char buf[8192];
	FILE *f = fopen(errlog, "r");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, s) != NULL;
}

START_TEST(main_bad_config_stops)
{
	char bad[320];
	int status;

	snprintf(bad, sizeof(bad), "%s/bad.conf", dir);
	write_file(bad, "[store]\ndatabase = /x\nnope = 1\n");
	status = wait_for(start(bad, sock), 5000);
	ck_assert(status != -1 && WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 1);
	ck_assert(errlog_has("bad.conf:3"));
}
END_TEST

START_TEST(main_not_fastcgi_stops)
{
	int status = wait_for(start(conf, NULL), 5000);

	ck_assert(status != -1 && WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 1);
	ck_assert(errlog_has("not started as a FastCGI responder"));
}
END_TEST

/* Never a credential in the log; one access line per request. */
START_TEST(main_log_lines)
{
	pid_t pid = start(conf, sock);
	char *out;

	wait_socket();
	out = request("/api/v1/sessions/S1/contacts", "limit=x", bearer);
	ck_assert_ptr_nonnull(strstr(out, "Status: 400"));
	free(out);
	out = request("/api/v1/sessions/S1/contacts", "", "Bearer wa_secretsecretsecret");
	ck_assert_ptr_nonnull(strstr(out, "Status: 401"));
	free(out);
	kill(pid, SIGTERM);
	ck_assert_int_ne(wait_for(pid, 2000), -1);
	ck_assert(errlog_has(" GET /api/v1/sessions/S1/contacts 400 "));
	ck_assert(errlog_has(" error 400 validation_error: "));
	ck_assert(errlog_has(" GET /api/v1/sessions/S1/contacts 401 "));
	ck_assert(!errlog_has("secretsecret"));
	ck_assert(!errlog_has(bearer + 7));
	ck_assert(!errlog_has("limit=x"));
}
END_TEST

static Suite *
main_suite(void)
{
	Suite *s = suite_create("main");
	TCase *tc = tcase_create("main");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, main_sigterm_when_idle);
	tcase_add_test(tc, main_sigusr1_when_idle);
	tcase_add_test(tc, main_signal_mid_request);
	tcase_add_test(tc, main_bad_config_stops);
	tcase_add_test(tc, main_not_fastcgi_stops);
	tcase_add_test(tc, main_log_lines);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_main", main_suite)
