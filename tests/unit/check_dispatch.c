/*
 * dispatch: whole requests through the gateway as wagw.fcgi runs them
 * (request_from_env -> dispatch -> response_format), with the real
 * authenticator, API keys in a real database, and a daemon that is not
 * running.  The order of checks is the API's: 401 -> 403 -> 404 ->
 * 400 -> live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/apikey.h"
#include "common/cap.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/store.h"
#include "gateway/dispatch.h"
#include "gateway/gateway.h"
#include "gateway/request.h"
#include "gateway/response.h"
#include "unit.h"

#define ORIGIN	"https://app.example.com"

static char dir[256], dbpath[300];
static struct gateway *gw;
static char key_read[APIKEY_SECRET_LEN + 1], key_send[APIKEY_SECRET_LEN + 1];
static char bearer_read[APIKEY_SECRET_LEN + 16];

static void
make_key(struct store *st, const char *org, unsigned perms,
    char secret[APIKEY_SECRET_LEN + 1])
{
	struct store_key k;
	char id[APIKEY_ID_LEN + 1];

	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(apikey_generate(secret, id), 0);
	snprintf(k.id, sizeof(k.id), "%s", id);
	snprintf(k.org, sizeof(k.org), "%s", org);
	k.name = "test";
	ck_assert(apikey_parse(secret, strlen(secret), k.prefix));
	apikey_hash(secret, strlen(secret), k.hash);
	k.permissions = perms;
	k.created_ms = clock_wall_ms();
	ck_assert_int_eq(store_key_add(st, &k), STORE_OK);
}

static void
make_database_at(const char *path)
{
	struct store *st;
	struct store_session s;
	struct store_seen_contact c = { "205227043110953", "6281234567890", "Alice", NULL };
	int64_t id;
	char err[256];

	ck_assert_int_eq(store_open(&st, path, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "acme", "Acme", 1), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "other", "Other", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S9", "other", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S1", &s), STORE_OK);
	ck_assert_int_eq(store_contact_upsert(st, s.rowid, &c, 1, &id), STORE_OK);
	ck_assert_int_eq(store_dm_upsert(st, s.rowid, id, 1), STORE_OK);
	make_key(st, "acme", CAP_READ, key_read);
	make_key(st, "acme", CAP_SEND, key_send);
	snprintf(bearer_read, sizeof(bearer_read), "Bearer %s", key_read);
	store_close(st);
}

static void
make_database(void)
{
	make_database_at(dbpath);
}

static void
setup(void)
{
	struct config cfg;
	char ini[2048], err[512];

	snprintf(dir, sizeof(dir), "%s/wagw-dispatch-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/wagw.db", dir);
	snprintf(ini, sizeof(ini),
	    "[store]\ndatabase = %s\n"
	    "[sessiond]\nsocket = %s/no-daemon.sock\nlookup_timeout_ms = 200\n"
	    "[auth]\njwks_file = %s/no-jwks.json\n"
	    "[http]\ncors_origins = " ORIGIN " https://other.example\n", dbpath, dir, dir);
	ck_assert_msg(config_parse_buffer(&cfg, "test.conf", ini, strlen(ini), err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(request_id_init(), 0);
	ck_assert_ptr_nonnull(gw = gateway_new(&cfg));
}

static void
teardown(void)
{
	char cmd[400];

	gateway_free(gw);
	gw = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct call {
	const char	*method;
	const char	*script;	/* SCRIPT_NAME or NULL; "@uri": info is REQUEST_URI */
	const char	*info;		/* PATH_INFO or NULL */
	const char	*query;
	const char	*authorization;
	const char	*api_key;
	const char	*origin;
};

/* Runs one request; returns the formatted answer (caller frees). */
static char *
run(const struct call *c, struct response *r)
{
	char env[8][9000];
	char *envp[9];
	struct request req;
	struct auth_principal p;
	size_t n = 0, len;
	char *out;

#define ENV(name, v) do { if ((v) != NULL) { \
	snprintf(env[n], sizeof(env[n]), "%s=%s", name, (v)); \
	envp[n] = env[n]; n++; } } while (0)
	ENV("REQUEST_METHOD", c->method);
	if (c->script != NULL && strcmp(c->script, "@uri") == 0) {
		/* The request-target as sent, in REQUEST_URI (both servers). */
		snprintf(env[n], sizeof(env[n]), "REQUEST_URI=%s%s%s", c->info,
		    c->query != NULL ? "?" : "", c->query != NULL ? c->query : "");
		envp[n] = env[n];
		n++;
		/* What a server may have made of it: never routed on. */
		ENV("PATH_INFO", "/healthz");
		ENV("QUERY_STRING", "");
	} else {
		ENV("SCRIPT_NAME", c->script);
		ENV("PATH_INFO", c->info);
		ENV("QUERY_STRING", c->query);
	}
	ENV("HTTP_AUTHORIZATION", c->authorization);
	ENV("HTTP_X_API_KEY", c->api_key);
	ENV("HTTP_ORIGIN", c->origin);
