#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gateway/jsonw.h"

/* The string object json-c escapes with, made once per process. */
static struct json_object *jsonw_esc;

int
jsonw_init(struct jsonw *w, size_t hint)
{
	memset(w, 0, sizeof(*w));
	if (hint < 64)
		hint = 64;
	if ((w->buf = malloc(hint)) == NULL)
		return -1;
	w->cap = hint;
	return 0;
}

void
jsonw_raw(struct jsonw *w, const char *s, size_t len)
{
	size_t ncap;
	char *nb;

	if (w->failed)
		return;
	if (len > w->cap - w->len) {
		ncap = w->cap;
		while (len > ncap - w->len) {
			if (ncap > SIZE_MAX / 2)
				goto fail;
			ncap *= 2;
		}
		if ((nb = realloc(w->buf, ncap)) == NULL)
			goto fail;
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, s, len);
	w->len += len;
	return;
fail:
	w->failed = 1;
}

void
jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	const char *out;
	size_t olen;

	if (w->failed)
		return;
	/*
	 * json-c 0.16 leaks the old buffer when a long string object is set
	 * to "" (json_object_set_string_len): "" never goes through it.
	 */
	if (len == 0) {
		JSONW_LIT(w, "\"\"");
		return;
	}
	if (len > INT_MAX)
		goto fail;
	if (jsonw_esc == NULL && (jsonw_esc = json_object_new_string("")) == NULL)
		goto fail;
	/* The object keeps its buffers between calls: no allocation per string. */
	if (json_object_set_string_len(jsonw_esc, s, (int)len) != 1)
		goto fail;
	out = json_object_to_json_string_length(jsonw_esc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &olen);
	if (out == NULL)
		goto fail;
	jsonw_raw(w, out, olen);
	return;
fail:
	w->failed = 1;
}

char *
jsonw_finish(struct jsonw *w, size_t *len)
{
	char *buf;

	/* NUL-terminated for convenience; the NUL is not counted. */
	jsonw_raw(w, "", 1);
	buf = w->buf;
	w->buf = NULL;
	if (w->failed) {
		free(buf);
		return NULL;
	}
	*len = w->len - 1;
	return buf;
}
