/* GET /api/v1/sessions/{session}/contacts/check?phone=: live lookup. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/jid.h"
#include "common/phone.h"
#include "common/store.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

/*
 * CONTRACT.md: an optional '+', then 7-15 digits, the first 1-9.  A '+'
 * sent unencoded arrives as a space; one leading space is that '+'.
 */
static int
handle_check_phone(const char *v, size_t len, char digits[PHONE_DIGITS_MAX + 1])
{
	char buf[PHONE_DIGITS_MAX + 2];

	if (len > 0 && v[0] == ' ') {
		if (len > sizeof(buf))
			return -1;
		buf[0] = '+';
		memcpy(buf + 1, v + 1, len - 1);
		v = buf;
	}
	return phone_parse_e164(v, len, digits);
}

static int
handle_check_answer(const struct sessiond_check_result *res, const char *digits,
    struct response *r)
{
	struct json_object *top, *v;
	char query[PHONE_DIGITS_MAX + 2];

	snprintf(query, sizeof(query), "+%s", digits);
	if ((top = json_object_new_object()) == NULL)
		goto oom;
	if ((v = json_object_new_string(query)) == NULL ||
	    json_object_object_add(top, "query", v) != 0)
		goto oom_v;
	if ((v = json_object_new_boolean(res->on_whatsapp != 0)) == NULL ||
	    json_object_object_add(top, "isOnWhatsApp", v) != 0)
		goto oom_v;
	/* jid only when on WhatsApp. */
	if (res->on_whatsapp) {
		if ((v = json_object_new_string(res->jid)) == NULL ||
		    json_object_object_add(top, "jid", v) != 0)
			goto oom_v;
	}
	return response_json(r, 200, top);
oom_v:
	json_object_put(v);
oom:
	json_object_put(top);
	response_detail(r, "out of memory answering a check");
	response_internal(r);
	return -1;
}

int
handle_check(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct query *q, struct response *r)
{
	struct sessiond_check_result res;
	char digits[PHONE_DIGITS_MAX + 1];
	const char *phones[1];
	const char *v;
	struct jid j;
	size_t len;
	int rc, retry_after = 0;

	if ((v = query_get(q, "phone", &len)) == NULL) {
		response_invalid_add(r, "phone", 5, "is required");
		return response_invalid_finish(r);
	}
	if (handle_check_phone(v, len, digits) != 0) {
		response_invalid_add(r, "phone", 5,
		    "must be an E.164 number: an optional +, then 7 to 15 digits");
		return response_invalid_finish(r);
	}
	phones[0] = digits;
	memset(&res, 0, sizeof(res));
	rc = sessiond_check(sd, s->id, phones, 1, timeout_ms, &res, &retry_after);
	if (rc != SESSIOND_OK)
		return handle_live_error(r, rc, retry_after);
	/* The daemon is trusted, but what it says ends up in our JSON. */
	if (res.on_whatsapp && (memchr(res.jid, '\0', sizeof(res.jid)) == NULL ||
	    jid_parse(res.jid, strlen(res.jid), &j) != 0 || !jid_is_user(&j))) {
		response_detail(r, "sessiond: malformed check answer");
		response_internal(r);
		return 0;
	}
	return handle_check_answer(&res, digits, r);
}
