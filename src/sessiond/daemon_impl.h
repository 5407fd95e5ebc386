/*
 * Private to the daemon's files: its state, and the functions they call
 * on each other.  One file per concept:
 *   daemon.c   start-up, socket, signals, reload, drain
 *   client.c   connections: buffers, framing, backpressure
 *   request.c  one request: parse, dispatch, reply; the lookup ops
 *   request_session.c  the session ops (create, start, pair, wait, ...)
 *   session.c  a held session: its state machine, back-off, persistence
 *   backoff.c  the reconnect delays
 *   creds.c    credentials sealed at rest
 *   lookup.c   live lookups: cache, budget, coalescing, deadlines
 *   seen.c     what sessions see -> the store
 *   checkcache.c  the check cache, written behind
 *   keyuse.c   API key last use -> the store, coalesced
 *   limits.c   lookup limits -> the store, kept across restarts
 *   tidy.c     the search index merged when contacts stop arriving
 *   writer.c   every store write, on a thread of its own
 *   jwksd.c    the JWKS download in a worker thread
 *   peer.c     who may use the socket (SO_PEERCRED)
 */
#ifndef WAGW_SESSIOND_DAEMON_IMPL_H
#define WAGW_SESSIOND_DAEMON_IMPL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/config.h"
#include "common/credkey.h"
#include "common/jid.h"
#include "common/status.h"
#include "common/store.h"
#include "ipc/ipc_msg.h"
#include "sessiond/backoff.h"
#include "sessiond/daemon.h"
#include "sessiond/hmap.h"
#include "sessiond/link.h"
#include "sessiond/loop.h"
#include "sessiond/ratelimit.h"
#include "sessiond/writer.h"

#define CLIENTS_CAP		4096	/* connections at once, at most; fewer when
					 * RLIMIT_NOFILE is low (daemon_clients_max) */
#define CLIENTS_MIN		16
#define CLIENTS_NOFILE_WANT	16384	/* descriptors asked for at start */
#define CLIENT_IDLE_MS		60000	/* no request in flight: closed after this */
#define CLIENT_PARTIAL_MS	10000	/* half a frame, no progress: closed after */
#define CLIENT_SWEEP_MS		5000
#define ACCEPT_PAUSE_MS		250	/* out of descriptors: accept again after */
#define PEER_LOGGED_MAX		16	/* refused users whose last log line is kept */
#define CLIENT_INFLIGHT_MAX	64	/* requests in flight per connection */
#define CLIENT_WBUF_HIGH	(256 * 1024)	/* stop reading above this */
#define LOOKUP_BACKOFF_MIN_MS	60000	/* after a rate-overlimit */
#define LOOKUP_BACKOFF_MAX_MS	3600000
#define JWKS_REFRESH_MIN_S	30	/* jwks_refresh requests at most this often */
#define STORE_BUSY_MS		2000
#define REPLY_STORED_MS		2000	/* a reply waits this long for its write */
#define WAIT_MAX_MS		60000	/* session_wait's longest wait */
#define PAIR_TEXT_MAX		512	/* a QR text */

struct seen_batch;
struct jwksd;
struct lookup;
struct tidy_job;

struct daemon {
	const struct config *cfg;
	char		 gateway_id[STORE_ID_MAX + 1];
	struct loop	*loop;
	struct store	*st;		/* the loop's reader */
	struct writer	*wr;
	struct link	*link;
	struct link_events ev;
	struct ratelimit_conf rlc;
	struct backoff_conf boc;
	unsigned char	 credkey[CREDKEY_LEN];

	int		 lfd;		/* listening socket */
	int		 lfd_bound;	/* ours to unlink */
	struct loop_io	*lio;
	int		 sigfd;
	struct loop_io	*sigio;
	size_t		 nclients, clients_max;
	/* live connections, the most recently active first */
	struct client	*clients, *clients_tail;
	struct loop_timer *client_sweep;
	struct loop_timer *accept_timer;	/* accepting paused until then */
	int		 accept_refusing;	/* an episode is logged once */
	uid_t		 peers[CONFIG_USERS_MAX];	/* allowed_users, resolved */
	size_t		 npeers;
	struct {
		uid_t	 uid;
		int64_t	 at;		/* monotonic ms; 0: unused */
	}		 peer_logged[PEER_LOGGED_MAX];

