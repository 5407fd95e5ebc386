/*
 * libFuzzer target: how wagw.fcgi reads a request from the FastCGI
 * environment, above all REQUEST_URI, the target as the client sent it.
 * The first input byte picks the method; the rest is REQUEST_URI.  The
 * path is decoded once and never holds a '/' or NUL that was encoded, nor
 * is longer than REQUEST_PATH_MAX; an invalid or too long target leaves
 * it empty; the query is the rest of the target, as sent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "DELETE",
	    "OPTIONS", "PUT", "" };
	struct request r;
	char *uri, *env[4], method[32];
	const char *q;
	size_t i, slashes = 0, encoded_slashes = 0;

	if (size == 0 || memchr(data + 1, '\0', size - 1) != NULL)
		return 0;
	if ((uri = malloc(sizeof("REQUEST_URI=") + size)) == NULL)
		return 0;
	memcpy(uri, "REQUEST_URI=", 12);
	memcpy(uri + 12, data + 1, size - 1);
	uri[12 + size - 1] = '\0';
	snprintf(method, sizeof(method), "REQUEST_METHOD=%s",
	    methods[data[0] % (sizeof(methods) / sizeof(methods[0]))]);
	env[0] = method;
	env[1] = uri;
	env[2] = "QUERY_STRING=ignored-when-REQUEST_URI-is-there";
	env[3] = NULL;
	request_from_env(&r, env);
	if (r.path_len > REQUEST_PATH_MAX || r.path[r.path_len] != '\0' ||
	    strlen(r.path) != r.path_len)
		__builtin_trap();
	if ((r.path_invalid || r.path_too_long) && r.path_len != 0)
		__builtin_trap();
	if (uri[12] == '/') {
		/* Each '/' of the path is one of the target's, never decoded. */
		q = strchr(uri + 12, '?');
		for (i = 12; uri[i] != '\0' && (q == NULL || uri + i < q); i++)
			slashes += uri[i] == '/';
		for (i = 0; i < r.path_len; i++)
			encoded_slashes += r.path[i] == '/';
		if (!r.path_invalid && !r.path_too_long && encoded_slashes != slashes)
			__builtin_trap();
		if (q != NULL ? strcmp(r.query, q + 1) != 0 || r.query_len != strlen(q + 1) :
		    r.query_len != 0)
			__builtin_trap();
	}
	free(uri);
	return 0;
}
