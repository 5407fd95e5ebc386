/*
 * A session the daemon holds (one per database row): its link state,
 * the operator's connect/disconnect hold, and the connect requests
 * waiting for the link.  An operator's disconnect or connect holds until
 * the opposite command or a restart; a reload does not override it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/daemon_impl.h"

struct session *
session_get(struct daemon *d, const char *id)
{
	return hmap_get(d->sessions, id, strlen(id));
}

static void
session_set_down(struct session *s, const char *reason)
{
	s->state = SESSION_DOWN;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
}

/* Answers every waiting connect request: err IPC_ERR_NONE or a failure. */
static void
session_wake(struct session *s, int err, const char *msg)
{
	struct request **w = s->waiters;
	size_t i, n = s->nwaiters;

	s->waiters = NULL;
	s->nwaiters = 0;
	s->d->connect_waiting -= n;
	loop_timer_cancel(s->connect_timer);
	s->connect_timer = NULL;
	for (i = 0; i < n; i++) {
		if (err != IPC_ERR_NONE)
			request_fail(w[i], err, 0, "%s", msg);
		request_finish(w[i]);
	}
	free(w);
	if (n > 0)
		daemon_drain_check(s->d);
}

static void
session_connect_timeout(void *arg)
{
	struct session *s = arg;

	s->connect_timer = NULL;
	session_wake(s, IPC_ERR_TIMEOUT, "the link did not come up in time");
}

/* Asks the link to come up. */
static void
session_start(struct session *s)
{
	if (s->state != SESSION_DOWN)
		return;
	if (!s->info.known) {
		session_set_down(s, s->info.reason);
		return;
	}
	if (link_connect(s->d->link, s->id) == -1) {
		session_set_down(s, "the link could not start");
		return;
	}
	s->state = SESSION_CONNECTING;
	s->reason[0] = '\0';
}

struct session *
session_add(struct daemon *d, const char *id, int64_t rowid)
{
	struct session *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->d = d;
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->rowid = rowid;
	s->mark = 1;
	if (hmap_put(d->sessions, s->id, strlen(s->id), s) == -1) {
		free(s);
		return NULL;
	}
	link_session_open(d->link, s->id, &s->info);
	s->state = SESSION_DOWN;
	if (s->info.known && s->info.autoconnect)
		session_start(s);
	else
		session_set_down(s, s->info.known ? "configured to start disconnected" :
		    s->info.reason);
	return s;
}

static void
session_free(struct session *s)
{
	session_wake(s, IPC_ERR_NOT_FOUND, "the session was removed");
	free(s);
}

void
session_remove(struct session *s)
{
	struct daemon *d = s->d;

	lookup_fail_session(d, s, 1, IPC_ERR_NOT_FOUND, "the session was removed");
	link_session_close(d->link, s->id);
	hmap_del(d->sessions, s->id, strlen(s->id));
	log_info("session %s: no longer in the database, dropped", s->id);
	session_free(s);
}

void
session_connect(struct session *s, struct request *r)
{
	struct request **w;

	s->hold = HOLD_UP;
	if (s->state == SESSION_UP) {
		request_finish(r);
		return;
	}
	session_start(s);
	if (s->state != SESSION_CONNECTING) {
		request_fail(r, IPC_ERR_NOT_CONNECTED, 0, "%s", s->reason);
		request_finish(r);
		return;
	}
	if ((w = reallocarray(s->waiters, s->nwaiters + 1, sizeof(*w))) == NULL) {
		request_fail(r, IPC_ERR_INTERNAL, 0, "out of memory");
		request_finish(r);
		return;
	}
	s->waiters = w;
	s->waiters[s->nwaiters++] = r;
	s->d->connect_waiting++;
	if (s->connect_timer == NULL)
		s->connect_timer = loop_timer_add(s->d->loop,
		    s->d->cfg->lookup_timeout_ms, session_connect_timeout, s);
	log_info("session %s: connecting at the operator's request", s->id);
}

void
session_disconnect(struct session *s)
{
	s->hold = HOLD_DOWN;
	session_set_down(s, "disconnected by the operator");
	lookup_fail_session(s->d, s, 1, IPC_ERR_NOT_CONNECTED, s->reason);
	link_disconnect(s->d->link, s->id);
	session_wake(s, IPC_ERR_NOT_CONNECTED, s->reason);
	log_info("session %s: disconnected at the operator's request", s->id);
}

void
session_status(struct session *s, int *connected, const char **reason)
{
	*connected = s->state == SESSION_UP;
	*reason = s->state == SESSION_CONNECTING ? "connecting" : s->reason;
}

/* After a reload: the link may now know the session, or no longer. */
void
session_refresh(struct session *s)
{
	int was_known = s->info.known;

	link_session_info(s->d->link, s->id, &s->info);
	if (!s->info.known) {
		if (s->state == SESSION_DOWN && s->hold != HOLD_DOWN)
			session_set_down(s, s->info.reason);
		return;
	}
	/* Newly in the network: its file state applies, unless an operator's hold. */
	if (!was_known && s->state == SESSION_DOWN && s->hold != HOLD_DOWN &&
	    (s->hold == HOLD_UP || s->info.autoconnect))
		session_start(s);
	else if (!was_known && s->state == SESSION_DOWN && s->hold != HOLD_DOWN)
		session_set_down(s, "configured to start disconnected");
}

void
session_ev_state(void *arg, const char *id, int up, const char *reason)
{
	struct daemon *d = arg;
	struct session *s = session_get(d, id);

	if (s == NULL)
		return;
	if (up) {
		if (s->state != SESSION_CONNECTING)
			return;
		s->state = SESSION_UP;
		s->reason[0] = '\0';
		log_info("session %s: connected", s->id);
		session_wake(s, IPC_ERR_NONE, "");
		return;
	}
	session_set_down(s, reason);
	log_info("session %s: link down: %s", s->id, reason);
	lookup_fail_session(d, s, 0, IPC_ERR_NOT_CONNECTED, reason);
	session_wake(s, IPC_ERR_NOT_CONNECTED, reason);
}

static int
session_free_one(const char *key, size_t len, void *val, void *arg)
{
	(void)key;
	(void)len;
	(void)arg;
	session_free(val);
	return 0;
}

void
session_free_all(struct daemon *d)
{
	hmap_each(d->sessions, session_free_one, NULL);
}
