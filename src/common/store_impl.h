/*
 * Private to the store_*.c files: the connection, and the prepared
 * statement cache every query goes through.
 */
#ifndef WAGW_STORE_IMPL_H
#define WAGW_STORE_IMPL_H

#include <sqlite3.h>

#include "common/store.h"

enum store_stmt {
	SS_META_GET,
	SS_PING,
	SS_READ_BEGIN, SS_READ_END,
	SS_ORG_ADD, SS_ORG_ENSURE, SS_ORG_EXISTS, SS_ORG_LIST,
	SS_SESSION_ADD, SS_SESSION_RM, SS_SESSION_LOOKUP, SS_SESSION_GET,
	SS_SESSION_LIST_ALL, SS_SESSION_LIST_ORG, SS_SESSION_PAGE, SS_SESSION_PAGE_PLAN,
	SS_SESSION_SET_STATE, SS_SESSION_SET_IDENTITY,
	SS_CREDS_GET, SS_CREDS_PUT, SS_CREDS_DELETE,
	SS_KEY_ADD, SS_KEY_BY_PREFIX, SS_KEY_LIST_ALL, SS_KEY_LIST_ORG,
	SS_KEY_REVOKE, SS_KEY_TOUCH,
	SS_LIST_ALL, SS_LIST_DM, SS_LIST_GROUP, SS_LIST_FTS, SS_CONTACT_COUNT,
	SS_SEARCH_MERGE,
	SS_PLAN_ALL, SS_PLAN_DM, SS_PLAN_GROUP, SS_PLAN_FTS,
	SS_CONTACT_UPSERT, SS_CONTACT_UPDATE, SS_PN_UPSERT, SS_PN_UPDATE,
	SS_PN_EXISTS, SS_PN_TAKE, SS_DM_UPSERT, SS_GROUP_UPSERT, SS_MEMBER_UPSERT, SS_MEMBER_REMOVE,
	SS_MEMBERS_PRUNE,
	SS_GROUPS_PAGE, SS_GROUPS_PLAN, SS_GROUP_GET, SS_MEMBERS_PAGE, SS_MEMBERS_PLAN,
	SS_CONTACT_GET, SS_CONTACT_GROUPS,
	SS_CHECK_GET, SS_CHECK_PUT,
	SS_LIMITS_GET, SS_LIMITS_PUT,
	SS_COUNT
};

struct store {
	sqlite3		*db;
	enum store_open_mode mode;
	sqlite3_stmt	*stmt[SS_COUNT];
};

/* SQL text of each statement (store_sql.c). */
extern const char *const store_sql[SS_COUNT];

/* The cached statement, prepared on first use, reset and unbound. NULL on error. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt which);
/* Maps an SQLite result code to enum store_rc, logging unexpected ones. */
int store_rc_from_sqlite(struct store *st, int rc);
/* Like store_rc_from_sqlite, but a duplicate is STORE_EXISTS and a missing
 * foreign row STORE_NOREF. */
int store_rc_constraint(struct store *st, int rc);
/* Binds text or NULL. */
int store_bind_text(sqlite3_stmt *s, int idx, const char *text);
/*
 * Steps s once: STORE_OK with a row to read, STORE_NOTFOUND, or an
 * error.  The caller reads the row, then resets s.
 */
int store_step_row(struct store *st, sqlite3_stmt *s);
/* Copies text column col of the current row into dst (size bytes, cut, NUL-ended). */
void store_column_copy(sqlite3_stmt *s, int col, char *dst, size_t size);
/*
 * The rows of EXPLAIN QUERY PLAN statement s (bound), one detail a line,
 * into buf (cut at buflen); resets s.
 */
int store_plan_text(struct store *st, sqlite3_stmt *s, char *buf, size_t buflen);
/* Runs a statement that returns no rows. */
int store_exec_stmt(struct store *st, sqlite3_stmt *s);
/* Runs SQL without parameters (schema, pragmas, transactions). */
int store_exec(struct store *st, const char *sql);

#endif
