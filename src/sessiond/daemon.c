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

	if (s != NULL && s->rowid == ss->rowid) {
		s->mark = 1;
		return 0;
	}
	if (s != NULL)		/* removed and added again under the same id */
		session_remove(s);
	if (session_add(sy->d, ss->id, ss->rowid) == NULL) {
		log_warnx("session %s: out of memory", ss->id);
		sy->failed = 1;
	}
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
	int		 refresh;
};

static int
daemon_collect(const char *key, size_t len, void *val, void *arg)
{
	struct daemon_gone *g = arg;
	struct session *s = val;

	(void)key;
	(void)len;
	if (g->refresh || !s->mark)
		g->v[g->n++] = s;
	return 0;
}

/* Brings the held sessions in line with the database. */
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
		g.refresh = 1;
		hmap_each(d->sessions, daemon_collect, &g);
		for (i = 0; i < g.n; i++)
			session_refresh(g.v[i]);
	}
	free(g.v);
	link_report_unheld(d->link);
	return sy.failed ? -1 : 0;
}

static void
daemon_reload(struct daemon *d)
{
	char err[1024];

	log_info("SIGHUP: reloading");
	if (link_reload(d->link, err, sizeof(err)) == -1)
		log_warnx("reload: %s; keeping the previous network", err);
	if (daemon_sync(d, 1) == -1)
		log_warnx("reload: the sessions of the database were not all picked up");
	log_info("holding %zu sessions", hmap_count(d->sessions));
}

void
daemon_drain_check(struct daemon *d)
{
	if (!d->draining || hmap_count(d->lookups) > 0 || d->connect_waiting > 0)
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
	    hmap_count(d->lookups));
	d->draining = 1;
	loop_io_del(d->lio);
	d->lio = NULL;
	close(d->lfd);
	d->lfd = -1;
	unlink(d->cfg->socket);
	d->drain_timer = loop_timer_add(d->loop,
	    d->cfg->lookup_timeout_ms + DRAIN_EXTRA_MS, daemon_drain_timeout, d);
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

int
daemon_new(struct daemon **out, const struct config *cfg, char *err, size_t errlen)
{
	struct daemon *d;
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
	d->ev.state = session_ev_state;
	d->ev.seen = seen_ev;
	d->ev.check_done = lookup_ev_check;
	d->ev.about_done = lookup_ev_about;
	if ((d->loop = loop_new()) == NULL || (d->sessions = hmap_new()) == NULL ||
	    (d->lookups = hmap_new()) == NULL || (d->keyuse = hmap_new()) == NULL ||
	    (d->ccache = hmap_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (store_open(&d->st, cfg->database, STORE_WRITER, STORE_BUSY_MS, err,
	    errlen) != STORE_OK)
		goto fail;
	if ((rc = store_migrate(d->st)) != STORE_OK) {
		snprintf(err, errlen, "%s: cannot create or migrate the database: %s",
		    cfg->database, store_rc_str(rc));
		goto fail;
	}
	if (link_open(&d->link, cfg, d->loop, &d->ev, d, err, errlen) == -1)
		goto fail;
	/* Signals arrive as events; SIGPIPE never (writes use MSG_NOSIGNAL). */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (d->sigio = loop_io_add(d->loop, d->sigfd, LOOP_READ, daemon_signal,
	    d)) == NULL) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		goto fail;
	}
	if (daemon_listen(d, err, errlen) == -1)
		goto fail;
	if (daemon_sync(d, 0) == -1) {
		snprintf(err, errlen, "%s: cannot read the sessions", cfg->database);
		goto fail;
	}
	if (jwksd_start(d, err, errlen) == -1)
		goto fail;
	log_info("listening on %s; holding %zu sessions with the %s link",
	    cfg->socket, hmap_count(d->sessions), link_name(d->link));
	*out = d;
	return 0;
fail:
	/* The socket is ours only once bound: never unlink another daemon's. */
	daemon_free(d);
	return -1;
}

int
daemon_run(struct daemon *d)
{
	int rc = loop_run(d->loop);

	if (!d->draining) {
		d->draining = 1;
		unlink(d->cfg->socket);
	}
	lookup_fail_session(d, NULL, 1, IPC_ERR_UNAVAILABLE, "the daemon stopped");
	client_close_all(d);
	seen_flush(d);
	checkcache_flush(d);
	keyuse_flush(d);
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
	if (d->sessions != NULL) {
		session_free_all(d);
		hmap_free(d->sessions);
	}
	link_close(d->link);
	seen_free_all(d);
	checkcache_free(d);
	hmap_free_with(d->keyuse, free);
	hmap_free(d->lookups);
	if (d->lfd != -1) {
		close(d->lfd);
		if (!d->draining)
			unlink(d->cfg->socket);
	}
	if (d->sigfd != -1)
		close(d->sigfd);
	store_close(d->st);
	loop_free(d->loop);
	free(d);
}
