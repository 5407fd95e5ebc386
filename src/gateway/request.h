/*
 * request: the parts of a FastCGI request the gateway looks at, taken
 * from the CGI meta-variables (RFC 3875 section 4.1).  Strings are
 * borrowed from the environment array, valid until the request ends;
 * the path is copied because it is put together from two variables.
 *
 * The path and the query string are those of REQUEST_URI, the
 * request-target as the client sent it (both servers pass it): the path
 * is percent-decoded once here, so the route is the one the client
 * named, whatever the server normalized on its way (lighttpd resolves
 * "..", merges "//" and decodes "%2F" in PATH_INFO, and rewrites a
 * broken escape in QUERY_STRING as "%25").  Without REQUEST_URI the path
 * is SCRIPT_NAME followed by PATH_INFO (any split between the two works;
 * the server decoded both, they are never decoded again) and the query
 * QUERY_STRING.
 */
#ifndef WAGW_GATEWAY_REQUEST_H
#define WAGW_GATEWAY_REQUEST_H

#include <stddef.h>
#include <stdint.h>

/* Hard limits; anything longer is refused (see dispatch.c for how). */
#define REQUEST_PATH_MAX	1024	/* the decoded path, bytes */
#define REQUEST_QUERY_MAX	4096	/* QUERY_STRING, bytes */
#define REQUEST_CREDENTIAL_MAX	8192	/* Authorization, X-Api-Key */
#define REQUEST_ORIGIN_MAX	256	/* Origin */
#define REQUEST_BODY_MAX	16384	/* a request body (JSON), bytes */
#define REQUEST_ID_LEN		24	/* hex characters */

enum request_method {
	REQUEST_GET,
	REQUEST_HEAD,
	REQUEST_OPTIONS,
	REQUEST_POST,
	REQUEST_DELETE,
	REQUEST_OTHER
};

/* A header value: NULL when absent; too_long when over its limit. */
struct request_header {
	const char	*value;
	size_t		 len;
	int		 too_long;
};

struct request {
	enum request_method method;
	const char	*method_name;		/* as sent, "" when absent */
	char		 path[REQUEST_PATH_MAX + 1];
	size_t		 path_len;
	int		 path_too_long;		/* path is then empty */
	int		 path_invalid;		/* %2F, %00 or a broken escape; empty */
	const char	*query;			/* "" when absent */
	size_t		 query_len;
	struct request_header authorization;	/* HTTP_AUTHORIZATION */
	struct request_header api_key;		/* HTTP_X_API_KEY */
	struct request_header origin;		/* HTTP_ORIGIN */
	const char	*content_type;		/* CONTENT_TYPE, NULL when absent */
	long long	 content_length;	/* CONTENT_LENGTH; 0 when absent, -1 malformed */
	/* The body, read by the caller (main: from FastCGI's stdin). */
	const char	*body;			/* borrowed; NULL when none */
	size_t		 body_len;
	int		 body_too_large;	/* CONTENT_LENGTH > REQUEST_BODY_MAX */
	int		 body_short;		/* fewer bytes came than announced */
	char		 id[REQUEST_ID_LEN + 1];
};

/*
 * Seeds the request ids of this process from the CSPRNG; once per
 * process, before the first request_from_env.  Returns 0 or -1.
 */
int request_id_init(void);

/*
 * Fills r from envp, a NULL-terminated array of "NAME=value" strings
 * (FCGX_Request.envp), and gives the request a fresh id.  r borrows
 * envp's strings.  Never fails: over-long values are marked.
 */
void request_from_env(struct request *r, char *const *envp);

#endif
