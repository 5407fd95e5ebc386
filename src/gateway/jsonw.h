/*
 * jsonw: JSON text written front to back into one growing buffer, for a
 * body too large to build as a json-c object tree on every request (a
 * list page as a tree costs about ten allocations per contact).  Strings
 * are escaped as RFC 8259 section 7 requires; the tests check that
 * json-c's parser reads every escape back to the original bytes.
 */
#ifndef WAGW_GATEWAY_JSONW_H
#define WAGW_GATEWAY_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jsonw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 failed;		/* out of memory: jsonw_finish says so */
};

/* Starts a buffer of hint bytes (it grows as needed).  Returns 0 or -1. */
int jsonw_init(struct jsonw *w, size_t hint);
void jsonw_raw_grow(struct jsonw *w, const char *s, size_t len);
/*
 * Appends len bytes of JSON text as they are.  Inline: a page is mostly
 * short literals, and a call for each cost more than the copy.
 */
static inline void
jsonw_raw(struct jsonw *w, const char *s, size_t len)
{
	if (w->failed || len > w->cap - w->len) {
		jsonw_raw_grow(w, s, len);
		return;
	}
	memcpy(w->buf + w->len, s, len);
	w->len += len;
}
#define JSONW_LIT(w, s)	jsonw_raw((w), (s), sizeof(s) - 1)
/* Appends len bytes of valid UTF-8 (no NUL) as a quoted JSON string. */
void jsonw_string(struct jsonw *w, const char *s, size_t len);
/*
 * Appends len bytes (no NUL) as a quoted JSON string when they are valid
 * UTF-8 and returns 0; else writes nothing and returns -1.
 */
int jsonw_text(struct jsonw *w, const char *s, size_t len);
/* Appends an integer. */
void jsonw_int(struct jsonw *w, int64_t v);
/*
 * Appends ,"key":"value" (prefix is the literal ,"key": of len bytes)
 * when value is set and not "" - optional fields are omitted when
 * unknown.  Stored text that is not valid UTF-8 is left out, and logged.
 */
void jsonw_field(struct jsonw *w, const char *prefix, size_t len, const char *value);
#define JSONW_FIELD(w, key, value) \
	jsonw_field((w), ",\"" key "\":", sizeof(key) + 3, (value))

/*
 * Ends writing.  Returns the text, NUL-terminated (the caller frees it),
 * and its length in *len, or NULL when memory ran out on the way (the
 * buffer is then freed).
 */
char *jsonw_finish(struct jsonw *w, size_t *len);

#endif
