#include <string.h>

#include "common/store_impl.h"

int
store_session_add(struct store *st, const char *id, const char *org,
    const char *label, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_ADD);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	store_bind_text(s, 2, org);
	store_bind_text(s, 3, label ? label : "");
	sqlite3_bind_int64(s, 4, now_ms);
	return store_exec_stmt(st, s);
}

int
store_session_rm(struct store *st, const char *id)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_RM);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	if ((rc = store_exec_stmt(st, s)) != STORE_OK)
		return rc;
	return sqlite3_changes(st->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_session_lookup(struct store *st, const char *id, struct store_session *out)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_LOOKUP);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		out->rowid = sqlite3_column_int64(s, 0);
		store_column_copy(s, 1, out->id, sizeof(out->id));
		store_column_copy(s, 2, out->org, sizeof(out->org));
	}
	sqlite3_reset(s);
	return rc;
}

int
store_session_list(struct store *st, const char *org, store_session_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, org ? SS_SESSION_LIST_ORG : SS_SESSION_LIST_ALL);
	struct store_session ss;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	if (org != NULL)
		store_bind_text(s, 1, org);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ss.rowid = sqlite3_column_int64(s, 0);
		store_column_copy(s, 1, ss.id, sizeof(ss.id));
		store_column_copy(s, 2, ss.org, sizeof(ss.org));
		ss.label = (const char *)sqlite3_column_text(s, 3);
		ss.own_phone = (const char *)sqlite3_column_text(s, 4);
		ss.own_jid = (const char *)sqlite3_column_text(s, 5);
		ss.own_lid = (const char *)sqlite3_column_text(s, 6);
		ss.created_ms = sqlite3_column_int64(s, 7);
		ss.updated_ms = sqlite3_column_int64(s, 8);
		if (cb(&ss, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_session_set_self(struct store *st, int64_t session_rowid, const char *phone,
    const char *jid, const char *lid, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_SET_SELF);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, phone);
	store_bind_text(s, 3, jid);
	store_bind_text(s, 4, lid);
	sqlite3_bind_int64(s, 5, now_ms);
	return store_exec_stmt(st, s);
}
