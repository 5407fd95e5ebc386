#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/store_impl.h"

sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt which)
{
	sqlite3_stmt *s = st->stmt[which];
	int rc;

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	rc = sqlite3_prepare_v3(st->db, store_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("store: prepare statement %d: %s", (int)which,
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return NULL;
	}
	st->stmt[which] = s;
	return s;
}

int
store_rc_from_sqlite(struct store *st, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	default:
		log_warnx("store: %s", sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
}

int
store_rc_constraint(struct store *st, int rc)
{
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		return store_rc_from_sqlite(st, rc);
	switch (sqlite3_extended_errcode(st->db)) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		return STORE_EXISTS;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return STORE_NOREF;
	default:
		return store_rc_from_sqlite(st, rc);
	}
}

int
store_bind_text(sqlite3_stmt *s, int idx, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(s, idx);
	return sqlite3_bind_text(s, idx, text, -1, SQLITE_STATIC);
}

void
store_column_copy(sqlite3_stmt *s, int col, char *dst, size_t size)
{
	const unsigned char *src = sqlite3_column_text(s, col);
	size_t n = src ? (size_t)sqlite3_column_bytes(s, col) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int
store_step_row(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_from_sqlite(st, rc);
}

int
store_plan_text(struct store *st, sqlite3_stmt *s, char *buf, size_t buflen)
{
	size_t used = 0;
	int rc;

	buf[0] = '\0';
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(s, 3);
		size_t len = detail ? strlen(detail) : 0;

		if (used + len + 2 > buflen)
			break;
		memcpy(buf + used, detail, len);
		used += len;
		buf[used++] = '\n';
		buf[used] = '\0';
	}
	rc = store_rc_from_sqlite(st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
	sqlite3_reset(s);
	return rc;
}

int
store_exec_stmt(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	rc = store_rc_constraint(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
		log_warnx("store: %s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return store_rc_from_sqlite(st, rc == SQLITE_OK ? SQLITE_OK : rc);
}

/* A pragma of store_open: its failure is reported once, by store_open. */
static int
store_open_pragma(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

/* The name of this process's user, for messages. */
static void
store_user(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)geteuid());
}

/* "owner:group with mode 0NNN" of sb, for messages. */
static void
store_owner(const struct stat *sb, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(sb->st_uid);
	struct group *gr = getgrgid(sb->st_gid);
	char owner[64], group[64];

	if (pw != NULL)
		snprintf(owner, sizeof(owner), "%s", pw->pw_name);
	else
		snprintf(owner, sizeof(owner), "%lu", (unsigned long)sb->st_uid);
	if (gr != NULL)
		snprintf(group, sizeof(group), "%s", gr->gr_name);
	else
		snprintf(group, sizeof(group), "%lu", (unsigned long)sb->st_gid);
	snprintf(buf, len, "%s:%s with mode %04o", owner, group,
	    (unsigned)(sb->st_mode & 07777));
}

/*
 * Why the directory of path stops this process: missing, not a
 * directory, closed to it, or - need_write, when a file SQLite must
 * create there is missing - not writable.  0 when nothing does.
 */
static int
store_check_dir(const char *path, int need_write, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[STORE_PATH_MAX], user[64], owner[160];
	struct stat sb;
	int mode = need_write ? W_OK | X_OK : X_OK;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	store_user(user, sizeof(user));
	if (stat(dir, &sb) == -1) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: its directory %s does not exist "
			    "(make it as README.md, \"Deployment\" says)", path, dir);
		else if (errno == EACCES)
			snprintf(err, errlen, "%s: its directory %s is out of reach "
			    "of this process (user %s): a directory above it is "
			    "closed to that user", path, dir, user);
		else
			snprintf(err, errlen, "%s: its directory %s: %s", path, dir,
			    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s is not a directory", path, dir);
		return -1;
	}
	if (faccessat(AT_FDCWD, dir, mode, AT_EACCESS) == 0)
		return 0;
	if (errno == EROFS) {
		snprintf(err, errlen, "%s: its directory %s is read-only here "
		    "(a read-only file system; under systemd's ProtectSystem=strict, "
		    "list it in ReadWritePaths=)", path, dir);
		return -1;
	}
	store_owner(&sb, owner, sizeof(owner));
	snprintf(err, errlen, "%s: its directory %s is owned by %s, which this "
	    "process (user %s) cannot %s; SQLite makes the database and its WAL "
	    "files (-wal, -shm) there: it must belong to the daemon's user, "
	    "with group access for the web server's (README.md, \"Deployment\")",
	    path, dir, owner, user, need_write ? "write" : "enter");
	return -1;
}

/*
 * Why this process cannot use the database at path, as a writer or a
 * reader (both read and write the files; readers write the WAL index):
 * its directory, a missing database (readers), then each file.  Returns
 * -1 with err set, or 0 when it finds nothing wrong.
 */
static int
store_explain(const char *path, enum store_open_mode mode, char *err, size_t errlen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[STORE_PATH_MAX + 8];
	int missing = 0;
	size_t i;

	if (strlen(path) >= STORE_PATH_MAX) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -1;
	}
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		if (access(p, F_OK) == -1 && errno == ENOENT)
			missing = 1;
	}
	if (store_check_dir(path, missing, err, errlen) == -1)
		return -1;
	if (mode == STORE_READER && access(path, F_OK) == -1 && errno == ENOENT) {
		snprintf(err, errlen, "%s: no database yet (wagw-admin init makes it)",
		    path);
		return -1;
	}
	return store_check_access(path, err, errlen);
}

