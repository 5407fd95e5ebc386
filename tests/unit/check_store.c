/* Unit tests of the store against a real SQLite file in a temp dir. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/store.h"
#include "unit.h"

static char dir[256], dbpath[300];
static struct store *st;

static void
setup(void)
{
	char err[256];

	snprintf(dir, sizeof(dir), "%s/wagw-store-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/wagw.db", dir);
	ck_assert_int_eq(store_open(&st, dbpath, STORE_WRITER, 2000, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
}

static void
teardown(void)
{
	char cmd[400];

	store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* One integer a query of the test's own connection to path gives (checks only). */
static int64_t
count_rows_at(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static int64_t
count_rows(const char *sql)
{
	return count_rows_at(dbpath, sql);
}

START_TEST(migrate_from_empty_and_again)
{
	int v;
	unsigned char k1[STORE_CURSOR_KEY_LEN], k2[STORE_CURSOR_KEY_LEN];

	ck_assert_int_eq(store_schema_version(st, &v), STORE_OK);
	ck_assert_int_eq(v, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_cursor_key(st, k1), STORE_OK);
	/* Re-running is a no-op that keeps data and the cursor key. */
	ck_assert_int_eq(store_org_add(st, "acme", "Acme", 1), STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_int_eq(store_cursor_key(st, k2), STORE_OK);
	ck_assert_mem_eq(k1, k2, sizeof(k1));
	ck_assert_int_eq(store_org_exists(st, "acme"), STORE_OK);
}
END_TEST

START_TEST(reader_refuses_uninitialized)
{
	struct store *r = NULL, *w = NULL;
	char err[256], path[320];

	snprintf(path, sizeof(path), "%s/empty.db", dir);
	ck_assert_int_eq(store_open(&w, path, STORE_WRITER, 100, err, sizeof(err)), STORE_OK);
	store_close(w);
	ck_assert_int_eq(store_open(&r, path, STORE_READER, 100, err, sizeof(err)),
	    STORE_SCHEMA);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, "wagw-admin init"));
	/* A reader never creates the file. */
	snprintf(path, sizeof(path), "%s/missing.db", dir);
	ck_assert_int_ne(store_open(&r, path, STORE_READER, 100, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(reader_is_query_only)
{
	struct store *r;
	char err[256];

	ck_assert_int_eq(store_open(&r, dbpath, STORE_READER, 100, err, sizeof(err)), STORE_OK);
	ck_assert_int_ne(store_org_add(r, "x", "", 1), STORE_OK);
	store_close(r);
	ck_assert_int_eq(store_org_exists(st, "x"), STORE_NOTFOUND);
}
END_TEST

static int
count_org(const struct store_org *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

START_TEST(orgs_and_sessions)
{
	struct store_session s;
	int n = 0;

	ck_assert_int_eq(store_org_add(st, "acme", "Acme", 10), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "acme", "Again", 11), STORE_EXISTS);
	ck_assert_int_eq(store_org_add(st, "beta", NULL, 12), STORE_OK);
	ck_assert_int_eq(store_org_list(st, count_org, &n), STORE_OK);
	ck_assert_int_eq(n, 2);

	ck_assert_int_eq(store_session_add(st, "S1", "nope", "x", 1), STORE_NOREF);
	ck_assert_int_eq(store_session_add(st, "S1", "acme", "first", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "beta", "dup", 1), STORE_EXISTS);
	ck_assert_int_eq(store_session_lookup(st, "S1", &s), STORE_OK);
	ck_assert_str_eq(s.id, "S1");
	ck_assert_str_eq(s.org, "acme");
	ck_assert_int_gt(s.rowid, 0);
	ck_assert_int_eq(store_session_lookup(st, "S2", &s), STORE_NOTFOUND);
	ck_assert_int_eq(store_session_rm(st, "S1"), STORE_OK);
	ck_assert_int_eq(store_session_rm(st, "S1"), STORE_NOTFOUND);
}
END_TEST

/* A session's life as the daemon stores it: state, account, credentials. */
START_TEST(session_state_identity_creds)
{
	struct store_session_new n = { "S9", "acme", "Support", "whatsapp", "gw-1", 1 };
	struct store_session_state state = { "working", NULL, 1, "gw-2", 1700 };
	struct store_session_identity id = { "6281234567890",
	    "6281234567890@s.whatsapp.net", "205227043110953@lid", "Acme" };
	struct store_session_identity none = { NULL, NULL, NULL, NULL };
	struct store_session s;
	unsigned char *blob;
	size_t len;
	int64_t rowid = 0;

	ck_assert_int_eq(store_org_add(st, "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_create(st, &n, 100, &rowid), STORE_OK);
	ck_assert_int_gt(rowid, 0);
	ck_assert_int_eq(store_session_get(st, "S9", &s), STORE_OK);
	ck_assert_int_eq(s.rowid, rowid);
	ck_assert_str_eq(s.link, "whatsapp");
	ck_assert_str_eq(s.label, "Support");
	ck_assert_str_eq(s.status, "stopped");
	ck_assert_str_eq(s.gateway_id, "gw-1");
	ck_assert_int_eq(s.autostart, 1);
	ck_assert_int_eq(s.created_ms, 100);
	ck_assert_int_eq(s.last_connected_ms, 0);

	ck_assert_int_eq(store_session_set_state(st, rowid, &state, 200), STORE_OK);
	ck_assert_int_eq(store_session_set_identity(st, rowid, &id, 300), STORE_OK);
	ck_assert_int_eq(store_session_get(st, "S9", &s), STORE_OK);
	ck_assert_str_eq(s.status, "working");
	ck_assert_str_eq(s.reason, "");
	ck_assert_str_eq(s.gateway_id, "gw-2");
	ck_assert_int_eq(s.last_connected_ms, 1700);
	ck_assert_str_eq(s.phone, "6281234567890");
	ck_assert_str_eq(s.lid, "205227043110953@lid");
	ck_assert_str_eq(s.push_name, "Acme");
	ck_assert_int_eq(s.updated_ms, 300);
	/* A later state without a connection keeps the last one. */
	state.status = "failed";
	state.reason = "replaced";
	state.autostart = 0;
	state.last_connected_ms = 0;
	ck_assert_int_eq(store_session_set_state(st, rowid, &state, 400), STORE_OK);
	ck_assert_int_eq(store_session_set_identity(st, rowid, &none, 400), STORE_OK);
	ck_assert_int_eq(store_session_get(st, "S9", &s), STORE_OK);
	ck_assert_str_eq(s.reason, "replaced");
	ck_assert_int_eq(s.autostart, 0);
	ck_assert_int_eq(s.last_connected_ms, 1700);
	ck_assert_str_eq(s.phone, "");

	ck_assert_int_eq(store_creds_get(st, rowid, &blob, &len), STORE_NOTFOUND);
	ck_assert_int_eq(store_creds_put(st, rowid, (const unsigned char *)"\0ab", 3, 5),
	    STORE_OK);
	ck_assert_int_eq(store_creds_put(st, rowid, (const unsigned char *)"\0abc", 4, 6),
	    STORE_OK);
	ck_assert_int_eq(store_creds_get(st, rowid, &blob, &len), STORE_OK);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(blob, "\0abc", 4);
	free(blob);
	ck_assert_int_eq(store_creds_delete(st, rowid), STORE_OK);
	ck_assert_int_eq(store_creds_get(st, rowid, &blob, &len), STORE_NOTFOUND);
	/* Deleting the session deletes its credentials. */
	ck_assert_int_eq(store_creds_put(st, rowid, (const unsigned char *)"x", 1, 7),
	    STORE_OK);
	ck_assert_int_eq(store_session_rm(st, "S9"), STORE_OK);
	ck_assert_int_eq(store_creds_get(st, rowid, &blob, &len), STORE_NOTFOUND);
	/* wagw-admin's sessions: the sim link, autostart never set. */
	ck_assert_int_eq(store_session_add(st, "S8", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_get(st, "S8", &s), STORE_OK);
	ck_assert_str_eq(s.link, "sim");
	ck_assert_int_eq(s.autostart, -1);
}
END_TEST

struct page_walk {
	char		 ids[4096];
	int64_t		 last;
	int		 n;
};

static int
collect_page(const struct store_session *s, void *arg)
{
	struct page_walk *w = arg;

	strcat(w->ids, s->id);
	strcat(w->ids, ";");
	w->last = s->rowid;
	w->n++;
	return 0;
}

/* The Sessions list pages by rowid within one organization. */
START_TEST(session_pages)
{
	struct page_walk w;
	char id[16], plan[1024];
	int i, more, pages = 0;

	ck_assert_int_eq(store_org_add(st, "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "b", "", 1), STORE_OK);
	for (i = 0; i < 7; i++) {
		snprintf(id, sizeof(id), "A%d", 9 - i);	/* ids against the order */
		ck_assert_int_eq(store_session_add(st, id, "a", "", i), STORE_OK);
		snprintf(id, sizeof(id), "B%d", i);
		ck_assert_int_eq(store_session_add(st, id, "b", "", i), STORE_OK);
	}
	memset(&w, 0, sizeof(w));
	do {
		ck_assert_int_eq(store_session_page(st, "a", w.last, 3, collect_page,
		    &w, &more), STORE_OK);
		pages++;
	} while (more);
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(w.n, 7);
	ck_assert_str_eq(w.ids, "A9;A8;A7;A6;A5;A4;A3;");
	/* A full last page says there is no more. */
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(store_session_page(st, "b", 0, 7, collect_page, &w, &more),
	    STORE_OK);
	ck_assert_int_eq(more, 0);
	ck_assert_int_eq(w.n, 7);
	ck_assert_int_eq(store_session_page_plan(st, plan, sizeof(plan)), STORE_OK);
	ck_assert_msg(strstr(plan, "sessions_org_sid") != NULL, "plan: %s", plan);
	ck_assert_msg(strstr(plan, "TEMP B-TREE") == NULL, "plan sorts: %s", plan);
}
END_TEST

/* A person known by phone only waits aside, then joins its LID. */
START_TEST(phone_only_people)
{
	struct store_seen_contact pn = { NULL, "14155550123", "Bob", "Bob & Co" };
	struct store_seen_contact both = { "99887766554433", "14155550123", NULL, NULL };
	struct store_session s;
	int64_t id = -1;

	ck_assert_int_eq(store_org_add(st, "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S1", &s), STORE_OK);
	ck_assert_int_eq(store_contact_upsert(st, s.rowid, &pn, 10, &id), STORE_OK);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(store_contact_upsert(st, s.rowid, &both, 20, &id), STORE_OK);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM pn_contacts"), 0);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE push_name = 'Bob'"
	    " AND business_name = 'Bob & Co' AND phone = '14155550123'"), 1);
}
END_TEST

/* What a lookup learns completes people already seen, and makes no one. */
START_TEST(update_completes_but_never_makes)
{
	struct store_seen_contact seen = { "77", NULL, "Ann", NULL };
	struct store_seen_contact learnt = { "77", "14155550100", "Ann B", "Ann Inc" };
	struct store_seen_contact stranger = { "88", "14155550111", "Cy", NULL };
	struct store_seen_contact pn = { NULL, "14155550122", "Di", NULL };
	struct store_seen_contact pn_named = { NULL, "14155550122", NULL, "Di Ltd" };
	struct store_seen_contact pn_lid = { "99", "14155550122", NULL, NULL };
	struct store_seen_contact pn_other = { NULL, "14155550133", "Ed", NULL };
	struct store_session s;
	int64_t id;

	ck_assert_int_eq(store_org_add(st, "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S1", &s), STORE_OK);
	ck_assert_int_eq(store_contact_upsert(st, s.rowid, &seen, 10, &id), STORE_OK);
	ck_assert_int_eq(store_contact_upsert(st, s.rowid, &pn, 10, &id), STORE_OK);
	/* The contact seen by LID gains its phone, name and business. */
	ck_assert_int_eq(store_contact_update(st, s.rowid, &learnt, 20), STORE_OK);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE lid = '77' AND"
	    " phone = '14155550100' AND phone_jid = '14155550100@s.whatsapp.net' AND"
	    " push_name = 'Ann B' AND business_name = 'Ann Inc' AND updated_ms = 20"), 1);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE"
	    " name_folded = 'ann b'"), 1);
	/* Nobody new, by LID or by phone alone. */
	ck_assert_int_eq(store_contact_update(st, s.rowid, &stranger, 30), STORE_OK);
	ck_assert_int_eq(store_contact_update(st, s.rowid, &pn_other, 30), STORE_OK);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts"), 1);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM pn_contacts"), 1);
	/* A phone seen alone is completed, then joins its LID. */
	ck_assert_int_eq(store_contact_update(st, s.rowid, &pn_named, 40), STORE_OK);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM pn_contacts WHERE"
	    " business_name = 'Di Ltd'"), 1);
	ck_assert_int_eq(store_contact_update(st, s.rowid, &pn_lid, 50), STORE_OK);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM pn_contacts"), 0);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE lid = '99' AND"
	    " phone = '14155550122' AND push_name = 'Di' AND business_name = 'Di Ltd'"), 1);
}
END_TEST

