/*
 * wagw-sessiond end to end: the real daemon binary on a temporary socket
 * and database with a simulated network, driven through the client
 * library (src/ipc) and through raw sockets for broken peers.
 */
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/clock.h"
#include "common/credkey.h"
#include "common/store.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"
#include "ipc/sessiond_client.h"
#include "unit.h"

#define T	3000	/* client deadline in tests */

static char dir[200], conf[256], db[256], sock[256], netf[256], logpath[256];
static pid_t pid = -1;
static struct sessiond_client *cl;
static rlim_t spawn_nofile;	/* the daemon's RLIMIT_NOFILE; 0: inherited */

/* ---- fixture ---- */

static void
write_file(const char *path, const char *text)
{
	char tmp[300];
	FILE *f;

	/* Replace atomically: the daemon may read it at any time. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static void
write_conf(const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text), "[store]\ndatabase = %s\n[sessiond]\nsocket = %s\n"
	    "sim_network = %s\ncredentials_key_file = %s/c.key\n%s%s", db, sock, netf, dir,
	    extra && strstr(extra, "lookup_timeout_ms") ? "" : "lookup_timeout_ms = 2000\n",
	    extra ? extra : "");
	write_file(conf, text);
}

#define ACCOUNTS \
	"{\"lid\": \"100\", \"phone\": \"14155550100\", \"name\": \"Alice\"," \
	" \"businessName\": \"Acme\", \"about\": \"At work\"}," \
	"{\"lid\": \"101\", \"phone\": \"14155550101\", \"name\": \"Bob\", \"aboutHidden\": true}," \
	"{\"lid\": \"102\"}," \
	"{\"lid\": \"103\", \"phone\": \"14155550103\", \"name\": \"Dan\"}"
#define S1_GROUP \
	"{\"jid\": \"120363000000000001@g.us\", \"subject\": \"Team\", \"members\": [" \
	"{\"lid\": \"100\", \"role\": \"admin\", \"tag\": \"~A\"}," \
	"{\"lid\": \"101\"}, {\"lid\": \"102\", \"role\": \"superadmin\"}," \
	"{\"lid\": \"103\", \"phoneHidden\": true}]}"

static void
write_net(int latency)
{
	char text[4096];

	snprintf(text, sizeof(text), "{\"latencyMs\": %d, \"accounts\": [" ACCOUNTS "],"
	    " \"sessions\": {"
	    "\"S1\": {\"account\": \"14155550001\", \"dms\": [\"100\"], \"groups\": [" S1_GROUP "]},"
	    "\"S2\": {\"connected\": false, \"dms\": [\"101\"]},"
	    "\"S3\": {\"rateOverlimit\": true, \"dms\": [\"100\"]},"
	    "\"S4\": {\"dms\": [\"103\"]},"
	    "\"NOTINDB\": {}}}", latency);
	write_file(netf, text);
}

static void
db_setup(void)
{
	static const char *const ids[] = { "S1", "S2", "S3", "SX" };
	struct store *st;
	char err[256];
	size_t i;

	char key[300];

	snprintf(key, sizeof(key), "%s/c.key", dir);
	ck_assert_int_eq(credkey_create(key, err, sizeof(err)), 0);
	ck_assert_int_eq(store_open(&st, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "o1", "Org", 1), STORE_OK);
	for (i = 0; i < N_ELEM(ids); i++)
		ck_assert_int_eq(store_session_add(st, ids[i], "o1", NULL, 1), STORE_OK);
	store_close(st);
}

static pid_t
spawn(void)
{
	pid_t p;
	int fd;

	ck_assert_int_ne(p = fork(), -1);
	if (p == 0) {
		/* Never outlive the test, even when it fails. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1)
			dup2(fd, 2);
		if (spawn_nofile > 0) {
			struct rlimit rl = { spawn_nofile, spawn_nofile };

			if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
				_exit(126);
		}
		execl(SESSIOND_BIN, SESSIOND_BIN, "--config", conf, "--foreground",
		    (char *)NULL);
		_exit(127);
	}
	return p;
}

/* Waits for p to exit within ms; its status, or -1 if it is still running. */
static int
wait_exit(pid_t p, int ms)
{
	int status;
	int64_t end = clock_mono_ms() + ms;

	do {
		if (waitpid(p, &status, WNOHANG) == p)
			return status;
		usleep(5000);
	} while (clock_mono_ms() < end);
	return -1;
}

static void
start(void)
{
	int64_t end = clock_mono_ms() + 10000;
	int st;

	pid = spawn();
	while (sessiond_ping(cl, 500) != SESSIOND_OK) {
		ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0, "the daemon exited");
		ck_assert_msg(clock_mono_ms() < end, "the daemon did not answer");
		usleep(10000);
	}
}

static void
stop(void)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	pid = -1;
}

/* Waits until session is connected (the sim connects after latencyMs). */
static void
wait_connected(const char *session)
{
	struct sessiond_status st;
	int64_t end = clock_mono_ms() + 5000;

	for (;;) {
		ck_assert_int_eq(sessiond_session_status(cl, session, 3000, &st), SESSIOND_OK);
		if (st.connected)
			return;
		ck_assert_msg(clock_mono_ms() < end, "%s: %s", session, st.reason);
		usleep(10000);
	}
}

static void
restart(const char *extra, int latency)
{
	stop();
	write_conf(extra);
	write_net(latency);
	start();
	wait_connected("S1");
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/wagw-sd-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/wagw.conf", dir);
	snprintf(db, sizeof(db), "%s/wagw.db", dir);
	snprintf(sock, sizeof(sock), "%s/s.sock", dir);
	snprintf(netf, sizeof(netf), "%s/net.json", dir);
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", dir);
	ck_assert_ptr_nonnull(cl = sessiond_client_new(sock));
	db_setup();
	write_conf(NULL);
	write_net(5);
	start();
	wait_connected("S1");
	wait_connected("S3");
}

static void
teardown(void)
{
	char cmd[300];

	stop();
	sessiond_client_free(cl);
	cl = NULL;
	if (getenv("WAGW_KEEP_TEST_DIR") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		ck_assert_int_eq(system(cmd), 0);
	}
}

static int
log_has(const char *needle)
{
	char buf[65536];
	ssize_t n;
	int fd = open(logpath, O_RDONLY);

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, needle) != NULL;
}

/* ---- helpers ---- */

static int
check1(const char *session, const char *phone, struct sessiond_check_result *res,
    int *ra)
{
	const char *phones[1] = { phone };

	return sessiond_check(cl, session, phones, 1, T, res, ra);
}

static int
raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
raw_bytes(int fd, const void *buf, size_t len)
{
	ck_assert_int_eq(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void
raw_frame(int fd, int type, const char *json)
{
	unsigned char h[IPC_HEADER_LEN];

	ipc_frame_header(h, type, strlen(json));
	raw_bytes(fd, h, sizeof(h));
	raw_bytes(fd, json, strlen(json));
}

static void raw_send(int, const char *, ...) __attribute__((format(printf, 2, 3)));

static void
raw_send(int fd, const char *fmt, ...)
{
	char json[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	raw_frame(fd, IPC_TYPE_REQUEST, json);
}

static int
raw_read(int fd, unsigned char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if (poll(&p, 1, ms) != 1)
			return -1;
		if ((n = recv(fd, buf + got, len - got, 0)) <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The next response on fd, or NULL on EOF/timeout. */
static struct json_object *
raw_recv(int fd, int ms)
{
	unsigned char h[IPC_HEADER_LEN], *p;
	struct json_object *o;
	size_t len;
	int type;

	if (raw_read(fd, h, sizeof(h), ms) == -1)
		return NULL;
	ck_assert_int_eq(ipc_frame_parse(h, sizeof(h), &type, &len), IPC_FRAME_OK);
	ck_assert_int_eq(type, IPC_TYPE_RESPONSE);
	p = malloc(len + 1);
	ck_assert_int_eq(raw_read(fd, p, len, ms), 0);
	o = ipc_msg_parse((char *)p, len);
	free(p);
	ck_assert_ptr_nonnull(o);
	return o;
}

static int64_t
jint(struct json_object *o, const char *k)
{
	int64_t v = -1;

	ck_assert_int_eq(ipc_msg_int(o, k, &v), 0);
	return v;
}

static const char *
jstr(struct json_object *o, const char *k)
{
	const char *s = NULL;

	if (ipc_msg_str(o, k, &s, NULL) != 0)
		return "";
	return s;
}

static int
raw_eof(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, ms) == 1 && recv(fd, &c, 1, 0) == 0;
}

struct seen {
	char	 lid[32], phone[32], name[32];
	int	 has_dm;
};
struct seen_list {
	struct seen v[64];
	size_t	 n;
};

static int
collect(const struct store_contact *c, void *arg)
{
	struct seen_list *l = arg;
	struct seen *s = &l->v[l->n++];

	snprintf(s->lid, sizeof(s->lid), "%s", c->lid);
	snprintf(s->phone, sizeof(s->phone), "%s", c->phone ? c->phone : "-");
	snprintf(s->name, sizeof(s->name), "%s", c->name ? c->name : "-");
	s->has_dm = c->has_dm;
	return l->n == 64;
}

/* The stored contacts of session, as a reader (wagw.fcgi) sees them. */
static void
contacts(const char *session, struct seen_list *l)
{
	struct store_contact_query q;
	struct store_session ss;
	struct store *st;
	char err[256];
	int more;

	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_open(&st, db, STORE_READER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, session, &ss), STORE_OK);
	memset(&q, 0, sizeof(q));
	q.session_rowid = ss.rowid;
	q.limit = 64;
	ck_assert_int_eq(store_contacts_page(st, &q, collect, l, &more), STORE_OK);
	store_close(st);
}

static const struct seen *
find(const struct seen_list *l, const char *lid)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].lid, lid) == 0)
			return &l->v[i];
	return NULL;
}