/* After SQLite failed to open or set up path: why, once. */
static void
store_open_failed(struct store *st, const char *path, char *err, size_t errlen)
{
	char user[64];

	if (store_explain(path, st->mode, err, errlen) == -1)
		return;
	store_user(user, sizeof(user));
	snprintf(err, errlen, "%s: %s (as user %s)", path,
	    st->db ? sqlite3_errmsg(st->db) : "out of memory", user);
}

int
store_open(struct store **out, const char *path, enum store_open_mode mode,
    int busy_ms, char *err, size_t errlen)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, rc, version, one = 1;
	int created = 0;

	*out = NULL;
	if (mode == STORE_WRITER) {
		flags |= SQLITE_OPEN_CREATE;
		created = access(path, F_OK) == -1 && errno == ENOENT;
		/* SQLite would only say "unable to open" or "readonly": say why. */
		if (store_explain(path, mode, err, errlen) == -1)
			return STORE_ERROR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return STORE_ERROR;
	}
	st->mode = mode;
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		store_open_failed(st, path, err, errlen);
		goto fail;
	}
	/*
	 * Group read-write for the responders, before the WAL files exist:
	 * SQLite gives them the database's mode.  Kept when the last
	 * connection closes, so that a responder never makes them anew, as
	 * its own user, while the daemon is away.
	 */
	if (created && chmod(path, STORE_FILE_MODE) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_busy_timeout(st->db, busy_ms);
	/* WAL: readers never block the writer, nor it them. */
	if (mode == STORE_WRITER &&
	    (store_open_pragma(st, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
	    store_open_pragma(st, "PRAGMA synchronous=NORMAL") != SQLITE_OK)) {
		store_open_failed(st, path, err, errlen);
		goto fail;
	}
	if (store_open_pragma(st, "PRAGMA foreign_keys=ON") != SQLITE_OK ||
	    (mode == STORE_READER &&
	    store_open_pragma(st, "PRAGMA query_only=ON") != SQLITE_OK)) {
		store_open_failed(st, path, err, errlen);
		goto fail;
	}
	if (mode == STORE_READER) {
		if ((rc = store_schema_version(st, &version)) != STORE_OK) {
			if (rc == STORE_BUSY)
				snprintf(err, errlen, "%s: database is busy", path);
			else if (store_explain(path, mode, err, errlen) == 0)
				snprintf(err, errlen, "%s: not a wagw database", path);
			goto fail_rc;
		}
		if (version != STORE_SCHEMA_VERSION) {
			snprintf(err, errlen, "%s: schema version %d, this build "
			    "needs %d (run wagw-admin init)", path, version,
			    STORE_SCHEMA_VERSION);
			rc = STORE_SCHEMA;
			goto fail_rc;
		}
	}
	*out = st;
	return STORE_OK;
fail:
	rc = STORE_ERROR;
fail_rc:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < SS_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

int
store_schema_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/* Pragmas cannot be cached statements that outlive a schema change. */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*version = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return store_rc_from_sqlite(st, rc);
}

int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

int
store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return STORE_OK;
	return store_exec(st, "ROLLBACK");
}