	struct hmap	*sessions;	/* id -> struct session */
	struct hmap	*lookups;	/* "c|session|phone", "a|session|jid" -> lookup */
	struct lookup	*lookup_list;	/* every lookup in flight */
	size_t		 nlookups;
	uint64_t	 link_queries;	/* link queries made, for tests and stats */
	size_t		 waiting;	/* requests waiting on sessions */

	int		 draining;
	struct loop_timer *drain_timer;

	struct hmap	*ccache;	/* "rowid|phone" -> check answer being written */

	struct hmap	*keyuse;	/* key id -> int64_t last use (ms) */
	struct loop_timer *keyuse_timer;

	size_t		 nlimits_dirty;
	struct loop_timer *limits_timer;

	int64_t		 tidy_first_ms;	/* contacts written since: 0 none */
	int64_t		 tidy_last_ms;	/* the last contact write */
	struct loop_timer *tidy_timer;
	struct tidy_job	*tidy_job;	/* a merge pass in the writer */

	struct jwksd	*jwks;
};

enum wait_kind {
	WAIT_UP,	/* the legacy connect: until working, or it cannot be */
	WAIT_CODE,	/* pairing-code: until the code is out */
	WAIT_CHANGE	/* session_wait: until anything changes */
};

struct swait {
	struct session	*s;
	struct request	*r;
	enum wait_kind	 kind;
	uint64_t	 after;		/* WAIT_CHANGE: the seq seen */
	struct loop_timer *timer;
	struct swait	*next;
};

struct session {
	struct daemon	*d;
	struct store_session row;	/* as stored (status, identity, ...) */
	struct link_sess *ls;		/* NULL when the driver could not open */
	enum status	 status;
	int		 running;	/* the link was started and not stopped */
	int		 provisioned;	/* the driver pairs it without credentials */
	unsigned char	*creds;		/* sealed; NULL: not paired */
	size_t		 creds_len;
	struct ratelimit rl;
	int64_t		 lookup_backoff_until;	/* monotonic ms */
	int64_t		 lookup_backoff_ms;
	struct backoff	 bo;		/* reconnecting */
	struct loop_timer *retry_timer;
	int64_t		 up_since;	/* monotonic ms; 0: not up */
	int		 pair_kind;	/* enum link_pair_kind, -1: nothing out */
	char		 pair_code[PAIR_TEXT_MAX];
	int64_t		 pair_expires_ms;
	char		 pair_phone[16];	/* pairing by code: for this phone */
	uint64_t	 seq;		/* bumps on every change a client can see */
	struct swait	*waits;
	int		 mark;		/* reload: still in the database */
	int		 limits_dirty;	/* lookup limits changed, not yet written */
};

struct client {
	struct daemon	*d;
	int		 fd;
	struct loop_io	*io;
	unsigned char	*rbuf;
	size_t		 rlen, rcap;
	unsigned char	*wbuf;
	size_t		 woff, wlen, wcap;
	int		 refs;		/* requests in flight */
	int		 dead;		/* fd closed; freed when refs is 0 */
	int		 closing;	/* close once wbuf is flushed */
	int		 busy;		/* in client_io: not to be freed yet */
	int		 events;	/* current loop interest */
	int64_t		 active_ms;	/* monotonic: the last byte in or out */
	struct client	*prev, *next;	/* daemon.clients, by activity */
};

enum request_op { OP_PING, OP_STATUS, OP_CONNECT, OP_DISCONNECT, OP_CHECK,
	OP_ABOUT, OP_JWKS_REFRESH, OP_KEY_USED, OP_SESSION_CREATE,
	OP_SESSION_DELETE, OP_SESSION_GET, OP_SESSION_START, OP_SESSION_STOP,
	OP_SESSION_RESTART, OP_SESSION_LOGOUT, OP_SESSION_QR, OP_SESSION_PAIR_CODE,
	OP_SESSION_WAIT, OP_SIM_SCAN, OP_SIM_LINK_CODE, OP_SIM_UNLINK, OP_SIM_DROP };

