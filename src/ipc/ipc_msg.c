#include <stdlib.h>
#include <string.h>

#include "common/json_strict.h"
#include "ipc/ipc_frame.h"
#include "ipc/ipc_msg.h"

static const char *const ipc_err_names[IPC_ERR_COUNT] = {
	[IPC_ERR_NONE] = "ok",
	[IPC_ERR_BAD_REQUEST] = "bad_request",
	[IPC_ERR_UNKNOWN_OP] = "unknown_op",
	[IPC_ERR_NOT_FOUND] = "not_found",
	[IPC_ERR_NOT_CONNECTED] = "not_connected",
	[IPC_ERR_RATE_LIMITED] = "rate_limited",
	[IPC_ERR_TIMEOUT] = "timeout",
	[IPC_ERR_UNAVAILABLE] = "unavailable",
	[IPC_ERR_BUSY] = "busy",
	[IPC_ERR_CONFLICT] = "conflict",
	[IPC_ERR_TOO_LARGE] = "too_large",
	[IPC_ERR_VERSION] = "version",
	[IPC_ERR_INTERNAL] = "internal",
};

const char *
ipc_err_str(int err)
{
	if (err < 0 || err >= IPC_ERR_COUNT)
		return ipc_err_names[IPC_ERR_INTERNAL];
	return ipc_err_names[err];
}

int
ipc_err_parse(const char *s, size_t len)
{
	int i;

	for (i = 0; i < IPC_ERR_COUNT; i++)
		if (strlen(ipc_err_names[i]) == len &&
		    memcmp(ipc_err_names[i], s, len) == 0)
			return i;
	return IPC_ERR_INTERNAL;
}

struct json_object *
ipc_msg_parse(const char *buf, size_t len)
{
	if (len > IPC_PAYLOAD_MAX)
		return NULL;
	return json_strict_object(buf, len, 8, NULL);
}

int
ipc_msg_str(struct json_object *obj, const char *key, const char **s, size_t *len)
{
	struct json_object *v;
	const char *p;
	int n;

	if (!json_object_object_get_ex(obj, key, &v))
		return 1;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	p = json_object_get_string(v);
	n = json_object_get_string_len(v);
	if (n < 0 || strlen(p) != (size_t)n)
		return -1;
	*s = p;
	if (len != NULL)
		*len = (size_t)n;
	return 0;
}

int
ipc_msg_int(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 1;
	/* json-c would parse a string here and clamp silently: type first. */
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	/* A value beyond int64 was clamped: refuse it rather than use it. */
	if (*out == INT64_MAX || *out == INT64_MIN)
		return -1;
	return 0;
}

int
ipc_msg_bool(struct json_object *obj, const char *key, int *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 1;
	if (!json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

unsigned char *
ipc_msg_frame(struct json_object *obj, int type, size_t *len)
{
	const char *js;
	unsigned char *buf;
	size_t n;

	js = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (js == NULL || n > IPC_PAYLOAD_MAX)
		return NULL;
	if ((buf = malloc(IPC_HEADER_LEN + n)) == NULL)
		return NULL;
	ipc_frame_header(buf, type, n);
	memcpy(buf + IPC_HEADER_LEN, js, n);
	*len = IPC_HEADER_LEN + n;
	return buf;
}
