/*
 * A session the daemon holds (one per database row) and its life:
 *
 *   stopped --start--> starting --(no credentials)--> scan_qr_code
 *                         |  ^                              |
 *                   logged in|  transient drop: back-off    | paired
 *                         v  |                              v
 *                       working <------------------------ starting
 *
 * A transient drop reconnects by itself after a jittered exponential
 * back-off (backoff.h); a permanent end does not: logged out (by the
 * phone or :logout) deletes the credentials, and a failure (replaced,
 * client outdated, banned, pairing that ran out, unreadable credentials)
 * says why in the reason.  Whether a session should run (autostart) is
 * stored with it, so after a restart, or a crash, every session that was
 * started comes back by itself.
 *
 * Every change a client can see bumps seq and wakes the requests waiting
 * on the session; changes of the stored state are persisted through the
 * writer (session_persist).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/creds.h"
#include "sessiond/daemon_impl.h"

#define SESSION_REASON_DAEMON_STOPPED	"the session holder stopped"

struct session *
session_get(struct daemon *d, const char *id)
{
	return hmap_get(d->sessions, id, strlen(id));
}

/* Copies src (which may be dst itself) into dst, cut to size on a UTF-8 boundary. */
static void
session_copy(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memmove(dst, src, n);
	dst[n] = '\0';
}

static void
session_reason(struct session *s, const char *reason)
{
	session_copy(s->row.reason, sizeof(s->row.reason), reason);
}

static void
session_set_status(struct session *s, enum status st, const char *reason)
{
	s->status = st;
	snprintf(s->row.status, sizeof(s->row.status), "%s", status_name(st));
	session_reason(s, reason);
}

static void
session_clear_pairing(struct session *s)
{
	s->pair_kind = -1;
	s->pair_code[0] = '\0';
	s->pair_expires_ms = 0;
}

/*
 * Paired: the driver reported the account (a driver may hold credentials
 * before that: a new WhatsApp device has its keys from the start), or
 * its own configuration pairs the session.
 */
static int
session_has_account(const struct session *s)
{
	return s->creds != NULL && (s->row.jid[0] != '\0' || s->row.lid[0] != '\0' ||
	    s->row.phone[0] != '\0');
}

int
session_paired(const struct session *s)
{
	return session_has_account(s) || s->provisioned;
}

/* ---- waiting requests ---- */

static void
swait_free(struct swait *w)
{
	struct swait **pp;

	for (pp = &w->s->waits; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	loop_timer_cancel(w->timer);
	w->s->d->waiting--;
	free(w);
}

/* Ends w: r answered with the session, or with err. */
static void
swait_end(struct swait *w, int err, const char *msg)
{
	struct session *s = w->s;
	struct request *r = w->r;
	struct daemon *d = s->d;

	swait_free(w);
	if (err != IPC_ERR_NONE)
		request_fail(r, err, 0, "%s", msg);
	else
		request_session_reply(r, s);
	request_finish(r);
	daemon_drain_check(d);
}

static void
swait_timeout(void *arg)
{
	struct swait *w = arg;

	w->timer = NULL;
	/* A long poll that saw no change answers with the state as it is. */
	if (w->kind == WAIT_CHANGE)
		swait_end(w, IPC_ERR_NONE, "");
	else
		swait_end(w, IPC_ERR_TIMEOUT, w->kind == WAIT_UP ?
		    "the link did not come up in time" :
		    "no pairing code came in time");
}

int
session_wait(struct session *s, struct request *r, enum wait_kind kind,
    uint64_t after, int64_t timeout_ms)
{
	struct swait *w;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->timer = loop_timer_add(s->d->loop, timeout_ms, swait_timeout,
	    w)) == NULL) {
		free(w);
		return -1;
	}
	w->s = s;
	w->r = r;
	w->kind = kind;
	w->after = after;
	w->next = s->waits;
	s->waits = w;
	s->d->waiting++;
	return 0;
}

