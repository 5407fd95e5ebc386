/* request: the CGI meta-variables the gateway reads, and their limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/request.h"
#include "unit.h"

static const struct {
	int		 line;
	const char	*script;	/* NULL: absent */
	const char	*info;
	const char	*path;		/* expected; NULL: too long */
} paths[] = {
	/* lighttpd at "/" with fix-root-scriptname: all in PATH_INFO. */
	{ __LINE__, "", "/api/v1/sessions/S1/contacts", "/api/v1/sessions/S1/contacts" },
	{ __LINE__, NULL, "/healthz", "/healthz" },
	/* Apache ScriptAlias /api and /healthz. */
	{ __LINE__, "/api", "/v1/sessions/S1/contacts", "/api/v1/sessions/S1/contacts" },
	{ __LINE__, "/healthz", NULL, "/healthz" },
	{ __LINE__, "/healthz", "", "/healthz" },
	{ __LINE__, NULL, NULL, "" },
	/* Decoded by the server already: kept as is. */
	{ __LINE__, "", "/a%40b", "/a%40b" },
	{ __LINE__, "", "/a@b", "/a@b" },
};

START_TEST(request_paths)
{
	char s[256], i_[256];
	char *envp[4];
	struct request r;
	size_t i, n;

	for (i = 0; i < N_ELEM(paths); i++) {
		n = 0;
		if (paths[i].script != NULL) {
			snprintf(s, sizeof(s), "SCRIPT_NAME=%s", paths[i].script);
			envp[n++] = s;
		}
		if (paths[i].info != NULL) {
			snprintf(i_, sizeof(i_), "PATH_INFO=%s", paths[i].info);
			envp[n++] = i_;
		}
		envp[n] = NULL;
		request_from_env(&r, envp);
		ck_assert_msg(strcmp(r.path, paths[i].path) == 0 &&
		    r.path_len == strlen(paths[i].path), "line %d: %s", paths[i].line, r.path);
		ck_assert(!r.path_too_long);
	}
}
END_TEST

/* REQUEST_URI, the target as sent, wins: its path decoded once, its query raw. */
static const struct {
	int		 line;
	const char	*uri;
	const char	*path;		/* expected; NULL: names nothing */
	const char	*query;
} targets[] = {
	{ __LINE__, "/api/v1/sessions/S1/contacts?limit=2", "/api/v1/sessions/S1/contacts",
	    "limit=2" },
	{ __LINE__, "/healthz", "/healthz", "" },
	{ __LINE__, "/healthz?", "/healthz", "" },
	{ __LINE__, "/a%40b%3a1?q=%&x=%2F", "/a@b:1", "q=%&x=%2F" },
	{ __LINE__, "/a%2540b", "/a%40b", "" },		/* once, never twice */
	{ __LINE__, "/a/../b//c/./d", "/a/../b//c/./d", "" },	/* the router refuses */
	{ __LINE__, "/a%2Fb", NULL, "" },
	{ __LINE__, "/a%2fb", NULL, "" },
	{ __LINE__, "/a%00b", NULL, "" },
	{ __LINE__, "/a%", NULL, "" },
	{ __LINE__, "/a%4", NULL, "" },
	{ __LINE__, "/a%G0?x", NULL, "x" },
	{ __LINE__, "/a+b", "/a+b", "" },
};

