#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/text.h"
#include "gateway/jsonw.h"

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

/* Makes room for len more bytes.  Returns 0, or -1 (and failed) when it cannot. */
static int
jsonw_reserve(struct jsonw *w, size_t len)
{
	size_t ncap;
	char *nb;

	if (w->failed)
		return -1;
	if (len <= w->cap - w->len)
		return 0;
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
	return 0;
fail:
	w->failed = 1;
	return -1;
}

/* jsonw_raw when the buffer must grow first (or has failed). */
void
jsonw_raw_grow(struct jsonw *w, const char *s, size_t len)
{
	if (jsonw_reserve(w, len) == -1)
		return;
	memcpy(w->buf + w->len, s, len);
	w->len += len;
}

/* Bytes of eight lanes, for looking at a string a word at a time. */
#define JSONW_LANES(b)	(UINT64_C(0x0101010101010101) * (b))

/*
 * Whether any byte of x is below 0x20, '"' or '\\' - a byte that needs
 * an escape.  (x - 0x01..) & ~x & 0x80.. is nonzero exactly when some
 * byte of x is zero; below 0x20 is the same test against 0x20.
 */
static int
jsonw_word_special(uint64_t x)
{
	uint64_t q = x ^ JSONW_LANES(0x22), b = x ^ JSONW_LANES(0x5c);
	uint64_t lanes = ((x - JSONW_LANES(0x20)) & ~x) |
	    ((q - JSONW_LANES(0x01)) & ~q) | ((b - JSONW_LANES(0x01)) & ~b);

	return (lanes & JSONW_LANES(0x80)) != 0;
}

/*
 * RFC 8259 section 7: '"', '\\' and U+0000..U+001F must be escaped;
 * everything else, UTF-8 included, may stand as it is.  Written here
 * rather than through json-c, which has no standalone escaper: setting
 * and serializing a string object was a fifth of a list request.  Eight
 * bytes at a time while none needs an escape (most text), one at a time
 * around those that do.
 * Returns the OR of the bytes written out: below 0x80, the string was
 * ASCII, so valid UTF-8 without a second look.
 */
static unsigned
jsonw_quote(struct jsonw *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t word, words = 0;
	unsigned seen = 0;
	char *o;
	size_t i = 0;

	if (len > (SIZE_MAX - 2) / 6 || jsonw_reserve(w, 6 * len + 2) == -1) {
		w->failed = 1;
		return 0;
	}
	o = w->buf + w->len;
	*o++ = '"';
	while (i < len) {
		unsigned char c;

		if (len - i >= 8) {
			memcpy(&word, s + i, 8);
			if (!jsonw_word_special(word)) {
				memcpy(o, &word, 8);
				words |= word;
				o += 8;
				i += 8;
				continue;
			}
		}
		c = (unsigned char)s[i++];
		seen |= c;
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
	return seen | ((words & JSONW_LANES(0x80)) != 0 ? 0x80 : 0);
}

void
jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	(void)jsonw_quote(w, s, len);
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

/*
 * Digits written by hand: snprintf's format machinery was a third of a
 * groups page (five integers a group).
 */
void
jsonw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *o = buf + sizeof(buf);
	/* The magnitude in unsigned arithmetic: INT64_MIN has no positive. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--o = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--o = '-';
	jsonw_raw(w, o, (size_t)(buf + sizeof(buf) - o));
}

int
jsonw_text(struct jsonw *w, const char *s, size_t len)
{
	size_t start = w->len;

	/* Checked only when not ASCII: one pass over most values. */
	if ((jsonw_quote(w, s, len) & 0x80) != 0 && !w->failed &&
	    !text_utf8_valid(s, len)) {
		w->len = start;
		return -1;
	}
	return 0;
}

void
jsonw_field(struct jsonw *w, const char *prefix, size_t len, const char *value)
{
	size_t start;

	if (value == NULL || *value == '\0')
		return;
	start = w->len;
	jsonw_raw(w, prefix, len);
	if (jsonw_text(w, value, strlen(value)) != 0) {
		w->len = start;
		log_warnx("a stored field is not valid UTF-8; left out");
	}
}