/* Lookup limits are kept per session, replaced, and go with the session. */
START_TEST(limits_kept)
{
	struct store_limits a = { 180000, 1700000060000, 19675, 7, 1700000120000, 120000 }, b;
	struct store_session s;

	ck_assert_int_eq(store_org_add(st, "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S1", &s), STORE_OK);
	ck_assert_int_eq(store_limits_get(st, s.rowid, &b), STORE_NOTFOUND);
	ck_assert_int_eq(store_limits_put(st, s.rowid, &a, 10), STORE_OK);
	ck_assert_int_eq(store_limits_get(st, s.rowid, &b), STORE_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	a.day_count = 8;
	a.backoff_until_ms = 0;
	ck_assert_int_eq(store_limits_put(st, s.rowid, &a, 20), STORE_OK);
	ck_assert_int_eq(store_limits_get(st, s.rowid, &b), STORE_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ck_assert_int_eq(store_limits_put(st, s.rowid + 99, &a, 20), STORE_NOREF);
	ck_assert_int_eq(store_session_rm(st, "S1"), STORE_OK);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM session_limits"), 0);
}
END_TEST

/*
 * Issue 13: wagw-admin init made the database 0644 and SQLite removed the
 * WAL files at a clean stop; a responder then made them anew as its own
 * user and the daemon could no longer write.  A new database is 0660,
 * its WAL files too, and they outlive the last connection.
 */
START_TEST(files_keep_their_mode_and_outlive_connections)
{
	char p[320], wal[330], shm[330], err[256];
	struct store *w, *r;
	struct stat sb;
	mode_t um = umask(022);

	snprintf(p, sizeof(p), "%s.new", dbpath);
	snprintf(wal, sizeof(wal), "%s-wal", p);
	snprintf(shm, sizeof(shm), "%s-shm", p);
	ck_assert_int_eq(store_open(&w, p, STORE_WRITER, 1000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(w), STORE_OK);
	ck_assert_int_eq(store_open(&r, p, STORE_READER, 1000, err, sizeof(err)), STORE_OK);
	store_close(w);
	store_close(r);	/* the last connection */
	umask(um);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	ck_assert_int_eq(stat(shm, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0660);
	ck_assert_int_eq(store_check_access(p, err, sizeof(err)), 0);
	unlink(wal);
	unlink(shm);
	unlink(p);
}
END_TEST

/* A file the process cannot write is named, with its owner and mode. */
START_TEST(access_check_names_the_file)
{
	char p[320], shm[330], wal[330], err[512];
	struct store *w;
	pid_t child;
	int status;

	snprintf(p, sizeof(p), "%s.acc", dbpath);
	snprintf(shm, sizeof(shm), "%s-shm", p);
	ck_assert_int_eq(store_open(&w, p, STORE_WRITER, 1000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(w), STORE_OK);
	store_close(w);
	/* Only the shared-memory file is closed to others. */
	snprintf(wal, sizeof(wal), "%s-wal", p);
	ck_assert_int_eq(chmod(p, 0666), 0);
	ck_assert_int_eq(chmod(wal, 0666), 0);
	ck_assert_int_eq(chmod(shm, 0600), 0);
	ck_assert_int_eq(chmod(dir, 0711), 0);	/* nobody may look in */
	ck_assert_int_ne(child = fork(), -1);
	if (child == 0) {
		/* root may write anything: the check runs as nobody then. */
		if (geteuid() == 0) {
			if (setgid(65534) == -1 || setuid(65534) == -1)
				_exit(3);
		} else if (chmod(shm, 0400) == -1)
			_exit(4);
		if (store_check_access(p, err, sizeof(err)) != -1)
			_exit(1);
		_exit(strstr(err, "-shm: owned by") != NULL && strstr(err, "mode 0") != NULL &&
		    strstr(err, "chmod 0660") != NULL ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	unlink(shm);
	unlink(wal);
	unlink(p);
}
END_TEST

/*
 * Issue 15: SQLite says "unable to open database file" for a missing
 * directory and for a closed one alike, and "attempt to write a readonly
 * database" (logged twice, then "cannot enable WAL") for a directory the
 * writer cannot make the WAL files in.  store_open names the directory,
 * the user and what is wrong, once.
 */
START_TEST(open_says_what_stops_it)
{
	char p[320], sub[300], err[1024];
	struct store *w;
	pid_t child;
	int status;

	snprintf(p, sizeof(p), "%s/missing/wagw.db", dir);
	ck_assert_int_eq(store_open(&w, p, STORE_WRITER, 1000, err, sizeof(err)),
	    STORE_ERROR);
	ck_assert_ptr_null(w);
	ck_assert_msg(strstr(err, "its directory") && strstr(err, "/missing does not exist"),
	    "%s", err);
	snprintf(p, sizeof(p), "%s/absent.db", dir);
	ck_assert_int_ne(store_open(&w, p, STORE_READER, 1000, err, sizeof(err)), STORE_OK);
	ck_assert_msg(strstr(err, "absent.db: no database yet (wagw-admin init makes it)"),
	    "%s", err);
	/* A database without its WAL files in a directory closed to writing. */
	snprintf(sub, sizeof(sub), "%s/ro", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(p, sizeof(p), "%s/wagw.db", sub);
	ck_assert_int_eq(store_open(&w, p, STORE_WRITER, 1000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(w), STORE_OK);
	store_close(w);
	ck_assert_int_eq(chmod(p, 0666), 0);
	snprintf(p, sizeof(p), "%s/wagw.db-wal", sub);
	unlink(p);
	snprintf(p, sizeof(p), "%s/wagw.db-shm", sub);
	unlink(p);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_ne(child = fork(), -1);
	if (child == 0) {
		/* root may write anything: the open runs as nobody then. */
		if (geteuid() == 0) {
			if (setgid(65534) == -1 || setuid(65534) == -1)
				_exit(3);
		} else if (chmod(sub, 0555) == -1)
			_exit(4);
		snprintf(p, sizeof(p), "%s/wagw.db", sub);
		if (store_open(&w, p, STORE_WRITER, 1000, err, sizeof(err)) == STORE_OK)
			_exit(1);
		_exit(strstr(err, "/ro is owned by") && strstr(err, "cannot write") &&
		    strstr(err, "(user ") && strstr(err, "WAL files") &&
		    !strstr(err, "readonly") ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	chmod(sub, 0755);
}
END_TEST

static int
collect_session(const struct store_session *s, void *arg)
{
	strcat(arg, s->id);
	strcat(arg, s->label);
	strcat(arg, ";");
	return 0;
}

START_TEST(session_list_by_org)
{
	char buf[256] = "";

	ck_assert_int_eq(store_org_add(st, "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "b", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "s2", "a", "L2", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "s1", "b", "L1", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "s3", "a", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_list(st, NULL, collect_session, buf), STORE_OK);
	ck_assert_str_eq(buf, "s1L1;s2L2;s3;");
	buf[0] = '\0';
	ck_assert_int_eq(store_session_list(st, "a", collect_session, buf), STORE_OK);
	ck_assert_str_eq(buf, "s2L2;s3;");
}
END_TEST

static int
collect_key(const struct store_key *k, void *arg)
{
	strcat(arg, k->id);
	strcat(arg, "/");
	strcat(arg, k->name);
	strcat(arg, k->revoked_ms ? "/revoked;" : ";");
	return 0;
}

START_TEST(api_keys)
{
	struct store_key k, got;
	char buf[256] = "";

	ck_assert_int_eq(store_org_add(st, "acme", "", 1), STORE_OK);
	memset(&k, 0, sizeof(k));
	strcpy(k.id, "key_1");
	strcpy(k.org, "acme");
	k.name = "ci";
	strcpy(k.prefix, "wa_AAAAAAAA");
	memset(k.hash, 0xab, sizeof(k.hash));
	k.permissions = 5;
	k.created_ms = 100;
	k.expires_ms = 900;
	ck_assert_int_eq(store_key_add(st, &k), STORE_OK);
	ck_assert_int_eq(store_key_add(st, &k), STORE_EXISTS);
	strcpy(k.id, "key_2");
	ck_assert_int_eq(store_key_add(st, &k), STORE_EXISTS);	/* same prefix */
	strcpy(k.prefix, "wa_BBBBBBBB");
	strcpy(k.org, "ghost");
	ck_assert_int_eq(store_key_add(st, &k), STORE_NOREF);

	ck_assert_int_eq(store_key_by_prefix(st, "wa_AAAAAAAA", &got), STORE_OK);
	ck_assert_str_eq(got.id, "key_1");
	ck_assert_str_eq(got.org, "acme");
	ck_assert_uint_eq(got.permissions, 5);
	ck_assert_int_eq(got.expires_ms, 900);
	ck_assert_int_eq(got.revoked_ms, 0);
	ck_assert_int_eq(got.last_used_ms, 0);
	ck_assert_int_eq(got.hash[31], 0xab);
	ck_assert_int_eq(store_key_by_prefix(st, "wa_CCCCCCCC", &got), STORE_NOTFOUND);

	ck_assert_int_eq(store_key_touch(st, "key_1", 500), STORE_OK);
	ck_assert_int_eq(store_key_touch(st, "key_1", 400), STORE_OK);	/* late report */
	ck_assert_int_eq(store_key_revoke(st, "key_1", 600), STORE_OK);
	ck_assert_int_eq(store_key_revoke(st, "key_1", 700), STORE_EXISTS);
	ck_assert_int_eq(store_key_revoke(st, "key_9", 700), STORE_NOTFOUND);
	ck_assert_int_eq(store_key_by_prefix(st, "wa_AAAAAAAA", &got), STORE_OK);
	ck_assert_int_eq(got.revoked_ms, 600);	/* the first revocation stays */
	ck_assert_int_eq(got.last_used_ms, 500);
	ck_assert_int_eq(store_key_list(st, "acme", collect_key, buf), STORE_OK);
	ck_assert_str_eq(buf, "key_1/ci/revoked;");
	buf[0] = '\0';
	ck_assert_int_eq(store_key_list(st, "other", collect_key, buf), STORE_OK);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- contacts ---- */

static int64_t sess;

static int64_t
seen(const char *lid, const char *phone, const char *name, const char *biz)
{
	struct store_seen_contact c = { lid, phone, name, biz };
	int64_t id = 0;

	ck_assert_int_eq(store_contact_upsert(st, sess, &c, 1000, &id), STORE_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

static void
contacts_fixture(void)
{
	struct store_session s;
	int64_t g1, g2, id;

	ck_assert_int_eq(store_org_add(st, "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "S", &s), STORE_OK);
	sess = s.rowid;
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "120363021234567890@g.us",
	    "Team", 1000, &g1), STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "111-222@g.us", NULL, 1000, &g2),
	    STORE_OK);
	id = seen("1001", "6281234567890", "Alice", "Acme Corp");	/* dm + g1 */
	ck_assert_int_eq(store_dm_upsert(st, sess, id, 1000), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g1, id, "admin", "~Alice", 1000), STORE_OK);
	id = seen("1002", "14155550123", "Bob", NULL);			/* g1 only */
	ck_assert_int_eq(store_member_upsert(st, g1, id, "member", NULL, 1000), STORE_OK);
	id = seen("1003", NULL, "ÄRGER Straße", NULL);			/* g2, LID only */
	ck_assert_int_eq(store_member_upsert(st, g2, id, "superadmin", NULL, 1000), STORE_OK);
	id = seen("1004", "4915112345678", "Ωμέγα", NULL);		/* dm only */
	ck_assert_int_eq(store_dm_upsert(st, sess, id, 1000), STORE_OK);
	id = seen("1005", NULL, "100%_done", NULL);			/* g2 */
	ck_assert_int_eq(store_member_upsert(st, g2, id, "member", NULL, 1000), STORE_OK);
	id = seen("1006", "79161234567", "Дмитрий", NULL);		/* g1 + g2 */
	ck_assert_int_eq(store_member_upsert(st, g1, id, "member", NULL, 1000), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g2, id, "member", NULL, 1000), STORE_OK);
	id = seen("1007", NULL, "100ab_done", NULL);			/* g2 */
	ck_assert_int_eq(store_member_upsert(st, g2, id, "member", NULL, 1000), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
}

struct page {
	char	 lids[8192];
	int64_t	 last;
	int	 n;
};

static int
collect_contact(const struct store_contact *c, void *arg)
{
	struct page *p = arg;

	strcat(p->lids, c->lid);
	strcat(p->lids, c->has_dm ? "d " : "g ");
	p->last = c->key;
	p->n++;
	return 0;
}

static const char *
list(enum store_source src, const char *group, const char *q)
{
	static struct page p;
	struct store_contact_query cq = { sess, src, group, q, 0, 200 };
	int more;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(more, 0);
	return p.lids;
}

START_TEST(contacts_filters)
{
	static const struct {
		int		 line;
		enum store_source src;
		const char	*group, *q, *want;
	} cases[] = {
		{ __LINE__, STORE_SOURCE_ANY, NULL, NULL,
		    "1001d 1002g 1003g 1004d 1005g 1006g 1007g " },
		{ __LINE__, STORE_SOURCE_DM, NULL, NULL, "1001d 1004d " },
		{ __LINE__, STORE_SOURCE_GROUP, NULL, NULL,
		    "1001d 1002g 1003g 1005g 1006g 1007g " },
		{ __LINE__, STORE_SOURCE_ANY, "120363021234567890@g.us", NULL,
		    "1001d 1002g 1006g " },
		{ __LINE__, STORE_SOURCE_DM, "120363021234567890@g.us", NULL, "1001d " },
		{ __LINE__, STORE_SOURCE_ANY, "999@g.us", NULL, "" },
		/* q: case-insensitive in every script, short and long */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "ali", "1001d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "ALI", "1001d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "a", "1001d 1003g 1007g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "ärger", "1003g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "STRASSE", "1003g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "ΩΜΈΓΑ", "1004d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "μέ", "1004d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "дмит", "1006g " },
		/* '%' and '_' are ordinary characters */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "0%_", "1005g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "%", "1005g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "_d", "1005g 1007g " },
		/* numbers, with or without '+'; LID-only contacts never match */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "+6281", "1001d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "555", "1002g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "55", "1002g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "1001", "" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "100", "1005g 1007g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "+1", "1001d 1002g 1004d 1006g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "+4915", "1004d " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "+", "" },
		/* combined */
		{ __LINE__, STORE_SOURCE_DM, NULL, "a", "1001d " },
		{ __LINE__, STORE_SOURCE_GROUP, "111-222@g.us", "done", "1005g 1007g " },
		{ __LINE__, STORE_SOURCE_DM, "111-222@g.us", NULL, "" },
		{ __LINE__, STORE_SOURCE_ANY, "120363021234567890@g.us", "79161", "1006g " },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "zzz", "" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "\"x\"", "" },
	};
	size_t i;

	contacts_fixture();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = list(cases[i].src, cases[i].group, cases[i].q);

		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "line %d: got \"%s\", want \"%s\"", cases[i].line, got, cases[i].want);
	}
}
END_TEST

/* The trigram index only proposes rows; the substring decides. */
START_TEST(contacts_search_trigram_cover_is_exact)
{
	static const struct {
		int		 line;
		const char	*q, *want;
	} cases[] = {
		{ __LINE__, "abcabc", "" },		/* both trigrams, not adjacent */
		{ __LINE__, "cxa", "3002g " },
		{ __LINE__, "abcxabc", "3002g " },
		{ __LINE__, "\"hi\"", "3001g " },
		{ __LINE__, "y \"h", "3001g " },
		{ __LINE__, "\"", "3001g " },	/* one character: the scan path */
		{ __LINE__, "now", "3001g " },
		{ __LINE__, "ßtraße", "3003g " },	/* folds to "sstrasse" */
		{ __LINE__, "STRASSE straße", "3003g " },
		{ __LINE__, "e\xcc\x81t\xc3\xa9", "3004g " },	/* NFC: é either way */
	};
	int64_t g;
	size_t i;

	contacts_fixture();
	ck_assert_int_eq(store_group_upsert(st, sess, "777@g.us", NULL, 1, &g), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g, seen("3001", NULL, "say \"hi\" now", NULL),
	    "member", NULL, 1), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g, seen("3002", NULL, "abcXabc", NULL),
	    "member", NULL, 1), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g, seen("3003", NULL, "SSTRASSE Straße", NULL),
	    "member", NULL, 1), STORE_OK);
	ck_assert_int_eq(store_member_upsert(st, g, seen("3004", NULL, "\xc3\xa9t\xc3\xa9", NULL),
	    "member", NULL, 1), STORE_OK);
	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = list(STORE_SOURCE_ANY, NULL, cases[i].q);
		char want_in_group[64];

		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "line %d: got \"%s\", want \"%s\"", cases[i].line, got, cases[i].want);
		/* The group driver scans with instr(): it must agree with the index. */
		snprintf(want_in_group, sizeof(want_in_group), "%s", cases[i].want);
		got = list(STORE_SOURCE_ANY, "777@g.us", cases[i].q);
		ck_assert_msg(strcmp(got, want_in_group) == 0,
		    "line %d (group): got \"%s\"", cases[i].line, got);
	}
}
END_TEST

START_TEST(contacts_upsert_keeps_and_updates)
{
	struct store_seen_contact c = { "1002", NULL, "Robert", NULL };
	int64_t id, id2;

	contacts_fixture();
	ck_assert_int_eq(store_contact_upsert(st, sess, &c, 2000, &id), STORE_OK);
	c.name = NULL;
	ck_assert_int_eq(store_contact_upsert(st, sess, &c, 3000, &id2), STORE_OK);
	ck_assert_int_eq(id, id2);	/* same LID, same row, same position */
	/* The phone learned earlier is kept; the new name is searchable, the old not. */
	ck_assert_str_eq(list(STORE_SOURCE_ANY, NULL, "robert"), "1002g ");
	ck_assert_str_eq(list(STORE_SOURCE_ANY, NULL, "bob"), "");
	ck_assert_str_eq(list(STORE_SOURCE_ANY, NULL, "4155550"), "1002g ");
}
END_TEST

static void
page_through(int limit, const char *q, int insert_every, int *visits, int nvisits)
{
	struct store_contact_query cq = { sess, STORE_SOURCE_ANY, NULL, q, 0, limit };
	struct page p;
	int more = 1, pages = 0;
	char *tok, *save;

	while (more) {
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more),
		    STORE_OK);
		ck_assert_int_le(p.n, limit);
		ck_assert_msg(p.n > 0, "empty page (more must have been 0)");
		for (tok = strtok_r(p.lids, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			int lid = atoi(tok);

			ck_assert_int_lt(lid, nvisits);
			visits[lid]++;
		}
		cq.after = p.last;
		if (insert_every && ++pages % insert_every == 0) {
			char lid[16];

			/* New contacts arrive while a client pages. */
			snprintf(lid, sizeof(lid), "%d", 5000 + pages);
			seen(lid, NULL, "late ann", NULL);
		}
	}
}

START_TEST(contacts_paging_exactly_once)
{
	static const int limits[] = { 1, 2, 3, 7, 50, 199, 200 };
	int visits[6000];
	size_t i;
	int j;
	char lid[16], name[32];

	contacts_fixture();
	for (j = 2000; j < 2300; j++) {
		snprintf(lid, sizeof(lid), "%d", j);
		snprintf(name, sizeof(name), "ann %d", j);
		seen(lid, NULL, name, NULL);
	}
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		memset(visits, 0, sizeof(visits));
		page_through(limits[i], NULL, 3, visits, 6000);
		for (j = 2000; j < 2300; j++)
			ck_assert_msg(visits[j] == 1, "limit %d: lid %d seen %d times",
			    limits[i], j, visits[j]);
		for (j = 0; j < 6000; j++)
			ck_assert_int_le(visits[j], 1);
		/* A search pages the same way, scanning this small session... */
		memset(visits, 0, sizeof(visits));
		page_through(limits[i], "ann", 0, visits, 6000);
		for (j = 2000; j < 2300; j++)
			ck_assert_int_eq(visits[j], 1);
	}
	/* ... and through the trigram index once the session is large. */
	for (j = 3000; j < 4000; j++) {
		snprintf(lid, sizeof(lid), "%d", j);
		snprintf(name, sizeof(name), "bob %d", j);
		seen(lid, NULL, name, NULL);
	}
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		memset(visits, 0, sizeof(visits));
		page_through(limits[i], "ann", 0, visits, 6000);
		for (j = 2000; j < 2300; j++)
			ck_assert_int_eq(visits[j], 1);
	}
}
END_TEST

START_TEST(contacts_full_last_page_has_no_more)
{
	struct store_contact_query cq = { 0, STORE_SOURCE_ANY, NULL, NULL, 0, 7 };
	struct page p;
	int more;

	contacts_fixture();
	cq.session_rowid = sess;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 7);
	ck_assert_int_eq(more, 0);
	cq.limit = 6;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(more, 1);
}
END_TEST

START_TEST(contacts_of_other_session_invisible)
{
	struct store_session s2;
	struct store_contact_query cq = { 0, STORE_SOURCE_ANY, NULL, NULL, 0, 200 };
	struct page p;
	int more;

	contacts_fixture();
	ck_assert_int_eq(store_session_add(st, "T", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "T", &s2), STORE_OK);
	cq.session_rowid = s2.rowid;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 0);
	cq.q = "alice";
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 0);
	/* Removing a session removes its contacts and their index entries. */
	ck_assert_int_eq(store_session_rm(st, "S"), STORE_OK);
	cq.session_rowid = sess;
	ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 0);
}
END_TEST