#undef ENV
	envp[n] = NULL;
	request_from_env(&req, envp);
	response_init(r);
	dispatch(gw, &req, r, &p);
	/* req.id lives on this stack frame: keep a copy for the caller. */
	r->request_id = NULL;
	ck_assert_ptr_nonnull(out = response_format(r,
	    strcmp(c->method, "HEAD") == 0, &len));
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

static int
has(const char *out, const char *s)
{
	return strstr(out, s) != NULL;
}

/* The database does not exist yet: 503, then it appears and is picked up. */
START_TEST(dispatch_lazy_database)
{
	struct call c = { "GET", "", "/api/v1/sessions/S1/contacts", "", NULL, NULL, NULL };
	struct response r;
	char *out, ready[320];

	/* Made aside, moved into place at once: the clock is the gateway's only. */
	snprintf(ready, sizeof(ready), "%s.ready", dbpath);
	make_database_at(ready);
	c.authorization = "Bearer wa_nothing";
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 503);
	ck_assert(has(out, "Retry-After: "));
	ck_assert(has(out, "\"code\":\"gateway_unavailable\""));
	free(out);
	response_free(&r);
	/* /healthz needs no database. */
	c.info = "/healthz";
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 200);
	free(out);
	response_free(&r);

	ck_assert_int_eq(rename(ready, dbpath), 0);
	c.info = "/api/v1/sessions/S1/contacts";
	c.authorization = bearer_read;
	/* At most one attempt a second. */
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 503);
	free(out);
	response_free(&r);
	usleep((GATEWAY_RETRY_MS + 100) * 1000);
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(has(out, "\"lid\":\"205227043110953@lid\""));
	free(out);
	response_free(&r);
}
END_TEST

