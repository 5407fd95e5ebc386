/*
 * wagw-admin end to end: the real binary against a temporary database,
 * checking exit codes, stdout/stderr and what ends up stored.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/apikey.h"
#include "common/cap.h"
#include "common/store.h"
#include "unit.h"

static char dir[128], conf[160], db[160];
static char out[8192], err[8192];

static void
slurp(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

/* Runs wagw-admin --config conf ARGS...; returns its exit status. */
static int
admin(const char *first, ...)
{
	const char *argv[32];
	int o[2], e[2], status, n = 0;
	va_list ap;
	pid_t pid;

	argv[n++] = ADMIN_BIN;
	argv[n++] = "--config";
	argv[n++] = conf;
	va_start(ap, first);
	for (argv[n] = first; argv[n] != NULL && n < 30; argv[n] = va_arg(ap, const char *))
		n++;
	va_end(ap);
	ck_assert_int_eq(pipe(o), 0);
	ck_assert_int_eq(pipe(e), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	slurp(o[0], out, sizeof(out));
	slurp(e[0], err, sizeof(err));
	close(o[0]);
	close(e[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * The same with stderr on a terminal (a pty COLS columns wide); stdout
 * stays a pipe.  err gets what the terminal received.
 */
static int
admin_pty(int cols, const char *first, ...)
{
	const char *argv[32];
	struct winsize ws = { .ws_row = 50, .ws_col = (unsigned short)cols };
	struct pollfd p[2];
	size_t olen = 0, elen = 0;
	int o[2], m, t, status, n = 0, open_fds = 2;
	ssize_t got;
	va_list ap;
	pid_t pid;

	argv[n++] = ADMIN_BIN;
	argv[n++] = "--config";
	argv[n++] = conf;
	va_start(ap, first);
	for (argv[n] = first; argv[n] != NULL && n < 30; argv[n] = va_arg(ap, const char *))
		n++;
	va_end(ap);
	ck_assert_int_eq(pipe(o), 0);
	ck_assert_int_ne(m = posix_openpt(O_RDWR | O_NOCTTY), -1);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	ck_assert_int_eq(ioctl(m, TIOCSWINSZ, &ws), 0);
	ck_assert_int_ne(t = open(ptsname(m), O_RDWR | O_NOCTTY), -1);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(t, 2);
		close(o[0]);
		close(m);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(t);
	p[0].fd = o[0];
	p[1].fd = m;
	p[0].events = p[1].events = POLLIN;
	/* Both at once: a full pty would stall the child. */
	while (open_fds > 0 && poll(p, 2, 30000) > 0) {
		if (p[0].revents && p[0].fd != -1) {
			if ((got = read(o[0], out + olen, sizeof(out) - 1 - olen)) > 0)
				olen += (size_t)got;
			else {
				p[0].fd = -1;
				open_fds--;
			}
		}
		if (p[1].revents && p[1].fd != -1) {
			/* EIO once the child's side is closed. */
			if ((got = read(m, err + elen, sizeof(err) - 1 - elen)) > 0)
				elen += (size_t)got;
			else {
				p[1].fd = -1;
				open_fds--;
			}
		}
	}
	out[olen] = err[elen] = '\0';
	close(o[0]);
	close(m);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
write_conf(const char *extra)
{
	FILE *f = fopen(conf, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "[store]\ndatabase = %s\n[sessiond]\nsocket = %s/none.sock\n"
	    "credentials_key_file = %s/c.key\n%s", db, dir, dir, extra);
	fclose(f);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/wagw-admin-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/wagw.conf", dir);
	snprintf(db, sizeof(db), "%s/wagw.db", dir);
	write_conf("");
}

static void
teardown(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(init_creates_and_reruns)
{
	char version[32];

	ck_assert_int_eq(admin("org", "list", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "no database (run wagw-admin init)"));
	ck_assert_int_eq(access(db, F_OK), -1);
	ck_assert_int_eq(admin("init", NULL), 0);
	snprintf(version, sizeof(version), "schema version %d", STORE_SCHEMA_VERSION);
	ck_assert_ptr_nonnull(strstr(out, version));
	/* The credentials key: made once, 0600, and kept by a second init. */
	{
		char key[200], k1[32], k2[32];
		struct stat sb;
		FILE *f;

		snprintf(key, sizeof(key), "%s/c.key", dir);
		ck_assert_int_eq(stat(key, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
		ck_assert_int_eq(sb.st_size, 32);
		ck_assert_ptr_nonnull(f = fopen(key, "rb"));
		ck_assert_int_eq(fread(k1, 1, 32, f), 32);
		fclose(f);
		ck_assert_int_eq(admin("init", NULL), 0);
		ck_assert_ptr_nonnull(f = fopen(key, "rb"));
		ck_assert_int_eq(fread(k2, 1, 32, f), 32);
		fclose(f);
		ck_assert_mem_eq(k1, k2, 32);
		/* One others could read is refused. */
		ck_assert_int_eq(chmod(key, 0644), 0);
		ck_assert_int_eq(admin("init", NULL), 2);
		ck_assert_ptr_nonnull(strstr(err, "must be readable by its owner only"));
		ck_assert_int_eq(chmod(key, 0600), 0);
	}
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("org", "list", NULL), 0);
	ck_assert_str_eq(out, "ORG\tNAME\nacme\t\n");
	ck_assert_int_eq(admin("init", "extra", NULL), 1);
}
END_TEST

START_TEST(usage_errors_exit_1)
{
	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin(NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "usage: wagw-admin"));
	ck_assert_int_eq(admin("frobnicate", NULL), 1);
	ck_assert_int_eq(admin("org", NULL), 1);
	ck_assert_int_eq(admin("org", "add", NULL), 1);
	ck_assert_int_eq(admin("org", "add", "a", "b", NULL), 1);
	ck_assert_int_eq(admin("org", "add", "bad id", NULL), 1);
	ck_assert_int_eq(admin("org", "add", "x", "--bogus", NULL), 1);
	ck_assert_int_eq(admin("org", "add", "x", "--name", "tab\there", NULL), 1);
	ck_assert_int_eq(admin("session", "add", "S1", NULL), 1);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", NULL), 1);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read,write", NULL), 1);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "", NULL), 1);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read",
	    "--expires-in", "0", NULL), 1);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read",
	    "--expires-in", "7d", NULL), 1);
	ck_assert_int_eq(admin("key", "revoke", NULL), 1);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", "--link", "irc",
	    NULL), 1);
	ck_assert_int_eq(admin("session", "pair", NULL), 1);
	ck_assert_int_eq(admin("session", "pair", "S1", "--phone", "12", NULL), 1);
	ck_assert_int_eq(admin("session", "logout", NULL), 1);
	ck_assert_int_eq(admin("sim", NULL), 1);
	ck_assert_int_eq(admin("sim", "scan", "qr", NULL), 1);
	ck_assert_int_eq(admin("sim", "scan", "qr", "--account", "abc", NULL), 1);
	ck_assert_int_eq(admin("sim", "link-code", NULL), 1);
	ck_assert_int_eq(admin("sim", "unlink", "bad id", NULL), 1);
	/* Nothing above changed the database. */
	ck_assert_int_eq(admin("org", "list", NULL), 0);
	ck_assert_str_eq(out, "ORG\tNAME\n");
}
END_TEST