/* Wakes the waits the session's new state settles. */
static void
session_changed(struct session *s)
{
	struct swait *w, *next;
	int ended = s->status == STATUS_STOPPED || s->status == STATUS_FAILED ||
	    s->status == STATUS_LOGGED_OUT;

	s->seq++;
	for (w = s->waits; w != NULL; w = next) {
		next = w->next;
		switch (w->kind) {
		case WAIT_CHANGE:
			if (s->seq > w->after)
				swait_end(w, IPC_ERR_NONE, "");
			break;
		case WAIT_UP:
			if (s->status == STATUS_WORKING)
				swait_end(w, IPC_ERR_NONE, "");
			else if (ended)
				swait_end(w, IPC_ERR_NOT_CONNECTED, s->row.reason[0] ?
				    s->row.reason : status_name(s->status));
			break;
		case WAIT_CODE:
			if (s->pair_kind == LINK_PAIR_CODE)
				swait_end(w, IPC_ERR_NONE, "");
			else if (ended || s->status == STATUS_WORKING)
				swait_end(w, IPC_ERR_CONFLICT, s->status == STATUS_WORKING ?
				    "the session is paired" : "pairing ended");
			break;
		}
	}
}

/* Ends every wait of s with err (the session goes away, the daemon stops). */
static void
session_wake_all(struct session *s, int err, const char *msg)
{
	while (s->waits != NULL)
		swait_end(s->waits, s->waits->kind == WAIT_CHANGE ? IPC_ERR_NONE : err,
		    msg);
}

static int
session_drain_one(const char *key, size_t len, void *val, void *arg)
{
	(void)key;
	(void)len;
	(void)arg;
	session_wake_all(val, IPC_ERR_UNAVAILABLE, "the daemon is stopping");
	return 0;
}

/* ---- persistence ---- */

struct session_state_job {
	struct daemon	*d;
	char		 id[STORE_ID_MAX + 1];
	int64_t		 rowid;
	struct store_session row;	/* the state to write */
	int64_t		 now;
	struct request	*r;		/* answered once written */
	struct loop_timer *timer;	/* ... or when this fires */
};

static int
session_state_write(struct store *st, void *arg)
{
	struct session_state_job *j = arg;
	struct store_session_state ss = { j->row.status, j->row.reason,
	    j->row.autostart, j->row.gateway_id, j->row.last_connected_ms };

	return store_session_set_state(st, j->rowid, &ss, j->now);
}

static void
session_state_reply(struct session_state_job *j)
{
	struct session *s;

	if (j->r == NULL)
		return;
	s = session_get(j->d, j->id);
	if (s != NULL && s->row.rowid == j->rowid)
		request_session_reply(j->r, s);
	else
		request_fail(j->r, IPC_ERR_NOT_FOUND, 0, "no such session");
	request_finish(j->r);
	j->r = NULL;
	j->d->waiting--;
	daemon_drain_check(j->d);
}

static void
session_state_slow(void *arg)
{
	struct session_state_job *j = arg;

	/* The database is slow: answer; the write still happens. */
	j->timer = NULL;
	session_state_reply(j);
}

static void
session_state_done(void *arg, int rc)
{
	struct session_state_job *j = arg;

	if (rc != STORE_OK)
		log_warnx("session %s: storing its state: %s", j->id, store_rc_str(rc));
	loop_timer_cancel(j->timer);
	session_state_reply(j);
	free(j);
}

void
session_persist(struct session *s, struct request *r)
{
	struct daemon *d = s->d;
	struct session_state_job *j;

	s->row.updated_ms = clock_wall_ms();
	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto nomem;
	j->d = d;
	snprintf(j->id, sizeof(j->id), "%s", s->row.id);
	j->rowid = s->row.rowid;
	j->row = s->row;
	j->now = s->row.updated_ms;
	j->r = r;
	if (r != NULL && (j->timer = loop_timer_add(d->loop, REPLY_STORED_MS,
	    session_state_slow, j)) == NULL) {
		free(j);
		goto nomem;
	}
	if (writer_submit(d->wr, WRITER_RETRY, session_state_write,
	    session_state_done, j) == -1) {
		loop_timer_cancel(j->timer);
		free(j);
		goto nomem;
	}
	if (r != NULL)
		d->waiting++;
	return;
nomem:
	log_warnx("session %s: out of memory storing its state", s->row.id);
	if (r != NULL) {
		request_session_reply(r, s);
		request_finish(r);
	}
}

