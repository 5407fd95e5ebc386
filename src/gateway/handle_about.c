/* GET /api/v1/sessions/{session}/contacts/{jid}/about: live lookup. */
#include <string.h>

#include <json-c/json.h>

#include "common/jid.h"
#include "common/store.h"
#include "common/text.h"
#include "gateway/handle.h"
#include "gateway/response.h"
#include "ipc/sessiond_client.h"

int
handle_about(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const char *jid, size_t len,
    struct response *r)
{
	struct json_object *top, *v;
	char bare[JID_STR_MAX], about[SESSIOND_ABOUT_MAX + 1];
	struct jid j;
	int rc, retry_after = 0;

	/* A user JID, phone or LID form; the device part is ignored. */
	if (jid_parse(jid, len, &j) != 0 || !jid_is_user(&j)) {
		response_invalid_add(r, "jid", 3,
		    "must be a user JID: <phone>@s.whatsapp.net, the phone 7-15 "
		    "digits without a leading 0, or <digits>@lid (an optional "
		    ":<device> before the @)");
		return response_invalid_finish(r);
	}
	jid_format_bare(&j, bare);
	about[0] = '\0';
	rc = sessiond_about(sd, s->id, bare, timeout_ms, about, &retry_after);
	if (rc != SESSIOND_OK)
		return handle_live_error(r, rc, retry_after);
	about[SESSIOND_ABOUT_MAX] = '\0';
	if (!text_utf8_valid(about, strlen(about))) {
		response_detail(r, "sessiond: about text is not UTF-8");
		response_internal(r);
		return 0;
	}
	if ((top = json_object_new_object()) == NULL)
		goto oom;
	if ((v = json_object_new_string(about)) == NULL) {
		json_object_put(top);
		goto oom;
	}
	if (json_object_object_add(top, "about", v) != 0) {
		json_object_put(v);
		json_object_put(top);
		goto oom;
	}
	return response_json(r, 200, top);
oom:
	response_detail(r, "out of memory answering about");
	response_internal(r);
	return -1;
}
