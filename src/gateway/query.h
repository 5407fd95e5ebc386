/*
 * query: the query string of a request (RFC 3986 section 3.4, with the
 * HTML form rule that '+' is a space).
 *
 * Rules (documented in README):
 * - pairs are separated by '&'; empty pairs ("a=1&&b=2", a trailing '&')
 *   are skipped; "name" without '=' has the empty value;
 * - names and values are percent-decoded once; a '%' not followed by two
 *   hex digits, a result that is not valid UTF-8, or a NUL byte is an
 *   error naming the parameter;
 * - a name may appear at most once: a repeated parameter is an error;
 * - a name the route does not take is an error ("unknown parameter");
 * - an empty value counts as absent ("q=" is no q);
 * - the whole string is at most REQUEST_QUERY_MAX bytes, a decoded
 *   value at most QUERY_VALUE_MAX bytes.
 */
#ifndef WAGW_GATEWAY_QUERY_H
#define WAGW_GATEWAY_QUERY_H

#include <stddef.h>

#include "gateway/request.h"

#define QUERY_PARAMS_MAX	8	/* distinct names a route may take */
#define QUERY_VALUE_MAX		1024	/* bytes of a decoded value */
/* The field named when the problem is the query string as a whole. */
#define QUERY_FIELD_WHOLE	"query"

struct query_param {
	const char	*name;		/* one of the route's names (static) */
	const char	*value;		/* decoded, NUL-terminated, in buf */
	size_t		 len;
};

struct query {
	struct query_param param[QUERY_PARAMS_MAX];
	size_t		 n;
	char		 buf[REQUEST_QUERY_MAX + QUERY_PARAMS_MAX + 1];
};

struct query_error {
	char		 field[65];	/* the parameter, as decoded */
	const char	*message;	/* static, e.g. "is not valid UTF-8" */
};

/*
 * Parses len bytes of qs, accepting the names in known (NULL-terminated,
 * at most QUERY_PARAMS_MAX).  Returns 0, or -1 with *err naming the
 * first problem.
 */
int query_parse(struct query *q, const char *qs, size_t len,
    const char *const *known, struct query_error *err);

/*
 * The value of name (len bytes in *len), or NULL when absent or empty.
 * The value is borrowed from q.
 */
const char *query_get(const struct query *q, const char *name, size_t *len);

#endif