struct session_id_job {
	int64_t		 rowid;
	struct store_session_identity id;
	char		 phone[16], jid[STORE_JID_MAX + 1], lid[STORE_JID_MAX + 1];
	char		 push_name[STORE_NAME_MAX + 1];
	int64_t		 now;
};

static int
session_identity_write(struct store *st, void *arg)
{
	struct session_id_job *j = arg;

	j->id.phone = j->phone;
	j->id.jid = j->jid;
	j->id.lid = j->lid;
	j->id.push_name = j->push_name;
	return store_session_set_identity(st, j->rowid, &j->id, j->now);
}

static void
session_persist_identity(struct session *s)
{
	struct session_id_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warnx("session %s: out of memory storing its account", s->row.id);
		return;
	}
	j->rowid = s->row.rowid;
	memcpy(j->phone, s->row.phone, sizeof(j->phone));
	memcpy(j->jid, s->row.jid, sizeof(j->jid));
	memcpy(j->lid, s->row.lid, sizeof(j->lid));
	memcpy(j->push_name, s->row.push_name, sizeof(j->push_name));
	j->now = clock_wall_ms();
	daemon_write(s->d, session_identity_write, NULL, j);
}

struct session_creds_job {
	int64_t		 rowid;
	size_t		 len;		/* 0: delete */
	int64_t		 now;
	unsigned char	 blob[];
};

static int
session_creds_write(struct store *st, void *arg)
{
	struct session_creds_job *j = arg;

	return j->len == 0 ? store_creds_delete(st, j->rowid) :
	    store_creds_put(st, j->rowid, j->blob, j->len, j->now);
}

/* Persists the sealed credentials of s (none: deletes them). */
static void
session_persist_creds(struct session *s)
{
	struct session_creds_job *j;

	if ((j = calloc(1, sizeof(*j) + s->creds_len)) == NULL) {
		log_warnx("session %s: out of memory storing its credentials",
		    s->row.id);
		return;
	}
	j->rowid = s->row.rowid;
	j->len = s->creds != NULL ? s->creds_len : 0;
	if (j->len > 0)
		memcpy(j->blob, s->creds, j->len);
	j->now = clock_wall_ms();
	daemon_write(s->d, session_creds_write, NULL, j);
}

/* ---- the life of a session ---- */

/*
 * Stops the link and what hangs on it, silently; the state is the
 * caller's.  from_link: the driver ended the session itself (an event),
 * so its queries are gone already and there is nothing to stop.
 */
static void
session_halt(struct session *s, int from_link, int err, const char *msg)
{
	loop_timer_cancel(s->retry_timer);
	s->retry_timer = NULL;
	/* Lookups first: their queries die with the link. */
	lookup_fail_session(s->d, s, !from_link, err, msg);
	if (s->running && s->ls != NULL && !from_link)
		link_stop(s->ls);
	s->running = 0;
	if (s->up_since != 0)
		backoff_up_for(&s->bo, &s->d->boc, s->up_since, clock_mono_ms());
	s->up_since = 0;
	session_clear_pairing(s);
}

/* Connects the link with the credentials, or none to pair.  -1: cannot. */
static int
session_connect(struct session *s)
{
	unsigned char *plain = NULL;
	size_t len = 0;
	int rc;

	if (s->creds != NULL && creds_open(s->d->credkey, s->row.id, s->row.link,
	    s->creds, s->creds_len, &plain, &len) == -1) {
		log_warnx("session %s: its credentials cannot be decrypted with "
		    "the credentials key", s->row.id);
		session_set_status(s, STATUS_FAILED, "credentials_unreadable");
		return -1;
	}
	rc = link_start(s->ls, plain, len);
	creds_free(plain, len);
	if (rc == -1) {
		session_set_status(s, STATUS_FAILED, "the link could not start");
		return -1;
	}
	s->running = 1;
	return 0;
}

