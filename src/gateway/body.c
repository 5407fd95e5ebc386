#include <string.h>
#include <strings.h>

#include "common/json_strict.h"
#include "common/text.h"
#include "gateway/body.h"
#include "gateway/request.h"
#include "gateway/response.h"

#define BODY_DEPTH	8

/* application/json, any case, with or without parameters (RFC 9110 8.3.1). */
static int
body_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* Records an error for member key, its name cut on a UTF-8 boundary. */
static void
body_invalid(struct response *r, const char *key, const char *message)
{
	size_t n = strlen(key);

	if (n > RESPONSE_FIELD_MAX) {
		n = RESPONSE_FIELD_MAX;
		while (n > 0 && ((unsigned char)key[n] & 0xc0) == 0x80)
			n--;
	}
	response_invalid_add(r, key, n, message);
}

int
body_object(const struct request *req, const char *const *known,
    struct json_object **out, struct response *r)
{
	struct json_object *obj;
	const char *why;
	size_t i;

	*out = NULL;
	if (req->body_too_large) {
		response_error(r, 413, "payload_too_large",
		    "the request body is larger than 16384 bytes");
		return -1;
	}
	if (req->content_type != NULL && *req->content_type != '\0' &&
	    !body_json_type(req->content_type)) {
		response_error(r, 415, "unsupported_media_type",
		    "the request body must be application/json");
		return -1;
	}
	if (req->body_short) {
		response_invalid_add(r, "body", 4, "ended before its Content-Length");
		response_invalid_finish(r);
		return -1;
	}
	if (req->body_len == 0)
		obj = json_object_new_object();
	else if ((obj = json_strict_object(req->body, req->body_len, BODY_DEPTH,
	    &why)) == NULL) {
		response_invalid_add(r, "body", 4, why);
		response_invalid_finish(r);
		return -1;
	}
	if (obj == NULL) {
		response_internal(r);
		return -1;
	}
	json_object_object_foreach(obj, key, val) {
		(void)val;
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], key) == 0)
				break;
		if (known[i] == NULL)
			body_invalid(r, key, "is not a known field");
	}
	*out = obj;
	return r->ninvalid > 0 ? -1 : 0;
}

int
body_string(struct json_object *obj, const char *key, size_t max, const char **s,
    size_t *len, struct response *r)
{
	struct json_object *v;
	const char *p;
	size_t n;

	if (!json_object_object_get_ex(obj, key, &v))
		return 1;
	if (!json_object_is_type(v, json_type_string)) {
		body_invalid(r, key, "must be a string");
		return -1;
	}
	p = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (strlen(p) != n) {
		body_invalid(r, key, "must not hold a NUL character");
		return -1;
	}
	if (text_codepoints(p, n) > max) {
		body_invalid(r, key, "is too long");
		return -1;
	}
	*s = p;
	*len = n;
	return 0;
}

int
body_bool(struct json_object *obj, const char *key, int *out, struct response *r)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 1;
	if (!json_object_is_type(v, json_type_boolean)) {
		body_invalid(r, key, "must be true or false");
		return -1;
	}
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}
