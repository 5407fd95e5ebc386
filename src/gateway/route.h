/*
 * route: which resource a path names, and which methods it answers.  The
 * routes are one table (route_table), also what the OpenAPI test compares
 * docs/openapi.yaml with.
 *
 * Matching is exact and case-sensitive, segment by segment:
 * - a trailing slash or an empty segment ("//") matches nothing (404);
 * - a "." or ".." segment matches nothing (404): no traversal;
 * - a {placeholder} takes any other non-empty segment ({session} none
 *   with ':'), except a literal that another route has at the same
 *   position ("check" is never a {jid});
 * - "{session}:start" is a custom method (the part after ':' is literal;
 *   a session id never holds ':'), so an unknown action names nothing;
 * - the path is not decoded again: the server already did.
 */
#ifndef WAGW_GATEWAY_ROUTE_H
#define WAGW_GATEWAY_ROUTE_H

#include <stddef.h>

enum route_id {
	ROUTE_NONE,
	ROUTE_HEALTHZ,		/* GET /healthz */
	ROUTE_READYZ,		/* GET /readyz */
	ROUTE_OPENAPI,		/* GET /api/v1/openapi.yaml */
	ROUTE_SESSIONS,		/* GET, POST /api/v1/sessions */
	ROUTE_SESSION,		/* GET, DELETE /api/v1/sessions/{session} */
	ROUTE_SESSION_START,	/* POST .../{session}:start */
	ROUTE_SESSION_STOP,	/* POST .../{session}:stop */
	ROUTE_SESSION_RESTART,	/* POST .../{session}:restart */
	ROUTE_SESSION_LOGOUT,	/* POST .../{session}:logout */
	ROUTE_QR,		/* GET .../{session}/qr */
	ROUTE_PAIRING_CODE,	/* POST .../{session}/pairing-code */
	ROUTE_ME,		/* GET .../{session}/me */
	ROUTE_CONTACTS,		/* GET .../{session}/contacts */
	ROUTE_CHECK,		/* GET, POST .../{session}/contacts/check */
	ROUTE_CONTACT,		/* GET .../{session}/contacts/{lid} */
	ROUTE_ABOUT,		/* GET .../{session}/contacts/{jid}/about */
	ROUTE_GROUPS,		/* GET .../{session}/groups */
	ROUTE_GROUP,		/* GET .../{session}/groups/{group} */
	ROUTE_MEMBERS		/* GET .../{session}/groups/{group}/members */
};

/* Methods a route answers (HEAD goes with GET; OPTIONS with every route). */
#define ROUTE_GET	0x1
#define ROUTE_POST	0x2
#define ROUTE_DELETE	0x4

struct route_def {
	enum route_id	 id;
	const char	*template;	/* OpenAPI path template */
	unsigned	 methods;	/* ROUTE_GET ... */
	unsigned	 cap;		/* capability needed (cap.h); 0: public */
	const char	*const *params;	/* query parameters of GET, NULL-ended */
	const char	*allow;		/* the Allow header: its methods */
};

struct route_match {
	const struct route_def *def;	/* NULL when nothing matched */
	const char	*session;	/* {session}, into the path */
	size_t		 session_len;
	const char	*jid;		/* {jid}, {lid} or {group}, into the path */
	size_t		 jid_len;
};

/* Every route; *n gets the count. */
const struct route_def *route_table(size_t *n);

/*
 * Matches len bytes of path.  Returns the route id (ROUTE_NONE when no
 * route matches) and fills *m, whose strings point into path.
 */
enum route_id route_match(const char *path, size_t len, struct route_match *m);

/* The query parameters no method but GET takes: none. */
extern const char *const route_no_params[];

#endif