/* Session id with n contacts "Person i", phones 628..., in s (sess is kept). */
static void
big_session(const char *id, int n, struct store_session *s)
{
	char lid[16], phone[16], name[32];
	int64_t keep = sess;
	int i;

	ck_assert_int_eq(store_session_add(st, id, "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, id, s), STORE_OK);
	sess = s->rowid;
	ck_assert_int_eq(store_begin(st), STORE_OK);
	for (i = 0; i < n; i++) {
		snprintf(lid, sizeof(lid), "%d", 500000 + i);
		snprintf(phone, sizeof(phone), "628%08d", i);
		snprintf(name, sizeof(name), "Person %d", i);
		seen(lid, phone, name, NULL);
	}
	ck_assert_int_eq(store_commit(st), STORE_OK);
	sess = keep;
}

START_TEST(contacts_query_plans)
{
	static const struct {
		int		 line;
		enum store_source src;
		const char	*group, *q, *want;
	} cases[] = {
		{ __LINE__, STORE_SOURCE_ANY, NULL, NULL, "COVERING INDEX contacts_page (session=? AND id>?)" },
		{ __LINE__, STORE_SOURCE_GROUP, NULL, NULL, "COVERING INDEX contacts_page (session=? AND id>?)" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "a", "COVERING INDEX contacts_page" },
		/* a small session's direct chats: its range of contacts_page */
		{ __LINE__, STORE_SOURCE_DM, NULL, NULL, "COVERING INDEX contacts_page (session=? AND id>?)" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "ab", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_ANY, "1@g.us", NULL, "SEARCH m USING PRIMARY KEY" },
		{ __LINE__, STORE_SOURCE_DM, "1@g.us", "alice", "SEARCH m USING PRIMARY KEY" },
		/* a small session is scanned, whatever q */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "alice", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "+628", "COVERING INDEX contacts_page" },
		/* a large one with few direct chats (none) lists them by direct_chats */
		{ __LINE__, STORE_SOURCE_DM, "large", NULL, "INDEX direct_chats_session" },
		{ __LINE__, STORE_SOURCE_DM, "large", "ab", "INDEX direct_chats_session" },
		/* a large one searches its range of the trigram index */
		{ __LINE__, STORE_SOURCE_ANY, "large", "alice", "VIRTUAL TABLE INDEX" },
		{ __LINE__, STORE_SOURCE_DM, "large", "+628", "VIRTUAL TABLE INDEX" },
	};
	struct store_contact_query cq;
	struct store_session big;
	char plan[2048];
	size_t i;

	contacts_fixture();
	big_session("B", 1001, &big);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int large = cases[i].group != NULL && strcmp(cases[i].group, "large") == 0;

		cq = (struct store_contact_query){ large ? big.rowid : sess, cases[i].src,
		    large ? NULL : cases[i].group, cases[i].q, 0, 50 };
		ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
		ck_assert_msg(strstr(plan, cases[i].want) != NULL,
		    "line %d: plan lacks \"%s\":\n%s", cases[i].line, cases[i].want, plan);
		/* Keyset order comes from the index, never from a sort. */
		ck_assert_msg(strstr(plan, "TEMP B-TREE") == NULL,
		    "line %d: sorts:\n%s", cases[i].line, plan);
		ck_assert_msg(strstr(plan, "SCAN c") == NULL,
		    "line %d: scans contacts:\n%s", cases[i].line, plan);
	}
}
END_TEST