START_TEST(request_targets)
{
	char uri[256];
	char *envp[] = { uri, "SCRIPT_NAME=/api", "PATH_INFO=/v1/other",
	    "QUERY_STRING=other", NULL };
	char *absolute[] = { "REQUEST_URI=http://h/x", "PATH_INFO=/healthz",
	    "QUERY_STRING=a=1", NULL };
	static char longuri[REQUEST_PATH_MAX + 64];
	char *longenv[] = { longuri, NULL };
	struct request r;
	size_t i;

	for (i = 0; i < N_ELEM(targets); i++) {
		snprintf(uri, sizeof(uri), "REQUEST_URI=%s", targets[i].uri);
		request_from_env(&r, envp);
		if (targets[i].path == NULL)
			ck_assert_msg(r.path_invalid && r.path_len == 0 &&
			    r.path[0] == '\0', "line %d", targets[i].line);
		else
			ck_assert_msg(!r.path_invalid && strcmp(r.path,
			    targets[i].path) == 0 && r.path_len == strlen(targets[i].path),
			    "line %d: %s", targets[i].line, r.path);
		ck_assert_msg(strcmp(r.query, targets[i].query) == 0 &&
		    r.query_len == strlen(targets[i].query), "line %d: query %s",
		    targets[i].line, r.query);
	}
	/* Not origin form: what the server made of it. */
	request_from_env(&r, absolute);
	ck_assert_str_eq(r.path, "/healthz");
	ck_assert_str_eq(r.query, "a=1");
	/* The decoded path's limit: %41 is one byte. */
	memcpy(longuri, "REQUEST_URI=/", 13);
	for (i = 0; i < (REQUEST_PATH_MAX - 1) / 3 * 3; i += 3)
		memcpy(longuri + 13 + i, "%41", 3);
	longuri[13 + i] = '\0';
	request_from_env(&r, longenv);
	ck_assert(!r.path_too_long);
	ck_assert_uint_eq(r.path_len, 1 + i / 3);
	memset(longuri + 13, 'a', REQUEST_PATH_MAX);
	longuri[13 + REQUEST_PATH_MAX] = '\0';
	request_from_env(&r, longenv);
	ck_assert(r.path_too_long);
	ck_assert_uint_eq(r.path_len, 0);
}
END_TEST

START_TEST(request_fields)
{
	char *envp[] = {
		"REQUEST_METHOD=HEAD", "QUERY_STRING=q=1", "HTTP_AUTHORIZATION=Bearer x",
		"HTTP_X_API_KEY=wa_y", "HTTP_ORIGIN=https://a.example",
		/* Look-alike names are not the variables. */
		"HTTP_AUTHORIZATIONX=no", "PATH_INFOX=/no", "PATH_INFO=/healthz", NULL
	};
	char *none[] = { NULL };
	struct request r;

	request_from_env(&r, envp);
	ck_assert_int_eq(r.method, REQUEST_HEAD);
	ck_assert_str_eq(r.method_name, "HEAD");
	ck_assert_str_eq(r.path, "/healthz");
	ck_assert_str_eq(r.query, "q=1");
	ck_assert_uint_eq(r.query_len, 3);
	ck_assert_str_eq(r.authorization.value, "Bearer x");
	ck_assert_str_eq(r.api_key.value, "wa_y");
	ck_assert_str_eq(r.origin.value, "https://a.example");
	ck_assert_uint_eq(r.origin.len, 17);

	request_from_env(&r, none);
	ck_assert_int_eq(r.method, REQUEST_OTHER);
	ck_assert_str_eq(r.method_name, "");
	ck_assert_str_eq(r.query, "");
	ck_assert_ptr_null(r.authorization.value);
	ck_assert_ptr_null(r.api_key.value);
	ck_assert_ptr_null(r.origin.value);
}
END_TEST

static const struct {
	int		 line;
	const char	*method;
	enum request_method m;
} methods[] = {
	{ __LINE__, "GET", REQUEST_GET },
	{ __LINE__, "HEAD", REQUEST_HEAD },
	{ __LINE__, "OPTIONS", REQUEST_OPTIONS },
	{ __LINE__, "get", REQUEST_OTHER },	/* RFC 9110 section 9.1: case-sensitive */
	{ __LINE__, "POST", REQUEST_POST },
	{ __LINE__, "DELETE", REQUEST_DELETE },
	{ __LINE__, "PUT", REQUEST_OTHER },
	{ __LINE__, "post", REQUEST_OTHER },
	{ __LINE__, "GETX", REQUEST_OTHER },
	{ __LINE__, "", REQUEST_OTHER },
};

