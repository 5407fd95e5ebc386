/*
 * openapi: docs/openapi.yaml parses as OpenAPI 3.1 (python3-yaml), its
 * operations are exactly the router's routes with their query
 * parameters (HEAD wherever GET is, OPTIONS everywhere), each OPTIONS
 * names the route's Allow, every response declares the headers wagw
 * always sends, and the program serves exactly that file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/handle.h"
#include "gateway/response.h"
#include "gateway/route.h"
#include "unit.h"

static const char *
srcdir(void)
{
	const char *s = getenv("srcdir");

	return s != NULL ? s : ".";
}

/* "a,b,c" of a route's parameters, sorted. */
static void
route_params(const struct route_def *d, char *out, size_t len)
{
	const char *names[16];
	size_t n = 0, i, j;
	const char *t;

	for (n = 0; d->params[n] != NULL; n++)
		names[n] = d->params[n];
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, ",", len - strlen(out) - 1);
		strncat(out, names[i], len - strlen(out) - 1);
	}
}

START_TEST(openapi_matches_routes)
{
	/* HEAD wherever GET is; OPTIONS (0: every route) on every path. */
	static const struct { unsigned bit; const char *name; } methods[] = {
		{ ROUTE_GET, "GET" }, { ROUTE_GET, "HEAD" }, { ROUTE_POST, "POST" },
		{ ROUTE_DELETE, "DELETE" }, { 0, "OPTIONS" },
	};
	const struct route_def *t;
	char cmd[1024], line[1024], want[96][512], params[256];
	int found[96] = { 0 };
	size_t n, i, k, nwant = 0, ops = 0;
	FILE *p;

	/* Every (method, route) the router answers; only GET and HEAD take a query. */
	t = route_table(&n);
	for (i = 0; i < n; i++)
		for (k = 0; k < N_ELEM(methods); k++) {
			if (methods[k].bit != 0 && !(t[i].methods & methods[k].bit))
				continue;
			ck_assert_uint_lt(nwant, N_ELEM(want));
			if (methods[k].bit == ROUTE_GET)
				route_params(&t[i], params, sizeof(params));
			else
				params[0] = '\0';
			snprintf(want[nwant++], sizeof(want[0]), "%s %s %s",
			    methods[k].name, t[i].template, params);
		}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/unit/openapi_paths.py' "
	    "'%s/docs/openapi.yaml'", srcdir(), srcdir());
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ops++;
		for (i = 0; i < nwant; i++)
			if (strcmp(line, want[i]) == 0)
				break;
		ck_assert_msg(i < nwant, "openapi.yaml has '%s', the router does not", line);
		found[i]++;
	}
	ck_assert_int_eq(pclose(p), 0);
	for (i = 0; i < nwant; i++)
		ck_assert_msg(found[i] == 1, "'%s' is %d times in openapi.yaml",
		    want[i], found[i]);
	ck_assert_uint_eq(ops, nwant);
}
END_TEST

/* Each route's Allow is its methods, in one order (what OPTIONS and 405 say). */
START_TEST(openapi_allow_is_the_methods)
{
	const struct route_def *t;
	char want[64];
	size_t n, i;

	t = route_table(&n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%s%s%sOPTIONS",
		    t[i].methods & ROUTE_GET ? "GET, HEAD, " : "",
		    t[i].methods & ROUTE_POST ? "POST, " : "",
		    t[i].methods & ROUTE_DELETE ? "DELETE, " : "");
		ck_assert_msg(strcmp(t[i].allow, want) == 0, "%s: Allow %s, want %s",
		    t[i].template, t[i].allow, want);
	}
}
END_TEST

/* What /api/v1/openapi.yaml serves is the file, byte for byte. */
START_TEST(openapi_served_is_the_file)
{
	char path[1024];
	unsigned char *buf;
	struct response r;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", srcdir());
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	ck_assert_int_gt(len = ftell(f), 0);
	rewind(f);
	ck_assert_ptr_nonnull(buf = malloc((size_t)len));
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	response_init(&r);
	ck_assert_int_eq(handle_openapi(&r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "application/yaml");
	ck_assert_uint_eq(r.body_len, (size_t)len);
	ck_assert_mem_eq(r.body, buf, (size_t)len);
	response_free(&r);
	free(buf);
}
END_TEST

static Suite *
openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("openapi");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, openapi_matches_routes);
	tcase_add_test(tc, openapi_allow_is_the_methods);
	tcase_add_test(tc, openapi_served_is_the_file);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_openapi", openapi_suite)
