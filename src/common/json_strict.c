#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "common/json_strict.h"

#define JSON_STRICT_OBJECTS_MAX	4096	/* objects counted in one document */

#define JSON_STRICT_SURROGATE	(-2)	/* json_strict_scan: a lone surrogate */

/* The code unit of the escape \uXXXX at buf[i] (at the backslash), or -1. */
static long
json_strict_unit(const char *buf, size_t len, size_t i)
{
	char hex[5];
	char *end;

	if (len - i < 6 || buf[i] != '\\' || buf[i + 1] != 'u')
		return -1;
	memcpy(hex, buf + i + 2, 4);
	hex[4] = '\0';
	if (strspn(hex, "0123456789abcdefABCDEF") != 4)
		return -1;
	return strtol(hex, &end, 16);
}

/*
 * One pass over the text outside json-c: the grammar's characters only
 * (json-c's strict mode still takes 'single quotes', NaN and Infinity),
 * escapes of UTF-16 surrogates only in pairs (json-c turns a lone one
 * into U+FFFD; RFC 8259 section 8.2 leaves it unpredictable: we refuse
 * it as we refuse invalid UTF-8), and the members of each object in
 * document order (by opening brace), so that duplicates, which json-c
 * folds, show as a count json-c lost.  Returns the number of objects,
 * JSON_STRICT_SURROGATE, or -1 when the text has what JSON has not (or
 * too many objects).
 */
static int
json_strict_scan(const char *buf, size_t len, int *members, int max)
{
	int stack[64], depth = 0, nobj = 0, in_str = 0, expect_key = 0;
	long u;
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (in_str) {
			if (ch == '\\') {
				/* A high surrogate, then its low one; never either alone. */
				if ((u = json_strict_unit(buf, len, i)) >= 0xdc00 &&
				    u <= 0xdfff)
					return JSON_STRICT_SURROGATE;
				if (u >= 0xd800 && u <= 0xdbff) {
					u = json_strict_unit(buf, len, i + 6);
					if (u < 0xdc00 || u > 0xdfff)
						return JSON_STRICT_SURROGATE;
					i += 6;
				}
				i++;
			} else if (ch == '"')
				in_str = 0;
			continue;
		}
		switch (ch) {
		case '"':
			in_str = 1;
			if (expect_key && depth > 0 && stack[depth - 1] >= 0)
				members[stack[depth - 1]]++;
			expect_key = 0;
			break;
		case '{':
			if (depth == (int)(sizeof(stack) / sizeof(stack[0])) || nobj == max)
				return -1;
			members[nobj] = 0;
			stack[depth++] = nobj++;
			expect_key = 1;
			break;
		case '[':
			if (depth == (int)(sizeof(stack) / sizeof(stack[0])))
				return -1;
			stack[depth++] = -1;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			expect_key = depth > 0 && stack[depth - 1] >= 0;
			break;
		default:
			if (strchr(":-+.0123456789eE \t\r\nturfalsn", ch) == NULL || ch == '\0')
				return -1;
		}
	}
	return nobj;
}

/* Pre-order walk: each object's json-c length against the text's count. */
static int
json_strict_walk(struct json_object *v, const int *members, int nobj, int *next)
{
	size_t i, n;
	int rc;

	switch (json_object_get_type(v)) {
	case json_type_object:
		if (*next >= nobj || json_object_object_length(v) != members[*next])
			return -1;
		(*next)++;
		json_object_object_foreach(v, key, val) {
			(void)key;
			if ((rc = json_strict_walk(val, members, nobj, next)) != 0)
				return rc;
		}
		return 0;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if ((rc = json_strict_walk(json_object_array_get_idx(v, i), members,
			    nobj, next)) != 0)
				return rc;
		return 0;
	default:
		return 0;
	}
}

struct json_object *
json_strict_object(const char *buf, size_t len, int depth, const char **why)
{
	struct json_tokener *tok;
	struct json_object *obj = NULL;
	int *members = NULL, nobj, next = 0;
	const char *reason = "is not valid JSON";

	if (len == 0 || len > (size_t)INT32_MAX)
		goto out;
	/* RFC 3629: json-c's own check lets overlong forms, encoded
	 * surrogates (ED A0 80) and code points past U+10FFFF through. */
	if (u8_check((const uint8_t *)buf, len) != NULL) {
		reason = "is not valid UTF-8";
		goto out;
	}
	if ((members = calloc(JSON_STRICT_OBJECTS_MAX, sizeof(*members))) == NULL) {
		reason = "could not be parsed (out of memory)";
		goto out;
	}
	if ((nobj = json_strict_scan(buf, len, members, JSON_STRICT_OBJECTS_MAX)) < 0) {
		if (nobj == JSON_STRICT_SURROGATE)
			reason = "is not valid UTF-8 (a lone surrogate escape)";
		goto out;
	}
	if ((tok = json_tokener_new_ex(depth)) == NULL) {
		reason = "could not be parsed (out of memory)";
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		if (json_tokener_get_error(tok) == json_tokener_error_parse_utf8_string)
			reason = "is not valid UTF-8";
		else if (json_tokener_get_error(tok) == json_tokener_error_depth)
			reason = "is nested too deeply";
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	if (obj == NULL)
		goto out;
	if (!json_object_is_type(obj, json_type_object)) {
		reason = "must be a JSON object";
		goto fail;
	}
	if (json_strict_walk(obj, members, nobj, &next) != 0) {
		reason = "names a member twice";
		goto fail;
	}
	free(members);
	return obj;
fail:
	json_object_put(obj);
	obj = NULL;
out:
	free(members);
	if (why != NULL)
		*why = reason;
	return obj;
}
