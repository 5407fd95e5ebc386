/*
 * libFuzzer target: the real wagw-sessiond (sessiond/daemon.h), running in
 * a thread on a temporary database, socket and simulated network, fed
 * arbitrary bytes as one client connection (frames cut by the daemon's
 * own framing).  Every answer must be a well-formed response frame whose
 * payload is a JSON object with an integer "id"; the daemon must close or
 * answer within a deadline (a hang is a finding) and must survive.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "common/config.h"
#include "common/credkey.h"
#include "common/log.h"
#include "common/store.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"
#include "sessiond/daemon.h"

#define FUZZ_DEADLINE_MS	5000

/* A finding: say which check failed (and errno), then crash. */
#define FUZZ_FAIL(what) do {						\
	fprintf(stderr, "fuzz_sessiond: %s (line %d, errno %d)\n", (what),	\
	    __LINE__, errno);						\
	__builtin_trap();						\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64], fuzz_sock[128];
static struct config fuzz_cfg;
static struct daemon *fuzz_daemon;

static const char fuzz_network[] =
    "{\"latencyMs\": 0, \"accounts\": ["
    "{\"lid\": \"205227043110953\", \"phone\": \"6281234567890\", \"name\": \"Alice\","
    " \"about\": \"At work\"},"
    "{\"lid\": \"99887766554433\", \"phone\": \"14155550123\", \"aboutHidden\": true}],"
    " \"sessions\": {"
    "\"S1\": {\"account\": \"6281200000001\", \"dms\": [\"205227043110953\"],"
    " \"groups\": [{\"jid\": \"120363021234567890@g.us\", \"members\":"
    " [{\"lid\": \"99887766554433\", \"role\": \"admin\"}]}]},"
    "\"S2\": {\"connected\": false, \"dms\": [\"99887766554433\"]}}}";

static void
fuzz_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		__builtin_trap();
}

static void *
fuzz_run(void *arg)
{
	(void)arg;
	daemon_run(fuzz_daemon);
	/* The daemon never stops on its own: that is a finding. */
	__builtin_trap();
	return NULL;
}

/* The temporary directory goes at exit (the daemon thread just stops). */
static void
fuzz_cleanup(void)
{
	static const char *const names[] = { "s", "db", "db-wal", "db-shm",
	    "db-journal", "net.json", "c.key" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, names[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

static void
fuzz_setup(void)
{
	char path[256], conf[1024], err[512];
	struct store *st;
	pthread_t t;

	if (fuzz_daemon != NULL)
		return;
	log_init("fuzz_sessiond", LOG_LEVEL_WARN);
	/*
	 * The daemon's threads (loop, writer) run until the process ends:
	 * OpenSSL must not tear itself down at exit under them.
	 */
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL) != 1)
		__builtin_trap();
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_sessiond.XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		__builtin_trap();
	atexit(fuzz_cleanup);
	snprintf(fuzz_sock, sizeof(fuzz_sock), "%s/s", fuzz_dir);
	snprintf(path, sizeof(path), "%s/net.json", fuzz_dir);
	fuzz_write(path, fuzz_network);
	snprintf(conf, sizeof(conf),
	    "[store]\ndatabase = %s/db\n[sessiond]\nsocket = %s\nlink = sim\n"
	    "sim_network = %s/net.json\nlookup_timeout_ms = 1000\n"
	    "credentials_key_file = %s/c.key\n"
	    "lookups_per_minute = 1000000\nlookup_burst = 1000000\n"
	    "lookups_per_day = 100000000\n[auth]\njwks_file = %s/jwks.json\n",
	    fuzz_dir, fuzz_sock, fuzz_dir, fuzz_dir, fuzz_dir);
	if (config_parse_buffer(&fuzz_cfg, "fuzz.conf", conf, strlen(conf), err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_sessiond: %s\n", err);
		__builtin_trap();
	}
	snprintf(path, sizeof(path), "%s/c.key", fuzz_dir);
	if (credkey_create(path, err, sizeof(err)) != 0)
		__builtin_trap();
	snprintf(path, sizeof(path), "%s/db", fuzz_dir);
	if (store_open(&st, path, STORE_WRITER, 2000, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st) != STORE_OK ||
	    store_org_add(st, "org1", "Org", 0) != STORE_OK ||
	    store_session_add(st, "S1", "org1", "one", 0) != STORE_OK ||
	    store_session_add(st, "S2", "org1", "two", 0) != STORE_OK ||
	    store_session_add(st, "S3", "org1", "not in the network", 0) != STORE_OK) {
		fprintf(stderr, "fuzz_sessiond: database: %s\n", err);
		__builtin_trap();
	}
	store_close(st);
	if (daemon_new(&fuzz_daemon, &fuzz_cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_sessiond: %s\n", err);
		__builtin_trap();
	}
	if (pthread_create(&t, NULL, fuzz_run, NULL) != 0)
		__builtin_trap();
}

/* Checks every complete frame in buf; returns the bytes consumed. */
static size_t
fuzz_frames(const unsigned char *buf, size_t len)
{
	struct json_object *obj;
	size_t off = 0, plen;
	int64_t id;
	int type;

	while (ipc_frame_parse(buf + off, len - off, &type, &plen) == IPC_FRAME_OK &&
	    len - off - IPC_HEADER_LEN >= plen) {
		if (type != IPC_TYPE_RESPONSE ||
		    (obj = ipc_msg_parse((const char *)buf + off + IPC_HEADER_LEN,
		    plen)) == NULL)
			FUZZ_FAIL("an answer is not a response frame with a JSON object");
		if (ipc_msg_int(obj, "id", &id) != 0 || id < 0 || id > IPC_ID_MAX)
			FUZZ_FAIL("an answer has no valid id");
		json_object_put(obj);
		off += IPC_HEADER_LEN + plen;
	}
	/* Anything left must be the start of a valid frame. */
	if (len - off >= IPC_HEADER_LEN &&
	    ipc_frame_parse(buf + off, len - off, &type, &plen) != IPC_FRAME_OK)
		FUZZ_FAIL("the daemon sent a broken frame header");
	return off;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[4 * (IPC_HEADER_LEN + IPC_PAYLOAD_MAX)];
	struct sockaddr_un sun;
	struct pollfd pfd;
	size_t have = 0, used;
	ssize_t n;
	int fd, rc;

	fuzz_setup();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, fuzz_sock, strlen(fuzz_sock) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		FUZZ_FAIL("cannot connect to the daemon");
	/* Inputs are small (max_len): they fit the socket buffer at once. */
	if (size > 0 && send(fd, data, size, MSG_NOSIGNAL) != (ssize_t)size)
		FUZZ_FAIL("the daemon refused the bytes");
	shutdown(fd, SHUT_WR);
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		/* libFuzzer's -timeout is a SIGALRM: EINTR is not an answer. */
		while ((rc = poll(&pfd, 1, FUZZ_DEADLINE_MS)) == -1 && errno == EINTR)
			continue;
		if (rc != 1)
			FUZZ_FAIL("the daemon neither answered nor closed in time");
		n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
		used = fuzz_frames(buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	fuzz_frames(buf, have);
	close(fd);
	return 0;
}
