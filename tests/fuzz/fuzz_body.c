/*
 * libFuzzer target: a request body as the gateway reads it (body.h over
 * json_strict.h), alone and through every route that takes one.  The
 * first byte picks the Content-Type (its value modulo 5) and the route
 * (its value divided by 5, modulo 5):
 *   0 body_object alone, with the members of every route;
 *   1 POST /sessions ({"label", "start"});
 *   2 an action, POST /sessions/{session}:start (no members);
 *   3 POST .../pairing-code ({"phone"});
 *   4 POST .../contacts/check ({"phones": [...]}).
 * The rest is the body.  The handlers run with a daemon client whose
 * socket does not exist, so a body a handler takes goes as far as the
 * daemon call and comes back 503.  Whatever is accepted must be an
 * object whose every member is known and whose strings the getters
 * read; whatever is refused must leave a complete error answer in the
 * envelope.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/store.h"
#include "gateway/body.h"
#include "gateway/handle.h"
#include "gateway/request.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

#define FUZZ_NO_DAEMON	"/nonexistent/wagw-fuzz-body.sock"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error answer: a status of 400 or more and the envelope with a code. */
static void
fuzz_error_ok(const struct response *r)
{
	struct json_object *o, *e, *code;
	struct json_tokener *tok;

	if (r->status < 400 || r->body == NULL || r->body_len == 0 ||
	    r->body_len > 65536 || (tok = json_tokener_new()) == NULL)
		__builtin_trap();
	o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
	json_tokener_free(tok);
	if (o == NULL || !json_object_object_get_ex(o, "error", &e) ||
	    !json_object_object_get_ex(e, "code", &code) ||
	    !json_object_is_type(code, json_type_string))
		__builtin_trap();
	json_object_put(o);
}

/* body_object alone, with every member some route takes. */
static void
fuzz_members(const struct request *req)
{
	static const char *const known[] = { "label", "start", "phone", "phones", NULL };
	struct json_object *o = NULL;
	struct response r;
	const char *s;
	size_t len;
	int b, rc;

	response_init(&r);
	rc = body_object(req, known, &o, &r);
	if (rc == 0) {
		if (o == NULL || !json_object_is_type(o, json_type_object) || r.status != 0)
			__builtin_trap();
		if (body_string(o, "label", 100, &s, &len, &r) == 0 &&
		    (strlen(s) != len))
			__builtin_trap();
		if (body_string(o, "phone", 32, &s, &len, &r) == 0 &&
		    (strlen(s) != len))
			__builtin_trap();
		(void)body_bool(o, "start", &b, &r);
	} else {
		if (r.status == 0 && (r.ninvalid == 0 || response_invalid_finish(&r) != 0))
			__builtin_trap();
		fuzz_error_ok(&r);
	}
	json_object_put(o);
	response_free(&r);
}

/* One route's handler: an error in the envelope, or the daemon's 503. */
static void
fuzz_route(int route, const struct request *req)
{
	static struct sessiond_client *sd;
	static const char *const known[][3] = {
		{ "label", "start", NULL }, { NULL }, { "phone", NULL }, { "phones", NULL },
	};
	struct store_session s;
	struct json_object *o = NULL;
	struct response r, r2;
	int rc;

	if (sd == NULL && (sd = sessiond_client_new(FUZZ_NO_DAEMON)) == NULL)
		__builtin_trap();
	memset(&s, 0, sizeof(s));
	memcpy(s.id, "S1", 3);
	memcpy(s.org, "o1", 3);
	response_init(&r);
	switch (route) {
	case 1:
		rc = handle_session_create(sd, 100, "o1", req, &r);
		break;
	case 2:
		rc = handle_session_action(sd, 100, &s, "session_start", req, &r);
		break;
	case 3:
		rc = handle_pairing_code(sd, 100, &s, req, &r);
		break;
	default:
		rc = handle_check_batch(sd, 100, &s, req, &r);
		break;
	}
	if (rc != 0 && rc != -1)
		__builtin_trap();
	fuzz_error_ok(&r);
	if (r.status != 400 && r.status != 413 && r.status != 415 && r.status != 503)
		__builtin_trap();
	/* What reached the daemon was an object of the route's members only. */
	if (r.status == 503) {
		response_init(&r2);
		if (body_object(req, known[route - 1], &o, &r2) != 0)
			__builtin_trap();
		json_object_put(o);
		response_free(&r2);
	}
	response_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL, "application/json",
	    "application/json; charset=utf-8", "text/plain", "" };
	struct request req;
	int route;

	if (size == 0 || size > REQUEST_BODY_MAX + 1)
		return 0;
	memset(&req, 0, sizeof(req));
	req.content_type = types[data[0] % 5];
	route = data[0] / 5 % 5;
	req.body = (const char *)data + 1;
	req.body_len = size - 1;
	req.body_too_large = req.body_len > REQUEST_BODY_MAX;
	if (route == 0)
		fuzz_members(&req);
	else
		fuzz_route(route, &req);
	return 0;
}
