/* route: which resource a path names (the path is already decoded). */
#include <string.h>

#include "common/cap.h"
#include "gateway/route.h"
#include "unit.h"

static const struct {
	int		 line;
	const char	*path;
	enum route_id	 id;
	const char	*session;	/* expected {session}, or NULL */
	const char	*jid;		/* expected {jid}, or NULL */
} cases[] = {
	{ __LINE__, "/healthz", ROUTE_HEALTHZ, NULL, NULL },
	{ __LINE__, "/readyz", ROUTE_READYZ, NULL, NULL },
	{ __LINE__, "/api/v1/openapi.yaml", ROUTE_OPENAPI, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts", ROUTE_CONTACTS, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/01HZX8K3M9SESSIONA/contacts/check",
	    ROUTE_CHECK, "01HZX8K3M9SESSIONA", NULL },
	/* %40 arrives decoded from the server; it is taken as it is. */
	{ __LINE__, "/api/v1/sessions/S1/contacts/205227043110953@lid/about",
	    ROUTE_ABOUT, "S1", "205227043110953@lid" },
	/* A literal %40 (double-encoded by the client) is not decoded again. */
	{ __LINE__, "/api/v1/sessions/S1/contacts/1%40lid/about",
	    ROUTE_ABOUT, "S1", "1%40lid" },
	{ __LINE__, "/api/v1/sessions/S1/contacts/1:2@s.whatsapp.net/about",
	    ROUTE_ABOUT, "S1", "1:2@s.whatsapp.net" },
	/* "check" is a literal, never a JID. */
	{ __LINE__, "/api/v1/sessions/S1/contacts/check/about", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts/check/x", ROUTE_NONE, NULL, NULL },
	/* A session named "check" or "contacts" is just a session id. */
	{ __LINE__, "/api/v1/sessions/check/contacts/check", ROUTE_CHECK, "check", NULL },
	{ __LINE__, "/api/v1/sessions/contacts/contacts", ROUTE_CONTACTS, "contacts", NULL },
	/* Odd session ids still route: authz says 404 after the credential. */
	{ __LINE__, "/api/v1/sessions/a b/contacts", ROUTE_CONTACTS, "a b", NULL },
	{ __LINE__, "/api/v1/sessions/\xc3\xa4/contacts", ROUTE_CONTACTS, "\xc3\xa4", NULL },
	{ __LINE__, "/api/v1/sessions/%2F/contacts", ROUTE_CONTACTS, "%2F", NULL },
	/* Trailing slashes and empty segments match nothing. */
	{ __LINE__, "/healthz/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions//contacts", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "//healthz", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api//v1/openapi.yaml", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts//about", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "healthz", ROUTE_NONE, NULL, NULL },
	/* Traversal. */
	{ __LINE__, "/api/v1/sessions/../contacts", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/./contacts", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts/../about", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts/./about", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/x/../healthz", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/healthz/..", ROUTE_NONE, NULL, NULL },
	/* Dots inside a segment are ordinary. */
	{ __LINE__, "/api/v1/sessions/.../contacts", ROUTE_CONTACTS, "...", NULL },
	/* Exact, case-sensitive, complete. */
	{ __LINE__, "/HEALTHZ", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v2/sessions/S1/contacts", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/session", ROUTE_NONE, NULL, NULL },
	/* The Sessions API. */
	{ __LINE__, "/api/v1/sessions", ROUTE_SESSIONS, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1", ROUTE_SESSION, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1:start", ROUTE_SESSION_START, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1:stop", ROUTE_SESSION_STOP, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1:restart", ROUTE_SESSION_RESTART, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1:logout", ROUTE_SESSION_LOGOUT, "S1", NULL },
	/* An unknown action, an action alone, a colon in a session id: nothing. */
	{ __LINE__, "/api/v1/sessions/S1:bogus", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/:start", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1:start:start", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1:", ROUTE_NONE, NULL, NULL },
	/* Found by fuzz_route: a traversal segment with an action. */
	{ __LINE__, "/api/v1/sessions/..:restart", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/.:stop", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1:Start", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/a:b/contacts", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1:start/qr", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/qr", ROUTE_QR, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1/pairing-code", ROUTE_PAIRING_CODE, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1/me", ROUTE_ME, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1/me/x", ROUTE_NONE, NULL, NULL },
	/* One contact, its groups, their members. */
	{ __LINE__, "/api/v1/sessions/S1/contacts/1@lid", ROUTE_CONTACT, "S1", "1@lid" },
	{ __LINE__, "/api/v1/sessions/S1/contacts/garbage", ROUTE_CONTACT, "S1", "garbage" },
	{ __LINE__, "/api/v1/sessions/S1/contacts/1%40lid", ROUTE_CONTACT, "S1", "1%40lid" },
	{ __LINE__, "/api/v1/sessions/S1/contacts/..", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups", ROUTE_GROUPS, "S1", NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups/120363021234567890@g.us", ROUTE_GROUP, "S1",
	    "120363021234567890@g.us" },
	{ __LINE__, "/api/v1/sessions/S1/groups/1-2@g.us/members", ROUTE_MEMBERS, "S1",
	    "1-2@g.us" },
	{ __LINE__, "/api/v1/sessions/S1/groups/1@g.us/members/", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups/1@g.us/member", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups/1@g.us/members/x", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups//members", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/groups/./members", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/sessions/S1/Groups", ROUTE_NONE, NULL, NULL },
	/* A session named "groups" is just a session id. */
	{ __LINE__, "/api/v1/sessions/groups/groups", ROUTE_GROUPS, "groups", NULL },
	{ __LINE__, "/api/v1/sessions/S1/contacts/1@lid/about/x", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/api/v1/openapi.yml", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/healthzz", ROUTE_NONE, NULL, NULL },
	{ __LINE__, "/a/b/c/d/e/f/g/h/i/j", ROUTE_NONE, NULL, NULL },
};

START_TEST(route_cases)
{
	struct route_match m;
	enum route_id id;
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		id = route_match(cases[i].path, strlen(cases[i].path), &m);
		ck_assert_msg(id == cases[i].id, "line %d: id %d, want %d",
		    cases[i].line, (int)id, (int)cases[i].id);
		if (id == ROUTE_NONE) {
			ck_assert_msg(m.def == NULL, "line %d", cases[i].line);
			continue;
		}
		ck_assert_msg(m.def != NULL && m.def->id == id, "line %d", cases[i].line);
		if (cases[i].session == NULL)
			ck_assert_msg(m.session == NULL, "line %d", cases[i].line);
		else
			ck_assert_msg(m.session_len == strlen(cases[i].session) &&
			    memcmp(m.session, cases[i].session, m.session_len) == 0,
			    "line %d: session", cases[i].line);
		if (cases[i].jid == NULL)
			ck_assert_msg(m.jid == NULL, "line %d", cases[i].line);
		else
			ck_assert_msg(m.jid_len == strlen(cases[i].jid) &&
			    memcmp(m.jid, cases[i].jid, m.jid_len) == 0,
			    "line %d: jid", cases[i].line);
	}
}
END_TEST

/* The path is matched by length: bytes after len are not part of it. */
START_TEST(route_uses_length)
{
	struct route_match m;
	const char *p = "/healthzXYZ";

	ck_assert_int_eq(route_match(p, 8, &m), ROUTE_HEALTHZ);
	ck_assert_int_eq(route_match(p, strlen(p), &m), ROUTE_NONE);
}
END_TEST

/* An over-long path: every segment limit holds, nothing overflows. */
START_TEST(route_overlong)
{
	static char path[64 * 1024];
	struct route_match m;
	size_t i;

	for (i = 0; i + 2 < sizeof(path); i += 2)
		memcpy(path + i, "/a", 2);
	path[i] = '\0';
	ck_assert_int_eq(route_match(path, strlen(path), &m), ROUTE_NONE);
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	ck_assert_int_eq(route_match(path, strlen(path), &m), ROUTE_NONE);
}
END_TEST

/* The table: contact routes need read, session routes manage; public ones nothing. */
START_TEST(route_table_caps)
{
	const struct route_def *t;
	size_t n, i;

	t = route_table(&n);
	ck_assert_uint_eq(n, 19);
	for (i = 0; i < n; i++) {
		switch (t[i].id) {
		case ROUTE_CONTACTS:
		case ROUTE_CHECK:
		case ROUTE_CONTACT:
		case ROUTE_ABOUT:
		case ROUTE_GROUPS:
		case ROUTE_GROUP:
		case ROUTE_MEMBERS:
			ck_assert_uint_eq(t[i].cap, CAP_READ);
			break;
		case ROUTE_HEALTHZ:
		case ROUTE_READYZ:
		case ROUTE_OPENAPI:
			ck_assert_uint_eq(t[i].cap, 0);
			break;
		default:
			ck_assert_uint_eq(t[i].cap, CAP_MANAGE);
		}
		ck_assert_ptr_nonnull(t[i].params);
		ck_assert_ptr_nonnull(t[i].allow);
		/* Allow names exactly the route's methods. */
		ck_assert_int_eq(strstr(t[i].allow, "GET") != NULL,
		    (t[i].methods & ROUTE_GET) != 0);
		ck_assert_int_eq(strstr(t[i].allow, "POST") != NULL,
		    (t[i].methods & ROUTE_POST) != 0);
		ck_assert_int_eq(strstr(t[i].allow, "DELETE") != NULL,
		    (t[i].methods & ROUTE_DELETE) != 0);
	}
}
END_TEST

static Suite *
route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("route");

	tcase_add_test(tc, route_cases);
	tcase_add_test(tc, route_uses_length);
	tcase_add_test(tc, route_overlong);
	tcase_add_test(tc, route_table_caps);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_route", route_suite)
