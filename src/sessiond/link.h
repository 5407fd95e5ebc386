/*
 * link: one session's connection to WhatsApp, behind one interface with
 * a driver per file (link_sim.c: the simulated network; link_whatsapp.c:
 * WhatsApp Web multi-device).  A driver only speaks WhatsApp.  The daemon
 * owns everything else: the session's state and its back-off, the
 * credentials at rest (a driver hands them over as an opaque blob and
 * gets them back at start), the store writes, the lookup budget, the
 * coalescing of lookups and their deadlines.
 *
 * Each session is a handle (struct link_sess) made with a cookie that
 * comes back in every event of that session; a query carries its own
 * cookie.  Every driver of the daemon is open at once, and each session
 * names its own, so sessions of different links live side by side.
 *
 * Everything runs on the daemon's loop.  No event is ever delivered from
 * inside a call into the driver: results and state changes come later,
 * from the loop.  Strings and arrays handed to events are borrowed for
 * the duration of the callback.  After link_sess_free, link_stop or
 * link_cancel nothing more is reported for what they ended.
 */
#ifndef WAGW_SESSIOND_LINK_H
#define WAGW_SESSIOND_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/jid.h"
#include "sessiond/loop.h"

#define LINK_REASON_MAX	128
#define LINK_CHECK_MAX	50	/* phones in one check */

enum link_state {
	LINK_CONNECTING,	/* connecting, logging in or preparing to pair */
	LINK_PAIRING,		/* a QR or a code is out (ev->pairing has it) */
	LINK_UP,		/* logged in: lookups work */
	LINK_DOWN,		/* dropped, transiently: the daemon reconnects */
	LINK_LOGGED_OUT,	/* unpaired (by the phone or by link_logout) */
	LINK_FAILED		/* ended for good; reason says why: no reconnect */
};

/* Why a session ended for good (LINK_FAILED), as statusReason says it. */
#define LINK_REASON_REPLACED		"replaced"
#define LINK_REASON_CLIENT_OUTDATED	"client_outdated"
#define LINK_REASON_BANNED		"temporarily_banned"
#define LINK_REASON_PAIRING_TIMEOUT	"pairing_timed_out"

enum link_rc {
	LINK_OK,
	LINK_NOT_CONNECTED,	/* the session's link is down */
	LINK_RATE_OVERLIMIT,	/* WhatsApp says: too many lookups, back off */
	LINK_ERROR
};

enum link_pair_kind { LINK_PAIR_QR, LINK_PAIR_CODE };

/* A pairing credential the user must use now. */
struct link_pairing {
	enum link_pair_kind kind;
	const char	*code;		/* the QR text, or "ABCD-1234" */
	int64_t		 expires_ms;	/* wall clock */
};

/* The account a session is paired with; NULL fields are not known. */
struct link_identity {
	const char	*jid;		/* <digits>@s.whatsapp.net */
	const char	*lid;		/* <digits>@lid */
	const char	*phone;		/* digits */
	const char	*push_name;
};

/*
 * What a session sees, reported as a burst of events.  A contact is a
 * person seen in a direct chat or a group; what the link learns of others
 * (a lookup's answer, a call) is only known_only: it completes a contact
 * already seen and never makes one.
 */
struct link_contact {
	const char	*lid;		/* digits, or NULL: known by phone only */
	const char	*phone;		/* digits, or NULL: known by LID only */
	const char	*name;		/* push name or NULL */
	const char	*business_name;	/* or NULL */
	int		 known_only;
};

struct link_member {
	const char	*lid;		/* digits; one of the burst's contacts */
	const char	*role;		/* member, admin, superadmin */
	const char	*tag;		/* the per-group nickname, or NULL */
};

struct link_group {
	const char	*jid;
	const char	*subject;	/* or NULL */
	const char	*description;	/* or NULL */
	const char	*owner_jid;	/* or NULL */
	int64_t		 size;		/* participants; -1 unknown */
	int		 announce;	/* only admins send; -1 unknown */
	int		 locked;	/* only admins edit; -1 unknown */
	int64_t		 created_ms;	/* 0 unknown */
	int		 complete;	/* members is everyone: others have left */
	const struct link_member *members;	/* new or changed */
	size_t		 nmembers;
	const char *const *left;	/* lids that left the group */
	size_t		 nleft;
};

struct link_seen {
	const struct link_contact *contacts;	/* every person the burst names */
	size_t		 ncontacts;
	const char *const *dms;		/* lids with a direct chat */
	size_t		 ndms;
	const struct link_group *groups;
	size_t		 ngroups;
};

struct link_check_result {
	const char	*phone;		/* digits, as asked */
	int		 on_whatsapp;
	const char	*jid;		/* when on WhatsApp */
	const char	*lid;		/* digits, when WhatsApp said */
};

