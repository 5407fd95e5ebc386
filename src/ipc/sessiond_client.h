/*
 * sessiond_client: the client side of the wagw.fcgi/wagw-admin <->
 * wagw-sessiond protocol (docs/sessiond-protocol.md).  Blocking calls
 * with a deadline; the connection is kept between calls and re-opened
 * transparently after the daemon restarts (a request that may have
 * reached a daemon that died unanswered is sent again only when it is
 * safe to do twice; the others are SESSIOND_UNAVAILABLE).  A client is
 * not thread-safe: one per thread (or a lock around it).
 */
#ifndef WAGW_SESSIOND_CLIENT_H
#define WAGW_SESSIOND_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/store.h"
#include "ipc/ipc_session.h"

#define SESSIOND_CHECK_MAX	50	/* phones per check call */
#define SESSIOND_ABOUT_MAX	1024	/* bytes of about text, NUL excluded */

enum sessiond_rc {
	SESSIOND_OK,
	SESSIOND_UNAVAILABLE,	/* socket missing/refused, daemon draining: 503 */
	SESSIOND_TIMEOUT,	/* deadline passed: 504 */
	SESSIOND_NOT_CONNECTED,	/* the session's link is down: 501 */
	SESSIOND_RATE_LIMITED,	/* budget spent: 429, see *retry_after_s */
	SESSIOND_NOT_FOUND,	/* the daemon does not hold this session */
	SESSIOND_BAD_REQUEST,	/* the daemon rejected our request */
	SESSIOND_CONFLICT,	/* the session's state does not allow it: 409 */
	SESSIOND_ERROR		/* protocol error, anything else: 500 */
};

struct sessiond_client;

struct sessiond_check_result {
	char	 phone[16];	/* digits, as asked */
	int	 on_whatsapp;
	char	 jid[96];	/* "" when not on WhatsApp */
};

struct sessiond_status {
	int	 connected;
	char	 state[16];	/* status.h name */
	char	 reason[128];	/* why not connected, or "" */
};

/* A session as the daemon holds it now. */
struct sessiond_session {
	struct store_session s;
	struct ipc_pairing pairing;	/* kind 0: nothing to show */
	uint64_t seq;			/* for sessiond_session_wait */
};

/* Does not connect yet.  socket_path is copied. NULL on no memory. */
struct sessiond_client *sessiond_client_new(const char *socket_path);
void sessiond_client_free(struct sessiond_client *c);

int sessiond_ping(struct sessiond_client *c, int timeout_ms);
/* phones: n digit strings (n <= SESSIOND_CHECK_MAX); results: n entries, same order. */
int sessiond_check(struct sessiond_client *c, const char *session_id,
    const char *const *phones, size_t n, int timeout_ms,
    struct sessiond_check_result *results, int *retry_after_s);
/* jid: a bare user JID.  about: SESSIOND_ABOUT_MAX + 1 bytes. */
int sessiond_about(struct sessiond_client *c, const char *session_id,
    const char *jid, int timeout_ms, char *about, int *retry_after_s);
int sessiond_session_status(struct sessiond_client *c, const char *session_id,
    int timeout_ms, struct sessiond_status *out);
int sessiond_session_connect(struct sessiond_client *c, const char *session_id,
    int timeout_ms);
int sessiond_session_disconnect(struct sessiond_client *c, const char *session_id,
    int timeout_ms);

/*
 * The Sessions operations.  out (may be NULL) gets the session after the
 * operation.  op is one of "session_get", "session_start", "session_stop",
 * "session_restart", "session_logout", "session_qr", "session_delete".
 */
int sessiond_session_call(struct sessiond_client *c, const char *op,
    const char *session_id, int timeout_ms, struct sessiond_session *out);
/* Creates a session of org (label may be NULL); start: begin pairing now. */
int sessiond_session_create(struct sessiond_client *c, const char *org,
    const char *label, int start, int timeout_ms, struct sessiond_session *out);
/* Pairs by phone code: phone digits; out->pairing holds the code. */
int sessiond_session_pair_code(struct sessiond_client *c, const char *session_id,
    const char *phone, int timeout_ms, struct sessiond_session *out);
/*
 * Waits until the session changes after seq after (at most wait_ms, then
 * answers with the session as it is).
 */
int sessiond_session_wait(struct sessiond_client *c, const char *session_id,
    uint64_t after, int wait_ms, int timeout_ms, struct sessiond_session *out);
/*
 * The simulated phone (link = sim): op "sim_scan" (a = QR text, b =
 * account phone), "sim_link_code" (a = code), "sim_unlink" and "sim_drop" (a = session).
 */
int sessiond_sim(struct sessiond_client *c, const char *op, const char *a,
    const char *b, int timeout_ms);
/* The daemon's message with the last error reply ("" when none). */
const char *sessiond_message(const struct sessiond_client *c);

/*
 * Asks the daemon to re-fetch [auth] jwks_url soon (the daemon rate-limits
 * these).  Returns once the daemon has the request, not after the fetch.
 */
int sessiond_jwks_refresh(struct sessiond_client *c, int timeout_ms);
/*
 * Tells the daemon (the database writer) that API key key_id was used at
 * at_ms, so it records last use; wagw.fcgi itself never writes.
 */
int sessiond_key_used(struct sessiond_client *c, const char *key_id,
    int64_t at_ms, int timeout_ms);

const char *sessiond_rc_str(int rc);

#endif
