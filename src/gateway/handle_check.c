/* GET /api/v1/sessions/{session}/contacts/check?phone=: live lookup. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/jid.h"
#include "common/phone.h"
#include "common/store.h"
#include "gateway/body.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

/*
 * An optional '+', then 7-15 digits, the first 1-9.  A '+'
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

/* One OnWhatsApp object: {"query", "isOnWhatsApp", "jid"?}; NULL on no memory. */
static struct json_object *
handle_check_item(const struct sessiond_check_result *res, const char *digits)
{
	struct json_object *top, *v;
	char query[PHONE_DIGITS_MAX + 2];

	snprintf(query, sizeof(query), "+%s", digits);
	if ((top = json_object_new_object()) == NULL)
		return NULL;
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
	return top;
oom_v:
	json_object_put(v);
	json_object_put(top);
	return NULL;
}

/* The daemon is trusted, but what it says ends up in our JSON. */
static int
handle_check_sane(const struct sessiond_check_result *res)
{
	struct jid j;

	return !res->on_whatsapp || (memchr(res->jid, '\0', sizeof(res->jid)) != NULL &&
	    jid_parse(res->jid, strlen(res->jid), &j) == 0 && jid_is_user(&j));
}

static int
handle_check_oom(struct response *r)
{
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
	struct json_object *item;
	const char *v;
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
	if (!handle_check_sane(&res)) {
		response_detail(r, "sessiond: malformed check answer");
		response_internal(r);
		return 0;
	}
	if ((item = handle_check_item(&res, digits)) == NULL)
		return handle_check_oom(r);
	return response_json(r, 200, item);
}

int
handle_check_batch(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct request *req, struct response *r)
{
	static const char *const known[] = { "phones", NULL };
	struct sessiond_check_result res[SESSIOND_CHECK_MAX];
	char digits[SESSIOND_CHECK_MAX][PHONE_DIGITS_MAX + 1], field[32];
	const char *phones[SESSIOND_CHECK_MAX];
	struct json_object *body, *arr, *v, *top = NULL, *data;
	size_t i, n = 0;
	int rc, retry_after = 0;

	if (body_object(req, known, &body, r) != 0) {
		json_object_put(body);
		return r->status != 0 ? 0 : response_invalid_finish(r);
	}
	if (!json_object_object_get_ex(body, "phones", &arr))
		response_invalid_add(r, "phones", 6, "is required");
	else if (!json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 || n > SESSIOND_CHECK_MAX) {
		response_invalid_add(r, "phones", 6,
		    "must be an array of 1 to 50 phone numbers");
		n = 0;		/* nothing of it is read */
	}
	/* Every malformed number is named (up to RESPONSE_ERRORS_MAX). */
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		phones[i] = digits[i];
		if (!json_object_is_type(v, json_type_string) ||
		    phone_parse_e164(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), digits[i]) != 0) {
			snprintf(field, sizeof(field), "phones[%zu]", i);
			response_invalid_add(r, field, strlen(field),
			    "must be an E.164 number: an optional +, then 7 to 15 digits");
		}
	}
	json_object_put(body);
	if (r->ninvalid > 0)
		return response_invalid_finish(r);
	memset(res, 0, sizeof(res));
	rc = sessiond_check(sd, s->id, phones, n, timeout_ms, res, &retry_after);
	if (rc != SESSIOND_OK)
		return handle_live_error(r, rc, retry_after);
	if ((top = json_object_new_object()) == NULL ||
	    (data = json_object_new_array_ext((int)n)) == NULL ||
	    json_object_object_add(top, "data", data) != 0) {
		json_object_put(top);
		return handle_check_oom(r);
	}
	for (i = 0; i < n; i++) {
		if (!handle_check_sane(&res[i])) {
			json_object_put(top);
			response_detail(r, "sessiond: malformed check answer");
			response_internal(r);
			return 0;
		}
		if ((v = handle_check_item(&res[i], digits[i])) == NULL ||
		    json_object_array_add(data, v) != 0) {
			json_object_put(v);
			json_object_put(top);
			return handle_check_oom(r);
		}
	}
	return response_json(r, 200, top);
}
