/*
 * link: one session's connection to WhatsApp, behind one interface with
 * a driver per file (link_sim.c; the native driver later).  A driver only
 * speaks WhatsApp: the daemon owns the store writes, the rate limits, the
 * coalescing of lookups and their deadlines.
 *
 * Everything runs on the daemon's loop.  Results and state changes come
 * back through struct link_events, never from inside the call that asked
 * for them, except ev->seen, which may be called from link_session_open
 * and link_reload, and ev->state(down), which may be called from
 * link_reload.  Strings handed to the events are borrowed for the
 * duration of the callback.
 */
#ifndef WAGW_SESSIOND_LINK_H
#define WAGW_SESSIOND_LINK_H

#include <stddef.h>

#include "common/config.h"
#include "common/jid.h"
#include "sessiond/loop.h"

#define LINK_REASON_MAX	128

enum link_rc {
	LINK_OK,
	LINK_NOT_CONNECTED,	/* the session's link is down */
	LINK_RATE_OVERLIMIT,	/* WhatsApp says: too many lookups, back off */
	LINK_ERROR
};

/* What a session sees, reported as a burst of events. */
struct link_contact {
	const char	*lid;		/* digits */
	const char	*phone;		/* digits, or NULL when the session does not know it */
	const char	*name;		/* push name or NULL */
	const char	*business_name;	/* or NULL */
};

struct link_member {
	const char	*lid;		/* one of the burst's contacts */
	const char	*role;		/* member, admin, superadmin */
	const char	*tag;		/* or NULL */
};

struct link_group {
	const char	*jid;
	const char	*subject;	/* or NULL */
	const struct link_member *members;
	size_t		 nmembers;
};

struct link_seen {
	const char	*self_phone;	/* the session's own number, or NULL */
	const struct link_contact *contacts;	/* every lid the burst names */
	size_t		 ncontacts;
	const char *const *dms;		/* lids with a direct chat */
	size_t		 ndms;
	const struct link_group *groups;
	size_t		 ngroups;
};

struct link_events {
	/* The session's link came up (up 1) or is down (up 0, with why). */
	void	(*state)(void *arg, const char *session, int up, const char *reason);
	/* A burst of what the session sees: new or changed things. */
	void	(*seen)(void *arg, const char *session, const struct link_seen *seen);
	/* Answer to link_check: rc, and when LINK_OK whether on WhatsApp and the JID. */
	void	(*check_done)(void *cookie, int rc, int on_whatsapp, const char *jid);
	/* Answer to link_about: rc, and when LINK_OK the text ("" when hidden/unknown). */
	void	(*about_done)(void *cookie, int rc, const char *about);
};

struct link_session_info {
	int	 known;		/* the driver can connect it at all */
	int	 autoconnect;	/* connect at daemon start */
	char	 reason[LINK_REASON_MAX];	/* why not known */
};

struct link;
struct link_query;

/*
 * Opens the driver named by cfg->link.  ev and arg are borrowed for the
 * link's life.  Returns 0, or -1 with a message in err.
 */
int link_open(struct link **out, const struct config *cfg, struct loop *loop,
    const struct link_events *ev, void *arg, char *err, size_t errlen);
void link_close(struct link *l);

/*
 * Re-reads the driver's configuration (sim: the network file).  On error
 * (-1, message in err) the previous state is kept.  Reports what is new
 * for open sessions through ev->seen, and ev->state for sessions that
 * can no longer be connected.
 */
int link_reload(struct link *l, char *err, size_t errlen);

/* Starts holding session; fills info and reports what it sees. */
void link_session_open(struct link *l, const char *session,
    struct link_session_info *info);
/* Refreshes info (after link_reload). */
void link_session_info(struct link *l, const char *session,
    struct link_session_info *info);
/* Forgets session (link down, queries cancelled silently). */
void link_session_close(struct link *l, const char *session);
/*
 * The daemon has opened every session it holds: the driver reports (logs)
 * the sessions it knows that nobody holds, which it ignores.
 */
void link_report_unheld(struct link *l);

/* Brings the link up; the outcome comes through ev->state. 0 or -1. */
int link_connect(struct link *l, const char *session);
/* Drops the link at once (no event); pending queries are cancelled silently. */
void link_disconnect(struct link *l, const char *session);

/*
 * Asks whether phone (digits) is on WhatsApp / the about text of user jid.
 * The answer comes through ev->check_done / ev->about_done with cookie,
 * unless cancelled first.  Returns the query handle (valid until its
 * answer or link_cancel), or NULL when the query cannot start.
 */
struct link_query *link_check(struct link *l, const char *session,
    const char *phone, void *cookie);
struct link_query *link_about(struct link *l, const char *session,
    const struct jid *jid, void *cookie);
/* Abandons q: its answer will not be delivered. */
void link_cancel(struct link *l, struct link_query *q);

/* The driver's name ("sim"). */
const char *link_name(const struct link *l);

#endif