/* The contacts in session sid's range of the trigram index (matching fts, or all). */
static int64_t
fts_rows(int64_t sid, const char *fts)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM contacts_fts WHERE %s%s%s"
	    " rowid > (%lld << 40) AND rowid < ((%lld + 1) << 40)",
	    fts ? "contacts_fts MATCH '" : "", fts ? fts : "", fts ? "' AND" : "",
	    (long long)sid, (long long)sid);
	return count_rows(sql);
}

/*
 * Issue 14: the trigram index covered every session and a search dropped
 * the other sessions' rows afterwards, so `q=628` in a session of 9
 * contacts walked the 300,000 of its neighbour (180 ms against 1.2 ms
 * for a scan).  Schema v5: the index is keyed by session and a search
 * asks FTS5 for its session's range, which holds that session's rows
 * alone; a session of at most 1,000 contacts is scanned instead.
 */
START_TEST(contacts_search_scoped_by_session)
{
	struct store_contact_query cq;
	struct store_session b;
	char plan[2048], *line, *end;
	int64_t tiny;
	struct page p;
	int more, n = 0;

	contacts_fixture();		/* S: 7 contacts, one phone with 628 */
	tiny = sess;
	big_session("B", 3000, &b);
	seen("1008", "62899", "late", NULL);	/* an id after all of B's */

	/* Each session's range holds its contacts, and only those. */
	ck_assert_int_eq(fts_rows(tiny, NULL), 8);
	ck_assert_int_eq(fts_rows(b.rowid, NULL), 3000);
	ck_assert_int_eq(fts_rows(tiny, "phone : \"628\""), 2);
	ck_assert_int_eq(fts_rows(b.rowid, "phone : \"628\""), 3000);
	/* Each session counts its contacts. */
	ck_assert_int_eq(count_rows("SELECT contact_count FROM sessions WHERE id = 'S'"), 8);
	ck_assert_int_eq(count_rows("SELECT contact_count FROM sessions WHERE id = 'B'"),
	    3000);
	/* The search finds the session's own, in keyset order. */
	ck_assert_str_eq(list(STORE_SOURCE_ANY, NULL, "+628"), "1001d 1008g ");
	ck_assert_str_eq(list(STORE_SOURCE_ANY, NULL, "son"), "");
	cq = (struct store_contact_query){ b.rowid, STORE_SOURCE_ANY, NULL, "628", 0, 200 };
	do {
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more),
		    STORE_OK);
		n += p.n;
		cq.after = p.last;
	} while (more);
	ck_assert_int_eq(n, 3000);
	/* The small session scans its own rows; the large one's search is
	 * bounded: FTS5's index string has rowid >= ('>') and <= ('<'). */
	cq = (struct store_contact_query){ tiny, STORE_SOURCE_ANY, NULL, "628", 0, 50 };
	ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
	ck_assert_msg(strstr(plan, "COVERING INDEX contacts_page") != NULL &&
	    strstr(plan, "VIRTUAL TABLE") == NULL, "small session: %s", plan);
	cq.session_rowid = b.rowid;
	ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
	ck_assert_ptr_nonnull(line = strstr(plan, "VIRTUAL TABLE INDEX"));
	ck_assert_ptr_nonnull(end = strchr(line, '\n'));
	*end = '\0';
	ck_assert_msg(strchr(line, '>') != NULL && strchr(line, '<') != NULL,
	    "the search is not bounded to the session: %s", line);
	/* Removing a session takes its range out of the index. */
	ck_assert_int_eq(store_session_rm(st, "B"), STORE_OK);
	ck_assert_int_eq(fts_rows(b.rowid, NULL), 0);
	ck_assert_int_eq(fts_rows(tiny, NULL), 8);
	ck_assert_int_eq(count_rows("SELECT contact_count FROM sessions WHERE id = 'S'"), 8);
}
END_TEST