/* Waits until session has n stored contacts. */
static void
wait_contacts(const char *session, size_t n, struct seen_list *l)
{
	int64_t end = clock_mono_ms() + 5000;

	for (;;) {
		contacts(session, l);
		if (l->n >= n)
			return;
		ck_assert_msg(clock_mono_ms() < end, "%s: %zu contacts, want %zu",
		    session, l->n, n);
		usleep(20000);
	}
}

/* ---- operations ---- */

START_TEST(ping_and_status)
{
	struct sessiond_status st;

	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_status(cl, "S1", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 1);
	ck_assert_str_eq(st.reason, "");
	ck_assert_int_eq(sessiond_session_status(cl, "S2", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 0);
	/* Provisioned by the network file, which starts it stopped. */
	ck_assert_str_eq(st.state, "stopped");
	ck_assert_int_eq(sessiond_session_status(cl, "SX", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 0);
	/* Not in the file: not paired, so it waits for pairing, stopped. */
	ck_assert_str_eq(st.state, "stopped");
	ck_assert_int_eq(sessiond_session_status(cl, "NOPE", T, &st), SESSIOND_NOT_FOUND);
	ck_assert_int_eq(sessiond_session_status(cl, "bad id!", T, &st), SESSIOND_BAD_REQUEST);
	ck_assert(log_has("session NOTINDB is in"));
}
END_TEST

START_TEST(check_answers)
{
	const char *phones[] = { "14155550100", "+14155550101", "4915112345678",
	    "14155550100", "14155550102" };
	struct sessiond_check_result r[5];
	int ra = -1;

	ck_assert_int_eq(sessiond_check(cl, "S1", phones, 5, T, r, &ra), SESSIOND_OK);
	ck_assert_int_eq(ra, 0);
	ck_assert_str_eq(r[0].phone, "14155550100");
	ck_assert_int_eq(r[0].on_whatsapp, 1);
	ck_assert_str_eq(r[0].jid, "14155550100@s.whatsapp.net");
	ck_assert_str_eq(r[1].phone, "14155550101");
	ck_assert_int_eq(r[1].on_whatsapp, 1);
	ck_assert_str_eq(r[1].jid, "14155550101@s.whatsapp.net");
	ck_assert_int_eq(r[2].on_whatsapp, 0);
	ck_assert_str_eq(r[2].jid, "");
	ck_assert_int_eq(r[3].on_whatsapp, 1);
	/* No account has this number (the LID-only account has none). */
	ck_assert_int_eq(r[4].on_whatsapp, 0);
	ck_assert_int_eq(check1("SX", "14155550100", r, &ra), SESSIOND_NOT_CONNECTED);
	ck_assert_int_eq(check1("S2", "14155550100", r, &ra), SESSIOND_NOT_CONNECTED);
	ck_assert_int_eq(check1("NOPE", "14155550100", r, &ra), SESSIOND_NOT_FOUND);
	ck_assert_int_eq(check1("S1", "123", r, &ra), SESSIOND_BAD_REQUEST);
	ck_assert_int_eq(check1("S1", "+014155550100", r, &ra), SESSIOND_BAD_REQUEST);
}
END_TEST

START_TEST(about_answers)
{
	static const struct { const char *jid, *want; int rc; } t[] = {
		{ "14155550100@s.whatsapp.net", "At work", SESSIOND_OK },
		{ "100@lid", "At work", SESSIOND_OK },
		{ "14155550100:7@s.whatsapp.net", "At work", SESSIOND_OK },
		{ "101@lid", "", SESSIOND_OK },			/* aboutHidden */
		{ "14155550103@s.whatsapp.net", "", SESSIOND_OK },	/* none set */
		{ "999@lid", "", SESSIOND_OK },			/* unknown */
		{ "120363000000000001@g.us", "", SESSIOND_BAD_REQUEST },
		{ "not a jid", "", SESSIOND_BAD_REQUEST },
	};
	char about[SESSIOND_ABOUT_MAX + 1];
	size_t i;

	for (i = 0; i < N_ELEM(t); i++) {
		ck_assert_msg(sessiond_about(cl, "S1", t[i].jid, T, about, NULL) == t[i].rc,
		    "%s", t[i].jid);
		ck_assert_str_eq(about, t[i].want);
	}
	ck_assert_int_eq(sessiond_about(cl, "S2", "100@lid", T, about, NULL),
	    SESSIOND_NOT_CONNECTED);
}
END_TEST

START_TEST(what_sessions_see_is_stored)
{
	struct seen_list l;
	const struct seen *s;

	wait_contacts("S1", 4, &l);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_ptr_nonnull(s = find(&l, "100"));
	ck_assert_str_eq(s->phone, "14155550100");	/* a direct chat */
	ck_assert_str_eq(s->name, "Alice");
	ck_assert_int_eq(s->has_dm, 1);
	ck_assert_ptr_nonnull(s = find(&l, "101"));
	ck_assert_str_eq(s->phone, "14155550101");	/* a group, phone visible */
	ck_assert_int_eq(s->has_dm, 0);
	ck_assert_ptr_nonnull(s = find(&l, "102"));
	ck_assert_str_eq(s->phone, "-");		/* no phone at all */
	ck_assert_ptr_nonnull(s = find(&l, "103"));
	ck_assert_str_eq(s->phone, "-");		/* phoneHidden in its only group */
	ck_assert_str_eq(s->name, "Dan");
	/* A session that starts disconnected still has its contacts listed. */
	wait_contacts("S2", 1, &l);
	ck_assert_str_eq(l.v[0].phone, "14155550101");
	contacts("SX", &l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(disconnect_then_connect)
{
	struct sessiond_check_result r[1];
	struct sessiond_status st;
	int ra;

	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_disconnect(cl, "S1", T), SESSIOND_OK);
	/* The cached answer is not given while the session is down. */
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_NOT_CONNECTED);
	ck_assert_int_eq(sessiond_session_status(cl, "S1", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 0);
	ck_assert_str_eq(st.reason, "disconnected by the operator");
	ck_assert_int_eq(sessiond_session_disconnect(cl, "S1", T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_connect(cl, "S1", T), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(r[0].on_whatsapp, 1);
	ck_assert_int_eq(sessiond_session_connect(cl, "S1", T), SESSIOND_OK);
	/* A session that starts disconnected connects on request. */
	ck_assert_int_eq(sessiond_session_connect(cl, "S2", T), SESSIOND_OK);
	ck_assert_int_eq(check1("S2", "14155550101", r, &ra), SESSIOND_OK);
	/* One missing from the network cannot. */
	ck_assert_int_eq(sessiond_session_connect(cl, "SX", T), SESSIOND_NOT_CONNECTED);
	ck_assert_int_eq(sessiond_session_connect(cl, "NOPE", T), SESSIOND_NOT_FOUND);
	ck_assert_int_eq(sessiond_session_disconnect(cl, "NOPE", T), SESSIOND_NOT_FOUND);
}
END_TEST

START_TEST(operator_hold_survives_sighup)
{
	struct sessiond_status st;

	ck_assert_int_eq(sessiond_session_disconnect(cl, "S1", T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_connect(cl, "S2", T), SESSIOND_OK);
	kill(pid, SIGHUP);
	usleep(300000);
	ck_assert_int_eq(sessiond_session_status(cl, "S1", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 0);
	ck_assert_int_eq(sessiond_session_status(cl, "S2", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 1);
}
END_TEST

/* ---- budget, cache, coalescing, deadlines ---- */

START_TEST(rate_limit_exact_retry_after)
{
	struct sessiond_check_result r[1];
	char about[SESSIOND_ABOUT_MAX + 1];
	int ra = -1;

	/* 6 a minute: one every 10 s; a burst of 2. */
	restart("lookups_per_minute = 6\nlookup_burst = 2\ncheck_cache_s = 0\n", 0);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(sessiond_about(cl, "S1", "100@lid", T, about, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 10);
	ck_assert_int_eq(sessiond_about(cl, "S1", "100@lid", T, about, &ra),
	    SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 10);
	/* Budgets are per session. */
	ck_assert_int_eq(sessiond_session_connect(cl, "S2", T), SESSIOND_OK);
	ck_assert_int_eq(check1("S2", "14155550101", r, &ra), SESSIOND_OK);
}
END_TEST

START_TEST(more_numbers_than_the_burst)
{
	const char *phones[] = { "14155550100", "14155550101", "14155550103" };
	struct sessiond_check_result r[3];
	int ra;

	restart("lookup_burst = 2\ncheck_cache_s = 0\nlookups_per_minute = 60\n", 0);
	/* More than a bucket holds: 429, nothing spent, a second to refill. */
	ck_assert_int_eq(sessiond_check(cl, "S1", phones, 3, T, r, &ra),
	    SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 1);
	ck_assert_int_eq(sessiond_check(cl, "S1", phones, 2, T, r, &ra), SESSIOND_OK);
	ck_assert_int_eq(sessiond_check(cl, "S1", phones, 3, T, r, &ra),
	    SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 2);	/* the bucket is full in 2 s */
}
END_TEST

/* Waits until the daemon's writer has stored the check of phone for session. */
static void
wait_cached(const char *session, const char *phone)
{
	struct store_session ss;
	struct store_check cc;
	struct store *st;
	char err[256];
	int64_t end = clock_mono_ms() + 5000;
	int rc;

	ck_assert_int_eq(store_open(&st, db, STORE_READER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, session, &ss), STORE_OK);
	while ((rc = store_check_get(st, ss.rowid, phone, clock_wall_ms(), 3600000,
	    &cc)) != STORE_OK) {
		ck_assert_msg(clock_mono_ms() < end, "%s: %s never cached", session, phone);
		usleep(10000);
	}
	store_close(st);
}

START_TEST(cache_hit_spends_no_budget)
{
	struct sessiond_check_result r[1];
	int ra = -1, i;

	restart("lookups_per_minute = 6\nlookup_burst = 1\ncheck_cache_s = 3600\n", 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(check1("S1", "4915112345678", r, &ra), SESSIOND_OK);
		ck_assert_int_eq(r[0].on_whatsapp, 0);
	}
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 10);
	/*
	 * The cache survives a restart (it is in the database).  Regression:
	 * this failed while the daemon read a fast client's requests in a
	 * loop, keeping the cache write (a timer) from running.  The write
	 * is behind the answer: a daemon killed within milliseconds of it
	 * may lose it, so the test lets it land first.
	 */
	wait_cached("S1", "4915112345678");
	stop();
	start();
	ck_assert_int_eq(check1("S1", "4915112345678", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
}
END_TEST

START_TEST(identical_lookups_share_one_query)
{
	struct sessiond_check_result r[1];
	struct json_object *o;
	int a = raw_connect(), b = raw_connect(), ra, i, seen[4] = { 0 };

	restart("lookups_per_minute = 6\nlookup_burst = 1\ncheck_cache_s = 0\n", 300);
	close(a);
	close(b);
	a = raw_connect();
	b = raw_connect();
	for (i = 1; i <= 3; i++)
		raw_send(a, "{\"id\":%d,\"op\":\"check\",\"session\":\"S1\","
		    "\"phones\":[\"14155550100\"]}", i);
	raw_send(b, "{\"id\":4,\"op\":\"check\",\"session\":\"S1\","
	    "\"phones\":[\"+14155550100\"]}");
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(o = raw_recv(i < 3 ? a : b, T));
		ck_assert_msg(strcmp(jstr(o, "error"), "") == 0, "%s", jstr(o, "message"));
		seen[jint(o, "id") - 1]++;
		json_object_put(o);
	}
	ck_assert(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
	/* All four spent one lookup: the next new one is refused. */
	ck_assert_int_eq(check1("S1", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
	close(a);
	close(b);
}
END_TEST

START_TEST(daily_cap_until_utc_midnight)
{
	struct sessiond_check_result r[1];
	int64_t now, want;
	int ra = -1;

	restart("lookups_per_day = 1\ncheck_cache_s = 0\n", 0);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
	now = clock_wall_ms();
	want = ((now / 86400000 + 1) * 86400000 - now + 999) / 1000;
	ck_assert_int_le(ra, want + 1);
	ck_assert_int_ge(ra, want - 1);
}
END_TEST

/*
 * Issue 13: the day cap, the bucket and WhatsApp's back-off lived in
 * memory only: with lookups_per_day = 2, two answers, rate_limited, a
 * restart, and two more answers.  Now they are kept, through a clean stop
 * and through a SIGKILL a moment after the spending.
 */
START_TEST(limits_survive_restarts)
{
	static const char conf_[] = "lookups_per_day = 2\ncheck_cache_s = 0\n"
	    "lookups_per_minute = 1\nlookup_burst = 3\n";
	struct sessiond_check_result r[1];
	struct store *db_;
	char err[256];
	int ra = -1, st;

	stop();
	ck_assert_int_eq(store_open(&db_, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_add(db_, "S4", "o1", NULL, 1), STORE_OK);
	store_close(db_);
	restart(conf_, 0);
	wait_connected("S3");
	wait_connected("S4");
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550101", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550103", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(check1("S3", "14155550100", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 60);
	/* A clean stop writes them. */
	kill(pid, SIGTERM);
	ck_assert_int_ge(st = wait_exit(pid, 10000), 0);
	pid = -1;
	start();
	wait_connected("S1");
	wait_connected("S3");
	ck_assert_int_eq(check1("S1", "14155550103", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_gt(ra, 60);	/* until UTC midnight, or the bucket */
	ck_assert_int_eq(check1("S3", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_ge(ra, 50);
	ck_assert_int_le(ra, 60);
	/* The bucket too: S4 spends its burst, then a crash after a second. */
	ck_assert_int_eq(check1("S4", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(check1("S4", "14155550101", r, &ra), SESSIOND_OK);
	usleep(1500 * 1000);
	stop();
	start();
	wait_connected("S4");
	ck_assert_int_eq(check1("S4", "14155550103", r, &ra), SESSIOND_RATE_LIMITED);
}
END_TEST

START_TEST(rate_overlimit_backs_off)
{
	struct sessiond_check_result r[1];
	int ra = -1;

	ck_assert_int_eq(check1("S3", "14155550100", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_eq(ra, 60);
	ck_assert_int_eq(check1("S3", "14155550101", r, &ra), SESSIOND_RATE_LIMITED);
	ck_assert_int_ge(ra, 59);
	ck_assert_int_le(ra, 60);
	ck_assert(log_has("session S3: WhatsApp reported rate-overlimit"));
	/* Other sessions are not affected. */
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
}
END_TEST

START_TEST(lookup_deadline)
{
	struct sessiond_check_result r[1];
	char about[SESSIOND_ABOUT_MAX + 1];
	int64_t t0;
	int ra;

	restart("lookup_timeout_ms = 100\n", 0);
	write_net(2000);	/* slower than the deadline, connected already */
	kill(pid, SIGHUP);
	usleep(200000);
	t0 = clock_mono_ms();
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_TIMEOUT);
	ck_assert_int_lt(clock_mono_ms() - t0, 1500);
	ck_assert_int_eq(sessiond_about(cl, "S1", "100@lid", T, about, &ra),
	    SESSIOND_TIMEOUT);
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
}
END_TEST

START_TEST(client_deadline_then_reuse)
{
	struct sessiond_check_result r[1];
	const char *phones[1] = { "14155550100" };
	int64_t t0;
	int ra;

	restart(NULL, 500);
	t0 = clock_mono_ms();
	ck_assert_int_eq(sessiond_check(cl, "S1", phones, 1, 100, r, &ra), SESSIOND_TIMEOUT);
	ck_assert_int_lt(clock_mono_ms() - t0, 400);
	/* The same client goes on; the late answer does not confuse it. */
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	usleep(600000);
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
}
END_TEST

/* ---- broken peers ---- */

static const struct {
	int		 line;
	unsigned char	 h[IPC_HEADER_LEN];
	const char	*err;
} broken[] = {
	{ __LINE__, { 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T' }, "bad_request" },
	{ __LINE__, { 'W', 'G', 1, 1, 0, 1, 0, 1 }, "too_large" },
	{ __LINE__, { 'W', 'G', 1, 1, 0x7f, 0xff, 0xff, 0xff }, "too_large" },
	{ __LINE__, { 'W', 'G', 9, 1, 0, 0, 0, 2 }, "version" },
	{ __LINE__, { 'W', 'G', 1, 2, 0, 0, 0, 2 }, "bad_request" },
	{ __LINE__, { 'W', 'G', 1, 7, 0, 0, 0, 2 }, "bad_request" },
};

START_TEST(broken_framing_closes_that_connection_only)
{
	struct json_object *o;
	int fd = raw_connect(), other = raw_connect();
	unsigned char buf[IPC_HEADER_LEN + 2];

	/* One write: the daemon may close as soon as it has seen the header. */
	memcpy(buf, broken[_i].h, IPC_HEADER_LEN);
	memcpy(buf + IPC_HEADER_LEN, "{}", 2);
	raw_bytes(fd, buf, sizeof(buf));
	ck_assert_ptr_nonnull(o = raw_recv(fd, T));
	ck_assert_int_eq(jint(o, "id"), 0);
	ck_assert_msg(strcmp(jstr(o, "error"), broken[_i].err) == 0, "line %d: %s",
	    broken[_i].line, jstr(o, "error"));
	json_object_put(o);
	ck_assert(raw_eof(fd, T));
	close(fd);
	raw_send(other, "{\"id\":5,\"op\":\"ping\"}");
	ck_assert_ptr_nonnull(o = raw_recv(other, T));
	ck_assert_int_eq(jint(o, "id"), 5);
	json_object_put(o);
	close(other);
}
END_TEST

static const struct {
	int		 line;
	const char	*json;
	int64_t		 id;
	const char	*err;
} malformed[] = {
	{ __LINE__, "not json", 0, "bad_request" },
	{ __LINE__, "[1,2]", 0, "bad_request" },
	{ __LINE__, "{\"op\":\"ping\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":\"1\",\"op\":\"ping\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":0,\"op\":\"ping\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":4294967296,\"op\":\"ping\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":1.5,\"op\":\"ping\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":7}", 7, "bad_request" },
	/* json-c would keep the last of duplicate members: refused whole. */
	{ __LINE__, "{\"id\":7,\"op\":\"ping\",\"op\":\"status\"}", 0, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":[]}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"pingx\"}", 7, "unknown_op" },
	{ __LINE__, "{\"id\":7,\"op\":\"ping\\u0000\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"status\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"status\",\"session\":\"S1\\u0000x\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"status\",\"session\":1}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"check\",\"session\":\"S1\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"check\",\"session\":\"S1\",\"phones\":[]}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"check\",\"session\":\"S1\",\"phones\":\"14155550100\"}", 7,
	    "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"check\",\"session\":\"S1\",\"phones\":[14155550100]}", 7,
	    "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"check\",\"session\":\"S1\",\"phones\":[\"1415555\\u00000100\"]}",
	    7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"about\",\"session\":\"S1\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"about\",\"session\":\"S1\",\"jid\":\"1@newsletter\"}", 7,
	    "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"key_used\",\"keyId\":\"k 1\",\"at\":1}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"key_used\",\"keyId\":\"k1\",\"at\":\"1\"}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"key_used\",\"keyId\":\"k1\",\"at\":-1}", 7, "bad_request" },
	{ __LINE__, "{\"id\":7,\"op\":\"key_used\",\"keyId\":\"k1\"}", 7, "bad_request" },
};

START_TEST(malformed_requests_get_an_error_and_the_connection_stays)
{
	struct json_object *o;
	int fd = raw_connect();

	raw_frame(fd, IPC_TYPE_REQUEST, malformed[_i].json);
	ck_assert_ptr_nonnull(o = raw_recv(fd, T));
	ck_assert_msg(jint(o, "id") == malformed[_i].id, "line %d", malformed[_i].line);
	ck_assert_msg(strcmp(jstr(o, "error"), malformed[_i].err) == 0, "line %d: %s",
	    malformed[_i].line, jstr(o, "error"));
	ck_assert_str_ne(jstr(o, "message"), "");
	json_object_put(o);
	raw_send(fd, "{\"id\":8,\"op\":\"ping\"}");
	ck_assert_ptr_nonnull(o = raw_recv(fd, T));
	ck_assert_int_eq(jint(o, "id"), 8);
	ck_assert_str_eq(jstr(o, "error"), "");
	json_object_put(o);
	close(fd);
}
END_TEST

START_TEST(half_a_frame_stalls_nobody)
{
	static const char body[] = "{\"id\":3,\"op\":\"ping\"}";
	struct sessiond_check_result r[1];
	unsigned char h[IPC_HEADER_LEN];
	struct json_object *o;
	int a = raw_connect(), b = raw_connect(), ra;
	int64_t t0;

	ipc_frame_header(h, IPC_TYPE_REQUEST, strlen(body));
	raw_bytes(a, h, sizeof(h));
	raw_bytes(a, body, 5);
	raw_bytes(b, h, 3);
	t0 = clock_mono_ms();
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_lt(clock_mono_ms() - t0, 1000);
	/* The stalled client finishes its frame later and is answered. */
	raw_bytes(a, body + 5, strlen(body) - 5);
	ck_assert_ptr_nonnull(o = raw_recv(a, T));
	ck_assert_int_eq(jint(o, "id"), 3);
	json_object_put(o);
	close(a);
	close(b);
}
END_TEST

/* Lines of the daemon's log that contain needle. */
static int
log_count(const char *needle)
{
	char line[1024];
	FILE *f = fopen(logpath, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* The daemon's CPU time so far, in ms. */
static long
daemon_cpu_ms(void)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	int fd, k;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	/* Fields 14 and 15 (utime, stime), counted after the ")" of comm. */
	ck_assert_ptr_nonnull(p = strrchr(buf, ')'));
	for (k = 0; k < 11 && (p = strchr(p + 1, ' ')) != NULL; k++)
		;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, " %lu %lu", &ut, &st), 2);
	return (long)((ut + st) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

/* Raises this process's own descriptor limit to n, or says why it cannot. */
static int
want_fds(rlim_t n)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= n)
		return 1;
	if (rl.rlim_max < n)
		return 0;
	rl.rlim_cur = n;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/*
 * Pings the daemon as uid (a child process that became it): 1 when
 * answered, 0 when the connection was closed unanswered.
 */
static int
ping_as(uid_t uid)
{
	static const char ping[] = "{\"id\":1,\"op\":\"ping\"}";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned char h[IPC_HEADER_LEN], buf[512];
	pid_t child;
	int st, fd;

	ck_assert_int_ne(child = fork(), -1);
	if (child == 0) {
		if (setgid(uid) == -1 || setuid(uid) == -1)
			_exit(3);
		memcpy(sun.sun_path, sock, strlen(sock) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			_exit(4);
		ipc_frame_header(h, IPC_TYPE_REQUEST, strlen(ping));
		if (send(fd, h, sizeof(h), MSG_NOSIGNAL) < 0 ||
		    send(fd, ping, strlen(ping), MSG_NOSIGNAL) < 0)
			_exit(0);	/* closed before it could even ask */
		_exit(recv(fd, buf, sizeof(buf), 0) > 0 ? 1 : 0);
	}
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "child status %d", st);
	return WEXITSTATUS(st);
}

/*
 * Issue 13: every process of the socket's group (on a shared host, every
 * site's CGI) could run lookups on any organization's session.  Only
 * root, the daemon's user and allowed_users are served now.
 */
START_TEST(only_allowed_users_are_served)
{
	char sockdir[256], *slash;

	if (geteuid() != 0) {
		fprintf(stderr, "only_allowed_users_are_served: skipped, needs root "
		    "to act as another user\n");
		return;
	}
	/* The socket's directory and mode let anyone try. */
	snprintf(sockdir, sizeof(sockdir), "%s", sock);
	if ((slash = strrchr(sockdir, '/')) != NULL)
		*slash = '\0';
	ck_assert_int_eq(chmod(sockdir, 0711), 0);
	restart("allowed_users = 4242\n", 5);
	ck_assert_int_eq(chmod(sock, 0666), 0);
	ck_assert_int_eq(ping_as(65534), 0);
	ck_assert_int_eq(ping_as(65534), 0);
	ck_assert_int_eq(ping_as(4242), 1);
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);	/* root */
	ck_assert_int_eq(log_count("refusing connections from uid 65534"), 1);
	restart("allowed_users = nobody 4242\n", 5);
	ck_assert_int_eq(chmod(sock, 0666), 0);
	ck_assert_int_eq(ping_as(65534), 1);
	/* A user that does not exist stops the daemon at start. */
	stop();
	write_conf("allowed_users = no-such-user-wagw\n");
	pid = spawn();
	ck_assert_int_eq(WEXITSTATUS(wait_exit(pid, 5000)), 1);
	pid = -1;
	ck_assert(log_has("allowed_users: no user named no-such-user-wagw"));
}
END_TEST

#define NIDLE	2000
#define NHALF	200

/*
 * Issue 13: idle connections and half-written frames filled every slot
 * (1024) and nobody else got an answer.  Now the connection idle the
 * longest makes room, and lookups answer within their deadline all along.
 */
START_TEST(idle_connections_cannot_wedge_the_daemon)
{
	static int idle[NIDLE], half[NHALF];
	static const char body[] = "{\"id\":9,\"op\":\"ping\"}";
	unsigned char h[IPC_HEADER_LEN];
	struct sessiond_check_result r[1];
	char phone[16];
	int i, ra, closed = 0;
	int64_t t0;

	if (!want_fds(NIDLE + NHALF + 64)) {
		fprintf(stderr, "idle_connections_cannot_wedge_the_daemon: skipped, "
		    "RLIMIT_NOFILE's hard limit is below %d\n", NIDLE + NHALF + 64);
		return;
	}
	/* Debian's default soft limit: room for 512 connections. */
	spawn_nofile = 1024;
	restart("lookups_per_minute = 100000\nlookup_burst = 1000\ncheck_cache_s = 0\n", 5);
	spawn_nofile = 0;
	ipc_frame_header(h, IPC_TYPE_REQUEST, strlen(body));
	for (i = 0; i < NIDLE; i++) {
		idle[i] = raw_connect();
		if (i % 100 == 99) {
			/* Lookups keep answering in time while the flood goes on. */
			snprintf(phone, sizeof(phone), "141555%05d", i);
			t0 = clock_mono_ms();
			ck_assert_int_eq(check1("S1", phone, r, &ra), SESSIOND_OK);
			ck_assert_int_lt(clock_mono_ms() - t0, T);
		}
	}
	for (i = 0; i < NHALF; i++) {
		half[i] = raw_connect();
		raw_bytes(half[i], h, sizeof(h));
		raw_bytes(half[i], body, 4);
	}
	for (i = 0; i < 20; i++) {
		snprintf(phone, sizeof(phone), "141556%05d", i);
		t0 = clock_mono_ms();
		ck_assert_int_eq(check1("S1", phone, r, &ra), SESSIOND_OK);
		ck_assert_int_lt(clock_mono_ms() - t0, T);
		ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	}
	/* The oldest idle ones were closed to make room. */
	for (i = 0; i < NIDLE; i++) {
		char b;

		closed += recv(idle[i], &b, 1, MSG_DONTWAIT) == 0;
		close(idle[i]);
	}
	for (i = 0; i < NHALF; i++)
		close(half[i]);
	ck_assert_int_gt(closed, 0);
	ck_assert_int_eq(log_count("all busy"), 0);
}
END_TEST

/*
 * Issue 13: with RLIMIT_NOFILE at 64 and 70 idle connections, accept
 * failed with EMFILE, the listening socket stayed readable and the loop
 * spun at 100% CPU, logging every turn; a ping timed out.
 */
START_TEST(few_descriptors_neither_spin_nor_refuse)
{
	static int fds[70];
	int i;
	long cpu;

	spawn_nofile = 64;
	restart(NULL, 5);
	spawn_nofile = 0;
	for (i = 0; i < 70; i++)
		fds[i] = raw_connect();
	usleep(200000);
	cpu = daemon_cpu_ms();
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	usleep(1000000);
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	/* A second of (idle) waiting costs the daemon next to nothing. */
	ck_assert_int_lt(daemon_cpu_ms() - cpu, 300);
	ck_assert_int_le(log_count("accept"), 2);
	for (i = 0; i < 70; i++)
		close(fds[i]);
}
END_TEST

START_TEST(client_leaving_mid_request)
{
	struct sessiond_check_result r[1];
	int i, fd, ra, st;

	restart(NULL, 100);
	for (i = 0; i < 20; i++) {
		fd = raw_connect();
		raw_send(fd, "{\"id\":1,\"op\":\"check\",\"session\":\"S1\","
		    "\"phones\":[\"1415555%04d\"]}", 100 + i % 3);
		raw_send(fd, "{\"id\":2,\"op\":\"about\",\"session\":\"S1\",\"jid\":\"100@lid\"}");
		if (i % 2)
			shutdown(fd, SHUT_WR);
		close(fd);
	}
	usleep(300000);
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
}
END_TEST

#define NCLIENTS 200

START_TEST(many_concurrent_clients)
{
	static int fds[NCLIENTS];
	struct json_object *o;
	int i, k, got;

	restart("lookups_per_minute = 100000\nlookup_burst = 1000\n", 20);
	for (i = 0; i < NCLIENTS; i++) {
		fds[i] = raw_connect();
		raw_send(fds[i], "{\"id\":%d,\"op\":\"check\",\"session\":\"S1\","
		    "\"phones\":[\"1415555%04d\"]}", 2 * i + 1, i % 50);
		raw_send(fds[i], "{\"id\":%d,\"op\":\"ping\"}", 2 * i + 2);
	}
	for (i = 0; i < NCLIENTS; i++) {
		got = 0;
		for (k = 0; k < 2; k++) {
			ck_assert_ptr_nonnull(o = raw_recv(fds[i], 5000));
			ck_assert_str_eq(jstr(o, "error"), "");
			ck_assert(jint(o, "id") == 2 * i + 1 || jint(o, "id") == 2 * i + 2);
			got += (int)jint(o, "id");
			json_object_put(o);
		}
		ck_assert_int_eq(got, 4 * i + 3);
		close(fds[i]);
	}
	/* One connection carrying many requests at once; replies by id. */
	fds[0] = raw_connect();
	for (i = 1; i <= 50; i++)
		raw_send(fds[0], "{\"id\":%d,\"op\":\"%s\",\"session\":\"S1\","
		    "\"phones\":[\"14155550100\"],\"jid\":\"100@lid\"}", i,
		    i % 2 ? "check" : "about");
	for (got = 0, i = 0; i < 50; i++) {
		ck_assert_ptr_nonnull(o = raw_recv(fds[0], 5000));
		ck_assert_str_eq(jstr(o, "error"), "");
		got += (int)jint(o, "id");
		json_object_put(o);
	}
	ck_assert_int_eq(got, 50 * 51 / 2);
	close(fds[0]);
}
END_TEST

/* ---- life cycle ---- */

START_TEST(kill9_then_restart_same_client)
{
	struct sessiond_check_result r[1];
	int ra;

	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = -1;
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_UNAVAILABLE);
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_UNAVAILABLE);
	/* The stale socket of the dead daemon is replaced. */
	start();
	wait_connected("S1");
	ck_assert(log_has("removing the stale socket"));
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(r[0].on_whatsapp, 1);
}
END_TEST

START_TEST(restart_while_client_keeps_connection)
{
	struct sessiond_check_result r[1];
	int ra;

	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
	stop();
	start();	/* start() pings through cl: must reconnect by itself */
	wait_connected("S1");
	ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
}
END_TEST

START_TEST(sigterm_finishes_lookups_and_exits_0)
{
	struct json_object *o;
	struct stat sb;
	int fd, st;

	restart(NULL, 300);
	fd = raw_connect();
	raw_send(fd, "{\"id\":1,\"op\":\"check\",\"session\":\"S1\","
	    "\"phones\":[\"14155550100\"]}");
	usleep(50000);
	kill(pid, SIGTERM);
	ck_assert_ptr_nonnull(o = raw_recv(fd, T));
	ck_assert_int_eq(jint(o, "id"), 1);
	ck_assert_str_eq(jstr(o, "error"), "");
	json_object_put(o);
	st = wait_exit(pid, 5000);
	pid = -1;
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(stat(sock, &sb), -1);
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_UNAVAILABLE);
	close(fd);
}
END_TEST

START_TEST(sighup_stores_what_is_new)
{
	char text[4096];
	struct seen_list l;
	const struct seen *s;
	struct sessiond_check_result r[1];
	int ra;

	wait_contacts("S1", 4, &l);
	/* Alice renamed; Eve new in a direct chat; Dan now shows his number. */
	snprintf(text, sizeof(text), "{\"latencyMs\": 5, \"accounts\": ["
	    "{\"lid\": \"100\", \"phone\": \"14155550100\", \"name\": \"Alicia\"},"
	    "{\"lid\": \"101\", \"phone\": \"14155550101\", \"name\": \"Bob\"},"
	    "{\"lid\": \"102\"}, {\"lid\": \"103\", \"phone\": \"14155550103\", \"name\": \"Dan\"},"
	    "{\"lid\": \"104\", \"phone\": \"14155550104\", \"name\": \"Eve\"}],"
	    " \"sessions\": {\"S1\": {\"dms\": [\"100\", \"104\"], \"groups\": ["
	    "{\"jid\": \"120363000000000001@g.us\", \"subject\": \"Team\", \"members\": ["
	    "{\"lid\": \"100\", \"role\": \"admin\", \"tag\": \"~A\"}, {\"lid\": \"101\"},"
	    "{\"lid\": \"102\", \"role\": \"superadmin\"}, {\"lid\": \"103\"}]}]}}}");
	write_file(netf, text);
	kill(pid, SIGHUP);
	wait_contacts("S1", 5, &l);
	ck_assert_ptr_nonnull(s = find(&l, "104"));
	ck_assert_str_eq(s->phone, "14155550104");
	ck_assert_int_eq(s->has_dm, 1);
	ck_assert_ptr_nonnull(s = find(&l, "100"));
	ck_assert_str_eq(s->name, "Alicia");
	ck_assert_ptr_nonnull(s = find(&l, "103"));
	ck_assert_str_eq(s->phone, "14155550103");
	ck_assert_int_eq(check1("S1", "14155550104", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(r[0].on_whatsapp, 1);
	/* S2 is gone from the file: not connected any more (was down anyway). */
	/* A malformed file on SIGHUP is logged; the previous network stays. */
	write_file(netf, "{\"accounts\": [{\"lid\": \"x\"}]}");
	kill(pid, SIGHUP);
	usleep(300000);
	ck_assert(log_has("$.accounts[0]: \"lid\" must be"));
	ck_assert(log_has("keeping the previous configuration"));
	ck_assert_int_eq(check1("S1", "14155550103", r, &ra), SESSIOND_OK);
	ck_assert_int_eq(r[0].on_whatsapp, 1);
}
END_TEST

START_TEST(sighup_picks_up_database_sessions)
{
	struct sessiond_status st;
	struct store *w;
	char err[256];
	struct seen_list l;

	ck_assert_int_eq(sessiond_session_status(cl, "S4", T, &st), SESSIOND_NOT_FOUND);
	ck_assert_int_eq(store_open(&w, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_add(w, "S4", "o1", NULL, 2), STORE_OK);
	ck_assert_int_eq(store_session_rm(w, "S3"), STORE_OK);
	store_close(w);
	kill(pid, SIGHUP);
	usleep(300000);
	ck_assert_int_eq(sessiond_session_status(cl, "S4", T, &st), SESSIOND_OK);
	ck_assert_int_eq(st.connected, 1);
	ck_assert_int_eq(sessiond_session_status(cl, "S3", T, &st), SESSIOND_NOT_FOUND);
	wait_contacts("S4", 1, &l);
	ck_assert_str_eq(l.v[0].lid, "103");
}
END_TEST

START_TEST(socket_is_0660_and_a_second_daemon_is_refused)
{
	struct stat sb;
	pid_t p;
	int st;

	ck_assert_int_eq(stat(sock, &sb), 0);
	ck_assert(S_ISSOCK(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	p = spawn();
	st = wait_exit(p, 10000);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 1);
	ck_assert(log_has("another wagw-sessiond answers on this socket"));
	/* The first one is untouched. */
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
}
END_TEST

START_TEST(refuses_a_path_that_is_not_a_socket)
{
	pid_t p;
	int st;

	stop();
	unlink(sock);
	write_file(sock, "not a socket");
	p = spawn();
	st = wait_exit(p, 10000);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	ck_assert(log_has("exists and is not a socket"));
}
END_TEST

START_TEST(malformed_network_stops_start_up)
{
	pid_t p;
	int st;

	stop();
	write_file(netf, "{\"sessions\": {\"S1\": {\"groups\": [{\"jid\": \"1@g.us\","
	    " \"members\": [{\"lid\": \"5\"}]}]}}}");
	p = spawn();
	st = wait_exit(p, 10000);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	ck_assert(log_has("net.json: $.sessions.S1.groups[0].members[0].lid: "
	    "\"5\" is not the lid of an account"));
}
END_TEST

START_TEST(fresh_database_is_created)
{
	struct store *r;
	char err[256];

	stop();
	snprintf(db, sizeof(db), "%s/fresh.db", dir);
	write_conf(NULL);
	start();
	ck_assert_int_eq(store_open(&r, db, STORE_READER, 2000, err, sizeof(err)), STORE_OK);
	store_close(r);
}
END_TEST

START_TEST(key_use_is_recorded)
{
	struct store_key k, out;
	struct store *st;
	char err[256];
	int64_t end;

	memset(&k, 0, sizeof(k));
	snprintf(k.id, sizeof(k.id), "k1");
	snprintf(k.org, sizeof(k.org), "o1");
	snprintf(k.prefix, sizeof(k.prefix), "wa_abc");
	k.permissions = 1;
	k.created_ms = 1;
	ck_assert_int_eq(store_open(&st, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_key_add(st, &k), STORE_OK);
	store_close(st);
	ck_assert_int_eq(sessiond_key_used(cl, "k1", 1000, T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_key_used(cl, "k1", 5000, T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_key_used(cl, "k1", 3000, T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_key_used(cl, "unknown", 3000, T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_jwks_refresh(cl, T), SESSIOND_OK);
	end = clock_mono_ms() + 5000;
	for (;;) {
		ck_assert_int_eq(store_open(&st, db, STORE_READER, 2000, err,
		    sizeof(err)), STORE_OK);
		ck_assert_int_eq(store_key_by_prefix(st, "wa_abc", &out), STORE_OK);
		store_close(st);
		if (out.last_used_ms != 0)
			break;
		ck_assert(clock_mono_ms() < end);
		usleep(50000);
	}
	ck_assert_int_eq(out.last_used_ms, 5000);
}
END_TEST

/* RFC 8037 A.2's Ed25519 public key. */
static const char jwks[] = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"kid\":\"k1\"}]}";

START_TEST(jwks_is_fetched_at_start)
{
	char www[300], served[400], out[300], extra[1024], line[256], got[512];
	int p[2], port = 0, fd;
	pid_t web;
	FILE *f;
	ssize_t n;
	int64_t end;

	snprintf(www, sizeof(www), "%s/www", dir);
	ck_assert_int_eq(mkdir(www, 0700), 0);
	snprintf(served, sizeof(served), "%s/jwks.json", www);
	write_file(served, jwks);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(web = fork(), -1);
	if (web == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, 2);
		execl("/usr/bin/python3", "python3", "-u", "-m", "http.server", "0",
		    "--bind", "127.0.0.1", "--directory", www, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ck_assert_ptr_nonnull(f = fdopen(p[0], "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_msg(sscanf(line, "Serving HTTP on 127.0.0.1 port %d", &port) == 1, "%s", line);
	snprintf(out, sizeof(out), "%s/jwks-fetched.json", dir);
	snprintf(extra, sizeof(extra), "[auth]\njwks_url = http://127.0.0.1:%d/jwks.json\n"
	    "jwks_file = %s\n", port, out);
	restart(extra, 0);
	end = clock_mono_ms() + 10000;
	while ((fd = open(out, O_RDONLY)) == -1) {
		ck_assert_msg(clock_mono_ms() < end, "the JWKS was not fetched");
		usleep(20000);
	}
	n = read(fd, got, sizeof(got) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, jwks);
	/* The file is renamed into place before the fetch is logged. */
	while (!log_has("jwks: ")) {
		ck_assert_msg(clock_mono_ms() < end, "the fetch was not logged");
		usleep(20000);
	}
	ck_assert_int_eq(sessiond_jwks_refresh(cl, T), SESSIOND_OK);
	kill(web, SIGKILL);
	waitpid(web, NULL, 0);
	fclose(f);
}
END_TEST

START_TEST(jwks_failure_is_logged_and_serving_goes_on)
{
	char extra[1024];
	int64_t end = clock_mono_ms() + 10000;

	/* A closed loopback port. */
	snprintf(extra, sizeof(extra), "[auth]\njwks_url = http://127.0.0.1:9/jwks.json\n"
	    "jwks_file = %s/jwks.json\n", dir);
	restart(extra, 0);
	while (!log_has("jwks: fetching the JWKS failed")) {
		ck_assert(clock_mono_ms() < end);
		usleep(20000);
	}
	ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
}
END_TEST

/* ---- sessions that live ---- */

/* Waits until session's status is want; returns the session. */
static void
wait_status(const char *session, const char *want, struct sessiond_session *out)
{
	int64_t end = clock_mono_ms() + 8000;

	for (;;) {
		ck_assert_int_eq(sessiond_session_call(cl, "session_get", session, T, out),
		    SESSIOND_OK);
		if (strcmp(out->s.status, want) == 0)
			return;
		ck_assert_msg(clock_mono_ms() < end, "%s: %s (%s), want %s", session,
		    out->s.status, out->s.reason, want);
		usleep(10000);
	}
}

/* One column of one session's row, read with the test's own connection. */
static void
db_text(const char *sql, const char *id, char *out, size_t len)
{
	sqlite3 *h;
	sqlite3_stmt *q;

	out[0] = '\0';
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static void
db_exec(const char *sql)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* Creates a session and pairs it by QR with the account of S1's entry. */
static void
create_and_pair(struct sessiond_session *ss)
{
	int64_t end = clock_mono_ms() + 5000;

	ck_assert_int_eq(sessiond_session_create(cl, "o1", "lives", 0, T, ss), SESSIOND_OK);
	ck_assert_str_eq(ss->s.status, "stopped");
	ck_assert_uint_eq(strlen(ss->s.id), 26);
	do {
		ck_assert_int_eq(sessiond_session_call(cl, "session_qr", ss->s.id, T, ss),
		    SESSIOND_OK);
		ck_assert_msg(clock_mono_ms() < end, "no QR");
	} while (ss->pairing.kind != 'q' && usleep(10000) == 0);
	ck_assert_str_eq(ss->s.status, "scan_qr_code");
	ck_assert_int_eq(sessiond_sim(cl, "sim_scan", ss->pairing.code, "14155550001", T),
	    SESSIOND_OK);
	wait_status(ss->s.id, "working", ss);
	ck_assert_str_eq(ss->s.phone, "14155550001");
}

/*
 * Contacts stored a batch at a time leave the search index in many
 * segments; a second after start (and once contacts stop coming) the
 * daemon merges it into one, and searches find what they found.
 */
START_TEST(search_index_merged_after_start)
{
	struct store_contact_query q;
	struct store_seen_contact c;
	struct store_session ss;
	struct store *st;
	char err[256], lid[16], phone[16], name[32], buf[32];
	int64_t id, end;
	struct seen_list l;
	int i, more;

	stop();
	ck_assert_int_eq(store_open(&st, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S3", &ss), STORE_OK);
	for (i = 0; i < 2000; i++) {
		if (i % 40 == 0)
			ck_assert_int_eq(store_begin(st), STORE_OK);
		snprintf(lid, sizeof(lid), "%d", 700000 + i);
		snprintf(phone, sizeof(phone), "4930%07d", i);
		snprintf(name, sizeof(name), "Person %d", i);
		c = (struct store_seen_contact){ lid, phone, name, NULL };
		ck_assert_int_eq(store_contact_upsert(st, ss.rowid, &c, 1000, &id), STORE_OK);
		if (i % 40 == 39)
			ck_assert_int_eq(store_commit(st), STORE_OK);
	}
	store_close(st);
	db_text("SELECT count(DISTINCT segid) FROM contacts_fts_idx WHERE ?1 IS NOT NULL",
	    "x", buf, sizeof(buf));
	ck_assert_int_gt(atoi(buf), 1);

	start();
	end = clock_mono_ms() + 10000;
	do {
		ck_assert_msg(clock_mono_ms() < end, "still %s segments", buf);
		usleep(50000);
		db_text("SELECT count(DISTINCT segid) FROM contacts_fts_idx WHERE ?1 IS NOT NULL",
		    "x", buf, sizeof(buf));
	} while (atoi(buf) != 1);

	/* The index (S3 holds over 1,000: the search uses it) finds the same. */
	ck_assert_int_eq(store_open(&st, db, STORE_READER, 2000, err, sizeof(err)), STORE_OK);
	memset(&q, 0, sizeof(q));
	memset(&l, 0, sizeof(l));
	q.session_rowid = ss.rowid;
	q.q = "son 1999";
	q.limit = 64;
	ck_assert_int_eq(store_contacts_page(st, &q, collect, &l, &more), STORE_OK);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].lid, "701999");
	memset(&l, 0, sizeof(l));
	q.q = "+4930000199";
	ck_assert_int_eq(store_contacts_page(st, &q, collect, &l, &more), STORE_OK);
	ck_assert_uint_eq(l.n, 10);		/* 49300001990..49300001999 */
	store_close(st);
}
END_TEST

START_TEST(created_paired_and_back_after_kill9)
{
	struct sessiond_session ss;
	char buf[256], id[STORE_ID_MAX + 1];

	create_and_pair(&ss);
	snprintf(id, sizeof(id), "%s", ss.s.id);
	ck_assert_int_gt(ss.s.last_connected_ms, 0);
	/* Stored: the state, and the credentials sealed (no plaintext). */
	usleep(100000);
	db_text("SELECT status FROM sessions WHERE id = ?1", id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "working");
	db_text("SELECT count(*) FROM session_credentials c JOIN sessions s ON"
	    " s.sid = c.session WHERE s.id = ?1 AND instr(c.blob, 'wagw-sim') = 0"
	    " AND length(c.blob) > 29", id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1");
	stop();
	start();
	wait_status(id, "working", &ss);
	ck_assert_str_eq(ss.s.phone, "14155550001");
	ck_assert_int_eq(ss.pairing.kind, 0);
}
END_TEST

START_TEST(a_drop_reconnects_with_back_off)
{
	struct sessiond_session ss;
	int64_t t0;

	ck_assert_int_eq(sessiond_sim(cl, "sim_drop", "S1", NULL, T), SESSIOND_OK);
	t0 = clock_mono_ms();
	wait_status("S1", "starting", &ss);
	ck_assert_str_eq(ss.s.reason, "the network dropped the connection");
	wait_status("S1", "working", &ss);
	/* The first delay is 1 s, jittered by 20%. */
	ck_assert_int_ge(clock_mono_ms() - t0, 700);
	ck_assert(log_has("reconnecting in"));
	/* A stopped session is not dropped. */
	ck_assert_int_eq(sessiond_session_disconnect(cl, "S1", T), SESSIOND_OK);
	ck_assert_int_eq(sessiond_sim(cl, "sim_drop", "S1", NULL, T), SESSIOND_BAD_REQUEST);
}
END_TEST

START_TEST(unreadable_credentials_fail_that_session_only)
{
	struct sessiond_session ss;
	char id[STORE_ID_MAX + 1], key[300], err[256];

	create_and_pair(&ss);
	snprintf(id, sizeof(id), "%s", ss.s.id);
	usleep(100000);
	stop();
	db_exec("UPDATE session_credentials SET blob = x'01000102' WHERE session ="
	    " (SELECT sid FROM sessions WHERE id NOT LIKE 'S%')");
	start();
	wait_status(id, "failed", &ss);
	ck_assert_str_eq(ss.s.reason, "credentials_unreadable");
	wait_connected("S1");
	/* Starting it again does not help; pairing it again does. */
	ck_assert_int_eq(sessiond_session_call(cl, "session_start", id, T, &ss), SESSIOND_OK);
	ck_assert_str_eq(ss.s.status, "failed");
	ck_assert_int_eq(sessiond_session_call(cl, "session_logout", id, T, &ss), SESSIOND_OK);
	ck_assert_str_eq(ss.s.status, "logged_out");
	/* Another key: every sealed session is unreadable, none is lost. */
	stop();
	snprintf(key, sizeof(key), "%s/c.key", dir);
	ck_assert_int_eq(unlink(key), 0);
	ck_assert_int_eq(credkey_create(key, err, sizeof(err)), 0);
	start();
	wait_status("S1", "failed", &ss);
	ck_assert_str_eq(ss.s.reason, "credentials_unreadable");
	/* No key at all: the daemon does not start, and says why. */
	stop();
	ck_assert_int_eq(unlink(key), 0);
	pid = spawn();
	ck_assert_int_eq(wait_exit(pid, 5000) >> 8, 1);
	pid = -1;
	ck_assert(log_has("wagw-admin init creates it"));
}
END_TEST

/*
 * Another process holds the write lock for 5 s while check-cache writes,
 * a seen-contact batch and a key-use write queue up behind it: the loop
 * goes on answering live lookups (whose answers do not wait on a write)
 * within their deadline the whole time.
 */
START_TEST(a_locked_database_never_stalls_the_loop)
{
	struct sessiond_check_result r[1];
	struct sessiond_status sst;
	struct store_key k, out;
	struct store *st;
	struct seen_list l;
	const struct seen *s;
	char about[SESSIOND_ABOUT_MAX + 1], phone[16], buf[64], err[256], text[4096];
	int64_t t0, t1, worst = 0, held_until;
	int ra, n = 0, p[2];
	pid_t locker;
	sqlite3 *h;

	restart("lookups_per_minute = 100000\nlookup_burst = 1000\n", 5);
	wait_contacts("S1", 4, &l);
	memset(&k, 0, sizeof(k));
	snprintf(k.id, sizeof(k.id), "k1");
	snprintf(k.org, sizeof(k.org), "o1");
	snprintf(k.prefix, sizeof(k.prefix), "wa_abc");
	k.permissions = 1;
	k.created_ms = 1;
	ck_assert_int_eq(store_open(&st, db, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_key_add(st, &k), STORE_OK);
	store_close(st);

	/* The locker: BEGIN IMMEDIATE, a byte on the pipe, 5 s, ROLLBACK. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ne(locker = fork(), -1);
	if (locker == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (sqlite3_open(db, &h) != SQLITE_OK ||
		    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		if (write(p[1], "L", 1) != 1)
			_exit(1);
		usleep(5000000);
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(h);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], buf, 1), 1);
	close(p[0]);
	t0 = clock_mono_ms();
	held_until = t0 + 4800;

	/* Writes that must wait: key use (flushed a second later) and a
	 * seen batch (Eve, new in a direct chat). */
	ck_assert_int_eq(sessiond_key_used(cl, "k1", 5000, T), SESSIOND_OK);
	snprintf(text, sizeof(text), "{\"latencyMs\": 5, \"accounts\": [" ACCOUNTS ","
	    "{\"lid\": \"104\", \"phone\": \"14155550104\", \"name\": \"Eve\"}],"
	    " \"sessions\": {"
	    "\"S1\": {\"account\": \"14155550001\", \"dms\": [\"100\", \"104\"], \"groups\": ["
	    S1_GROUP "]},"
	    "\"S2\": {\"connected\": false, \"dms\": [\"101\"]},"
	    "\"S3\": {\"rateOverlimit\": true, \"dms\": [\"100\"]}}}");
	write_file(netf, text);
	kill(pid, SIGHUP);

	/* Every answer, for the whole time the lock is held. */
	while (clock_mono_ms() < held_until) {
		/* A fresh number: each answer queues a cache write that must wait. */
		snprintf(phone, sizeof(phone), "1999000%04d", n++ % 10000);
		t1 = clock_mono_ms();
		ck_assert_int_eq(check1("S1", phone, r, &ra), SESSIOND_OK);
		ck_assert_int_eq(sessiond_about(cl, "S1", "100@lid", T, about, &ra),
		    SESSIOND_OK);
		ck_assert_str_eq(about, "At work");
		ck_assert_int_eq(check1("S1", "14155550100", r, &ra), SESSIOND_OK);
		ck_assert_int_eq(r[0].on_whatsapp, 1);
		ck_assert_int_eq(sessiond_session_status(cl, "S2", T, &sst), SESSIOND_OK);
		ck_assert_int_eq(sessiond_ping(cl, T), SESSIOND_OK);
		t1 = clock_mono_ms() - t1;
		if (t1 > worst)
			worst = t1;
		usleep(20000);
	}
	/* Five answers a round, each round far under one busy timeout
	 * (STORE_BUSY_MS, 2 s) and the lookup deadline (2 s). */
	ck_assert_msg(worst < 1000, "a round took %lld ms while locked", (long long)worst);
	ck_assert_int_ge(n, 20);
	/* Nothing landed while the lock was held: the writes did wait. */
	db_text("SELECT count(*) FROM check_cache WHERE phone LIKE '1999000%' AND"
	    " session = (SELECT sid FROM sessions WHERE id = ?1)", "S1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	db_text("SELECT count(*) FROM api_keys WHERE id = ?1 AND last_used_ms IS NOT NULL"
	    " AND last_used_ms > 0", "k1", buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	contacts("S1", &l);
	ck_assert_ptr_null(find(&l, "104"));

	/* Released: every write that waited lands. */
	ck_assert_int_eq(wait_exit(locker, 3000), 0);
	snprintf(phone, sizeof(phone), "1999000%04d", (n - 1) % 10000);
	wait_cached("S1", phone);
	db_text("SELECT count(*) FROM check_cache WHERE phone LIKE '1999000%' AND"
	    " session = (SELECT sid FROM sessions WHERE id = ?1)", "S1", buf, sizeof(buf));
	ck_assert_int_eq(atoi(buf), n);
	wait_contacts("S1", 5, &l);
	ck_assert_ptr_nonnull(s = find(&l, "104"));
	ck_assert_str_eq(s->phone, "14155550104");
	ck_assert_int_eq(s->has_dm, 1);
	t1 = clock_mono_ms() + 5000;
	do {
		ck_assert_msg(clock_mono_ms() < t1, "the key use never landed");
		usleep(20000);
		ck_assert_int_eq(store_open(&st, db, STORE_READER, 2000, err,
		    sizeof(err)), STORE_OK);
		ck_assert_int_eq(store_key_by_prefix(st, "wa_abc", &out), STORE_OK);
		store_close(st);
	} while (out.last_used_ms == 0);
	ck_assert_int_eq(out.last_used_ms, 5000);
}
END_TEST

START_TEST(session_wait_follows_changes)
{
	struct sessiond_session a, b;
	int64_t t0;

	ck_assert_int_eq(sessiond_session_call(cl, "session_get", "S1", T, &a), SESSIOND_OK);
	/* Nothing changes: answered at the wait's end with the same seq. */
	t0 = clock_mono_ms();
	ck_assert_int_eq(sessiond_session_wait(cl, "S1", a.seq, 300, T, &b), SESSIOND_OK);
	ck_assert_int_ge(clock_mono_ms() - t0, 250);
	ck_assert(b.seq == a.seq);
	/* A change ends the wait at once. */
	ck_assert_int_eq(sessiond_sim(cl, "sim_drop", "S1", NULL, T), SESSIOND_OK);
	t0 = clock_mono_ms();
	ck_assert_int_eq(sessiond_session_wait(cl, "S1", a.seq, 5000, T, &b), SESSIOND_OK);
	ck_assert_int_lt(clock_mono_ms() - t0, 1000);
	ck_assert(b.seq > a.seq);
	ck_assert_str_eq(b.s.status, "starting");
	/* An old seq answers at once. */
	ck_assert_int_eq(sessiond_session_wait(cl, "S1", 0, 5000, T, &b), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_wait(cl, "S1", 0, 0, T, &b), SESSIOND_BAD_REQUEST);
	ck_assert_int_eq(sessiond_session_wait(cl, "S1", 0, 60001, T, &b),
	    SESSIOND_BAD_REQUEST);
	ck_assert_int_eq(sessiond_session_wait(cl, "NOPE", 0, 10, T, &b), SESSIOND_NOT_FOUND);
}
END_TEST

START_TEST(pairing_conflicts_and_delete)
{
	struct sessiond_session ss;
	char id[STORE_ID_MAX + 1], buf[32];

	/* A paired session: no QR, no code. */
	ck_assert_int_eq(sessiond_session_call(cl, "session_qr", "S1", T, &ss),
	    SESSIOND_CONFLICT);
	ck_assert_ptr_nonnull(strstr(sessiond_message(cl), "paired"));
	ck_assert_int_eq(sessiond_session_pair_code(cl, "S1", "14155550001", T, &ss),
	    SESSIOND_CONFLICT);
	create_and_pair(&ss);
	snprintf(id, sizeof(id), "%s", ss.s.id);
	ck_assert_int_eq(sessiond_session_call(cl, "session_delete", id, T, NULL), SESSIOND_OK);
	ck_assert_int_eq(sessiond_session_call(cl, "session_get", id, T, &ss),
	    SESSIOND_NOT_FOUND);
	db_text("SELECT count(*) FROM sessions WHERE id = ?1", id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	/* An organization the store does not know yet is made (the frontend owns them). */
	ck_assert_int_eq(sessiond_session_create(cl, "neworg", NULL, 1, T, &ss), SESSIOND_OK);
}
END_TEST

static Suite *
sessiond_suite(void)
{
	Suite *s = suite_create("sessiond");
	TCase *tc;

	tc = tcase_create("ops");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ping_and_status);
	tcase_add_test(tc, check_answers);
	tcase_add_test(tc, about_answers);
	tcase_add_test(tc, what_sessions_see_is_stored);
	tcase_add_test(tc, disconnect_then_connect);
	tcase_add_test(tc, operator_hold_survives_sighup);
	tcase_add_test(tc, key_use_is_recorded);
	tcase_add_test(tc, search_index_merged_after_start);
	tcase_add_test(tc, jwks_is_fetched_at_start);
	tcase_add_test(tc, jwks_failure_is_logged_and_serving_goes_on);
	suite_add_tcase(s, tc);

	tc = tcase_create("safety");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rate_limit_exact_retry_after);
	tcase_add_test(tc, more_numbers_than_the_burst);
	tcase_add_test(tc, cache_hit_spends_no_budget);
	tcase_add_test(tc, identical_lookups_share_one_query);
	tcase_add_test(tc, daily_cap_until_utc_midnight);
	tcase_add_test(tc, rate_overlimit_backs_off);
	tcase_add_test(tc, lookup_deadline);
	tcase_add_test(tc, client_deadline_then_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("peers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, broken_framing_closes_that_connection_only, 0,
	    N_ELEM(broken));
	tcase_add_loop_test(tc, malformed_requests_get_an_error_and_the_connection_stays,
	    0, N_ELEM(malformed));
	tcase_add_test(tc, half_a_frame_stalls_nobody);
	tcase_add_test(tc, client_leaving_mid_request);
	tcase_add_test(tc, idle_connections_cannot_wedge_the_daemon);
	tcase_add_test(tc, few_descriptors_neither_spin_nor_refuse);
	tcase_add_test(tc, limits_survive_restarts);
	tcase_add_test(tc, only_allowed_users_are_served);
	tcase_add_test(tc, many_concurrent_clients);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, created_paired_and_back_after_kill9);
	tcase_add_test(tc, a_drop_reconnects_with_back_off);
	tcase_add_test(tc, unreadable_credentials_fail_that_session_only);
	tcase_add_test(tc, a_locked_database_never_stalls_the_loop);
	tcase_add_test(tc, session_wait_follows_changes);
	tcase_add_test(tc, pairing_conflicts_and_delete);
	suite_add_tcase(s, tc);

	tc = tcase_create("life");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kill9_then_restart_same_client);
	tcase_add_test(tc, restart_while_client_keeps_connection);
	tcase_add_test(tc, sigterm_finishes_lookups_and_exits_0);
	tcase_add_test(tc, sighup_stores_what_is_new);
	tcase_add_test(tc, sighup_picks_up_database_sessions);
	tcase_add_test(tc, socket_is_0660_and_a_second_daemon_is_refused);
	tcase_add_test(tc, refuses_a_path_that_is_not_a_socket);
	tcase_add_test(tc, malformed_network_stops_start_up);
	tcase_add_test(tc, fresh_database_is_created);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_sessiond", sessiond_suite)