static const struct {
	int		 line;
	struct call	 c;
	int		 status;
	const char	*in;		/* must be in the answer */
	const char	*in2;
	const char	*not_in;	/* must not be */
} cases[] = {
	/* Public routes, both path splits. */
	{ __LINE__, { "GET", "", "/healthz", NULL, NULL, NULL, NULL }, 200,
	    "{\"status\":\"ok\"}", "Content-Type: application/json", NULL },
	{ __LINE__, { "GET", "/healthz", NULL, NULL, NULL, NULL, NULL }, 200,
	    "Content-Length: 15\r\n", NULL, NULL },
	{ __LINE__, { "GET", "/api", "/v1/openapi.yaml", NULL, NULL, NULL, NULL }, 200,
	    "Content-Type: application/yaml", "openapi: 3.1", NULL },
	{ __LINE__, { "GET", "", "/readyz", NULL, NULL, NULL, NULL }, 503,
	    "\"code\":\"gateway_unavailable\"", "Retry-After: ", NULL },
	/* An unknown parameter is 400 on every route (issue 17); not on a preflight. */
	{ __LINE__, { "GET", "", "/healthz", "anything=goes&x", NULL, NULL, NULL }, 400,
	    "\"field\":\"anything\"", NULL, NULL },
	{ __LINE__, { "HEAD", "", "/readyz", "x=1", NULL, NULL, NULL }, 400, NULL, NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/openapi.yaml", "v=2", NULL, NULL, NULL }, 400,
	    "\"code\":\"validation_error\"", NULL, NULL },
	{ __LINE__, { "OPTIONS", "", "/healthz", "x=1", NULL, NULL, NULL }, 204, NULL, NULL,
	    NULL },
	/*
	 * REQUEST_URI, the target as sent, wins over what the server made of
	 * it: decoded once here; %2F, %00, a broken escape, "//" and ".." name
	 * nothing; the query is the raw one (lighttpd rewrites "%" as "%25").
	 */
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/%53%31/contacts", "limit=1", "@read",
	    NULL, NULL }, 200, "\"lid\":", NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1/contacts%2Fcheck", "phone=1",
	    "@read", NULL, NULL }, 404, "\"code\":\"not_found\"", NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1//contacts", NULL, "@read", NULL,
	    NULL }, 404, NULL, NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1/x/../contacts", NULL, "@read",
	    NULL, NULL }, 404, NULL, NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1/%2E%2E/S1/contacts", NULL,
	    "@read", NULL, NULL }, 404, NULL, NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/healthz%00", NULL, NULL, NULL, NULL }, 404, NULL,
	    NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/healthz%2", NULL, NULL, NULL, NULL }, 404, NULL,
	    NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1/contacts", "q=%", "@read", NULL,
	    NULL }, 400, "\"field\":\"q\"", NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/api/v1/sessions/S1/contacts/205227043110953%2540lid",
	    NULL, "@read", NULL, NULL }, 400, "\"field\":\"lid\"", NULL, NULL },
	{ __LINE__, { "GET", "@uri", "/healthz", "", NULL, NULL, NULL }, 200, NULL, NULL,
	    NULL },
	/* Credential first: 401 with the challenge, whatever else is wrong. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL, NULL },
	    401, "WWW-Authenticate: Bearer", "\"code\":\"unauthorized\"", NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/NOPE/contacts", "limit=x", NULL, NULL,
	    NULL }, 401, "WWW-Authenticate: Bearer", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL,
	    "Bearer wa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL }, 401,
	    "\"code\":\"unauthorized\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "Basic eDp5", NULL,
	    NULL }, 401, NULL, NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "Bearer", NULL,
	    NULL }, 401, NULL, NULL, NULL },
	/* Then the capability: 403 even for another org's or no session. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "@send", NULL,
	    NULL }, 403, "\"code\":\"forbidden\"", NULL, "WWW-Authenticate" },
	{ __LINE__, { "GET", "", "/api/v1/sessions/NOPE/contacts", "limit=x", "@send",
	    NULL, NULL }, 403, NULL, NULL, NULL },
	/* Then the session: missing, another org's, malformed - all alike. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/NOPE/contacts", "limit=x", "@read",
	    NULL, NULL }, 404, "\"message\":\"session not found\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S9/contacts", NULL, "@read", NULL,
	    NULL }, 404, "\"message\":\"session not found\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/a b/contacts", NULL, "@read", NULL,
	    NULL }, 404, "\"message\":\"session not found\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S9/contacts/check", "phone=1", "@read",
	    NULL, NULL }, 404, NULL, NULL, NULL },
	/* Then parameters. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", "limit=x", "@read", NULL,
	    NULL }, 400, "\"field\":\"limit\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", "limit=1&limit=2", "@read",
	    NULL, NULL }, 400, "\"field\":\"limit\"", "is repeated", NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", "phone=1", "@read", NULL,
	    NULL }, 400, "\"field\":\"phone\"", "is not a known parameter", NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts/1@lid/about", "x=1",
	    "@read", NULL, NULL }, 400, "\"field\":\"x\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", "q=%ff", "@read", NULL,
	    NULL }, 400, "\"field\":\"q\"", "is not valid UTF-8", NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts/check", "phone=12", "@read",
	    NULL, NULL }, 400, "\"field\":\"phone\"", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts/1-2@g.us/about", NULL,
	    "@read", NULL, NULL }, 400, "\"field\":\"jid\"", NULL, NULL },
	/* Then the daemon (not running here): 503. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts/check",
	    "phone=%2B14155550123", "@read", NULL, NULL }, 503,
	    "\"code\":\"gateway_unavailable\"", "Retry-After: ", NULL },
	{ __LINE__, { "GET", "/api", "/v1/sessions/S1/contacts/205227043110953@lid/about",
	    NULL, "@read", NULL, NULL }, 503, NULL, NULL, NULL },
	/* The stored list works without the daemon; both path splits, x-api-key. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "@read", NULL,
	    NULL }, 200, "\"data\":[{\"lid\":\"205227043110953@lid\"", "\"nextCursor\":\"\"",
	    NULL },
	{ __LINE__, { "GET", "/api", "/v1/sessions/S1/contacts", "source=dm", NULL, "@key",
	    NULL }, 200, "\"name\":\"Alice\"", "Cache-Control: no-store", NULL },
	/* HEAD: the headers of GET, Content-Length included, and no body. */
	{ __LINE__, { "HEAD", "", "/api/v1/sessions/S1/contacts", NULL, "@read", NULL,
	    NULL }, 200, "Content-Length: ", NULL, "\"data\"" },
	{ __LINE__, { "HEAD", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL,
	    NULL }, 401, NULL, NULL, "\"error\"" },
	/* Methods. */
	{ __LINE__, { "POST", "", "/api/v1/sessions/S1/contacts", NULL, "@read", NULL,
	    NULL }, 405, "Allow: GET, HEAD, OPTIONS", "\"code\":\"method_not_allowed\"", NULL },
	{ __LINE__, { "DELETE", "", "/healthz", NULL, NULL, NULL, NULL }, 405,
	    "Allow: GET, HEAD, OPTIONS", NULL, NULL },
	{ __LINE__, { "POST", "", "/nope", NULL, NULL, NULL, NULL }, 404, NULL, NULL, NULL },
	{ __LINE__, { "", "", "/healthz", NULL, NULL, NULL, NULL }, 405, NULL, NULL, NULL },
	/* Paths. */
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts/", NULL, "@read", NULL, NULL },
	    404, "\"code\":\"not_found\"", NULL, NULL },
	{ __LINE__, { "GET", "/api/", "/v1/sessions/S1/contacts", NULL, "@read", NULL, NULL },
	    404, NULL, NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/../S1/contacts", NULL, "@read", NULL,
	    NULL }, 404, NULL, NULL, NULL },
	{ __LINE__, { "GET", NULL, NULL, NULL, NULL, NULL, NULL }, 404, NULL, NULL, NULL },
	/* CORS: a preflight needs no credential; only listed origins get headers. */
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL,
	    ORIGIN }, 204, "Access-Control-Allow-Origin: " ORIGIN "\r\n",
	    "Access-Control-Allow-Headers: Authorization, X-Api-Key", "Content-Length" },
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL,
	    "https://evil.example" }, 204, "Vary: Origin", NULL, "Access-Control" },
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL,
	    ORIGIN "/" }, 204, NULL, NULL, "Access-Control" },
	{ __LINE__, { "OPTIONS", "", "/nope", NULL, NULL, NULL, ORIGIN }, 404, NULL, NULL, NULL },
	/* The route's own methods, and Content-Type for a JSON body (README "CORS"). */
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions/S1:start", NULL, NULL, NULL,
	    ORIGIN }, 204, "Access-Control-Allow-Methods: POST, OPTIONS\r\n",
	    "Access-Control-Allow-Headers: Authorization, X-Api-Key, Content-Type\r\n"
	    "Access-Control-Max-Age: 600\r\n", NULL },
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions", NULL, NULL, NULL, ORIGIN }, 204,
	    "Access-Control-Allow-Methods: GET, HEAD, POST, OPTIONS\r\n", "Allow: GET, HEAD,"
	    " POST, OPTIONS\r\n", "Access-Control-Expose-Headers" },
	{ __LINE__, { "OPTIONS", "", "/api/v1/sessions/S1", NULL, NULL, NULL, ORIGIN }, 204,
	    "Access-Control-Allow-Methods: GET, HEAD, DELETE, OPTIONS\r\n", NULL, NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "@read", NULL,
	    ORIGIN }, 200, "Access-Control-Allow-Origin: " ORIGIN "\r\n", "Vary: Origin",
	    "Access-Control-Allow-Methods" },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL,
	    "https://other.example" }, 401, "Access-Control-Allow-Origin: https://other.example",
	    "Access-Control-Expose-Headers: Retry-After, X-Request-Id, WWW-Authenticate,"
	    " Location\r\n", NULL },
	{ __LINE__, { "GET", "", "/api/v1/sessions/S1/contacts", NULL, "@read", NULL,
	    "https://APP.example.com" }, 200, NULL, NULL, "Access-Control" },
};