int
session_start(struct session *s)
{
	if (s->ls == NULL)
		return -1;
	s->row.autostart = 1;
	if (s->running)
		return 0;	/* starting, pairing or working: already */
	loop_timer_cancel(s->retry_timer);
	s->retry_timer = NULL;
	session_clear_pairing(s);
	session_set_status(s, STATUS_STARTING, "");
	if (session_connect(s) == -1)
		s->row.autostart = 0;
	session_changed(s);
	return 0;
}

void
session_stop(struct session *s, const char *reason)
{
	s->row.autostart = 0;
	session_halt(s, 0, IPC_ERR_NOT_CONNECTED, "the session was stopped");
	session_set_status(s, STATUS_STOPPED, reason);
	session_changed(s);
	log_info("session %s: stopped%s%s", s->row.id, reason && *reason ? ": " : "",
	    reason ? reason : "");
}

/* Forgets the paired account: credentials and identity. */
static void
session_unpair(struct session *s)
{
	creds_free(s->creds, s->creds_len);
	s->creds = NULL;
	s->creds_len = 0;
	s->provisioned = 0;
	session_persist_creds(s);
	s->row.phone[0] = s->row.jid[0] = s->row.lid[0] = s->row.push_name[0] = '\0';
	session_persist_identity(s);
}

void
session_logout(struct session *s)
{
	unsigned char *plain = NULL;
	size_t len = 0;

	lookup_fail_session(s->d, s, 1, IPC_ERR_NOT_CONNECTED, "the session logged out");
	if (s->ls != NULL) {
		/* A driver not connected may use them to tell WhatsApp. */
		if (s->creds != NULL)
			(void)creds_open(s->d->credkey, s->row.id, s->row.link,
			    s->creds, s->creds_len, &plain, &len);
		link_logout(s->ls, plain, len);
		creds_free(plain, len);
	}
	session_halt(s, 1, IPC_ERR_NOT_CONNECTED, "the session logged out");
	s->row.autostart = 0;
	session_unpair(s);
	session_set_status(s, STATUS_LOGGED_OUT, "");
	session_changed(s);
	log_info("session %s: logged out", s->row.id);
}

int
session_pair(struct session *s, const char *phone, int *err, const char **msg)
{
	*err = IPC_ERR_CONFLICT;
	if (s->ls == NULL) {
		*msg = s->row.reason;
		return -1;
	}
	if (session_paired(s)) {
		*msg = "the session is paired; :logout first to pair it again";
		return -1;
	}
	if (phone == NULL) {
		if (s->running && s->pair_kind == LINK_PAIR_CODE) {
			*msg = "pairing by phone code is under way";
			return -1;
		}
		return session_start(s) == -1 ? -1 : 0;
	}
	s->row.autostart = 1;
	if (link_pair_code(s->ls, phone) == -1) {
		*msg = "the link cannot pair by phone code now";
		return -1;
	}
	session_copy(s->pair_phone, sizeof(s->pair_phone), phone);
	if (!s->running) {
		s->running = 1;
		session_clear_pairing(s);
		session_set_status(s, STATUS_STARTING, "");
		session_changed(s);
	}
	return 0;
}

static void
session_retry(void *arg)
{
	struct session *s = arg;

	s->retry_timer = NULL;
	if (s->running || s->row.autostart != 1)
		return;
	log_info("session %s: reconnecting", s->row.id);
	session_set_status(s, STATUS_STARTING, s->row.reason);
	(void)session_connect(s);
	session_changed(s);
	session_persist(s, NULL);
}