struct request_check {
	char		 phone[16];
	int		 on_whatsapp;
	char		 jid[JID_STR_MAX];
};

struct request {
	struct client	*c;
	uint32_t	 id;
	enum request_op	 op;
	size_t		 pending;	/* lookups not answered yet */
	int		 err;		/* enum ipc_err; the first error wins */
	char		 msg[160];
	int64_t		 retry_after;
	struct request_check *checks;
	size_t		 nchecks;
	char		*about;
	struct json_object *result;	/* members added to a success reply */
};

struct lookup_waiter {
	struct request	*r;
	size_t		 idx;		/* which phone of the request */
};

/* One link query: a check of up to LINK_CHECK_MAX phones, or an about. */
struct lookup {
	struct daemon	*d;
	struct session	*s;
	int		 is_about;
	char		 about_key[STORE_ID_MAX + JID_STR_MAX + 8];
	char		 (*phones)[16];	/* a check: the phones asked */
	size_t		 nphones;
	struct link_query *q;
	struct loop_timer *timer;
	struct lookup_waiter *w;	/* idx: the request's phone index */
	size_t		 *wphone;	/* per waiter: which phone of phones */
	size_t		 nw, capw;
	struct lookup	*prev, *next;
};

/* peer.c */
/* Resolves [sessiond] allowed_users.  0, or -1 with err. */
int peer_init(struct daemon *d, char *err, size_t errlen);
/* Whether the peer of the connection fd may use the daemon. */
int peer_allowed(struct daemon *d, int fd);

/* client.c */
/*
 * How many connections this process can hold, from RLIMIT_NOFILE (its soft
 * limit raised first, up to the hard one).
 */
size_t client_max(void);
/* Starts the sweep of idle connections (once, at start). 0 or -1. */
int client_sweep_start(struct daemon *d);
void client_accept(struct loop_io *io, int events, void *arg);
/* Queues a frame (copied) for c; drops c when it cannot keep up. */
void client_send(struct client *c, const unsigned char *buf, size_t len);
/* A request of c finished (reply sent or abandoned). */
void client_unref(struct client *c);
/* Closes every connection (shutdown). */
void client_close_all(struct daemon *d);