START_TEST(sessions_need_a_known_org_and_a_fresh_id)
{
	struct json_object *list, *s;

	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown organization acme"));
	ck_assert_int_eq(admin("org", "add", "acme", "--name", "Acme Ünïcode", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", "--label", "Main", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "session S1 already exists"));
	ck_assert_int_eq(admin("session", "add", "S/2", "--org", "acme", NULL), 1);
	ck_assert_int_eq(admin("session", "list", "--json", NULL), 0);
	ck_assert_ptr_nonnull(list = json_tokener_parse(out));
	ck_assert_int_eq(json_object_array_length(list), 1);
	s = json_object_array_get_idx(list, 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "id")), "S1");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "organizationId")), "acme");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "label")), "Main");
	json_object_put(list);
	ck_assert_int_eq(admin("org", "list", "--json", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"Acme Ünïcode\""));
	ck_assert_int_eq(admin("session", "rm", "S1", NULL), 0);
	ck_assert_int_eq(admin("session", "rm", "S1", NULL), 2);
	ck_assert_int_eq(admin("session", "list", NULL), 0);
	ck_assert_str_eq(out, "SESSION\tORG\tLINK\tSTATE\tLABEL\n");
}
END_TEST

START_TEST(key_printed_once_and_stored_as_hash)
{
	char secret[128], prefix[APIKEY_PREFIX_LEN + 1], errbuf[256], id[STORE_ID_MAX + 1];
	struct json_object *list, *k;
	struct store_key stored;
	struct store *st;
	FILE *f;
	char raw[1 << 16];
	size_t n;

	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read", NULL), 2);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read,events",
	    "--name", "ci", "--expires-in", "30", NULL), 0);
	/* stdout: the secret alone, on one line. */
	ck_assert_int_eq(count_lines(out), 1);
	ck_assert_uint_eq(strlen(out), APIKEY_SECRET_LEN + 1);
	snprintf(secret, sizeof(secret), "%.*s", APIKEY_SECRET_LEN, out);
	ck_assert_int_eq(apikey_parse(secret, strlen(secret), prefix), 1);
	ck_assert_ptr_null(strstr(err, secret));

	/* Stored: the hash, which the secret verifies against. */
	ck_assert_int_eq(store_open(&st, db, STORE_READER, 1000, errbuf, sizeof(errbuf)), STORE_OK);
	ck_assert_int_eq(store_key_by_prefix(st, prefix, &stored), STORE_OK);
	ck_assert_int_eq(apikey_matches(secret, strlen(secret), stored.hash), 1);
	ck_assert_uint_eq(stored.permissions, CAP_READ | CAP_EVENTS);
	ck_assert_int_gt(stored.expires_ms - stored.created_ms, 29LL * 86400000);
	snprintf(id, sizeof(id), "%s", stored.id);
	store_close(st);

	/* The secret is nowhere in the database file. */
	ck_assert_ptr_nonnull(f = fopen(db, "rb"));
	n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	ck_assert_ptr_null(memmem(raw, n, secret, strlen(secret)));

	ck_assert_int_eq(admin("key", "list", "--json", NULL), 0);
	ck_assert_ptr_null(strstr(out, secret));
	ck_assert_ptr_nonnull(list = json_tokener_parse(out));
	k = json_object_array_get_idx(list, 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(k, "id")), id);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(k, "prefix")), prefix);
	ck_assert_str_eq(json_object_to_json_string_ext(json_object_object_get(k, "permissions"),
	    JSON_C_TO_STRING_PLAIN), "[\"read\",\"events\"]");
	ck_assert(json_object_object_get_ex(k, "expiresAt", NULL));
	ck_assert(!json_object_object_get_ex(k, "revokedAt", NULL));
	ck_assert(!json_object_object_get_ex(k, "lastUsedAt", NULL));
	json_object_put(list);

	ck_assert_int_eq(admin("key", "revoke", id, NULL), 0);
	ck_assert_ptr_nonnull(strstr(err, "revoked"));
	/* Issue 15: a second revocation exited 0 silently. */
	ck_assert_int_eq(admin("key", "revoke", id, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "was revoked already"));
	ck_assert_int_eq(admin("key", "revoke", "key_nope", NULL), 2);
	ck_assert_int_eq(admin("key", "list", "--org", "acme", "--json", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"revokedAt\":"));
	ck_assert_int_eq(admin("key", "list", "--org", "other", "--json", NULL), 0);
	ck_assert_str_eq(out, "[]\n");
}
END_TEST