START_TEST(request_methods)
{
	char m[64];
	char *envp[2] = { m, NULL };
	struct request r;
	size_t i;

	for (i = 0; i < N_ELEM(methods); i++) {
		snprintf(m, sizeof(m), "REQUEST_METHOD=%s", methods[i].method);
		request_from_env(&r, envp);
		ck_assert_msg(r.method == methods[i].m, "line %d", methods[i].line);
	}
}
END_TEST

/* Over the limits: marked, never copied or passed on. */
START_TEST(request_limits)
{
	static char info[REQUEST_PATH_MAX + 32], script[64];
	static char auth[REQUEST_CREDENTIAL_MAX + 64], origin[REQUEST_ORIGIN_MAX + 64];
	char *envp[5] = { script, info, auth, origin, NULL };
	struct request r;
	size_t base;

	/* Exactly at the limit: fine, split over both variables. */
	snprintf(script, sizeof(script), "SCRIPT_NAME=/api");
	base = strlen("PATH_INFO=");
	memcpy(info, "PATH_INFO=", base);
	memset(info + base, 'a', REQUEST_PATH_MAX - 4);
	info[base + REQUEST_PATH_MAX - 4] = '\0';
	base = strlen("HTTP_AUTHORIZATION=");
	memcpy(auth, "HTTP_AUTHORIZATION=", base);
	memset(auth + base, 'b', REQUEST_CREDENTIAL_MAX);
	auth[base + REQUEST_CREDENTIAL_MAX] = '\0';
	base = strlen("HTTP_ORIGIN=");
	memcpy(origin, "HTTP_ORIGIN=", base);
	memset(origin + base, 'c', REQUEST_ORIGIN_MAX);
	origin[base + REQUEST_ORIGIN_MAX] = '\0';
	request_from_env(&r, envp);
	ck_assert(!r.path_too_long);
	ck_assert_uint_eq(r.path_len, REQUEST_PATH_MAX);
	ck_assert(!r.authorization.too_long);
	ck_assert_uint_eq(r.authorization.len, REQUEST_CREDENTIAL_MAX);
	ck_assert(!r.origin.too_long);

	/* One byte more each. */
	strcat(info, "a");
	strcat(auth, "b");
	strcat(origin, "c");
	request_from_env(&r, envp);
	ck_assert(r.path_too_long);
	ck_assert_uint_eq(r.path_len, 0);
	ck_assert(r.authorization.too_long);
	ck_assert_ptr_null(r.authorization.value);
	ck_assert(r.origin.too_long);
	ck_assert_ptr_null(r.origin.value);
}
END_TEST

/* Ids: 24 lowercase hex digits, the process's prefix and a counter. */
START_TEST(request_ids)
{
	static char *const envp[] = { "REQUEST_METHOD=GET", NULL };
	struct request r;
	char first[REQUEST_ID_LEN + 1];
	unsigned long a, b;
	int i;

	request_from_env(&r, envp);
	memcpy(first, r.id, sizeof(first));
	for (i = 0; i < 16; i++)
		request_from_env(&r, envp);
	ck_assert_uint_eq(strlen(first), REQUEST_ID_LEN);
	ck_assert_uint_eq(strspn(first, "0123456789abcdef"), REQUEST_ID_LEN);
	ck_assert_uint_eq(strspn(r.id, "0123456789abcdef"), REQUEST_ID_LEN);
	ck_assert_mem_eq(first, r.id, 16);
	a = strtoul(first + 16, NULL, 16);
	b = strtoul(r.id + 16, NULL, 16);
	ck_assert_uint_eq(b, a + 16);
}
END_TEST

static Suite *
request_suite(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("request");

	if (request_id_init() != 0)
		abort();
	tcase_add_test(tc, request_paths);
	tcase_add_test(tc, request_targets);
	tcase_add_test(tc, request_fields);
	tcase_add_test(tc, request_methods);
	tcase_add_test(tc, request_limits);
	tcase_add_test(tc, request_ids);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_request", request_suite)