/* Every match of q in session sid, over all pages: "lid lid ...". */
static const char *
search_all(int64_t sid, const char *q)
{
	static char out[65536];
	struct store_contact_query cq = { sid, STORE_SOURCE_ANY, NULL, q, 0, 100 };
	struct page p;
	int more;

	out[0] = '\0';
	do {
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more),
		    STORE_OK);
		ck_assert_uint_lt(strlen(out) + strlen(p.lids), sizeof(out));
		strcat(out, p.lids);
		cq.after = p.last;
	} while (more);
	return out;
}

/*
 * Contacts stored a batch at a time leave the search index in many
 * segments; store_search_tidy merges them into one in bounded steps, and
 * every search finds what it found before.
 */
START_TEST(search_tidy_merges_and_finds_the_same)
{
	static const char *const qs[] = { "628000", "son 12", "+6280000019", "rson 2" };
	char lid[16], phone[16], name[32], *before[4];
	struct store_session b;
	struct store *rd;
	char err[256];
	int i, done, steps = 0;

	ck_assert_int_eq(store_org_add(st, "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "B", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "B", &b), STORE_OK);
	sess = b.rowid;
	for (i = 0; i < 3000; i++) {
		if (i % 50 == 0)
			ck_assert_int_eq(store_begin(st), STORE_OK);
		snprintf(lid, sizeof(lid), "%d", 500000 + i);
		snprintf(phone, sizeof(phone), "628%08d", i);
		snprintf(name, sizeof(name), "Person %d", i);
		seen(lid, phone, name, NULL);
		if (i % 50 == 49)
			ck_assert_int_eq(store_commit(st), STORE_OK);
	}
	ck_assert_int_gt(count_rows("SELECT count(DISTINCT segid) FROM contacts_fts_idx"), 1);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(before[i] = strdup(search_all(b.rowid, qs[i])));
		ck_assert_str_ne(before[i], "");
	}

	do {
		ck_assert_int_eq(store_begin(st), STORE_OK);
		ck_assert_int_eq(store_search_tidy(st, 20, steps == 0, &done), STORE_OK);
		ck_assert_int_eq(store_commit(st), STORE_OK);
		ck_assert_int_lt(++steps, 1000);
	} while (!done);
	ck_assert_int_gt(steps, 2);		/* bounded steps, not one big one */
	ck_assert_int_eq(count_rows("SELECT count(DISTINCT segid) FROM contacts_fts_idx"), 1);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(search_all(b.rowid, qs[i]), before[i]);
		free(before[i]);
	}

	/* Merged already: a new pass has nothing to do. */
	ck_assert_int_eq(store_search_tidy(st, 20, 1, &done), STORE_OK);
	ck_assert_int_eq(done, 1);
	/* Only the writer, and a step writes something. */
	ck_assert_int_eq(store_search_tidy(st, 0, 1, &done), STORE_ERROR);
	ck_assert_int_eq(store_open(&rd, dbpath, STORE_READER, 2000, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_search_tidy(rd, 20, 1, &done), STORE_ERROR);
	store_close(rd);
}
END_TEST

/* A reader's snapshot spans its queries; a writer commits beside it. */
START_TEST(read_snapshot)
{
	struct store_contact_query cq = { 0, STORE_SOURCE_ANY, NULL, NULL, 0, 200 };
	struct store_session s;
	struct store *r;
	struct page p;
	char err[256];
	int more;

	contacts_fixture();
	cq.session_rowid = sess;
	ck_assert_int_eq(store_open(&r, dbpath, STORE_READER, 200, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_read_end(r), STORE_OK);		/* none open: harmless */
	ck_assert_int_eq(store_read_begin(r), STORE_OK);
	ck_assert_int_eq(store_session_lookup(r, "S", &s), STORE_OK);
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(r, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 7);
	/* WAL: the writer is not blocked, and the snapshot does not see it. */
	seen("4001", NULL, "late", NULL);
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(r, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 7);
	ck_assert_int_eq(store_read_end(r), STORE_OK);
	ck_assert_int_eq(store_read_end(r), STORE_OK);
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(r, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_int_eq(p.n, 8);
	store_close(r);
}
END_TEST

START_TEST(check_cache)
{
	struct store_check c = { 1, "14155550123@s.whatsapp.net", 10000 }, got;

	contacts_fixture();
	ck_assert_int_eq(store_check_get(st, sess, "14155550123", 10000, 1000, &got),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_check_put(st, sess, "14155550123", &c), STORE_OK);
	ck_assert_int_eq(store_check_get(st, sess, "14155550123", 10999, 1000, &got), STORE_OK);
	ck_assert_int_eq(got.on_whatsapp, 1);
	ck_assert_str_eq(got.jid, "14155550123@s.whatsapp.net");
	ck_assert_int_eq(store_check_get(st, sess, "14155550123", 11000, 1000, &got),
	    STORE_NOTFOUND);
	c.on_whatsapp = 0;
	c.checked_ms = 20000;
	ck_assert_int_eq(store_check_put(st, sess, "14155550123", &c), STORE_OK);
	ck_assert_int_eq(store_check_get(st, sess, "14155550123", 20001, 1000, &got), STORE_OK);
	ck_assert_int_eq(got.on_whatsapp, 0);
	ck_assert_str_eq(got.jid, "");
}
END_TEST

START_TEST(reader_busy_is_reported_within_bound)
{
	struct store *r = NULL;
	sqlite3 *locker;
	char err[256];
	int64_t t0;

	contacts_fixture();
	store_close(st);
	st = NULL;
	/* A connection that keeps an exclusive lock, as a stuck writer would. */
	ck_assert_int_eq(sqlite3_open(dbpath, &locker), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(locker, "PRAGMA locking_mode=EXCLUSIVE;"
	    "BEGIN EXCLUSIVE; UPDATE organizations SET name = 'x';", NULL, NULL, NULL),
	    SQLITE_OK);
	t0 = clock_mono_ms();
	ck_assert_int_eq(store_open(&r, dbpath, STORE_READER, 300, err, sizeof(err)),
	    STORE_BUSY);
	ck_assert_int_ge(clock_mono_ms() - t0, 250);	/* it waited its bound */
	ck_assert_int_lt(clock_mono_ms() - t0, 5000);	/* and no longer */
	ck_assert_ptr_null(r);
	sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(locker);
	ck_assert_int_eq(store_open(&r, dbpath, STORE_READER, 300, err, sizeof(err)), STORE_OK);
	store_close(r);
}
END_TEST

/* ---- groups, members, one contact ---- */

struct gpage {
	char	 text[16384];
	int64_t	 last;
	int	 n;
};

static int
collect_group(const struct store_group *g, void *arg)
{
	struct gpage *p = arg;
	size_t used = strlen(p->text);

	snprintf(p->text + used, sizeof(p->text) - used, "%s;", g->jid);
	p->last = g->key;
	p->n++;
	return 0;
}

static const char *
groups_q(const char *q)
{
	static struct gpage p;
	struct store_group_query gq = { sess, q, 0, 200 };
	int more;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_groups_page(st, &gq, collect_group, &p, &more), STORE_OK);
	ck_assert_int_eq(more, 0);
	return p.text;
}

static int
copy_group(const struct store_group *g, void *arg)
{
	struct store_group *out = arg;

	*out = *g;
	/* Only the numbers outlive the callback; strings are checked inside. */
	out->jid = out->subject = out->description = out->owner_jid = NULL;
	return 0;
}

struct gtext {
	char	 subject[64], description[64], owner[64];
	int	 has_subject, has_description, has_owner;
	struct store_group g;
};

static int
copy_group_text(const struct store_group *g, void *arg)
{
	struct gtext *t = arg;

	t->g = *g;
	t->has_subject = g->subject != NULL;
	t->has_description = g->description != NULL;
	t->has_owner = g->owner_jid != NULL;
	snprintf(t->subject, sizeof(t->subject), "%s", g->subject ? g->subject : "");
	snprintf(t->description, sizeof(t->description), "%s",
	    g->description ? g->description : "");
	snprintf(t->owner, sizeof(t->owner), "%s", g->owner_jid ? g->owner_jid : "");
	return 0;
}

START_TEST(groups_keep_what_a_report_does_not_say)
{
	struct store_seen_group g = { "120363000000000001@g.us", "Team", "Weekly sync",
	    "1001@lid", 42, 1, 0, INT64_C(1700000000000) };
	struct gtext t;
	int64_t id, id2;

	contacts_fixture();
	ck_assert_int_eq(store_group_seen(st, sess, &g, 5000, &id), STORE_OK);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(store_group_get(st, sess, g.jid, copy_group_text, &t), STORE_OK);
	ck_assert_str_eq(t.subject, "Team");
	ck_assert_str_eq(t.description, "Weekly sync");
	ck_assert_str_eq(t.owner, "1001@lid");
	ck_assert_int_eq(t.g.key, id);
	ck_assert_int_eq(t.g.size, 42);
	ck_assert_int_eq(t.g.announce, 1);
	ck_assert_int_eq(t.g.locked, 0);
	ck_assert_int_eq(t.g.created_ms, INT64_C(1700000000000));
	ck_assert_int_eq(t.g.first_seen_ms, 5000);
	ck_assert_int_eq(t.g.updated_ms, 5000);
	/* A report that says nothing new keeps everything, updated_ms too. */
	g = (struct store_seen_group){ g.jid, NULL, NULL, NULL, -1, -1, -1, 0 };
	ck_assert_int_eq(store_group_seen(st, sess, &g, 6000, &id2), STORE_OK);
	ck_assert_int_eq(id2, id);
	ck_assert_int_eq(store_group_get(st, sess, g.jid, copy_group_text, &t), STORE_OK);
	ck_assert_str_eq(t.subject, "Team");
	ck_assert_int_eq(t.g.size, 42);
	ck_assert_int_eq(t.g.updated_ms, 5000);
	g.subject = "Team";
	g.size = 42;
	ck_assert_int_eq(store_group_seen(st, sess, &g, 6500, NULL), STORE_OK);
	ck_assert_int_eq(store_group_get(st, sess, g.jid, copy_group_text, &t), STORE_OK);
	ck_assert_int_eq(t.g.updated_ms, 5000);
	/* A change moves it; a removed description is "" (the API omits it). */
	g = (struct store_seen_group){ g.jid, "Team 2", "", NULL, 41, -1, 1, 0 };
	ck_assert_int_eq(store_group_seen(st, sess, &g, 7000, NULL), STORE_OK);
	ck_assert_int_eq(store_group_get(st, sess, g.jid, copy_group_text, &t), STORE_OK);
	ck_assert_str_eq(t.subject, "Team 2");
	ck_assert(t.has_description && t.description[0] == '\0');
	ck_assert_str_eq(t.owner, "1001@lid");
	ck_assert_int_eq(t.g.size, 41);
	ck_assert_int_eq(t.g.announce, 1);
	ck_assert_int_eq(t.g.locked, 1);
	ck_assert_int_eq(t.g.first_seen_ms, 5000);
	ck_assert_int_eq(t.g.updated_ms, 7000);
	/* The old subject is no longer found, the new one is. */
	ck_assert_str_eq(groups_q("team 2"), "120363000000000001@g.us;");
	/* Unknown stays unknown. */
	ck_assert_int_eq(store_group_get(st, sess, "111-222@g.us", copy_group_text, &t),
	    STORE_OK);
	ck_assert(!t.has_subject && !t.has_description && !t.has_owner);
	ck_assert_int_eq(t.g.size, -1);
	ck_assert_int_eq(t.g.announce, -1);
	ck_assert_int_eq(t.g.locked, -1);
	ck_assert_int_eq(t.g.created_ms, 0);
	ck_assert_int_eq(store_group_get(st, sess, "999@g.us", copy_group_text, &t),
	    STORE_NOTFOUND);
}
END_TEST

START_TEST(groups_search_folds_subjects)
{
	static const struct {
		int		 line;
		const char	*q, *want;
	} cases[] = {
		{ __LINE__, NULL, "120363021234567890@g.us;111-222@g.us;1@g.us;2@g.us;3@g.us;4@g.us;5@g.us;" },
		{ __LINE__, "", "120363021234567890@g.us;111-222@g.us;1@g.us;2@g.us;3@g.us;4@g.us;5@g.us;" },
		{ __LINE__, "team", "120363021234567890@g.us;" },
		{ __LINE__, "TEAM", "120363021234567890@g.us;" },
		{ __LINE__, "strasse", "1@g.us;" },		/* ß folds to ss */
		{ __LINE__, "STRASSE", "1@g.us;" },
		{ __LINE__, "straße", "1@g.us;" },
		{ __LINE__, "ärger", "1@g.us;" },
		{ __LINE__, "ΟΔΥΣΣΕΎΣ", "2@g.us;" },		/* final sigma */
		{ __LINE__, "οδυσσεύς", "2@g.us;" },
		{ __LINE__, "e\xcc\x81mile", "3@g.us;" },	/* NFC: é */
		{ __LINE__, "ÉMILE", "3@g.us;" },
		{ __LINE__, "山田", "4@g.us;" },
		{ __LINE__, "%", "5@g.us;" },			/* '%' and '_' are ordinary */
		{ __LINE__, "0%_", "5@g.us;" },
		{ __LINE__, "_", "5@g.us;" },
		{ __LINE__, "e", "120363021234567890@g.us;1@g.us;2@g.us;3@g.us;5@g.us;" },
		{ __LINE__, "nobody", "" },
	};
	size_t i;

	contacts_fixture();
	ck_assert_int_eq(store_group_upsert(st, sess, "1@g.us", "Ärger in der Straße", 1, NULL),
	    STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "2@g.us", "Οδυσσεύς crew", 1, NULL),
	    STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "3@g.us", "Émile's", 1, NULL), STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "4@g.us", "山田家", 1, NULL), STORE_OK);
	ck_assert_int_eq(store_group_upsert(st, sess, "5@g.us", "100%_sure", 1, NULL), STORE_OK);
	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = groups_q(cases[i].q);

		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "line %d: got \"%s\", want \"%s\"", cases[i].line, got, cases[i].want);
	}
}
END_TEST

