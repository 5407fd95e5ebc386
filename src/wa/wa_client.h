/*
 * wa_client: one WhatsApp companion session as a state machine with no
 * I/O and no clock of its own (docs/whatsapp-link.md).  The driver owns
 * the socket, DNS, TLS and timers; it moves plaintext bytes:
 *
 *   c = wa_client_new(&cfg, blob, len, on_event, arg)   creds or NULL
 *   wa_client_start(c, now)         connected (TLS up): the upgrade request
 *   loop:
 *     write wa_client_output(), then wa_client_written(n)
 *     bytes read  -> wa_client_input(c, p, n, now)
 *     at wa_client_next_deadline() -> wa_client_on_timer(c, now)
 *     socket failed -> wa_client_io_error(c)
 *   on WA_EVENT_CLOSED: close the socket; if !permanent, reconnect (at
 *   once for WA_CLOSE_RESTART, else with back-off) and start again.
 *
 * now is milliseconds on any monotonic clock; wall time, where needed
 * (privacy token age), comes from the server's <success t>.
 *
 * Events (struct wa_event) are delivered synchronously from inside these
 * calls; everything an event points to is valid only during the callback.
 * A callback may call the request functions (check, about, groups, group,
 * pair_code, logout) and nothing else of this API.
 *
 * Credentials: a fresh client (blob NULL) makes new keys and reports them
 * in WA_EVENT_CREDS at start; every change (pairing, LID, prekeys
 * uploaded, privacy tokens) is reported the same way.  The blob is opaque
 * (wa_creds.h); store it, and pass it back to wa_client_new after a
 * restart.  On WA_CLOSE_LOGGED_OUT delete it.
 */
#ifndef WAGW_WA_CLIENT_H
#define WAGW_WA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "wa/wa_close.h"
#include "wa/wa_group.h"
#include "wa/wa_iq.h"
#include "wa/wa_noise.h"
#include "wa/wa_payload.h"
#include "wa/wa_seen.h"
#include "wa/wa_usync.h"

#define WA_CHECK_MAX	256	/* phone numbers in one check */

struct wa_client_cfg {
	const char		*host;		/* "web.whatsapp.com" */
	const char		*path;		/* "/ws/chat" */
	const char		*origin;	/* "https://web.whatsapp.com" */
	struct wa_client_info	 info;		/* version etc. (wa_payload.h) */
	struct wa_noise_trust	 trust;		/* tests replace the root */
	char			 qr_client_type; /* last QR field: '1' Chrome */
	const char		*pair_platform_id; /* "1" (Chrome) */
	const char		*pair_display;	/* "Chrome (Linux)" */
	/* Timings in ms (wa_client_cfg_default fills them). */
	int64_t			 handshake_ms;	/* 20000: to success/pair-device */
	int64_t			 iq_ms;		/* 60000: an IQ's answer */
	int64_t			 qr_first_ms;	/* 60000: the first QR code */
	int64_t			 qr_next_ms;	/* 20000: each later one */
	int64_t			 ping_min_ms;	/* 20000: keepalive interval... */
	int64_t			 ping_max_ms;	/* 30000: ...random in between */
	int64_t			 ping_ms;	/* 10000: a ping's answer */
	int64_t			 dead_ms;	/* 90000: silence = dead link */
	unsigned		 prekeys;	/* 30: one-time prekeys per upload */
	unsigned		 offline_batch;	/* 100: offline stanzas asked for */
};

/*
 * WhatsApp's host and trust root, wa_client_info_default, whatsmeow's
 * keepalive (20-30 s, 10 s answer; dead after 90 s without a byte: three
 * missed keepalives), Baileys' 60 s IQs and QR timings.  Strings static.
 */
void wa_client_cfg_default(struct wa_client_cfg *cfg);

enum wa_event_type {
	WA_EVENT_CREDS,		/* credentials changed: store u.creds */
	WA_EVENT_QR,		/* show u.qr.text until u.qr.expires_ms */
	WA_EVENT_PAIR_CODE,	/* answer to pair_code: u.pair_code */
	WA_EVENT_PAIRED,	/* pairing done (a 515 restart follows) */
	WA_EVENT_CONNECTED,	/* logged in, prekeys checked, active */
	WA_EVENT_PEOPLE,	/* people seen: u.people */
	WA_EVENT_GROUPS,	/* answer to groups/group: u.groups */
	WA_EVENT_GROUP_CHANGE,	/* a w:gp2 change: u.change */
	WA_EVENT_CHECK,		/* answer to check: u.check */
	WA_EVENT_ABOUT,		/* answer to about: u.about */
	WA_EVENT_CLOSED		/* the connection ended: u.closed */
};

enum wa_check_state {
	WA_CHECK_IN,		/* on WhatsApp */
	WA_CHECK_OUT,		/* not on WhatsApp */
	WA_CHECK_UNKNOWN	/* missing from the answer (WhatsApp deems the
				   number invalid) or a per-number error */
};

struct wa_check_answer {
	const char		*phone;		/* as asked, digits */
	enum wa_check_state	 state;
	const char		*pn;		/* bare PN JID or NULL */
	const char		*lid;		/* bare LID JID or NULL */
	const char		*business;	/* verified name or NULL */
};