/* Chooses what a held session does when the daemon takes it up. */
static void
session_begin(struct session *s, int usable)
{
	int autostart = s->row.autostart, prov_auto = 0;

	/* A file entry without an account leaves credentials without one. */
	s->provisioned = !session_has_account(s) && s->ls != NULL &&
	    link_provisioned(s->d->link, s->row.link, s->row.id, &prov_auto);
	if (autostart == -1)
		autostart = s->provisioned ? prov_auto : 0;
	if (usable && autostart == 1 && session_paired(s)) {
		session_start(s);
		log_info("session %s: starting (%s link)", s->row.id, s->row.link);
		return;
	}
	/* Nothing of it runs: what it was doing ended with the last daemon. */
	if (s->status == STATUS_STARTING || s->status == STATUS_SCAN_QR_CODE ||
	    s->status == STATUS_WORKING)
		session_set_status(s, STATUS_STOPPED, SESSION_REASON_DAEMON_STOPPED);
}

struct session *
session_load(struct daemon *d, const struct store_session *row)
{
	struct session *s;
	unsigned char *plain = NULL;
	size_t plen;
	char err[256];
	int st, rc, usable = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->d = d;
	s->row = *row;
	st = status_parse(row->status, strlen(row->status));
	s->status = st >= 0 ? (enum status)st : STATUS_STOPPED;
	session_clear_pairing(s);
	if (hmap_put(d->sessions, s->row.id, strlen(s->row.id), s) == -1) {
		free(s);
		return NULL;
	}
	snprintf(s->row.gateway_id, sizeof(s->row.gateway_id), "%s", d->gateway_id);
	limits_load(s);
	rc = store_creds_get(d->st, row->rowid, &s->creds, &s->creds_len);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		log_warnx("session %s: reading its credentials: %s", row->id,
		    store_rc_str(rc));
	if ((s->ls = link_sess_new(d->link, row->link, row->id, s, err,
	    sizeof(err))) == NULL) {
		log_warnx("session %s: %s", row->id, err);
		session_set_status(s, STATUS_FAILED, err);
	} else if (s->creds == NULL)
		usable = 1;
	else {
		/* Unreadable credentials fail now, not at some later start. */
		if (creds_open(d->credkey, row->id, row->link, s->creds, s->creds_len,
		    &plain, &plen) == -1) {
			log_warnx("session %s: its credentials cannot be decrypted "
			    "with the credentials key", row->id);
			session_set_status(s, STATUS_FAILED, "credentials_unreadable");
		} else {
			usable = 1;
			if (s->status == STATUS_FAILED &&
			    strcmp(s->row.reason, "credentials_unreadable") == 0)
				session_set_status(s, STATUS_STOPPED, "");
		}
		creds_free(plain, plen);
	}
	session_begin(s, usable);
	session_persist(s, NULL);
	return s;
}

void
session_refresh(struct session *s)
{
	if (s->running || s->ls == NULL || s->creds != NULL || s->provisioned ||
	    s->row.autostart != -1)
		return;
	session_begin(s, 1);
	if (s->running)
		session_persist(s, NULL);
}

static void
session_free(struct session *s)
{
	session_wake_all(s, IPC_ERR_NOT_FOUND, "the session was removed");
	loop_timer_cancel(s->retry_timer);
	link_sess_free(s->ls);
	creds_free(s->creds, s->creds_len);
	free(s);
}

void
session_remove(struct session *s)
{
	struct daemon *d = s->d;

	lookup_fail_session(d, s, 1, IPC_ERR_NOT_FOUND, "the session was removed");
	hmap_del(d->sessions, s->row.id, strlen(s->row.id));
	log_info("session %s: no longer in the database, dropped", s->row.id);
	session_free(s);
}

/* ---- link events ---- */

