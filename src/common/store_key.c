#include <string.h>

#include "common/store_impl.h"

static void
store_key_row(sqlite3_stmt *s, struct store_key *k)
{
	memset(k, 0, sizeof(*k));
	store_column_copy(s, 0, k->id, sizeof(k->id));
	store_column_copy(s, 1, k->org, sizeof(k->org));
	store_column_copy(s, 2, k->prefix, sizeof(k->prefix));
	if (sqlite3_column_bytes(s, 3) == STORE_KEY_HASH_LEN)
		memcpy(k->hash, sqlite3_column_blob(s, 3), STORE_KEY_HASH_LEN);
	k->permissions = (unsigned)sqlite3_column_int(s, 4);
	k->created_ms = sqlite3_column_int64(s, 5);
	k->expires_ms = sqlite3_column_int64(s, 6);
	k->revoked_ms = sqlite3_column_int64(s, 7);
	k->last_used_ms = sqlite3_column_int64(s, 8);
}

int
store_key_add(struct store *st, const struct store_key *k)
{
	sqlite3_stmt *s = store_stmt(st, SS_KEY_ADD);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, k->id);
	store_bind_text(s, 2, k->org);
	store_bind_text(s, 3, k->name ? k->name : "");
	store_bind_text(s, 4, k->prefix);
	sqlite3_bind_blob(s, 5, k->hash, STORE_KEY_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, (int)k->permissions);
	sqlite3_bind_int64(s, 7, k->created_ms);
	if (k->expires_ms)
		sqlite3_bind_int64(s, 8, k->expires_ms);
	return store_exec_stmt(st, s);
}

int
store_key_by_prefix(struct store *st, const char *prefix, struct store_key *out)
{
	sqlite3_stmt *s = store_stmt(st, SS_KEY_BY_PREFIX);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, prefix);
	if ((rc = store_step_row(st, s)) == STORE_OK)
		store_key_row(s, out);
	sqlite3_reset(s);
	return rc;
}

int
store_key_list(struct store *st, const char *org, store_key_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, org ? SS_KEY_LIST_ORG : SS_KEY_LIST_ALL);
	struct store_key k;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	if (org != NULL)
		store_bind_text(s, 1, org);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_key_row(s, &k);
		k.name = (const char *)sqlite3_column_text(s, 9);
		if (cb(&k, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_key_revoke(struct store *st, const char *id, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_KEY_REVOKE);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	if ((rc = store_step_row(st, s)) == STORE_OK &&
	    sqlite3_column_int64(s, 0) != now_ms)
		rc = STORE_EXISTS;
	/* RETURNING: the change is made when the statement is done. */
	if (rc == STORE_OK || rc == STORE_EXISTS) {
		int done = sqlite3_step(s);

		if (done != SQLITE_DONE)
			rc = store_rc_from_sqlite(st, done);
	}
	sqlite3_reset(s);
	return rc;
}

int
store_key_touch(struct store *st, const char *id, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_KEY_TOUCH);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	return store_exec_stmt(st, s);
}
