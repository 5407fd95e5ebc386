/*
 * response: what the gateway answers, built completely before anything
 * is written (no partial output), then formatted as a CGI response
 * (RFC 3875 section 6: a Status header, other headers, a blank line,
 * the body).  Handlers fill a struct response; main writes it.
 *
 * Errors use the envelope of the API (README.md "The API"):
 *   {"error":{"code":...,"message":...,"details":{"errors":[...]}}}
 */
#ifndef WAGW_GATEWAY_RESPONSE_H
#define WAGW_GATEWAY_RESPONSE_H

#include <stddef.h>

struct json_object;

#define RESPONSE_ERRORS_MAX	8	/* validation errors reported at once */
#define RESPONSE_FIELD_MAX	64	/* bytes of a field name in an error */

struct response_invalid {
	char		 field[RESPONSE_FIELD_MAX + 1];
	const char	*message;	/* static text */
};

struct response {
	int		 status;
	const char	*content_type;	/* static; NULL: no body */
	const char	*body;		/* the whole body; see body_json/body_owned */
	size_t		 body_len;
	struct json_object *body_json;	/* owns body when set */
	char		*body_owned;	/* or this owns it */
	const char	*allow;		/* Allow header (405, OPTIONS) or NULL */
	char		 location[128];	/* Location header (201), or "" */
	int		 retry_after;	/* seconds; 0: no Retry-After */
	int		 www_authenticate;	/* 401: WWW-Authenticate: Bearer */
	/* CORS (cors.h): the allowed Origin, borrowed from the request. */
	const char	*cors_origin;
	size_t		 cors_origin_len;
	int		 cors_preflight;	/* add the preflight answer headers */
	int		 cors_vary;		/* Vary: Origin */
	const char	*request_id;		/* X-Request-Id, borrowed */
	/* For the error log line only, never sent. */
	const char	*code;			/* error code, NULL on success */
	const char	*message;		/* the envelope's message */
	char		 detail[160];		/* internal cause, "" if none */
	/* Validation errors being collected (response_invalid_add). */
	struct response_invalid invalid[RESPONSE_ERRORS_MAX];
	size_t		 ninvalid;
};

/* Starts an empty response (status 0 means "not filled yet"). */
void response_init(struct response *r);
/* Frees what the response owns; the struct can be initialized again. */
void response_free(struct response *r);

/*
 * Makes r a JSON response with status and body obj.  Takes ownership of
 * obj (also on failure).  Returns 0, or -1 when out of memory (r then
 * holds the fixed 500 answer).
 */
int response_json(struct response *r, int status, struct json_object *obj);
/*
 * Makes r an error in the envelope: status, code (README.md "Errors"),
 * message (static text shown to the client).  Returns 0, or -1 as above.
 */
int response_error(struct response *r, int status, const char *code,
    const char *message);
/* The fixed 500 answer, which needs no memory; always succeeds. */
void response_internal(struct response *r);
/*
 * Records one validation error: field (len bytes, copied, truncated to
 * RESPONSE_FIELD_MAX) and message (static, e.g. "must be an integer").
 * Further errors beyond RESPONSE_ERRORS_MAX are dropped.
 */
void response_invalid_add(struct response *r, const char *field, size_t len,
    const char *message);
/*
 * Turns the collected validation errors into the 400 validation_error
 * answer.  Returns 0, or -1 as response_json.
 */
int response_invalid_finish(struct response *r);
/*
 * Makes r a JSON response whose body is buf (len bytes, from malloc);
 * takes ownership of buf.
 */
void response_buffer(struct response *r, int status, char *buf, size_t len);
/* A body that is not JSON (static bytes, not copied). */
void response_static(struct response *r, int status, const char *content_type,
    const void *body, size_t len);
/* Sets the log-only cause of a failure (printf format). */
void response_detail(struct response *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The reason phrase of a status code we use (RFC 9110 section 15). */
const char *response_reason(int status);

/* Room response_head needs at most. */
#define RESPONSE_HEAD_MAX	2048

/*
 * Formats the CGI header lines and the blank line that ends them into
 * buf (RESPONSE_HEAD_MAX bytes).  Returns their length.  The body
 * (r->body, r->body_len) follows them, except for HEAD.
 */
size_t response_head(const struct response *r, char buf[RESPONSE_HEAD_MAX]);

/*
 * The whole answer in one buffer: head and, unless head_only, body.
 * Returns a buffer the caller frees and its length in *len, or NULL when
 * out of memory.
 */
char *response_format(const struct response *r, int head_only, size_t *len);

#endif