void
session_ev_state(void *cookie, enum link_state st, const char *reason)
{
	struct session *s = cookie;
	int64_t delay;
	uint32_t rnd = 0;

	if (!s->running)
		return;
	switch (st) {
	case LINK_CONNECTING:
		session_set_status(s, STATUS_STARTING, reason);
		break;
	case LINK_PAIRING:
		session_set_status(s, STATUS_SCAN_QR_CODE, "");
		break;
	case LINK_UP:
		session_clear_pairing(s);
		session_set_status(s, STATUS_WORKING, "");
		s->row.last_connected_ms = clock_wall_ms();
		s->up_since = clock_mono_ms();
		log_info("session %s: working", s->row.id);
		break;
	case LINK_DOWN:
		session_halt(s, 1, IPC_ERR_NOT_CONNECTED, reason);
		(void)RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
		delay = backoff_next(&s->bo, &s->d->boc, rnd);
		session_set_status(s, STATUS_STARTING, reason);
		s->retry_timer = loop_timer_add(s->d->loop, delay, session_retry, s);
		log_info("session %s: link down (%s); reconnecting in %lld ms",
		    s->row.id, reason, (long long)delay);
		break;
	case LINK_LOGGED_OUT:
		session_halt(s, 1, IPC_ERR_NOT_CONNECTED, "the session logged out");
		s->row.autostart = 0;
		session_unpair(s);
		session_set_status(s, STATUS_LOGGED_OUT, reason);
		log_info("session %s: logged out: %s", s->row.id, reason);
		break;
	case LINK_FAILED:
		session_halt(s, 1, IPC_ERR_NOT_CONNECTED, reason);
		s->row.autostart = 0;
		session_set_status(s, STATUS_FAILED, reason);
		log_warnx("session %s: failed: %s", s->row.id, reason);
		break;
	}
	session_changed(s);
	session_persist(s, NULL);
}

void
session_ev_pairing(void *cookie, const struct link_pairing *p)
{
	struct session *s = cookie;

	if (!s->running)
		return;
	s->pair_kind = (int)p->kind;
	session_copy(s->pair_code, sizeof(s->pair_code), p->code);
	s->pair_expires_ms = p->expires_ms;
	if (s->status != STATUS_SCAN_QR_CODE) {
		session_set_status(s, STATUS_SCAN_QR_CODE, "");
		session_persist(s, NULL);
	}
	session_changed(s);
}

void
session_ev_paired(void *cookie, const struct link_identity *id)
{
	struct session *s = cookie;

	session_copy(s->row.phone, sizeof(s->row.phone), id->phone);
	session_copy(s->row.jid, sizeof(s->row.jid), id->jid);
	session_copy(s->row.lid, sizeof(s->row.lid), id->lid);
	session_copy(s->row.push_name, sizeof(s->row.push_name), id->push_name);
	session_persist_identity(s);
	session_changed(s);
}

void
session_ev_credentials(void *cookie, const void *blob, size_t len)
{
	struct session *s = cookie;
	unsigned char *sealed;
	size_t slen;

	if (creds_seal(s->d->credkey, s->row.id, s->row.link, blob, len, &sealed,
	    &slen) == -1) {
		log_warnx("session %s: cannot seal its credentials", s->row.id);
		return;
	}
	creds_free(s->creds, s->creds_len);
	s->creds = sealed;
	s->creds_len = slen;
	s->provisioned = 0;
	session_persist_creds(s);
}

/* ---- shutdown ---- */

static int
session_shutdown_one(const char *key, size_t len, void *val, void *arg)
{
	struct session *s = val;

	(void)key;
	(void)len;
	(void)arg;
	session_wake_all(s, IPC_ERR_UNAVAILABLE, "the daemon is stopping");
	/* Shown as stopped until the next daemon takes it up again. */
	if (s->running || s->status == STATUS_STARTING ||
	    s->status == STATUS_SCAN_QR_CODE || s->status == STATUS_WORKING) {
		session_halt(s, 0, IPC_ERR_UNAVAILABLE, "the daemon stopped");
		session_set_status(s, STATUS_STOPPED, SESSION_REASON_DAEMON_STOPPED);
		session_persist(s, NULL);
	}
	return 0;
}

void
session_shutdown_all(struct daemon *d)
{
	hmap_each(d->sessions, session_shutdown_one, NULL);
}

void
session_wake_drain(struct daemon *d)
{
	hmap_each(d->sessions, session_drain_one, NULL);
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
