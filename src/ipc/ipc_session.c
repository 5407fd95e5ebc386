#include <string.h>

#include "common/status.h"
#include "ipc/ipc_msg.h"
#include "ipc/ipc_session.h"

static void
ipc_add_str(struct json_object *o, const char *key, const char *v, int always)
{
	if (always || (v != NULL && *v != '\0'))
		json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

static void
ipc_add_ms(struct json_object *o, const char *key, int64_t v, int always)
{
	if (always || v > 0)
		json_object_object_add(o, key, json_object_new_int64(v));
}

struct json_object *
ipc_session_to_json(const struct store_session *s)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	ipc_add_str(o, "id", s->id, 1);
	ipc_add_str(o, "organizationId", s->org, 1);
	ipc_add_str(o, "gatewayId", s->gateway_id, 0);
	ipc_add_str(o, "label", s->label, 1);
	ipc_add_str(o, "link", s->link, 1);
	ipc_add_str(o, "status", s->status, 1);
	ipc_add_str(o, "statusReason", s->reason, 0);
	ipc_add_str(o, "waJid", s->jid, 0);
	ipc_add_str(o, "waLid", s->lid, 0);
	ipc_add_str(o, "phoneNumber", s->phone, 0);
	ipc_add_str(o, "pushName", s->push_name, 0);
	ipc_add_ms(o, "lastConnectedAt", s->last_connected_ms, 0);
	ipc_add_ms(o, "createdAt", s->created_ms, 1);
	ipc_add_ms(o, "updatedAt", s->updated_ms, 1);
	return o;
}

/* A string member into dst (size bytes); absent is "" unless required. */
static int
ipc_get_str(struct json_object *o, const char *key, char *dst, size_t size,
    int required)
{
	const char *v;
	size_t len;
	int rc = ipc_msg_str(o, key, &v, &len);

	dst[0] = '\0';
	if (rc == 1)
		return required ? -1 : 0;
	if (rc != 0 || len >= size)
		return -1;
	memcpy(dst, v, len + 1);
	return 0;
}

static int
ipc_get_ms(struct json_object *o, const char *key, int64_t *v, int required)
{
	int rc = ipc_msg_int(o, key, v);

	if (rc == 1) {
		*v = 0;
		return required ? -1 : 0;
	}
	return rc == 0 && *v >= 0 ? 0 : -1;
}

int
ipc_session_from_json(struct json_object *o, struct store_session *s)
{
	memset(s, 0, sizeof(*s));
	if (!json_object_is_type(o, json_type_object) ||
	    ipc_get_str(o, "id", s->id, sizeof(s->id), 1) == -1 ||
	    ipc_get_str(o, "organizationId", s->org, sizeof(s->org), 1) == -1 ||
	    ipc_get_str(o, "gatewayId", s->gateway_id, sizeof(s->gateway_id), 0) == -1 ||
	    ipc_get_str(o, "label", s->label, sizeof(s->label), 1) == -1 ||
	    ipc_get_str(o, "link", s->link, sizeof(s->link), 1) == -1 ||
	    ipc_get_str(o, "status", s->status, sizeof(s->status), 1) == -1 ||
	    status_parse(s->status, strlen(s->status)) == -1 ||
	    ipc_get_str(o, "statusReason", s->reason, sizeof(s->reason), 0) == -1 ||
	    ipc_get_str(o, "waJid", s->jid, sizeof(s->jid), 0) == -1 ||
	    ipc_get_str(o, "waLid", s->lid, sizeof(s->lid), 0) == -1 ||
	    ipc_get_str(o, "phoneNumber", s->phone, sizeof(s->phone), 0) == -1 ||
	    ipc_get_str(o, "pushName", s->push_name, sizeof(s->push_name), 0) == -1 ||
	    ipc_get_ms(o, "lastConnectedAt", &s->last_connected_ms, 0) == -1 ||
	    ipc_get_ms(o, "createdAt", &s->created_ms, 1) == -1 ||
	    ipc_get_ms(o, "updatedAt", &s->updated_ms, 1) == -1)
		return -1;
	s->autostart = -1;
	return 0;
}

struct json_object *
ipc_pairing_to_json(const struct ipc_pairing *p)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	ipc_add_str(o, "kind", p->kind == 'c' ? "code" : "qr", 1);
	ipc_add_str(o, "code", p->code, 1);
	ipc_add_ms(o, "expiresAt", p->expires_ms, 1);
	return o;
}

int
ipc_pairing_from_json(struct json_object *o, struct ipc_pairing *p)
{
	char kind[8];

	memset(p, 0, sizeof(*p));
	if (!json_object_is_type(o, json_type_object) ||
	    ipc_get_str(o, "kind", kind, sizeof(kind), 1) == -1 ||
	    ipc_get_str(o, "code", p->code, sizeof(p->code), 1) == -1 ||
	    p->code[0] == '\0' ||
	    ipc_get_ms(o, "expiresAt", &p->expires_ms, 1) == -1)
		return -1;
	if (strcmp(kind, "qr") == 0)
		p->kind = 'q';
	else if (strcmp(kind, "code") == 0)
		p->kind = 'c';
	else
		return -1;
	return 0;
}
