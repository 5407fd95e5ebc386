/*
 * Private to the daemon's files: its state, and the functions they call
 * on each other.  One file per concept:
 *   daemon.c   start-up, socket, signals, reload, drain
 *   client.c   connections: buffers, framing, backpressure
 *   request.c  one request: parse, dispatch, reply
 *   session.c  a held session: link state, operator holds, status
 *   lookup.c   live lookups: cache, budget, coalescing, deadlines
 *   seen.c     what sessions see -> the store, in batched transactions
 *   checkcache.c  the check cache, written behind in batches
 *   keyuse.c   API key last use -> the store, coalesced
 *   jwksd.c    the JWKS download in a worker thread
 */
#ifndef WAGW_SESSIOND_DAEMON_IMPL_H
#define WAGW_SESSIOND_DAEMON_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/config.h"
#include "common/jid.h"
#include "common/store.h"
#include "ipc/ipc_msg.h"
#include "sessiond/daemon.h"
#include "sessiond/hmap.h"
#include "sessiond/link.h"
#include "sessiond/loop.h"
#include "sessiond/ratelimit.h"

#define CLIENTS_MAX		1024	/* connections at once */
#define CLIENT_INFLIGHT_MAX	64	/* requests in flight per connection */
#define CLIENT_WBUF_HIGH	(256 * 1024)	/* stop reading above this */
#define SEEN_ROUND_MS		5	/* store writes per loop round, in time */
#define BACKOFF_MIN_MS		60000	/* after a rate-overlimit */
#define BACKOFF_MAX_MS		3600000
#define JWKS_REFRESH_MIN_S	30	/* jwks_refresh requests at most this often */
#define STORE_BUSY_MS		2000

struct seen_batch;
struct jwksd;

struct daemon {
	const struct config *cfg;
	struct loop	*loop;
	struct store	*st;
	struct link	*link;
	struct link_events ev;
	struct ratelimit_conf rlc;

	int		 lfd;		/* listening socket */
	struct loop_io	*lio;
	int		 sigfd;
	struct loop_io	*sigio;
	size_t		 nclients;
	struct client	*clients;	/* live connections */

	struct hmap	*sessions;	/* id -> struct session */
	struct hmap	*lookups;	/* key -> struct lookup */
	size_t		 connect_waiting;	/* connect requests waiting */

	int		 draining;
	struct loop_timer *drain_timer;

	struct seen_batch *seen_head, *seen_tail;
	struct loop_timer *seen_timer;

	struct hmap	*ccache;	/* "rowid|phone" -> check answer to write */
	struct loop_timer *ccache_timer;

	struct hmap	*keyuse;	/* key id -> int64_t last use (ms) */
	struct loop_timer *keyuse_timer;

	struct jwksd	*jwks;
};

enum session_state { SESSION_DOWN, SESSION_CONNECTING, SESSION_UP };
enum session_hold { HOLD_NONE, HOLD_UP, HOLD_DOWN };

struct session {
	struct daemon	*d;
	char		 id[STORE_ID_MAX + 1];
	int64_t		 rowid;
	struct link_session_info info;
	enum session_state state;
	enum session_hold hold;
	char		 reason[LINK_REASON_MAX];
	struct ratelimit rl;
	int64_t		 backoff_until;	/* monotonic ms */
	int64_t		 backoff_ms;
	struct request	**waiters;	/* connect requests */
	size_t		 nwaiters;
	struct loop_timer *connect_timer;	/* deadline of the waiters */
	int		 mark;		/* reload: still in the database */
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
	struct client	*prev, *next;
};

enum request_op { OP_PING, OP_STATUS, OP_CONNECT, OP_DISCONNECT, OP_CHECK,
	OP_ABOUT, OP_JWKS_REFRESH, OP_KEY_USED };

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
};

struct lookup_waiter {
	struct request	*r;
	size_t		 idx;		/* which phone of a check */
};

struct lookup {
	struct daemon	*d;
	char		*key;
	size_t		 keylen;
	struct session	*s;
	int		 is_about;
	char		 phone[16];
	struct link_query *q;
	struct loop_timer *timer;
	struct lookup_waiter *w;
	size_t		 nw, capw;
};

/* client.c */
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

/* session.c */
struct session *session_get(struct daemon *d, const char *id);
struct session *session_add(struct daemon *d, const char *id, int64_t rowid);
void session_remove(struct session *s);
void session_connect(struct session *s, struct request *r);
void session_disconnect(struct session *s);
void session_status(struct session *s, int *connected, const char **reason);
void session_refresh(struct session *s);
void session_free_all(struct daemon *d);
/* link events */
void session_ev_state(void *arg, const char *session, int up, const char *reason);

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
void lookup_ev_check(void *cookie, int rc, int on_whatsapp, const char *jid);
void lookup_ev_about(void *cookie, int rc, const char *about);

/* seen.c */
void seen_ev(void *arg, const char *session, const struct link_seen *seen);
/* Writes everything still queued (shutdown). */
void seen_flush(struct daemon *d);
void seen_free_all(struct daemon *d);

/* checkcache.c */
/* A fresh cached answer (STORE_OK), or STORE_NOTFOUND (also when off). */
int checkcache_get(struct daemon *d, const struct session *s, const char *phone,
    int64_t now_ms, struct store_check *out);
void checkcache_put(struct daemon *d, const struct session *s, const char *phone,
    const struct store_check *c);
void checkcache_flush(struct daemon *d);
void checkcache_free(struct daemon *d);

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

#endif
