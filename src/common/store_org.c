#include "common/store_impl.h"

int
store_org_add(struct store *st, const char *id, const char *name, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_ORG_ADD);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	store_bind_text(s, 2, name ? name : "");
	sqlite3_bind_int64(s, 3, now_ms);
	return store_exec_stmt(st, s);
}

int
store_org_ensure(struct store *st, const char *id, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_ORG_ENSURE);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	return store_exec_stmt(st, s);
}

int
store_org_exists(struct store *st, const char *id)
{
	sqlite3_stmt *s = store_stmt(st, SS_ORG_EXISTS);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	rc = store_step_row(st, s);
	sqlite3_reset(s);
	return rc;
}

int
store_org_list(struct store *st, store_org_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, SS_ORG_LIST);
	struct store_org o;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		o.id = (const char *)sqlite3_column_text(s, 0);
		o.name = (const char *)sqlite3_column_text(s, 1);
		o.created_ms = sqlite3_column_int64(s, 2);
		if (cb(&o, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}