/* request.c */
void request_handle(struct client *c, const char *payload, size_t len);
/* Replies an error for a frame (id 0) and closes c after it. */
void request_frame_error(struct client *c, int err, const char *msg);
struct request *request_new(struct client *c, uint32_t id, enum request_op op);
/* Records an error (the first wins) and a message. */
void request_fail(struct request *r, int err, int64_t retry_after, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sends the reply (when the client is still there) and frees r. */
void request_finish(struct request *r);
/* Adds member key (val stolen) to r's success reply. */
void request_set(struct request *r, const char *key, struct json_object *val);
/* The "session" member, checked: NULL after failing and finishing r. */
struct session *request_session(struct request *r, struct json_object *obj);

/* request_session.c: the session ops (r is finished by them). */
void request_session_op(struct request *r, struct json_object *obj);
/* Puts the session (and its pairing, if any) into r's reply. */
void request_session_reply(struct request *r, struct session *s);

/* session.c */
struct session *session_get(struct daemon *d, const char *id);
/*
 * Holds the stored session row (its sealed credentials, if any, are
 * read now); starts it when it should run.  NULL when out of memory.
 */
struct session *session_load(struct daemon *d, const struct store_session *row);
/* Forgets s (removed from the database): lookups and waits fail not_found. */
void session_remove(struct session *s);
/* The operator's actions; each records the change (session_persist). */
int session_start(struct session *s);
void session_stop(struct session *s, const char *reason);
/* Unpairs s: WhatsApp is told when connected; credentials deleted. */
void session_logout(struct session *s);
/*
 * Begins pairing by QR (qr) or by phone code for phone (digits): 0, or -1
 * with err set to IPC_ERR_* and *msg to why not.
 */
int session_pair(struct session *s, const char *phone, int *err, const char **msg);
/* Nonzero when s is paired with an account (or its driver provisions it). */
int session_paired(const struct session *s);
/* After a reload: the driver may now provision it. */
void session_refresh(struct session *s);
/*
 * Persists s's state, then (when r is not NULL) finishes r with the
 * session in its reply once written, or after REPLY_STORED_MS at most.
 */
void session_persist(struct session *s, struct request *r);
/* Queues r on s until kind happens (or its deadline, timeout_ms). */
int session_wait(struct session *s, struct request *r, enum wait_kind kind,
    uint64_t after, int64_t timeout_ms);
/* Draining: every waiting request is answered now. */
void session_wake_drain(struct daemon *d);
/* Shutdown: running sessions stop (they stay to run), their state stored. */
void session_shutdown_all(struct daemon *d);
void session_free_all(struct daemon *d);
/* link events */
void session_ev_state(void *cookie, enum link_state st, const char *reason);
void session_ev_pairing(void *cookie, const struct link_pairing *p);
void session_ev_paired(void *cookie, const struct link_identity *id);
void session_ev_credentials(void *cookie, const void *blob, size_t len);

/* lookup.c */
void lookup_check(struct daemon *d, struct session *s, struct request *r,
    char (*phones)[16], size_t n);
void lookup_about(struct daemon *d, struct session *s, struct request *r,
    const struct jid *jid);
/*
 * Fails every lookup of s (every lookup when s is NULL) with err.  cancel:
 * whether their link queries are still alive and must be cancelled (not
 * after the link dropped the session, which drops its queries).
 */
void lookup_fail_session(struct daemon *d, struct session *s, int cancel,
    int err, const char *msg);
void lookup_ev_check(void *qcookie, const struct link_check_answer *a);
void lookup_ev_about(void *qcookie, enum link_rc rc, int64_t retry_after_ms,
    const char *about);

/* seen.c */
void seen_ev(void *cookie, const struct link_seen *seen);

/* checkcache.c */
/* A fresh cached answer (STORE_OK), or STORE_NOTFOUND (also when off). */
int checkcache_get(struct daemon *d, const struct session *s, const char *phone,
    int64_t now_ms, struct store_check *out);
void checkcache_put(struct daemon *d, const struct session *s, const char *phone,
    const struct store_check *c);
void checkcache_free(struct daemon *d);

/* limits.c */
/* Reads what was kept of s's lookup limits (at load). */
void limits_load(struct session *s);
/* s's limits changed: written behind. */
void limits_changed(struct session *s);
/* Writes every change now (shutdown, and the timer). */
void limits_flush(struct daemon *d);

/* tidy.c */
/* Contacts were stored: merge the search index once they stop coming. */
void tidy_note(struct daemon *d);
/* Start: merge what an earlier run left, soon. */
void tidy_start(struct daemon *d);
/* Shutdown: no new pass, and the one running ends at its next step. */
void tidy_stop(struct daemon *d);

/* keyuse.c */
int keyuse_note(struct daemon *d, const char *key_id, int64_t at_ms);
void keyuse_flush(struct daemon *d);

/* jwksd.c */
int jwksd_start(struct daemon *d, char *err, size_t errlen);
/* Asks for a fetch soon (rate-limited). */
void jwksd_refresh(struct daemon *d);
void jwksd_stop(struct daemon *d);

/* daemon.c */
/* Called whenever something in flight finishes, to end a drain. */
void daemon_drain_check(struct daemon *d);
/*
 * Queues a store write that must happen (writer.h, WRITER_RETRY); on no
 * memory it is logged and dropped.  done may be NULL: arg is then freed
 * with free().
 */
void daemon_write(struct daemon *d, writer_fn fn, writer_done done, void *arg);

#endif
