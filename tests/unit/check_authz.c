/* authz: the one decision, against a real SQLite database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include <sqlite3.h>

#include "auth/auth.h"
#include "common/store.h"

static char dir[256], db[512];
static struct store *st;

static struct auth_principal
principal(const char *org, unsigned caps, int super_admin)
{
	struct auth_principal p;

	memset(&p, 0, sizeof(p));
	p.kind = AUTH_KIND_JWT;
	snprintf(p.org, sizeof(p.org), "%s", org);
	p.caps = caps;
	p.super_admin = super_admin;
	return p;
}

static enum authz_decision
decide(const struct auth_principal *p, unsigned cap, const char *sid,
    struct store_session *s)
{
	return authz_decide(st, p, cap, sid, strlen(sid), s);
}

START_TEST(matrix)
{
	static const struct {
		int		 line;
		const char	*org;
		unsigned	 caps;
		int		 super_admin;
		unsigned	 cap;
		const char	*sid;
		enum authz_decision want;
	} cases[] = {
		{ __LINE__, "acme", CAP_READ, 0, CAP_READ, "s1", AUTHZ_ALLOW },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_MANAGE, "s1", AUTHZ_ALLOW },
		/* another organization's session is a missing session */
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "s2", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "nope", AUTHZ_NOT_FOUND },
		{ __LINE__, "other", CAP_READ, 0, CAP_READ, "s2", AUTHZ_ALLOW },
		{ __LINE__, "other", CAP_READ, 0, CAP_READ, "s1", AUTHZ_NOT_FOUND },
		/* capability first: 403 even for a session that does not exist */
		{ __LINE__, "acme", CAP_READ, 0, CAP_SEND, "s1", AUTHZ_FORBIDDEN },
		{ __LINE__, "acme", CAP_READ, 0, CAP_SEND, "nope", AUTHZ_FORBIDDEN },
		{ __LINE__, "acme", CAP_READ, 0, CAP_SEND, "a/b", AUTHZ_FORBIDDEN },
		{ __LINE__, "acme", CAP_READ | CAP_SEND | CAP_EVENTS, 0, CAP_MANAGE, "s1", AUTHZ_FORBIDDEN },
		{ __LINE__, "acme", 0, 0, CAP_READ, "s1", AUTHZ_FORBIDDEN },
		{ __LINE__, "acme", CAP_ALL, 0, 0, "s1", AUTHZ_FORBIDDEN },
		/* invalid ids are sessions that do not exist */
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "s1 ", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "s%31", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "!", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "S1", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ,
		  "s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 0, CAP_READ, "long-id-of-64-chars-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AUTHZ_ALLOW },
		/* an organization that matches nothing */
		{ __LINE__, "", CAP_ALL, 0, CAP_READ, "s1", AUTHZ_NOT_FOUND },
		{ __LINE__, "acm", CAP_ALL, 0, CAP_READ, "s1", AUTHZ_NOT_FOUND },
		{ __LINE__, "acmee", CAP_ALL, 0, CAP_READ, "s1", AUTHZ_NOT_FOUND },
		/* super_admin reaches every organization, not missing sessions */
		{ __LINE__, "", CAP_ALL, 1, CAP_MANAGE, "s1", AUTHZ_ALLOW },
		{ __LINE__, "acme", CAP_ALL, 1, CAP_READ, "s2", AUTHZ_ALLOW },
		{ __LINE__, "acme", CAP_ALL, 1, CAP_READ, "nope", AUTHZ_NOT_FOUND },
		{ __LINE__, "acme", CAP_ALL, 1, CAP_READ, "a.b", AUTHZ_NOT_FOUND },
	};
	struct store_session s;
	struct auth_principal p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = principal(cases[i].org, cases[i].caps, cases[i].super_admin);
		memset(&s, 0xa5, sizeof(s));
		ck_assert_msg(decide(&p, cases[i].cap, cases[i].sid, &s) == cases[i].want,
		    "line %d", cases[i].line);
		if (cases[i].want == AUTHZ_ALLOW) {
			ck_assert_str_eq(s.id, cases[i].sid);
			ck_assert_int_gt(s.rowid, 0);
		} else
			ck_assert_msg(s.id[0] == '\0' && s.org[0] == '\0' && s.rowid == 0,
			    "line %d: session filled on refusal", cases[i].line);
	}
}
END_TEST

START_TEST(raw_bytes)
{
	struct auth_principal p = principal("acme", CAP_READ, 0);
	struct store_session s;

	/* len bytes, not up to a NUL: "s1\0x" is not "s1" */
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1\0x", 4, &s), AUTHZ_NOT_FOUND);
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1xyz", 2, &s), AUTHZ_ALLOW);
	ck_assert_str_eq(s.org, "acme");
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, NULL, 0, &s), AUTHZ_NOT_FOUND);
	ck_assert_int_eq(authz_decide(st, NULL, CAP_READ, "s1", 2, &s), AUTHZ_FORBIDDEN);
	p.kind = AUTH_KIND_NONE;
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1", 2, &s), AUTHZ_FORBIDDEN);
}
END_TEST

START_TEST(unavailable)
{
	struct auth_principal p = principal("acme", CAP_READ, 0);
	struct store_session s;
	sqlite3 *locker;

	/*
	 * The database fails under us (here: the table went away, as in a
	 * botched upgrade): that is 503, never "not found".
	 */
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1", 2, &s), AUTHZ_ALLOW);
	ck_assert_int_eq(sqlite3_open(db, &locker), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(locker, "PRAGMA foreign_keys=OFF; "
	    "ALTER TABLE sessions RENAME TO sessions_gone", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1", 2, &s), AUTHZ_UNAVAILABLE);
	ck_assert_int_eq(s.id[0], '\0');
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "x!", 2, &s), AUTHZ_UNAVAILABLE);
	ck_assert_int_eq(sqlite3_exec(locker, "ALTER TABLE sessions_gone RENAME TO sessions",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(locker);
	ck_assert_int_eq(authz_decide(st, &p, CAP_READ, "s1", 2, &s), AUTHZ_ALLOW);
}
END_TEST

static void
setup(void)
{
	struct store *w;
	char err[256];

	snprintf(dir, sizeof(dir), "%s/wagw-authz-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/wagw.db", dir);
	ck_assert_int_eq(store_open(&w, db, STORE_WRITER, 1000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(w), STORE_OK);
	ck_assert_int_eq(store_org_add(w, "acme", "Acme", 1), STORE_OK);
	ck_assert_int_eq(store_org_add(w, "other", "Other", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(w, "s1", "acme", "one", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(w, "s2", "other", "two", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(w,
	    "long-id-of-64-chars-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "acme",
	    "long", 1), STORE_OK);
	store_close(w);
	ck_assert_int_eq(store_open(&st, db, STORE_READER, 100, err, sizeof(err)), STORE_OK);
}

static void
teardown(void)
{
	char cmd[600];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

int
main(void)
{
	Suite *s = suite_create("authz");
	TCase *tc = tcase_create("authz");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, matrix);
	tcase_add_test(tc, raw_bytes);
	tcase_add_test(tc, unavailable);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