struct wa_event {
	enum wa_event_type	 type;
	/* Answers (PAIR_CODE, GROUPS, CHECK, ABOUT): the request's cookie,
	 * how it ended and, when rate-limited, the server's back-off. */
	uint64_t		 cookie;
	enum wa_iq_status	 status;
	int			 code;		/* the server's error code, or 0 */
	int64_t			 retry_after_s;	/* 0: the server did not say */
	union {
		struct {
			const unsigned char	*blob;
			size_t			 len;
		} creds;
		struct {
			const char	*text;		/* the QR code's content */
			int64_t		 expires_ms;	/* then the next one */
		} qr;
		struct {
			const char	*code;		/* "XXXX-XXXX" */
		} pair_code;
		struct {
			const char	*jid;		/* own device, PN */
			const char	*lid;		/* own device, LID, or NULL */
			const char	*phone;		/* digits */
			const char	*platform;	/* phone's, or NULL */
			const char	*business;	/* or NULL */
		} paired;
		struct {
			const struct wa_person	*v;
			size_t			 n;
		} people;
		struct {
			const struct wa_group	*v;
			size_t			 n;
		} groups;
		const struct wa_group_change	*change;
		struct {
			const struct wa_check_answer	*v;
			size_t				 n;
		} check;
		struct {
			const char		*jid;	/* as asked */
			enum wa_usync_about	 state;	/* TEXT, HIDDEN, UNSET,
							   NONE: no answer */
			const char		*text;	/* TEXT, NUL-free */
			int64_t			 set_at;	/* s, 0 unknown */
		} about;
		struct {
			struct wa_close	 why;
			uint32_t	 version[3];	/* CLIENT_OUTDATED: refused */
		} closed;
	} u;
};

typedef void (*wa_client_event_fn)(void *arg, const struct wa_event *ev);

struct wa_client;

/*
 * A session with cfg (copied; its strings must outlive the client) and
 * the stored credentials blob (NULL: a new device, to be paired).
 * Returns NULL when the blob does not load (truncated, corrupt, another
 * version) or memory ran out.
 */
struct wa_client *wa_client_new(const struct wa_client_cfg *cfg,
    const void *blob, size_t len, wa_client_event_fn fn, void *arg);
/* Frees c (no event); NULL is a no-op.  Never from a callback. */
void wa_client_free(struct wa_client *c);
/* Replaces the WA Web version used from the next start on. */
void wa_client_set_version(struct wa_client *c, const uint32_t v[3]);

/*
 * A new connection on a fresh socket: queues the WebSocket upgrade; the
 * rest follows from input.  A fresh device's credentials are reported
 * first (WA_EVENT_CREDS).  Returns 0, or -1 when a connection is already
 * running or memory ran out.
 */
int wa_client_start(struct wa_client *c, int64_t now);
/*
 * n bytes read from the socket.  Returns 0, or -1 when the connection
 * has ended (WA_EVENT_CLOSED was delivered).
 */
int wa_client_input(struct wa_client *c, const void *p, size_t n,
    int64_t now);
/* The bytes to write (borrowed, until the next call), NULL when none. */
const unsigned char *wa_client_output(const struct wa_client *c,
    size_t *len);
/* n of them were written. */
void wa_client_written(struct wa_client *c, size_t n);
/* The next time on_timer is due (ms), or -1 when nothing is pending. */
int64_t wa_client_next_deadline(const struct wa_client *c);
/* Runs what is due at now.  Returns 0, or -1 when the connection ended. */
int wa_client_on_timer(struct wa_client *c, int64_t now);
/* The driver's socket failed or closed: WA_CLOSE_IO. */
void wa_client_io_error(struct wa_client *c);
/*
 * Ends the connection on purpose (WA_CLOSE_LOCAL, permanent); a
 * WebSocket close may be left to write.  No-op when idle.
 */
void wa_client_close(struct wa_client *c);
/* Nonzero from wa_client_start until the connection ends. */
int wa_client_running(const struct wa_client *c);
/* Nonzero once WA_EVENT_CONNECTED was delivered on this connection. */
int wa_client_connected(const struct wa_client *c);
/* Nonzero when the credentials are paired (login, not registration). */
int wa_client_paired(const struct wa_client *c);
/*
 * The paired device's own JIDs ("phone:dev@s.whatsapp.net", "lid:dev@lid"),
 * borrowed from c; NULL when not paired (or no LID known yet).
 */
void wa_client_own(const struct wa_client *c, const char **jid, const char **lid);
/* Bytes c holds (struct, credentials, buffers), for memory accounting. */
size_t wa_client_memory(const struct wa_client *c);

/*
 * Requests.  Each returns 0 when sent (its answer event with cookie
 * follows, at the latest after cfg.iq_ms as WA_IQ_TIMEOUT, or as
 * WA_IQ_CLOSED), or -1 when it cannot be sent now (not connected, bad
 * arguments, memory).
 */
/* Is each of n phone numbers (E.164 digits, "+" optional) on WhatsApp? */
int wa_client_check(struct wa_client *c, const char *const *phones,
    size_t n, uint64_t cookie, int64_t now);
/* The about text of a user JID (PN or LID, device ignored). */
int wa_client_about(struct wa_client *c, const char *jid, uint64_t cookie,
    int64_t now);
/* Every group the account takes part in, with members. */
int wa_client_groups(struct wa_client *c, uint64_t cookie, int64_t now);
/* One group ("...@g.us"). */
int wa_client_group(struct wa_client *c, const char *group, uint64_t cookie,
    int64_t now);
/*
 * Pairing by phone code instead of QR, on a registration connection once
 * the first QR was reported: WA_EVENT_PAIR_CODE carries the 8 characters
 * to type on the phone with that number; QR events stop.
 */
int wa_client_pair_code(struct wa_client *c, const char *phone,
    uint64_t cookie, int64_t now);
/*
 * Unlinks this device (remove-companion-device), then ends with
 * WA_CLOSE_LOGGED_OUT once answered (or after cfg.iq_ms).
 */
int wa_client_logout(struct wa_client *c, int64_t now);

#endif