/* Pages through the groups (limit, q), storing a new group every page. */
static void
groups_page_through(int limit, const char *q, int *visits, int nvisits)
{
	struct store_group_query gq = { sess, q, 0, limit };
	struct gpage p;
	int more = 1, pages = 0;
	char *tok, *save;

	while (more) {
		char jid[32];

		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_groups_page(st, &gq, collect_group, &p, &more),
		    STORE_OK);
		ck_assert_int_le(p.n, limit);
		ck_assert_msg(p.n > 0, "empty page (more must have been 0)");
		for (tok = strtok_r(p.text, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			long n = strtol(tok, NULL, 10);

			/* The fixture's own groups are not counted. */
			if (strlen(tok) < 16) {
				ck_assert(n >= 0 && n < nvisits);
				visits[n]++;
			}
		}
		gq.after = p.last;
		/* A new group arrives while a client pages (the first pages:
		 * with limit 1, one a page would never end). */
		if (++pages > 10)
			continue;
		snprintf(jid, sizeof(jid), "%d@g.us", 5000 + limit * 100 + pages);
		ck_assert_int_eq(store_group_upsert(st, sess, jid, "late group", 1, NULL),
		    STORE_OK);
		/* And a known one changes: its position stays. */
		ck_assert_int_eq(store_group_upsert(st, sess, "1000@g.us", "group renamed",
		    2, NULL), STORE_OK);
	}
}

START_TEST(groups_paging_exactly_once_under_inserts)
{
	static const int limits[] = { 1, 2, 3, 7, 50, 199, 200 };
	int visits[30000];
	size_t i;
	int j;
	char jid[32];

	contacts_fixture();
	for (j = 1000; j < 1250; j++) {
		snprintf(jid, sizeof(jid), "%d@g.us", j);
		ck_assert_int_eq(store_group_upsert(st, sess, jid, "group", 1, NULL), STORE_OK);
	}
	for (i = 0; i < N_ELEM(limits); i++) {
		memset(visits, 0, sizeof(visits));
		groups_page_through(limits[i], NULL, visits, 30000);
		for (j = 1000; j < 1250; j++)
			ck_assert_msg(visits[j] == 1, "limit %d: group %d seen %d times",
			    limits[i], j, visits[j]);
		for (j = 0; j < 30000; j++)
			ck_assert_int_le(visits[j], 1);
		/* With q the same. */
		memset(visits, 0, sizeof(visits));
		groups_page_through(limits[i], "GROUP", visits, 30000);
		for (j = 1001; j < 1250; j++)
			ck_assert_msg(visits[j] == 1, "limit %d, q: group %d seen %d times",
			    limits[i], j, visits[j]);
	}
}
END_TEST

struct mpage {
	char	 text[16384];
	int64_t	 last;
	int	 n;
};

static int
collect_member(const struct store_member *m, void *arg)
{
	struct mpage *p = arg;
	size_t used = strlen(p->text);

	snprintf(p->text + used, sizeof(p->text) - used, "%s %s %s %s %s %lld %lld;",
	    m->lid, m->role, m->phone ? m->phone : "-", m->name ? m->name : "-",
	    m->tag ? m->tag : "-", (long long)m->first_seen_ms, (long long)m->last_seen_ms);
	p->last = m->key;
	p->n++;
	return 0;
}

static const char *
members(const char *jid, const char *role)
{
	static struct mpage p;
	struct store_group g;
	struct store_member_query mq = { 0, role, 0, 200 };
	int more;

	ck_assert_int_eq(store_group_get(st, sess, jid, copy_group, &g), STORE_OK);
	mq.group_id = g.key;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_members_page(st, &mq, collect_member, &p, &more), STORE_OK);
	ck_assert_int_eq(more, 0);
	return p.text;
}

#define GT "120363021234567890@g.us"

START_TEST(members_roles_tags_and_who_left)
{
	int64_t gid, id;

	contacts_fixture();
	ck_assert_str_eq(members(GT, NULL),
	    "1001 admin 6281234567890 Alice ~Alice 1000 1000;"
	    "1002 member 14155550123 Bob - 1000 1000;"
	    "1006 member 79161234567 Дмитрий - 1000 1000;");
	ck_assert_str_eq(members(GT, "admin"), "1001 admin 6281234567890 Alice ~Alice 1000 1000;");
	ck_assert_str_eq(members(GT, "superadmin"), "");
	ck_assert_str_eq(members("111-222@g.us", "superadmin"),
	    "1003 superadmin - ÄRGER Straße - 1000 1000;");
	/* A role change and a new tag; first seen stays. */
	ck_assert_int_eq(store_group_upsert(st, sess, GT, NULL, 2000, &gid), STORE_OK);
	id = seen("1002", NULL, NULL, NULL);
	ck_assert_int_eq(store_member_upsert(st, gid, id, "superadmin", "~Bobby", 2000),
	    STORE_OK);
	ck_assert_str_eq(members(GT, "superadmin"),
	    "1002 superadmin 14155550123 Bob ~Bobby 1000 2000;");
	/* Who left is no longer listed. */
	ck_assert_int_eq(store_member_remove(st, gid, sess, "1006"), STORE_OK);
	ck_assert_str_eq(members(GT, NULL),
	    "1001 admin 6281234567890 Alice ~Alice 1000 1000;"
	    "1002 superadmin 14155550123 Bob ~Bobby 1000 2000;");
	/* A complete report of Alice alone: Bob has left too. */
	id = seen("1001", NULL, NULL, NULL);
	ck_assert_int_eq(store_member_upsert(st, gid, id, "admin", NULL, 3000), STORE_OK);
	ck_assert_int_eq(store_members_prune(st, gid, 3000), STORE_OK);
	ck_assert_str_eq(members(GT, NULL), "1001 admin 6281234567890 Alice ~Alice 1000 3000;");
	/* The other group is untouched. */
	ck_assert_int_eq(count_rows("SELECT count(*) FROM group_members"), 5);
}
END_TEST

