/*
 * body: a request's JSON body (RFC 8259), checked before a handler reads
 * a member of it.  What is wrong is answered in the error envelope:
 * 413 payload_too_large above REQUEST_BODY_MAX bytes, 415
 * unsupported_media_type for a Content-Type other than application/json,
 * 400 validation_error (field "body") for what is not one JSON object
 * (json_strict.h: UTF-8, no member named twice), and a 400 naming each
 * member that is unknown or of the wrong type.
 */
#ifndef WAGW_GATEWAY_BODY_H
#define WAGW_GATEWAY_BODY_H

#include <stddef.h>

#include <json-c/json.h>

struct request;
struct response;

/*
 * The body of req as an object whose members are among known
 * (NULL-terminated); an empty body is {}.  Returns 0 with *out (a new
 * reference, the caller puts it), or -1 with r holding the error (or
 * with validation errors recorded in r when only members are wrong: the
 * caller may add its own before response_invalid_finish).
 */
int body_object(const struct request *req, const char *const *known,
    struct json_object **out, struct response *r);

/*
 * Typed members.  0 with the value, 1 when absent, -1 when of the wrong
 * type (recorded in r under the member's name).  Strings are borrowed
 * from obj, valid UTF-8 without NUL, at most max code points.
 */
int body_string(struct json_object *obj, const char *key, size_t max,
    const char **s, size_t *len, struct response *r);
int body_bool(struct json_object *obj, const char *key, int *v, struct response *r);

#endif
