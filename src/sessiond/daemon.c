/*
 * wagw-sessiond's life: start-up (database, link, socket, sessions),
 * signals (SIGHUP reloads, SIGTERM/SIGINT drain and stop) and shutdown.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define DRAIN_EXTRA_MS	1000	/* beyond lookup_timeout_ms */

static int
daemon_sockaddr(const char *path, struct sockaddr_un *sun, char *err, size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/*
 * Takes over the socket path: refuses while another daemon answers on
 * it, removes a stale socket left by a dead one, never removes anything
 * that is not a socket.
 */
static int
daemon_listen(struct daemon *d, char *err, size_t errlen)
{
	const char *path = d->cfg->socket;
	struct sockaddr_un sun;
	struct stat sb;
	mode_t um;
	int fd, rc;

	if (daemon_sockaddr(path, &sun, err, errlen) == -1)
		return -1;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			return -1;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return -1;
		}
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		close(fd);
		if (rc == 0 || errno == EAGAIN) {
			snprintf(err, errlen, "%s: another wagw-sessiond answers "
			    "on this socket", path);
			return -1;
		}
		if (errno != ECONNREFUSED) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		log_info("%s: removing the stale socket of a dead daemon", path);
		if (unlink(path) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if ((d->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Mode 0660 from the start: no window where others could connect. */
	um = umask(0117);
	rc = bind(d->lfd, (struct sockaddr *)&sun, sizeof(sun));
	umask(um);
	/* Only a socket we bound is ours to remove (a lost race is not). */
	if (rc == 0)
		d->lfd_bound = 1;
	if (rc == -1 || chmod(path, 0660) == -1 || listen(d->lfd, 128) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((d->lio = loop_io_add(d->loop, d->lfd, LOOP_READ, client_accept, d)) == NULL) {
		snprintf(err, errlen, "cannot watch the socket");
		return -1;
	}
	return 0;
}

struct daemon_sync {
	struct daemon	*d;
	int		 failed;
};

static int
daemon_sync_one(const struct store_session *ss, void *arg)
{
	struct daemon_sync *sy = arg;
	struct session *s = session_get(sy->d, ss->id);

	if (s != NULL && s->row.rowid == ss->rowid) {
		s->mark = 1;
		return 0;
	}
	if (s != NULL)		/* removed and added again under the same id */
		session_remove(s);
	if ((s = session_load(sy->d, ss)) == NULL) {
		log_warnx("session %s: out of memory", ss->id);
		sy->failed = 1;
		return 0;
	}
	s->mark = 1;
	return 0;
}

static int
daemon_unmark(const char *key, size_t len, void *val, void *arg)
{
	(void)key;
	(void)len;
	(void)arg;
	((struct session *)val)->mark = 0;
	return 0;
}

struct daemon_gone {
	struct session	**v;
	size_t		 n;
	int		 all;
};

static int
daemon_collect(const char *key, size_t len, void *val, void *arg)
{
	struct daemon_gone *g = arg;
	struct session *s = val;

	(void)key;
	(void)len;
	if (g->all || !s->mark)
		g->v[g->n++] = s;
	return 0;
}

/*
 * Brings the held sessions in line with the database (wagw-admin adds
 * and removes rows, then SIGHUP); refresh: a reload, after which drivers
 * may provision sessions they did not.
 */
static int
daemon_sync(struct daemon *d, int refresh)
{
	struct daemon_sync sy = { d, 0 };
	struct daemon_gone g = { NULL, 0, 0 };
	size_t i;
	int rc;

	hmap_each(d->sessions, daemon_unmark, NULL);
	if ((rc = store_session_list(d->st, NULL, daemon_sync_one, &sy)) != STORE_OK) {
		log_warnx("reading the sessions: %s", store_rc_str(rc));
		return -1;
	}
	if ((g.v = calloc(hmap_count(d->sessions) + 1, sizeof(*g.v))) == NULL)
		return -1;
	hmap_each(d->sessions, daemon_collect, &g);
	for (i = 0; i < g.n; i++)
		session_remove(g.v[i]);
	if (refresh) {
		g.n = 0;
		g.all = 1;
		hmap_each(d->sessions, daemon_collect, &g);
		for (i = 0; i < g.n; i++)
			session_refresh(g.v[i]);
	}
	free(g.v);
	return sy.failed ? -1 : 0;
}

static void
daemon_reload(struct daemon *d)
{
	char err[1024];

	log_info("SIGHUP: reloading");
	if (link_reload(d->link, err, sizeof(err)) == -1)
		log_warnx("reload: %s; keeping the previous configuration", err);
	if (daemon_sync(d, 1) == -1)
		log_warnx("reload: the sessions of the database were not all picked up");
	log_info("holding %zu sessions", hmap_count(d->sessions));
}

static void
daemon_write_free(void *arg, int rc)
{
	if (rc != STORE_OK)
		log_warnx("a database write failed: %s", store_rc_str(rc));
	free(arg);
}

void
daemon_write(struct daemon *d, writer_fn fn, writer_done done, void *arg)
{
	if (writer_submit(d->wr, WRITER_RETRY, fn, done ? done : daemon_write_free,
	    arg) == -1) {
		log_warnx("out of memory queueing a database write");
		if (done != NULL)
			done(arg, STORE_ERROR);
		else
			free(arg);
	}
}

void
daemon_drain_check(struct daemon *d)
{
	if (!d->draining || d->nlookups > 0 || d->waiting > 0)
		return;
	loop_stop(d->loop);
}

static void
daemon_drain_timeout(void *arg)
{
	struct daemon *d = arg;

	d->drain_timer = NULL;
	log_warnx("drain: lookups still in flight after the bound; stopping");
	loop_stop(d->loop);
}

static void
daemon_drain(struct daemon *d)
{
	if (d->draining)
		return;
	log_info("stopping: no new connections; finishing %zu lookups in flight",
	    d->nlookups);
	d->draining = 1;
	loop_io_del(d->lio);
	d->lio = NULL;
	close(d->lfd);
	d->lfd = -1;
	unlink(d->cfg->socket);
	d->lfd_bound = 0;
	d->drain_timer = loop_timer_add(d->loop,
	    d->cfg->lookup_timeout_ms + DRAIN_EXTRA_MS, daemon_drain_timeout, d);
	session_wake_drain(d);
	daemon_drain_check(d);
}

static void
daemon_signal(struct loop_io *io, int events, void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)io;
	(void)events;
	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			daemon_reload(d);
		else
			daemon_drain(d);
	}
}

/* gatewayId: [sessiond] id, else the host name. */
static void
daemon_gateway_id(struct daemon *d)
{
	char host[256];

	if (d->cfg->id[0] != '\0') {
		snprintf(d->gateway_id, sizeof(d->gateway_id), "%s", d->cfg->id);
		return;
	}
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	/* A long host name is cut to what the store keeps. */
	host[sizeof(d->gateway_id) - 1] = '\0';
	memcpy(d->gateway_id, host, strlen(host) + 1);
}

int
daemon_new(struct daemon **out, const struct config *cfg, char *err, size_t errlen)
{
	struct daemon *d;
	struct store *mig = NULL;
	sigset_t set;
	int rc;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->cfg = cfg;
	d->lfd = d->sigfd = -1;
	d->rlc.per_minute = cfg->lookups_per_minute;
	d->rlc.burst = cfg->lookup_burst;
	d->rlc.per_day = cfg->lookups_per_day;
	backoff_default(&d->boc);
	daemon_gateway_id(d);
	d->ev.state = session_ev_state;
	d->ev.pairing = session_ev_pairing;
	d->ev.paired = session_ev_paired;
	d->ev.credentials = session_ev_credentials;
	d->ev.seen = seen_ev;
	d->ev.check_done = lookup_ev_check;
	d->ev.about_done = lookup_ev_about;
	if ((d->loop = loop_new()) == NULL || (d->sessions = hmap_new()) == NULL ||
	    (d->lookups = hmap_new()) == NULL || (d->keyuse = hmap_new()) == NULL ||
	    (d->ccache = hmap_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/*
	 * Signals arrive as events, blocked before any thread starts (the
	 * writer, the JWKS worker) so that none of them takes one; SIGPIPE
	 * never (writes use MSG_NOSIGNAL).
	 */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		goto fail;
	}
	if (credkey_load(cfg->credentials_key_file, d->credkey, err, errlen) == -1)
		goto fail;
	/* A file the daemon cannot write fails later, and obscurely: say so now. */
	if (store_check_access(cfg->database, err, errlen) == -1)
		goto fail;
	/* Migrate first, on a connection of its own; then the reader and the writer. */
	if (store_open(&mig, cfg->database, STORE_WRITER, STORE_BUSY_MS, err,
	    errlen) != STORE_OK)
		goto fail;
	rc = store_migrate(mig);
	store_close(mig);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s: cannot create or migrate the database: %s",
		    cfg->database, store_rc_str(rc));
		goto fail;
	}
	if (store_open(&d->st, cfg->database, STORE_READER, STORE_BUSY_MS, err,
	    errlen) != STORE_OK ||
	    (d->wr = writer_new(cfg->database, STORE_BUSY_MS, d->loop, err,
	    errlen)) == NULL)
		goto fail;
	if (link_open(&d->link, cfg, d->loop, &d->ev, err, errlen) == -1)
		goto fail;
	if ((d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (d->sigio = loop_io_add(d->loop, d->sigfd, LOOP_READ, daemon_signal,
	    d)) == NULL) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		goto fail;
	}
	d->clients_max = client_max();
	if (peer_init(d, err, errlen) == -1)
		goto fail;
	if (daemon_listen(d, err, errlen) == -1 || client_sweep_start(d) == -1)
		goto fail;
	if (daemon_sync(d, 0) == -1) {
		snprintf(err, errlen, "%s: cannot read the sessions", cfg->database);
		goto fail;
	}
	if (jwksd_start(d, err, errlen) == -1)
		goto fail;
	log_info("listening on %s as %s (at most %zu connections); holding %zu "
	    "sessions (new sessions get the %s link)", cfg->socket, d->gateway_id,
	    d->clients_max, hmap_count(d->sessions), cfg->link);
	*out = d;
	return 0;
fail:
	daemon_free(d);
	return -1;
}

int
daemon_run(struct daemon *d)
{
	int rc;

	tidy_start(d);
	rc = loop_run(d->loop);

	if (!d->draining) {
		d->draining = 1;
		if (d->lfd_bound)
			unlink(d->cfg->socket);
		d->lfd_bound = 0;
	}
	lookup_fail_session(d, NULL, 1, IPC_ERR_UNAVAILABLE, "the daemon stopped");
	session_shutdown_all(d);
	client_close_all(d);
	keyuse_flush(d);
	limits_flush(d);
	tidy_stop(d);
	log_info("stopped");
	return rc;
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	jwksd_stop(d);
	if (d->lookups != NULL)
		lookup_fail_session(d, NULL, 1, IPC_ERR_UNAVAILABLE, "the daemon stopped");
	client_close_all(d);
	/* Every queued write lands, and its completion runs, before what it names goes. */
	writer_free(d->wr);
	d->wr = NULL;
	if (d->sessions != NULL) {
		session_free_all(d);
		hmap_free(d->sessions);
	}
	link_close(d->link);
	checkcache_free(d);
	hmap_free_with(d->keyuse, free);
	hmap_free(d->lookups);
	if (d->lfd != -1)
		close(d->lfd);
	if (d->lfd_bound)
		unlink(d->cfg->socket);
	if (d->sigfd != -1)
		close(d->sigfd);
	store_close(d->st);
	loop_free(d->loop);
	OPENSSL_cleanse(d->credkey, sizeof(d->credkey));
	free(d);
}