START_TEST(members_paging_exactly_once_under_inserts)
{
	static const int limits[] = { 1, 2, 7, 50, 200 };
	struct store_group g;
	struct store_member_query mq;
	struct mpage p;
	int visits[20000], more, pages;
	int64_t gid, id;
	size_t i;
	int j;
	char lid[16], *tok, *save;

	contacts_fixture();
	ck_assert_int_eq(store_group_upsert(st, sess, "7@g.us", "big", 1, &gid), STORE_OK);
	for (j = 2000; j < 2300; j++) {
		snprintf(lid, sizeof(lid), "%d", j);
		id = seen(lid, NULL, NULL, NULL);
		ck_assert_int_eq(store_member_upsert(st, gid, id, j % 10 ? "member" : "admin",
		    NULL, 1), STORE_OK);
	}
	ck_assert_int_eq(store_group_get(st, sess, "7@g.us", copy_group, &g), STORE_OK);
	for (i = 0; i < N_ELEM(limits); i++) {
		memset(visits, 0, sizeof(visits));
		mq = (struct store_member_query){ g.key, NULL, 0, limits[i] };
		more = 1;
		pages = 0;
		while (more) {
			memset(&p, 0, sizeof(p));
			ck_assert_int_eq(store_members_page(st, &mq, collect_member, &p, &more),
			    STORE_OK);
			ck_assert_int_le(p.n, limits[i]);
			ck_assert_int_gt(p.n, 0);
			for (tok = strtok_r(p.text, ";", &save); tok;
			    tok = strtok_r(NULL, ";", &save))
				visits[atoi(tok)]++;
			mq.after = p.last;
			/* Someone new joins, someone known changes role (the
			 * first pages: with limit 1, one a page would never end). */
			if (++pages > 10)
				continue;
			snprintf(lid, sizeof(lid), "%d", 10000 + (int)i * 100 + pages);
			id = seen(lid, NULL, NULL, NULL);
			ck_assert_int_eq(store_member_upsert(st, gid, id, "member", NULL, 2),
			    STORE_OK);
			id = seen("2150", NULL, NULL, NULL);
			ck_assert_int_eq(store_member_upsert(st, gid, id, "superadmin", NULL, 2),
			    STORE_OK);
		}
		for (j = 2000; j < 2300; j++)
			ck_assert_msg(visits[j] == 1, "limit %d: member %d seen %d times",
			    limits[i], j, visits[j]);
		for (j = 0; j < 20000; j++)
			ck_assert_int_le(visits[j], 1);
	}
	/* role: only that role, paged the same way (2150 is superadmin now). */
	mq = (struct store_member_query){ g.key, "admin", 0, 3 };
	memset(visits, 0, sizeof(visits));
	for (more = 1; more; mq.after = p.last) {
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_members_page(st, &mq, collect_member, &p, &more), STORE_OK);
		for (tok = strtok_r(p.text, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
			visits[atoi(tok)]++;
	}
	for (j = 2000; j < 2300; j++)
		ck_assert_int_eq(visits[j], (j % 10 == 0 && j != 2150) ? 1 : 0);
}
END_TEST

struct detail {
	char	 text[1024];
	int64_t	 id;
};

static int
collect_detail(const struct store_contact_detail *c, void *arg)
{
	struct detail *d = arg;

	snprintf(d->text, sizeof(d->text), "%s %s %s %s %s %lld %lld %d", c->lid,
	    c->phone ? c->phone : "-", c->phone_jid ? c->phone_jid : "-",
	    c->name ? c->name : "-", c->business_name ? c->business_name : "-",
	    (long long)c->first_seen_ms, (long long)c->updated_ms, c->has_dm);
	d->id = c->id;
	return 0;
}

static int
collect_contact_group(const struct store_contact_group *g, void *arg)
{
	char *out = arg;
	size_t used = strlen(out);

	snprintf(out + used, 1024 - used, "%s %s %s %s %lld;", g->jid,
	    g->subject ? g->subject : "-", g->role, g->tag ? g->tag : "-",
	    (long long)g->last_seen_ms);
	return 0;
}

START_TEST(contact_detail_and_its_groups)
{
	struct store_session s2;
	struct detail d;
	char groups[1024];

	contacts_fixture();
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(store_contact_get(st, sess, "1001", collect_detail, &d), STORE_OK);
	ck_assert_str_eq(d.text, "1001 6281234567890 6281234567890@s.whatsapp.net Alice "
	    "Acme Corp 1000 1000 1");
	groups[0] = '\0';
	ck_assert_int_eq(store_contact_groups(st, d.id, collect_contact_group, groups),
	    STORE_OK);
	ck_assert_str_eq(groups, GT " Team admin ~Alice 1000;");
	/* In two groups, no direct chat, no phone. */
	ck_assert_int_eq(store_contact_get(st, sess, "1003", collect_detail, &d), STORE_OK);
	ck_assert_str_eq(d.text, "1003 - - ÄRGER Straße - 1000 1000 0");
	ck_assert_int_eq(store_contact_get(st, sess, "1006", collect_detail, &d), STORE_OK);
	groups[0] = '\0';
	ck_assert_int_eq(store_contact_groups(st, d.id, collect_contact_group, groups),
	    STORE_OK);
	ck_assert_str_eq(groups, GT " Team member - 1000;111-222@g.us - member - 1000;");
	/* In none: an empty list. */
	ck_assert_int_eq(store_contact_get(st, sess, "1004", collect_detail, &d), STORE_OK);
	groups[0] = '\0';
	ck_assert_int_eq(store_contact_groups(st, d.id, collect_contact_group, groups),
	    STORE_OK);
	ck_assert_str_eq(groups, "");
	/* Unknown here, and another session's contact, are not found. */
	ck_assert_int_eq(store_contact_get(st, sess, "9999", collect_detail, &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_session_add(st, "T", "acme", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(st, "T", &s2), STORE_OK);
	ck_assert_int_eq(store_contact_get(st, s2.rowid, "1001", collect_detail, &d),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_group_get(st, s2.rowid, GT, copy_group_text, &d),
	    STORE_NOTFOUND);
}
END_TEST

START_TEST(groups_and_members_query_plans)
{
	static const struct {
		int		 line;
		int		 members;
		const char	*filter;	/* q or role */
		const char	*want;
	} cases[] = {
		{ __LINE__, 0, NULL, "SEARCH g USING INDEX groups_session (session=? AND rowid>?)" },
		{ __LINE__, 0, "team", "SEARCH g USING INDEX groups_session (session=? AND rowid>?)" },
		{ __LINE__, 0, "t", "SEARCH g USING INDEX groups_session (session=? AND rowid>?)" },
		{ __LINE__, 1, NULL, "SEARCH m USING PRIMARY KEY (grp=? AND contact>?)" },
		{ __LINE__, 1, "admin", "SEARCH m USING PRIMARY KEY (grp=? AND contact>?)" },
		{ __LINE__, 1, NULL, "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)" },
	};
	struct store_group_query gq;
	struct store_member_query mq;
	char plan[2048];
	size_t i;

	contacts_fixture();
	for (i = 0; i < N_ELEM(cases); i++) {
		if (cases[i].members) {
			mq = (struct store_member_query){ 1, cases[i].filter, 0, 50 };
			ck_assert_int_eq(store_members_plan(st, &mq, plan, sizeof(plan)), STORE_OK);
		} else {
			gq = (struct store_group_query){ sess, cases[i].filter, 0, 50 };
			ck_assert_int_eq(store_groups_plan(st, &gq, plan, sizeof(plan)), STORE_OK);
		}
		ck_assert_msg(strstr(plan, cases[i].want) != NULL,
		    "line %d: plan lacks \"%s\":\n%s", cases[i].line, cases[i].want, plan);
		/* Keyset order comes from the index, never from a sort. */
		ck_assert_msg(strstr(plan, "TEMP B-TREE") == NULL,
		    "line %d: sorts:\n%s", cases[i].line, plan);
		ck_assert_msg(strstr(plan, "SCAN") == NULL,
		    "line %d: scans:\n%s", cases[i].line, plan);
	}
}
END_TEST

/* Runs sql (no parameters) on the test's own connection to path. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s",
	    sql, msg ? msg : "");
	sqlite3_close(db);
}

/*
 * Schema v7: the source filters read contacts_page alone.  in_group
 * follows memberships as they come and go (a contact stays in_group
 * while any group keeps it), dm_count follows direct chats, and a large
 * session lists its direct chats by direct_chats only while they are
 * rarer than 1 in 10 of its contacts.
 */
START_TEST(contacts_source_kept_in_the_row)
{
	struct store_contact_query cq;
	struct store_session b;
	char plan[2048], sql[256];
	int64_t g1, g2;

	contacts_fixture();
	g1 = count_rows("SELECT id FROM groups WHERE jid = '" GT "'");
	g2 = count_rows("SELECT id FROM groups WHERE jid = '111-222@g.us'");
	ck_assert_int_eq(count_rows("SELECT dm_count FROM sessions WHERE id = 'S'"), 2);
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE in_group"), 6);
	ck_assert_str_eq(list(STORE_SOURCE_GROUP, NULL, NULL),
	    "1001d 1002g 1003g 1005g 1006g 1007g ");
	/* 1006 leaves g1 but is still in g2; then leaves g2 too. */
	ck_assert_int_eq(store_member_remove(st, g1, sess, "1006"), STORE_OK);
	ck_assert_str_eq(list(STORE_SOURCE_GROUP, NULL, NULL),
	    "1001d 1002g 1003g 1005g 1006g 1007g ");
	ck_assert_int_eq(store_member_remove(st, g2, sess, "1006"), STORE_OK);
	ck_assert_str_eq(list(STORE_SOURCE_GROUP, NULL, NULL),
	    "1001d 1002g 1003g 1005g 1007g ");
	/* Back in a group; then a report of g2 lists nobody: the rest leave. */
	ck_assert_int_eq(store_member_upsert(st, g1,
	    count_rows("SELECT id FROM contacts WHERE lid = '1006'"), "member", NULL, 1001),
	    STORE_OK);
	ck_assert_int_eq(store_members_prune(st, g2, 1002), STORE_OK);
	ck_assert_str_eq(list(STORE_SOURCE_GROUP, NULL, NULL), "1001d 1002g 1006g ");
	ck_assert_int_eq(count_rows("SELECT count(*) FROM contacts WHERE in_group"), 3);
	/* A deleted group takes its memberships along (cascade). */
	snprintf(sql, sizeof(sql), "PRAGMA foreign_keys=ON; DELETE FROM groups WHERE id = %lld",
	    (long long)g1);
	raw_exec(dbpath, sql);
	ck_assert_str_eq(list(STORE_SOURCE_GROUP, NULL, NULL), "");
	ck_assert_str_eq(list(STORE_SOURCE_DM, NULL, NULL), "1001d 1004d ");

	/* 1,001 contacts, no direct chat: direct_chats drives ... */
	big_session("B", 1001, &b);
	cq = (struct store_contact_query){ b.rowid, STORE_SOURCE_DM, NULL, NULL, 0, 50 };
	ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
	ck_assert_msg(strstr(plan, "direct_chats_session") != NULL, "plan: %s", plan);
	/* ... until 1 in 10 of them has one (100 of 1,001 is fewer). */
	snprintf(sql, sizeof(sql), "INSERT INTO direct_chats SELECT id, session, 1, 1"
	    " FROM contacts WHERE session = %lld ORDER BY id LIMIT 100", (long long)b.rowid);
	raw_exec(dbpath, sql);
	ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
	ck_assert_msg(strstr(plan, "direct_chats_session") != NULL, "plan: %s", plan);
	snprintf(sql, sizeof(sql), "INSERT INTO direct_chats SELECT id, session, 1, 1"
	    " FROM contacts WHERE session = %lld ORDER BY id DESC LIMIT 1", (long long)b.rowid);
	raw_exec(dbpath, sql);
	ck_assert_int_eq(count_rows("SELECT dm_count FROM sessions WHERE id = 'B'"), 101);
	ck_assert_int_eq(store_contacts_plan(st, &cq, plan, sizeof(plan)), STORE_OK);
	ck_assert_msg(strstr(plan, "COVERING INDEX contacts_page") != NULL, "plan: %s", plan);
	/* Either way the same page: the 101, in keyset order. */
	cq.limit = 200;
	{
		struct page p;
		int more;

		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(store_contacts_page(st, &cq, collect_contact, &p, &more),
		    STORE_OK);
		ck_assert_int_eq(p.n, 101);
		ck_assert_int_eq(more, 0);
		ck_assert_int_eq(p.last, count_rows("SELECT max(id) FROM contacts"));
	}
	/* A deleted contact's direct chat goes, and is counted out. */
	raw_exec(dbpath, "PRAGMA foreign_keys=ON; DELETE FROM contacts WHERE lid = '1004'");
	ck_assert_int_eq(count_rows("SELECT dm_count FROM sessions WHERE id = 'S'"), 1);
	ck_assert_str_eq(list(STORE_SOURCE_DM, NULL, NULL), "1001d ");
}
END_TEST

/*
 * A database as round 1 left it (schema v1, written with v1's columns)
 * migrates to this version keeping every organization, key, session,
 * contact with its id (the keyset position a cursor holds), direct chat,
 * group, membership, cached check and the cursor key; its group subjects
 * become searchable.  The responder's side of the cursors is
 * check_handle_groups (a cursor issued before the migration still works).
 */
START_TEST(migrate_round_one_keeps_every_row_and_cursor)
{
	unsigned char k1[STORE_CURSOR_KEY_LEN], k2[STORE_CURSOR_KEY_LEN];
	struct store_contact_query cq = { 0, STORE_SOURCE_ANY, NULL, NULL, 0, 3 };
	struct store_session s;
	struct store_check cc;
	struct store_key key;
	struct store *old;
	struct page p;
	char err[256], path[320], *before;
	int v, more, i;

	snprintf(path, sizeof(path), "%s/round1.db", dir);
	ck_assert_int_eq(store_open(&old, path, STORE_WRITER, 2000, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_migrate_to(old, 1), STORE_OK);
	ck_assert_int_eq(store_schema_version(old, &v), STORE_OK);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(store_cursor_key(old, k1), STORE_OK);
	store_close(old);
	/* Round 1's wagw-admin and daemon wrote these columns. */
	raw_exec(path,
	    "INSERT INTO organizations VALUES ('acme', 'Acme', 1);"
	    "INSERT INTO api_keys (id, org_id, name, prefix, secret_hash, permissions,"
	    " created_ms) VALUES ('k1', 'acme', 'ci', 'wa_abc', x'00', 1, 1);"
	    "INSERT INTO sessions (sid, id, org_id, label, created_ms, updated_ms)"
	    " VALUES (7, 'S', 'acme', 'old', 1, 1);"
	    /* ids with gaps, as deletes and the AUTOINCREMENT left them */
	    "INSERT INTO contacts (id, session, lid, phone, phone_jid, push_name,"
	    " name_folded, first_seen_ms, updated_ms) VALUES"
	    " (3, 7, '1001', '6281234567890', '6281234567890@s.whatsapp.net', 'Alice',"
	    "  'alice', 10, 10),"
	    " (8, 7, '1002', NULL, NULL, 'Bob', 'bob', 11, 11),"
	    " (9, 7, '1003', '14155550123', '14155550123@s.whatsapp.net', 'Ärger',"
	    "  'ärger', 12, 12),"
	    " (15, 7, '1004', NULL, NULL, NULL, NULL, 13, 13),"
	    " (16, 7, '1005', '4915112345678', '4915112345678@s.whatsapp.net', 'Dora',"
	    "  'dora', 14, 14);"
	    "INSERT INTO direct_chats VALUES (3, 7, 10, 20), (16, 7, 14, 20);"
	    "INSERT INTO groups (id, session, jid, subject, first_seen_ms, updated_ms)"
	    " VALUES (4, 7, '120363021234567890@g.us', 'Straßenfest', 10, 10),"
	    " (5, 7, '111-222@g.us', NULL, 10, 10);"
	    "INSERT INTO group_members VALUES (4, 3, 'admin', '~A', 10, 20),"
	    " (4, 8, 'member', NULL, 11, 20), (5, 9, 'superadmin', NULL, 12, 20);"
	    "INSERT INTO check_cache VALUES (7, '14155550123', 1,"
	    " '14155550123@s.whatsapp.net', 30);");
	ck_assert_int_eq(store_open(&old, path, STORE_WRITER, 2000, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_migrate(old), STORE_OK);
	ck_assert_int_eq(store_schema_version(old, &v), STORE_OK);
	ck_assert_int_eq(v, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_cursor_key(old, k2), STORE_OK);
	ck_assert_mem_eq(k1, k2, sizeof(k1));
	ck_assert_int_eq(store_org_exists(old, "acme"), STORE_OK);
	ck_assert_int_eq(store_session_lookup(old, "S", &s), STORE_OK);
	ck_assert_int_eq(s.rowid, 7);
	/* Every contact, in the same keyset order, with the same positions:
	 * page one ends at id 9, and "after 9" (what its cursor holds)
	 * continues at the same place. */
	cq.session_rowid = 7;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(old, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_str_eq(p.lids, "1001d 1002g 1003g ");
	ck_assert_int_eq(p.last, 9);
	ck_assert_int_eq(more, 1);
	cq.after = p.last;
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(old, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_str_eq(p.lids, "1004g 1005d ");
	ck_assert_int_eq(more, 0);
	/* Each session counts its contacts and direct chats, each contact
	 * knows whether a group holds it, and the index is keyed by session. */
	ck_assert_int_eq(count_rows_at(path, "SELECT contact_count FROM sessions"), 5);
	ck_assert_int_eq(count_rows_at(path, "SELECT dm_count FROM sessions"), 2);
	ck_assert_int_eq(count_rows_at(path, "SELECT count(*) FROM contacts WHERE in_group"), 3);
	ck_assert_int_eq(count_rows_at(path, "SELECT sum(id) FROM contacts WHERE in_group"),
	    3 + 8 + 9);
	ck_assert_int_eq(count_rows_at(path, "SELECT count(*) FROM contacts_fts WHERE"
	    " rowid > (7 << 40) AND rowid < (8 << 40)"), 5);
	/* Search still finds the old rows (the FTS index came along). */
	cq = (struct store_contact_query){ 7, STORE_SOURCE_ANY, NULL, "ÄRG", 0, 50 };
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_contacts_page(old, &cq, collect_contact, &p, &more), STORE_OK);
	ck_assert_str_eq(p.lids, "1003g ");
	/* Groups and members, and the old subjects folded for q. */
	store_close(st);
	st = old;
	sess = 7;
	ck_assert_str_eq(groups_q(NULL), "120363021234567890@g.us;111-222@g.us;");
	ck_assert_str_eq(groups_q("STRASSEN"), "120363021234567890@g.us;");
	ck_assert_str_eq(members(GT, NULL), "1001 admin 6281234567890 Alice ~A 10 20;"
	    "1002 member - Bob - 11 20;");
	before = strdup(members("111-222@g.us", NULL));
	ck_assert_str_eq(before, "1003 superadmin 14155550123 Ärger - 12 20;");
	free(before);
	ck_assert_int_eq(store_key_by_prefix(st, "wa_abc", &key), STORE_OK);
	ck_assert_str_eq(key.id, "k1");
	ck_assert_int_eq(store_check_get(st, 7, "14155550123", 40, 1000, &cc), STORE_OK);
	ck_assert_str_eq(cc.jid, "14155550123@s.whatsapp.net");
	for (i = 0; i < 2; i++)		/* migrating again changes nothing */
		ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_str_eq(groups_q("strassen"), "120363021234567890@g.us;");
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, migrate_from_empty_and_again);
	tcase_add_test(tc, reader_refuses_uninitialized);
	tcase_add_test(tc, reader_is_query_only);
	tcase_add_test(tc, orgs_and_sessions);
	tcase_add_test(tc, session_state_identity_creds);
	tcase_add_test(tc, session_pages);
	tcase_add_test(tc, phone_only_people);
	tcase_add_test(tc, update_completes_but_never_makes);
	tcase_add_test(tc, limits_kept);
	tcase_add_test(tc, files_keep_their_mode_and_outlive_connections);
	tcase_add_test(tc, access_check_names_the_file);
	tcase_add_test(tc, open_says_what_stops_it);
	tcase_add_test(tc, session_list_by_org);
	tcase_add_test(tc, api_keys);
	tcase_add_test(tc, contacts_filters);
	tcase_add_test(tc, contacts_search_trigram_cover_is_exact);
	tcase_add_test(tc, contacts_upsert_keeps_and_updates);
	tcase_add_test(tc, contacts_paging_exactly_once);
	tcase_add_test(tc, search_tidy_merges_and_finds_the_same);
	tcase_add_test(tc, contacts_full_last_page_has_no_more);
	tcase_add_test(tc, contacts_of_other_session_invisible);
	tcase_add_test(tc, contacts_query_plans);
	tcase_add_test(tc, contacts_search_scoped_by_session);
	tcase_add_test(tc, read_snapshot);
	tcase_add_test(tc, check_cache);
	tcase_add_test(tc, reader_busy_is_reported_within_bound);
	tcase_add_test(tc, groups_keep_what_a_report_does_not_say);
	tcase_add_test(tc, groups_search_folds_subjects);
	tcase_add_test(tc, groups_paging_exactly_once_under_inserts);
	tcase_add_test(tc, members_roles_tags_and_who_left);
	tcase_add_test(tc, members_paging_exactly_once_under_inserts);
	tcase_add_test(tc, contact_detail_and_its_groups);
	tcase_add_test(tc, groups_and_members_query_plans);
	tcase_add_test(tc, migrate_round_one_keeps_every_row_and_cursor);
	tcase_add_test(tc, contacts_source_kept_in_the_row);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_store", store_suite)
