#include <string.h>

#include "common/text.h"
#include "gateway/query.h"

/*
 * Decodes len bytes of s into out (room for len + 1 bytes), '+' as a
 * space.  Returns the decoded length, or -1 for a broken escape.
 */
static long
query_decode(const char *s, size_t len, char *out)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] != '%')
			out[o++] = s[i];
		else {
			if (len - i < 3 || (hi = text_hex_digit(s[i + 1])) < 0 ||
			    (lo = text_hex_digit(s[i + 2])) < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	out[o] = '\0';
	return (long)o;
}

static void
query_fail_whole(struct query_error *err, const char *message)
{
	memcpy(err->field, QUERY_FIELD_WHOLE, sizeof(QUERY_FIELD_WHOLE));
	err->message = message;
}

/* Names the parameter in err when its name is printable ASCII. */
static void
query_fail(struct query_error *err, const char *name, size_t len,
    const char *message)
{
	size_t i;

	if (len == 0) {
		query_fail_whole(err, "has a parameter without a name");
		return;
	}
	for (i = 0; i < len; i++)
		if (len >= sizeof(err->field) || name[i] < 0x21 || name[i] > 0x7e) {
			query_fail_whole(err, "has a malformed or unknown parameter name");
			return;
		}
	memcpy(err->field, name, len);
	err->field[len] = '\0';
	err->message = message;
}

/* Checks decoded bytes: no NUL, valid UTF-8.  NULL or the problem. */
static const char *
query_check_text(const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		return "contains a NUL byte";
	if (!text_utf8_valid(s, len))
		return "is not valid UTF-8";
	return NULL;
}

static const struct query_param *
query_find(const struct query *q, const char *name)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->param[i].name, name) == 0)
			return &q->param[i];
	return NULL;
}

int
query_parse(struct query *q, const char *qs, size_t len,
    const char *const *known, struct query_error *err)
{
	const char *end = qs + len, *amp, *eq, *problem;
	char name[REQUEST_QUERY_MAX + 1];
	char *out = q->buf;
	size_t i;
	long nlen, vlen;

	memset(err, 0, sizeof(*err));
	q->n = 0;
	if (len > REQUEST_QUERY_MAX) {
		query_fail_whole(err, "is longer than 4096 bytes");
		return -1;
	}
	while (qs < end) {
		if ((amp = memchr(qs, '&', (size_t)(end - qs))) == NULL)
			amp = end;
		if (amp == qs) {
			qs++;
			continue;
		}
		if ((eq = memchr(qs, '=', (size_t)(amp - qs))) == NULL)
			eq = amp;
		if ((nlen = query_decode(qs, (size_t)(eq - qs), name)) < 0 ||
		    query_check_text(name, (size_t)nlen) != NULL) {
			query_fail_whole(err, "has a malformed or unknown parameter name");
			return -1;
		}
		for (i = 0; known[i] != NULL; i++)
			if (strlen(known[i]) == (size_t)nlen &&
			    memcmp(known[i], name, (size_t)nlen) == 0)
				break;
		if (known[i] == NULL) {
			query_fail(err, name, (size_t)nlen, "is not a known parameter");
			return -1;
		}
		if (query_find(q, known[i]) != NULL) {
			query_fail(err, name, (size_t)nlen, "is repeated");
			return -1;
		}
		/* Only reached by a route taking more than QUERY_PARAMS_MAX names. */
		if (q->n == QUERY_PARAMS_MAX) {
			query_fail_whole(err, "has too many parameters");
			return -1;
		}
		/* Decoding never lengthens; values and NULs fit in buf. */
		vlen = eq == amp ? 0 : query_decode(eq + 1, (size_t)(amp - eq - 1), out);
		if (eq == amp)
			*out = '\0';
		if (vlen < 0) {
			query_fail(err, name, (size_t)nlen, "has a malformed percent-escape");
			return -1;
		}
		if ((problem = query_check_text(out, (size_t)vlen)) != NULL) {
			query_fail(err, name, (size_t)nlen, problem);
			return -1;
		}
		if (vlen > QUERY_VALUE_MAX) {
			query_fail(err, name, (size_t)nlen, "is longer than 1024 bytes");
			return -1;
		}
		q->param[q->n].name = known[i];
		q->param[q->n].value = out;
		q->param[q->n].len = (size_t)vlen;
		q->n++;
		out += vlen + 1;
		qs = amp;
	}
	return 0;
}

const char *
query_get(const struct query *q, const char *name, size_t *len)
{
	const struct query_param *p = query_find(q, name);

	/* An empty value is the same as leaving the parameter out. */
	if (p == NULL || p->len == 0)
		return NULL;
	if (len != NULL)
		*len = p->len;
	return p->value;
}