START_TEST(config_problems_exit_2)
{
	write_conf("[sessiond]\nlookup_burst = lots\n");
	ck_assert_int_eq(admin("init", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "wagw.conf:7: lookup_burst: \"lots\" is not a whole number"));
	ck_assert_int_eq(unlink(conf), 0);
	ck_assert_int_eq(admin("init", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
}
END_TEST

START_TEST(daemon_commands_without_daemon)
{
	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "status", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "wagw-sessiond does not answer"));
	ck_assert_int_eq(admin("session", "connect", "S1", NULL), 2);
	ck_assert_int_eq(admin("session", "disconnect", "S9", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "no session S9"));
	ck_assert_int_eq(admin("session", "connect", NULL), 1);
}
END_TEST

/* status, connect and disconnect against the real daemon. */
START_TEST(daemon_commands_with_daemon)
{
	char net[200], sock[200];
	pid_t daemon;
	FILE *f;
	int i, status;

	snprintf(net, sizeof(net), "%s/network.json", dir);
	snprintf(sock, sizeof(sock), "%s/none.sock", dir);
	ck_assert_ptr_nonnull(f = fopen(net, "w"));
	fputs("{\"latencyMs\": 0, \"accounts\": [{\"lid\": \"1\", \"phone\": \"14155550123\"}],"
	    " \"sessions\": {\"S1\": {\"account\": \"14155550000\", \"dms\": [\"1\"]},"
	    " \"S2\": {\"account\": \"14155550001\", \"connected\": false}}}", f);
	fclose(f);
	{
		char extra[300];

		snprintf(extra, sizeof(extra), "sim_network = %s\n", net);
		write_conf(extra);
	}
	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S1", "--org", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S2", "--org", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "S3", "--org", "acme", NULL), 0);
	ck_assert_int_ne(daemon = fork(), -1);
	if (daemon == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		execl(SESSIOND_BIN, SESSIOND_BIN, "--config", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(sock, F_OK) == -1; i++)
		usleep(50000);
	ck_assert_int_eq(admin("session", "status", NULL), 0);
	/* S1 connects at once (latency 0); wait for it, not for the timing. */
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(admin("session", "status", "S1", NULL), 0);
		if (strcmp(out, "S1\tworking\n") == 0)
			break;
		usleep(20000);
	}
	ck_assert_int_eq(admin("session", "status", NULL), 0);
	/* S2 is provisioned but starts stopped; S3 is not paired. */
	ck_assert_str_eq(out, "S1\tworking\nS2\tstopped\nS3\tstopped\n");
	ck_assert_int_eq(admin("session", "connect", "S3", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "not paired"));
	ck_assert_int_eq(admin("sim", "link-code", "ABCD-1234", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "no session waits for this code"));
	ck_assert_int_eq(admin("sim", "scan", "nothing", "--account", "+14155550000",
	    NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "no session shows this QR code"));
	ck_assert_int_eq(admin("sim", "unlink", "S9", NULL), 2);
	ck_assert_int_eq(admin("session", "disconnect", "S1", NULL), 0);
	ck_assert_int_eq(admin("session", "status", "S1", NULL), 0);
	ck_assert_str_eq(out, "S1\tstopped\tdisconnected by the operator\n");
	ck_assert_int_eq(admin("session", "connect", "S1", NULL), 0);
	ck_assert_int_eq(admin("session", "connect", "S2", NULL), 0);
	ck_assert_int_eq(admin("session", "status", "S2", NULL), 0);
	ck_assert_str_eq(out, "S2\tworking\n");
	ck_assert_int_eq(admin("session", "logout", "S2", NULL), 0);
	ck_assert_int_eq(admin("session", "status", "S2", NULL), 0);
	ck_assert_str_eq(out, "S2\tlogged_out\n");
	kill(daemon, SIGTERM);
	ck_assert_int_eq(waitpid(daemon, &status, 0), daemon);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A daemon on a sim network whose QR codes rotate and run out in 2.5 s. */
