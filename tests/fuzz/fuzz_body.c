/*
 * libFuzzer target: a request body as the gateway reads it (body.h over
 * json_strict.h).  The first byte picks the Content-Type; the rest is
 * the body.  Whatever is accepted must be an object whose every member
 * is known and whose strings the getters read; whatever is refused must
 * leave a complete error answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gateway/body.h"
#include "gateway/request.h"
#include "gateway/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL, "application/json",
	    "application/json; charset=utf-8", "text/plain", "" };
	static const char *const known[] = { "label", "start", "phone", "phones", NULL };
	struct json_object *o = NULL;
	struct request req;
	struct response r;
	const char *s;
	size_t len;
	int b, rc;

	if (size == 0 || size > REQUEST_BODY_MAX + 1)
		return 0;
	memset(&req, 0, sizeof(req));
	req.content_type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	req.body = (const char *)data + 1;
	req.body_len = size - 1;
	req.body_too_large = req.body_len > REQUEST_BODY_MAX;
	response_init(&r);
	rc = body_object(&req, known, &o, &r);
	if (rc == 0) {
		if (o == NULL || !json_object_is_type(o, json_type_object) || r.status != 0)
			__builtin_trap();
		if (body_string(o, "label", 100, &s, &len, &r) == 0 &&
		    (strlen(s) != len))
			__builtin_trap();
		(void)body_bool(o, "start", &b, &r);
	} else {
		if (r.status == 0 && (r.ninvalid == 0 || response_invalid_finish(&r) != 0))
			__builtin_trap();
		if (r.status < 400 || r.body == NULL || r.body_len == 0)
			__builtin_trap();
	}
	json_object_put(o);
	response_free(&r);
	return 0;
}
