#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/text.h"
#include "gateway/request.h"

/*
 * Ids are a per-process random prefix and a counter: unique, cheap.  The
 * prefix is written out once; a request writes its counter's 8 digits.
 */
static char request_id_prefix[16 + 1] = "0000000000000000";
static uint32_t request_id_counter;

int
request_id_init(void)
{
	uint64_t prefix;

	if (RAND_bytes((unsigned char *)&prefix, sizeof(prefix)) != 1)
		return -1;
	snprintf(request_id_prefix, sizeof(request_id_prefix), "%016" PRIx64, prefix);
	return 0;
}

static void
request_id_next(char id[REQUEST_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t n = ++request_id_counter;
	int i;

	memcpy(id, request_id_prefix, 16);
	for (i = REQUEST_ID_LEN - 1; i >= 16; i--, n >>= 4)
		id[i] = hex[n & 0xf];
	id[REQUEST_ID_LEN] = '\0';
}

/* The CGI variables the gateway reads, found in one pass over envp. */
struct request_env {
	const char	*method, *uri, *script, *info, *query;
	const char	*authorization, *api_key, *origin;
	const char	*content_type, *content_length;
};

#define REQUEST_VAR(lit, field) \
	{ lit, sizeof(lit) - 1, offsetof(struct request_env, field) }

static const struct request_var {
	const char	*name;
	size_t		 len;
	size_t		 off;
} request_vars[] = {
	REQUEST_VAR("REQUEST_METHOD", method),
	REQUEST_VAR("REQUEST_URI", uri),
	REQUEST_VAR("SCRIPT_NAME", script),
	REQUEST_VAR("PATH_INFO", info),
	REQUEST_VAR("QUERY_STRING", query),
	REQUEST_VAR("HTTP_AUTHORIZATION", authorization),
	REQUEST_VAR("HTTP_X_API_KEY", api_key),
	REQUEST_VAR("HTTP_ORIGIN", origin),
	REQUEST_VAR("CONTENT_TYPE", content_type),
	REQUEST_VAR("CONTENT_LENGTH", content_length),
};
#define REQUEST_VARS	(sizeof(request_vars) / sizeof(request_vars[0]))

/* Fills e; a variable set twice counts once, the first time. */
static void
request_env_scan(struct request_env *e, char *const *envp)
{
	const struct request_var *v;
	const char **slot;
	size_t i;

	memset(e, 0, sizeof(*e));
	for (; *envp != NULL; envp++) {
		for (i = 0; i < REQUEST_VARS; i++) {
			v = &request_vars[i];
			if ((*envp)[0] != v->name[0] ||
			    strncmp(*envp, v->name, v->len) != 0 ||
			    (*envp)[v->len] != '=')
				continue;
			slot = (const char **)(void *)((char *)e + v->off);
			if (*slot == NULL)
				*slot = *envp + v->len + 1;
			break;
		}
	}
}

static void
request_header(struct request_header *h, const char *value, size_t max)
{
	memset(h, 0, sizeof(*h));
	if (value == NULL)
		return;
	h->len = strlen(value);
	if (h->len > max) {
		h->too_long = 1;
		h->len = 0;
		return;
	}
	h->value = value;
}

/* CONTENT_LENGTH (RFC 3875 section 4.1.2): digits; 0 when absent, -1 when not. */
static long long
request_length(const char *v)
{
	long long n = 0;

	if (v == NULL || *v == '\0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (long long)1 << 40)
			return -1;
		n = n * 10 + (*v - '0');
	}
	return n;
}

/*
 * The path and query of a request-target (RFC 9112 section 3.2, origin
 * form): the path percent-decoded once into r->path, the query borrowed
 * undecoded.  An encoded '/' or NUL, or a broken escape, names no
 * resource: path_invalid.
 */
static void
request_target(struct request *r, const char *target)
{
	const char *q = strchr(target, '?');
	size_t len = q != NULL ? (size_t)(q - target) : strlen(target), i, n = 0;
	int hi, lo;
	char c;

	r->query = q != NULL ? q + 1 : "";
	r->query_len = strlen(r->query);
	for (i = 0; i < len; i++) {
		c = target[i];
		if (c == '%') {
			if (len - i < 3 || (hi = text_hex_digit(target[i + 1])) < 0 ||
			    (lo = text_hex_digit(target[i + 2])) < 0 ||
			    (c = (char)(hi << 4 | lo)) == '/' || c == '\0') {
				r->path_invalid = 1;
				break;
			}
			i += 2;
		}
		if (n == REQUEST_PATH_MAX) {
			r->path_too_long = 1;
			break;
		}
		r->path[n++] = c;
	}
	if (r->path_invalid || r->path_too_long)
		n = 0;
	r->path_len = n;
	r->path[n] = '\0';
}

void
request_from_env(struct request *r, char *const *envp)
{
	struct request_env e;
	size_t slen, ilen;

	memset(r, 0, sizeof(*r));
	request_id_next(r->id);
	request_env_scan(&e, envp);

	r->method_name = e.method != NULL ? e.method : "";
	if (strcmp(r->method_name, "GET") == 0)
		r->method = REQUEST_GET;
	else if (strcmp(r->method_name, "HEAD") == 0)
		r->method = REQUEST_HEAD;
	else if (strcmp(r->method_name, "OPTIONS") == 0)
		r->method = REQUEST_OPTIONS;
	else if (strcmp(r->method_name, "POST") == 0)
		r->method = REQUEST_POST;
	else if (strcmp(r->method_name, "DELETE") == 0)
		r->method = REQUEST_DELETE;
	else
		r->method = REQUEST_OTHER;

	/* The request-target as the client sent it, when the server passes it. */
	if (e.uri != NULL && *e.uri == '/')
		request_target(r, e.uri);
	else {
		slen = e.script ? strlen(e.script) : 0;
		ilen = e.info ? strlen(e.info) : 0;
		if (slen > REQUEST_PATH_MAX || ilen > REQUEST_PATH_MAX - slen)
			r->path_too_long = 1;
		else {
			if (slen)
				memcpy(r->path, e.script, slen);
			if (ilen)
				memcpy(r->path + slen, e.info, ilen);
			r->path_len = slen + ilen;
			r->path[r->path_len] = '\0';
		}
		r->query = e.query != NULL ? e.query : "";
		r->query_len = strlen(r->query);
	}

	request_header(&r->authorization, e.authorization, REQUEST_CREDENTIAL_MAX);
	request_header(&r->api_key, e.api_key, REQUEST_CREDENTIAL_MAX);
	request_header(&r->origin, e.origin, REQUEST_ORIGIN_MAX);
	r->content_type = e.content_type;
	r->content_length = request_length(e.content_length);
	r->body_too_large = r->content_length > REQUEST_BODY_MAX;
}