START_TEST(dispatch_cases)
{
	struct response r;
	struct call c;
	char *out;
	size_t i;

	make_database();
	for (i = 0; i < N_ELEM(cases); i++) {
		c = cases[i].c;
		if (c.authorization != NULL && strcmp(c.authorization, "@read") == 0)
			c.authorization = bearer_read;
		if (c.authorization != NULL && strcmp(c.authorization, "@send") == 0)
			c.authorization = key_send;	/* no "Bearer": see below */
		if (c.api_key != NULL && strcmp(c.api_key, "@key") == 0)
			c.api_key = key_read;
		if (cases[i].c.authorization != NULL &&
		    strcmp(cases[i].c.authorization, "@send") == 0) {
			c.authorization = NULL;
			c.api_key = key_send;
		}
		out = run(&c, &r);
		ck_assert_msg(r.status == cases[i].status, "line %d: status %d\n%s",
		    cases[i].line, r.status, out);
		ck_assert_msg(cases[i].in == NULL || has(out, cases[i].in),
		    "line %d: no '%s' in\n%s", cases[i].line, cases[i].in, out);
		ck_assert_msg(cases[i].in2 == NULL || has(out, cases[i].in2),
		    "line %d: no '%s' in\n%s", cases[i].line, cases[i].in2, out);
		ck_assert_msg(cases[i].not_in == NULL || !has(out, cases[i].not_in),
		    "line %d: '%s' in\n%s", cases[i].line, cases[i].not_in, out);
		/* Every answer: a status line, no-store, a request id. */
		ck_assert(strncmp(out, "Status: ", 8) == 0);
		ck_assert(has(out, "Cache-Control: no-store\r\n"));
		free(out);
		response_free(&r);
	}
}
END_TEST