static pid_t
pairing_daemon(void)
{
	char net[200], sock[200], extra[300];
	pid_t daemon;
	FILE *f;
	int i;

	snprintf(net, sizeof(net), "%s/network.json", dir);
	snprintf(sock, sizeof(sock), "%s/none.sock", dir);
	ck_assert_ptr_nonnull(f = fopen(net, "w"));
	fputs("{\"latencyMs\": 0, \"pairing\": {\"qrFirstMs\": 1500, \"qrNextMs\": 1000,"
	    " \"qrCount\": 2}, \"accounts\": [{\"lid\": \"1\", \"phone\": \"14155550123\"}],"
	    " \"sessions\": {}}", f);
	fclose(f);
	snprintf(extra, sizeof(extra), "sim_network = %s\n", net);
	write_conf(extra);
	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_int_eq(admin("session", "add", "P1", "--org", "acme", NULL), 0);
	ck_assert_int_ne(daemon = fork(), -1);
	if (daemon == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		execl(SESSIOND_BIN, SESSIOND_BIN, "--config", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(sock, F_OK) == -1; i++)
		usleep(50000);
	return daemon;
}

static void
pairing_daemon_stop(pid_t daemon)
{
	int status;

	kill(daemon, SIGTERM);
	ck_assert_int_eq(waitpid(daemon, &status, 0), daemon);
}

/*
 * session pair on a terminal: one status line, rewritten in place (CR,
 * erase to the end of the line) and never wider than the terminal; the
 * QR drawn again as it rotates; a newline only once the line is done.
 */
START_TEST(pair_status_is_one_line_on_a_terminal)
{
	pid_t daemon = pairing_daemon();
	const char *p, *seg;
	int rewrites = 0, newlines = 0, qr_lines = 0;
	size_t len;

	ck_assert_int_eq(admin_pty(60, "session", "pair", "P1", NULL), 2);
	pairing_daemon_stop(daemon);
	for (p = err; (p = strstr(p, "\r\033[K")) != NULL; p += 4) {
		rewrites++;
		/* What one rewrite shows: up to the next control character. */
		seg = p + 4;
		for (len = 0; seg[len] != '\0' && seg[len] != '\r' && seg[len] != '\n'; len++)
			;
		ck_assert_msg(len <= 59, "a status of %zu columns: %.*s", len, (int)len, seg);
	}
	for (p = err; *p; p++)
		newlines += *p == '\n';
	/* QR 1, QR 2 and the countdown ticks between. */
	ck_assert_int_ge(rewrites, 3);
	/* The status line's end, then why pairing ended. */
	ck_assert_msg(newlines == 2, "%d lines on the terminal: %s", newlines, err);
	ck_assert_ptr_nonnull(strstr(err, "scan with WhatsApp"));
	ck_assert_ptr_nonnull(strstr(err, "\r\nwagw-admin: session P1: pairing ended: "
	    "failed: pairing_timed_out\r\n"));
	/* stdout, a pipe, got each QR in turn: two drawings of the same size. */
	for (p = out; *p; p++)
		qr_lines += *p == '\n';
	ck_assert_int_ge(qr_lines, 2 * 10);
	ck_assert_int_eq(qr_lines % 2, 0);
	for (p = out, newlines = 0; newlines < qr_lines / 2; p++)
		newlines += *p == '\n';
	/* The second drawing starts as the first (the quiet zone), and differs. */
	len = (size_t)(strchr(out, '\n') - out);
	ck_assert(strncmp(out, p, len + 1) == 0);
	ck_assert(strncmp(out, p, (size_t)(p - out)) != 0);
}
END_TEST

/* The same without a terminal: plain lines, no control characters. */
START_TEST(pair_status_is_plain_lines_elsewhere)
{
	pid_t daemon = pairing_daemon();
	const char *p;
	int scans = 0;

	ck_assert_int_eq(admin("session", "pair", "P1", NULL), 2);
	pairing_daemon_stop(daemon);
	ck_assert_ptr_null(strchr(err, '\033'));
	ck_assert_ptr_null(strchr(err, '\r'));
	for (p = err; (p = strstr(p, "scan with WhatsApp")) != NULL; p++)
		scans++;
	/* One line per QR (their times differ), not one per second. */
	ck_assert_int_eq(scans, 2);
	ck_assert_ptr_nonnull(strstr(err, "\nwagw-admin: session P1: pairing ended: failed: "
	    "pairing_timed_out\n"));
}
END_TEST

/* The commands of `wagw-admin --help`: its lines "  NOUN VERB ..." (or "  init"). */
static int
help_commands(char cmds[][2][32], int max)
{
	const char *p;
	int n = 0;

	ck_assert_int_eq(admin("--help", NULL), 0);
	/* The options come after the commands. */
	ck_assert_ptr_nonnull(p = strstr(out, "\nOptions"));
	*(char *)p = '\0';
	for (p = out; (p = strstr(p, "\n  ")) != NULL && n < max; p++) {
		if (sscanf(p + 3, "%31[a-z-] %31[a-z-]", cmds[n][0], cmds[n][1]) < 1 ||
		    p[3] == ' ')
			continue;
		if (strcmp(cmds[n][0], "init") == 0)
			cmds[n][1][0] = '\0';
		n++;
	}
	return n;
}

/*
 * Issue 15: `org --help` was "unknown org command" (exit 1), `key create
 * --help` an error, `session status --help` asked the daemon about a
 * session named --help; there was no -h, help or --version.  Every command
 * answers --help on stdout with exit 0, without a database or a daemon.
 */
START_TEST(help_everywhere)
{
	char cmds[32][2][32], usage[128];
	int n, i;

	n = help_commands(cmds, 32);
	ck_assert_int_eq(n, 18);
	ck_assert_ptr_nonnull(strstr(out, "--version"));
	ck_assert_int_eq(admin("-h", NULL), 0);
	ck_assert_int_eq(admin("help", NULL), 0);
	ck_assert_int_eq(admin("--version", NULL), 0);
	ck_assert_msg(strncmp(out, "wagw-admin ", 11) == 0, "%s", out);
	for (i = 0; i < n; i++) {
		const char *verb = cmds[i][1][0] ? cmds[i][1] : NULL;

		snprintf(usage, sizeof(usage), "usage: wagw-admin [--config FILE] %s%s%s",
		    cmds[i][0], verb ? " " : "", verb ? verb : "");
		ck_assert_msg(admin(cmds[i][0], verb ? verb : "--help", verb ? "--help" : NULL,
		    NULL) == 0, "%s %s --help: %s", cmds[i][0], cmds[i][1], err);
		ck_assert_msg(strstr(out, usage) != NULL, "%s: %s", usage, out);
		ck_assert_str_eq(err, "");
		ck_assert_int_eq(admin(cmds[i][0], verb ? verb : "-h", verb ? "-h" : NULL,
		    NULL), 0);
		ck_assert_int_eq(admin("help", cmds[i][0], verb, NULL), 0);
		ck_assert_msg(strstr(out, usage) != NULL, "help %s: %s", usage, out);
		/* After other arguments too. */
		if (verb != NULL) {
			ck_assert_int_eq(admin(cmds[i][0], verb, "S1", "--help", NULL), 0);
			ck_assert_msg(strstr(out, usage) != NULL, "%s S1 --help: %s", usage, out);
		}
	}
	/* Each noun lists its commands. */
	ck_assert_int_eq(admin("org", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "org add ORG"));
	ck_assert_ptr_nonnull(strstr(out, "org list"));
	ck_assert_int_eq(admin("session", "status", "--help", NULL), 0);
	ck_assert_str_eq(err, "");
	/* Unknown commands stay usage errors. */
	ck_assert_int_eq(admin("key", "frob", "--help", NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "unknown key command frob"));
	ck_assert_int_eq(admin("help", "frob", NULL), 1);
	ck_assert_int_eq(admin("frob", "--help", NULL), 1);
}
END_TEST

/* Lines of err that are messages of ours ("wagw-admin: ..."). */
static int
count_messages(void)
{
	const char *p;
	int n = 0;

	for (p = err; (p = strstr(p, "wagw-admin: ")) != NULL; p++)
		n += p == err || p[-1] == '\n';
	return n;
}

/* Issue 15: getopt's own message and then ours ("unknown option"). */
START_TEST(one_error_per_mistake)
{
	static const struct {
		int		 line;
		const char	*args[6];
		const char	*message;
	} cases[] = {
		{ __LINE__, { "key", "create", "--org", NULL }, "--org needs an argument" },
		{ __LINE__, { "org", "add", "x", "--bogus", NULL }, "unknown option --bogus" },
		{ __LINE__, { "org", "add", "x", "-q", NULL }, "unknown option -q" },
		{ __LINE__, { "org", "list", "--json=yes", NULL }, "--json takes no argument" },
		{ __LINE__, { "org", "list", "--org", "a", NULL }, "unknown option --org" },
		{ __LINE__, { "session", "pair", "S1", "--png", NULL }, "--png needs an argument" },
		{ __LINE__, { "session", "rm", "--force", NULL }, "unknown option --force" },
		{ __LINE__, { "session", "status", "--all", NULL }, "unknown option --all" },
		{ __LINE__, { "key", "revoke", "-x", NULL }, "unknown option -x" },
		{ __LINE__, { "sim", "drop", "--now", NULL }, "unknown option --now" },
		{ __LINE__, { "--verbose", "init", NULL }, "unknown option --verbose" },
		{ __LINE__, { "org", NULL }, "org needs a command" },
		{ __LINE__, { "frob", NULL }, "unknown command frob" },
	};
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		const char *const *a = cases[i].args;

		ck_assert_msg(admin(a[0], a[1], a[2], a[3], a[4], NULL) == 1, "line %d",
		    cases[i].line);
		ck_assert_msg(count_messages() == 1, "line %d: %s", cases[i].line, err);
		ck_assert_msg(strstr(err, cases[i].message) != NULL, "line %d: %s",
		    cases[i].line, err);
		ck_assert_msg(strstr(err, "usage: wagw-admin") != NULL, "line %d: %s",
		    cases[i].line, err);
	}
}
END_TEST