/* The answer to link_check: results in the order asked (rc LINK_OK). */
struct link_check_answer {
	enum link_rc	 rc;
	int64_t		 retry_after_ms;	/* LINK_RATE_OVERLIMIT: WhatsApp's back-off, 0 unknown */
	const struct link_check_result *results;
	size_t		 n;
};

struct link_events {
	/* The session's link changed state (reason: "" or why). */
	void	(*state)(void *cookie, enum link_state st, const char *reason);
	/* A pairing credential is out (first, or rotated: the old one is void). */
	void	(*pairing)(void *cookie, const struct link_pairing *p);
	/* The session is paired with this account (also at each login). */
	void	(*paired)(void *cookie, const struct link_identity *id);
	/* Credentials to persist (len bytes), replacing the previous ones. */
	void	(*credentials)(void *cookie, const void *blob, size_t len);
	/* A burst of what the session sees: new or changed things. */
	void	(*seen)(void *cookie, const struct link_seen *seen);
	void	(*check_done)(void *qcookie, const struct link_check_answer *a);
	/* rc, the server's back-off for LINK_RATE_OVERLIMIT, the text ("" when
	 * hidden, unset or unknown). */
	void	(*about_done)(void *qcookie, enum link_rc rc, int64_t retry_after_ms,
		    const char *about);
};

struct link;		/* every driver of the daemon */
struct link_sess;
struct link_query;

/*
 * Opens the drivers.  A driver whose own configuration is missing (the
 * sim network file) is opened lazily, on its first session.  ev is
 * borrowed for the link's life.  Returns 0, or -1 with a message in err.
 */
int link_open(struct link **out, const struct config *cfg, struct loop *loop,
    const struct link_events *ev, char *err, size_t errlen);
void link_close(struct link *l);

/* Nonzero when this build has a driver called name. */
int link_known(const char *name);

/*
 * SIGHUP: each open driver re-reads its own configuration (sim: the
 * network file).  On error (-1, message in err) a driver keeps its
 * previous state.
 */
int link_reload(struct link *l, char *err, size_t errlen);

/*
 * Whether the driver's own configuration describes session id as
 * already paired (sim: a session the network file names by id), and if
 * so whether it should run at start (*autostart).  Returns 1 or 0.
 */
int link_provisioned(struct link *l, const char *driver, const char *id,
    int *autostart);

/*
 * A handle for session id on driver (the driver's name).  Returns NULL
 * with a message in err when the driver is unknown or cannot open.
 */
struct link_sess *link_sess_new(struct link *l, const char *driver,
    const char *id, void *cookie, char *err, size_t errlen);
/* Drops the connection silently and frees; queries are cancelled. NULL is a no-op. */
void link_sess_free(struct link_sess *ls);

/*
 * Connects: with credentials (len bytes, borrowed for the call), or,
 * with none, begins pairing by QR.  State comes through ev->state.
 * Returns 0, or -1 when it cannot even begin.
 */
int link_start(struct link_sess *ls, const void *creds, size_t len);
/*
 * Pairs by phone code instead of QR, for phone (digits): the code comes
 * through ev->pairing.  Starts the link first if needed.  Returns 0, -1
 * when the link cannot pair so now.
 */
int link_pair_code(struct link_sess *ls, const char *phone);
/* Drops the connection silently; pending queries are cancelled. */
void link_stop(struct link_sess *ls);
/*
 * Unpairs: tells WhatsApp to remove this linked device (connected, or
 * with creds when not, as far as the driver can), then drops the
 * connection silently.  The credentials are void.
 */
void link_logout(struct link_sess *ls, const void *creds, size_t len);

/*
 * Asks whether n phones (digits) are on WhatsApp, in one query; the
 * answer comes through ev->check_done with qcookie, unless cancelled
 * first.  Returns the query (valid until its answer or link_cancel), or
 * NULL when the query cannot start.
 */
struct link_query *link_check(struct link_sess *ls, const char *const *phones,
    size_t n, void *qcookie);
/* The about text of user jid; the answer comes through ev->about_done. */
struct link_query *link_about(struct link_sess *ls, const struct jid *jid,
    void *qcookie);
/* Abandons q: its answer will not be delivered.  NULL is a no-op. */
void link_cancel(struct link_query *q);

/* The driver's name of a session ("sim"). */
const char *link_sess_driver(const struct link_sess *ls);

/*
 * The sim driver, for wagw-admin's sim commands: what a phone does.
 * Each returns 0, or -1 with a message in err.  sim_scan pairs the
 * session showing QR text qr with the simulated account phone;
 * sim_link_code pairs the session that showed code with the phone given
 * to its pairing; sim_unlink removes session's linked device.
 */
int link_sim_scan(struct link *l, const char *qr, const char *phone, char *err,
    size_t errlen);
int link_sim_link_code(struct link *l, const char *code, char *err, size_t errlen);
int link_sim_unlink(struct link *l, const char *session, char *err, size_t errlen);
/* The network drops session's connection (a transient drop: it reconnects). */
int link_sim_drop(struct link *l, const char *session, char *err, size_t errlen);

#endif
