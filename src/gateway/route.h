/*
 * route: which resource a path names.  The routes are one table
 * (route_table), also what the OpenAPI test compares docs/openapi.yaml
 * with.
 *
 * Matching is exact and case-sensitive, segment by segment:
 * - a trailing slash or an empty segment ("//") matches nothing (404);
 * - a "." or ".." segment matches nothing (404): no traversal;
 * - a {placeholder} takes any other non-empty segment, except a literal
 *   that another route has at the same position ("check" is never a
 *   {jid});
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
	ROUTE_CONTACTS,		/* GET /api/v1/sessions/{session}/contacts */
	ROUTE_CHECK,		/* GET /api/v1/sessions/{session}/contacts/check */
	ROUTE_ABOUT		/* GET /api/v1/sessions/{session}/contacts/{jid}/about */
};

struct route_def {
	enum route_id	 id;
	const char	*template;	/* OpenAPI path template */
	unsigned	 cap;		/* capability needed (cap.h); 0: public */
	const char	*const *params;	/* query parameters it takes, NULL-ended */
};

struct route_match {
	const struct route_def *def;	/* NULL when nothing matched */
	const char	*session;	/* {session}, into the path */
	size_t		 session_len;
	const char	*jid;		/* {jid}, into the path */
	size_t		 jid_len;
};

/* Every route; *n gets the count. */
const struct route_def *route_table(size_t *n);

/*
 * Matches len bytes of path.  Returns the route id (ROUTE_NONE when no
 * route matches) and fills *m, whose strings point into path.
 */
enum route_id route_match(const char *path, size_t len, struct route_match *m);

/* The Allow header of every route: the methods it answers. */
#define ROUTE_ALLOW	"GET, HEAD, OPTIONS"

#endif
