#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gateway/response.h"

#define JSON_TYPE	"application/json"

/* Needs no allocation, so it can answer when memory is short. */
static const char response_internal_body[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";

void
response_init(struct response *r)
{
	memset(r, 0, sizeof(*r));
}

void
response_free(struct response *r)
{
	json_object_put(r->body_json);
	free(r->body_owned);
	r->body_json = NULL;
	r->body_owned = NULL;
	r->body = NULL;
	r->body_len = 0;
}

static void
response_clear_body(struct response *r)
{
	response_free(r);
	r->content_type = NULL;
}

void
response_internal(struct response *r)
{
	response_clear_body(r);
	r->status = 500;
	r->content_type = JSON_TYPE;
	r->body = response_internal_body;
	r->body_len = sizeof(response_internal_body) - 1;
	r->code = "internal";
	r->message = "internal error";
	r->retry_after = 0;
	r->allow = NULL;
	r->www_authenticate = 0;
}

int
response_json(struct response *r, int status, struct json_object *obj)
{
	const char *s;
	size_t len;

	response_clear_body(r);
	if (obj == NULL)
		goto fail;
	/* Plain: no spaces; '/' is not escaped (it needs no escaping). */
	s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		goto fail;
	r->status = status;
	r->content_type = JSON_TYPE;
	r->body_json = obj;
	r->body = s;
	r->body_len = len;
	return 0;
fail:
	json_object_put(obj);
	response_detail(r, "out of memory building the body");
	response_internal(r);
	return -1;
}

/* Adds key: a new string of len bytes to obj.  Returns 0 or -1. */
static int
response_add_string(struct json_object *obj, const char *key, const char *s,
    size_t len)
{
	struct json_object *v;

	if ((v = json_object_new_string_len(s, (int)len)) == NULL)
		return -1;
	if (json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* {"error":{"code","message"}} with details added by the caller. */
static struct json_object *
response_envelope(const char *code, const char *message, struct json_object **inner)
{
	struct json_object *top, *err;

	if ((top = json_object_new_object()) == NULL)
		return NULL;
	if ((err = json_object_new_object()) == NULL ||
	    json_object_object_add(top, "error", err) != 0) {
		json_object_put(err);
		goto fail;
	}
	if (response_add_string(err, "code", code, strlen(code)) != 0 ||
	    response_add_string(err, "message", message, strlen(message)) != 0)
		goto fail;
	*inner = err;
	return top;
fail:
	json_object_put(top);
	return NULL;
}

int
response_error(struct response *r, int status, const char *code,
    const char *message)
{
	struct json_object *top, *inner;

	if (status == 500) {
		response_internal(r);
		return 0;
	}
	top = response_envelope(code, message, &inner);
	if (response_json(r, status, top) != 0)
		return -1;
	r->code = code;
	r->message = message;
	return 0;
}

void
response_invalid_add(struct response *r, const char *field, size_t len,
    const char *message)
{
	struct response_invalid *e;

	if (r->ninvalid == RESPONSE_ERRORS_MAX)
		return;
	e = &r->invalid[r->ninvalid++];
	if (len > RESPONSE_FIELD_MAX)
		len = RESPONSE_FIELD_MAX;
	memcpy(e->field, field, len);
	e->field[len] = '\0';
	e->message = message;
}

int
response_invalid_finish(struct response *r)
{
	struct json_object *top, *inner, *details = NULL, *list = NULL, *item;
	char message[RESPONSE_FIELD_MAX + 128];
	size_t i;

	if (r->ninvalid == 0) {
		response_detail(r, "validation failed without an error");
		response_internal(r);
		return -1;
	}
	/* The envelope's message is the first problem, "<field> <message>". */
	snprintf(message, sizeof(message), "%s %s", r->invalid[0].field,
	    r->invalid[0].message);
	if ((top = response_envelope("validation_error", message, &inner)) == NULL)
		goto fail;
	if ((details = json_object_new_object()) == NULL ||
	    json_object_object_add(inner, "details", details) != 0) {
		json_object_put(details);
		goto fail;
	}
	if ((list = json_object_new_array()) == NULL ||
	    json_object_object_add(details, "errors", list) != 0) {
		json_object_put(list);
		goto fail;
	}
	for (i = 0; i < r->ninvalid; i++) {
		const struct response_invalid *e = &r->invalid[i];

		if ((item = json_object_new_object()) == NULL)
			goto fail;
		if (json_object_array_add(list, item) != 0) {
			json_object_put(item);
			goto fail;
		}
		if (response_add_string(item, "field", e->field,
		    strlen(e->field)) != 0 ||
		    response_add_string(item, "message", e->message,
		    strlen(e->message)) != 0)
			goto fail;
	}
	if (response_json(r, 400, top) != 0)
		return -1;
	r->code = "validation_error";
	/* Logged without the field: a client's unknown name could be a secret. */
	r->message = r->invalid[0].message;
	return 0;
fail:
	json_object_put(top);
	response_detail(r, "out of memory building a validation error");
	response_internal(r);
	return -1;
}

void
response_buffer(struct response *r, int status, char *buf, size_t len)
{
	response_clear_body(r);
	r->status = status;
	r->content_type = JSON_TYPE;
	r->body_owned = buf;
	r->body = buf;
	r->body_len = len;
}

void
response_static(struct response *r, int status, const char *content_type,
    const void *body, size_t len)
{
	response_clear_body(r);
	r->status = status;
	r->content_type = content_type;
	r->body = body;
	r->body_len = len;
}

void
response_detail(struct response *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

const char *
response_reason(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 201:	return "Created";
	case 202:	return "Accepted";
	case 204:	return "No Content";
	case 400:	return "Bad Request";
	case 401:	return "Unauthorized";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 409:	return "Conflict";
	case 413:	return "Content Too Large";
	case 415:	return "Unsupported Media Type";
	case 429:	return "Too Many Requests";
	case 500:	return "Internal Server Error";
	case 501:	return "Not Implemented";
	case 503:	return "Service Unavailable";
	case 504:	return "Gateway Timeout";
	default:	return "Unknown";
	}
}

/* The head is written into a fixed buffer: no allocation. */
struct response_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
response_buf_add(struct response_buf *b, const char *s, size_t len)
{
	/* Cannot overflow: RESPONSE_HEAD_MAX holds every header at its longest. */
	if (len > b->cap - b->len)
		len = b->cap - b->len;
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

static void
response_buf_fmt(struct response_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
response_buf_fmt(struct response_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n < b->cap - b->len ? (size_t)n : b->cap - b->len - 1;
}

#define ADD_LITERAL(b, s)	response_buf_add((b), (s), sizeof(s) - 1)

size_t
response_head(const struct response *r, char buf[RESPONSE_HEAD_MAX])
{
	struct response_buf b = { buf, 0, RESPONSE_HEAD_MAX };

	response_buf_fmt(&b, "Status: %d %s\r\n", r->status, response_reason(r->status));
	if (r->content_type != NULL) {
		response_buf_fmt(&b, "Content-Type: %s\r\n", r->content_type);
		/* For HEAD too: the length GET would send (RFC 9110 section 8.6). */
		response_buf_fmt(&b, "Content-Length: %zu\r\n", r->body_len);
	}
	ADD_LITERAL(&b, "Cache-Control: no-store\r\n");
	ADD_LITERAL(&b, "X-Content-Type-Options: nosniff\r\n");
	if (r->request_id != NULL)
		response_buf_fmt(&b, "X-Request-Id: %.32s\r\n", r->request_id);
	if (r->allow != NULL)
		response_buf_fmt(&b, "Allow: %.64s\r\n", r->allow);
	if (r->location[0] != '\0')
		response_buf_fmt(&b, "Location: %.200s\r\n", r->location);
	/* Always on 202, 429 and 503 (docs/openapi.yaml declares it required). */
	if (r->retry_after > 0)
		response_buf_fmt(&b, "Retry-After: %d\r\n", r->retry_after);
	else if (r->status == 202 || r->status == 429 || r->status == 503)
		ADD_LITERAL(&b, "Retry-After: 1\r\n");
	/* RFC 6750 section 3: the challenge of a bearer-protected resource. */
	if (r->www_authenticate || r->status == 401)
		ADD_LITERAL(&b, "WWW-Authenticate: Bearer realm=\"wagw\"\r\n");
	if (r->cors_vary)
		ADD_LITERAL(&b, "Vary: Origin\r\n");
	/* At most REQUEST_ORIGIN_MAX bytes, and one of the configured origins. */
	if (r->cors_origin != NULL && r->cors_origin_len <= 256) {
		ADD_LITERAL(&b, "Access-Control-Allow-Origin: ");
		response_buf_add(&b, r->cors_origin, r->cors_origin_len);
		ADD_LITERAL(&b, "\r\n");
		if (r->cors_preflight) {
			/* The route's own methods (its Allow). */
			response_buf_fmt(&b, "Access-Control-Allow-Methods: %.64s\r\n",
			    r->allow != NULL ? r->allow : "GET, HEAD");
			ADD_LITERAL(&b, "Access-Control-Allow-Headers: Authorization, "
			    "X-Api-Key, Content-Type\r\nAccess-Control-Max-Age: 600\r\n");
		} else
			ADD_LITERAL(&b, "Access-Control-Expose-Headers: "
			    "Retry-After, X-Request-Id, WWW-Authenticate, Location\r\n");
	}
	ADD_LITERAL(&b, "\r\n");
	return b.len;
}

char *
response_format(const struct response *r, int head_only, size_t *len)
{
	char head[RESPONSE_HEAD_MAX], *out;
	size_t hlen = response_head(r, head), blen = head_only ? 0 : r->body_len;

	if ((out = malloc(hlen + blen + 1)) == NULL)
		return NULL;
	memcpy(out, head, hlen);
	if (blen > 0)
		memcpy(out + hlen, r->body, blen);
	out[hlen + blen] = '\0';
	*len = hlen + blen;
	return out;
}