/* Issue 15: org add said nothing; key list had no header and no expiry. */
START_TEST(lists_have_headers_and_keys_their_expiry)
{
	char *row;

	ck_assert_int_eq(admin("init", NULL), 0);
	ck_assert_int_eq(admin("org", "add", "acme", NULL), 0);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(err, "wagw-admin: organization acme added\n");
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions", "read",
	    "--name", "ci", "--expires-in", "30", NULL), 0);
	ck_assert_int_eq(admin("key", "create", "--org", "acme", "--permissions",
	    "read,manage", NULL), 0);
	ck_assert_int_eq(admin("key", "list", NULL), 0);
	ck_assert_int_eq(count_lines(out), 3);
	ck_assert_msg(strncmp(out, "KEY\tORG\tPREFIX\tPERMISSIONS\tSTATE\tEXPIRES\tLAST USED\tNAME\n",
	    56) == 0, "%s", out);
	ck_assert_ptr_nonnull(row = strchr(out, '\n') + 1);
	/* key_...	acme	wa_XXXXXXXX...	read	active	2025-...Z	-	ci */
	ck_assert_msg(strstr(row, "\tacme\twa_") == strchr(row, '\t'), "%s", row);
	ck_assert_msg(strstr(row, "...\tread\tactive\t2") != NULL, "%s", row);
	ck_assert_msg(strstr(row, "Z\t-\tci\n") != NULL, "%s", row);
	row = strchr(row, '\n') + 1;
	ck_assert_msg(strstr(row, "\tread,manage\tactive\t-\t-\t\n") != NULL, "%s", row);
}
END_TEST