/* HEAD says the Content-Length GET sends, and sends no body. */
START_TEST(dispatch_head_matches_get)
{
	struct call c = { "GET", "", "/api/v1/sessions/S1/contacts", NULL, NULL, NULL, NULL };
	struct response r;
	char *get, *head;
	const char *body;

	make_database();
	c.authorization = bearer_read;
	get = run(&c, &r);
	response_free(&r);
	c.method = "HEAD";
	head = run(&c, &r);
	response_free(&r);
	body = strstr(get, "\r\n\r\n") + 4;
	ck_assert_uint_gt(strlen(body), 0);
	ck_assert_str_eq(strstr(head, "\r\n\r\n") + 4, "");
	ck_assert_ptr_nonnull(strstr(head, "Content-Length: "));
	ck_assert_int_eq(atoi(strstr(head, "Content-Length: ") + 16), (int)strlen(body));
	free(get);
	free(head);
}
END_TEST

/* Hard limits on what a request may carry. */
START_TEST(dispatch_limits)
{
	static char big[REQUEST_CREDENTIAL_MAX + 64], path[REQUEST_PATH_MAX + 64];
	struct call c = { "GET", "", NULL, NULL, NULL, NULL, NULL };
	struct response r;
	char *out;

	make_database();
	/* An over-long path is no resource. */
	memset(path, 'a', sizeof(path) - 1);
	memcpy(path, "/api/v1/sessions/", 17);
	c.info = path;
	c.authorization = bearer_read;
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 404);
	free(out);
	response_free(&r);
	/* An over-long credential is not one of ours. */
	memcpy(big, "Bearer ", 7);
	memset(big + 7, 'A', REQUEST_CREDENTIAL_MAX);
	c.info = "/api/v1/sessions/S1/contacts";
	c.authorization = big;
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 401);
	free(out);
	response_free(&r);
	/* An over-long query string is a 400 naming the query. */
	c.authorization = bearer_read;
	memcpy(big, "q=", 2);
	memset(big + 2, 'x', REQUEST_QUERY_MAX);
	big[REQUEST_QUERY_MAX + 2] = '\0';
	c.query = big;
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert(has(out, "\"field\":\"query\""));
	free(out);
	response_free(&r);
	/* An over-long Origin is not an allowed one. */
	memset(big, 'o', REQUEST_ORIGIN_MAX + 1);
	big[REQUEST_ORIGIN_MAX + 1] = '\0';
	c.query = NULL;
	c.origin = big;
	out = run(&c, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(!has(out, "Access-Control-Allow-Origin"));
	free(out);
	response_free(&r);
}
END_TEST

/* Every request gets its own id, sent as X-Request-Id. */
START_TEST(dispatch_request_ids)
{
	char *envp[] = { "REQUEST_METHOD=GET", "PATH_INFO=/healthz", NULL };
	struct request a, b;
	struct response r;
	struct auth_principal p;
	size_t len;
	char *out, hdr[64];

	request_from_env(&a, envp);
	request_from_env(&b, envp);
	ck_assert_uint_eq(strlen(a.id), REQUEST_ID_LEN);
	ck_assert_str_ne(a.id, b.id);
	response_init(&r);
	dispatch(gw, &a, &r, &p);
	out = response_format(&r, 0, &len);
	snprintf(hdr, sizeof(hdr), "X-Request-Id: %s\r\n", a.id);
	ck_assert(has(out, hdr));
	free(out);
	response_free(&r);
}
END_TEST

static Suite *
dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("dispatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dispatch_lazy_database);
	tcase_add_test(tc, dispatch_cases);
	tcase_add_test(tc, dispatch_head_matches_get);
	tcase_add_test(tc, dispatch_limits);
	tcase_add_test(tc, dispatch_request_ids);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_dispatch", dispatch_suite)