int
store_savepoint(struct store *st)
{
	return store_exec(st, "SAVEPOINT job");
}

int
store_release(struct store *st)
{
	return store_exec(st, "RELEASE job");
}

int
store_rollback_to(struct store *st)
{
	int rc = store_exec(st, "ROLLBACK TO job");

	return rc == STORE_OK ? store_exec(st, "RELEASE job") : rc;
}

int
store_read_begin(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, SS_READ_BEGIN);

	return s == NULL ? STORE_ERROR : store_exec_stmt(st, s);
}

int
store_read_end(struct store *st)
{
	sqlite3_stmt *s;

	if (sqlite3_get_autocommit(st->db))
		return STORE_OK;
	if ((s = store_stmt(st, SS_READ_END)) == NULL)
		return STORE_ERROR;
	return store_exec_stmt(st, s);
}

int
store_ping(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, SS_PING);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_cursor_key(struct store *st, unsigned char key[STORE_CURSOR_KEY_LEN])
{
	sqlite3_stmt *s = store_stmt(st, SS_META_GET);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, "cursor_key", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != STORE_CURSOR_KEY_LEN) {
			sqlite3_reset(s);
			return STORE_SCHEMA;
		}
		memcpy(key, sqlite3_column_blob(s, 0), STORE_CURSOR_KEY_LEN);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = STORE_SCHEMA;
	else
		rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}

const char *
store_rc_str(int rc)
{
	switch (rc) {
	case STORE_OK:		return "ok";
	case STORE_NOTFOUND:	return "not found";
	case STORE_EXISTS:	return "already exists";
	case STORE_NOREF:	return "refers to something that does not exist";
	case STORE_INUSE:	return "still in use";
	case STORE_BUSY:	return "database is busy";
	case STORE_SCHEMA:	return "database is not initialized for this version";
	default:		return "database error";
	}
}

/* Describes why path cannot be read and written, in err; 0 when it can (or is absent). */
static int
store_check_one(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char user[64], owner[160];
	int readable;

	if (stat(path, &sb) == -1)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path,
		    strerror(errno)), -1);
	if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0)
		return 0;
	if (errno == EROFS) {
		snprintf(err, errlen, "%s: on a read-only file system here (under "
		    "systemd's ProtectSystem=strict, list its directory in "
		    "ReadWritePaths=)", path);
		return -1;
	}
	readable = faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0;
	store_user(user, sizeof(user));
	store_owner(&sb, owner, sizeof(owner));
	snprintf(err, errlen, "%s: owned by %s, which this process (user %s) "
	    "cannot %s; it must belong to the daemon's user with group "
	    "read-write for the web server (chown, and chmod %04o)", path, owner,
	    user, readable ? "write" : "read", STORE_FILE_MODE);
	return -1;
}

int
store_check_access(const char *path, char *err, size_t errlen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[STORE_PATH_MAX + 8];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if (snprintf(p, sizeof(p), "%s%s", path, suffix[i]) >= (int)sizeof(p)) {
			snprintf(err, errlen, "%s: path too long", path);
			return -1;
		}
		if (store_check_one(p, err, errlen) == -1)
			return -1;
	}
	return 0;
}