/* The manual page describes every command that --help lists. */
START_TEST(man_page_has_every_command)
{
	char cmds[32][2][32], want[80], *man;
	FILE *f;
	long len;
	int n, i;

	ck_assert_ptr_nonnull(f = fopen(TOP_SRCDIR "/man/wagw-admin.8", "r"));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	ck_assert_int_gt(len = ftell(f), 0);
	rewind(f);
	ck_assert_ptr_nonnull(man = calloc(1, (size_t)len + 1));
	ck_assert_int_eq(fread(man, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	n = help_commands(cmds, 32);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "\n.It Cm %s%s%s", cmds[i][0],
		    cmds[i][1][0] ? " " : "", cmds[i][1]);
		ck_assert_msg(strstr(man, want) != NULL, "wagw-admin.8 lacks \"%s\"", want + 1);
	}
	free(man);
}
END_TEST

static Suite *
admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("admin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, init_creates_and_reruns);
	tcase_add_test(tc, usage_errors_exit_1);
	tcase_add_test(tc, help_everywhere);
	tcase_add_test(tc, one_error_per_mistake);
	tcase_add_test(tc, lists_have_headers_and_keys_their_expiry);
	tcase_add_test(tc, man_page_has_every_command);
	tcase_add_test(tc, sessions_need_a_known_org_and_a_fresh_id);
	tcase_add_test(tc, key_printed_once_and_stored_as_hash);
	tcase_add_test(tc, config_problems_exit_2);
	tcase_add_test(tc, daemon_commands_without_daemon);
	tcase_add_test(tc, daemon_commands_with_daemon);
	tcase_add_test(tc, pair_status_is_one_line_on_a_terminal);
	tcase_add_test(tc, pair_status_is_plain_lines_elsewhere);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_admin", admin_suite)
