/*
 * What a session sees, written by the daemon inside one transaction per
 * burst (store_begin/store_commit around many calls).
 */
#include <stdlib.h>
#include <string.h>

#include "common/store_impl.h"
#include "common/text.h"

static int
store_step_id(struct store *st, sqlite3_stmt *s, int64_t *id)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		if (id != NULL)
			*id = sqlite3_column_int64(s, 0);
		rc = SQLITE_DONE;
	}
	rc = store_rc_constraint(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_contact_upsert(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms, int64_t *contact_id)
{
	sqlite3_stmt *s;
	char *folded = NULL;
	int rc;

	if (c->name != NULL &&
	    (folded = text_fold(c->name, strlen(c->name))) == NULL)
		return STORE_ERROR;
	if ((s = store_stmt(st, SS_CONTACT_UPSERT)) == NULL) {
		free(folded);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, c->lid);
	store_bind_text(s, 3, c->phone);
	store_bind_text(s, 4, c->name);
	store_bind_text(s, 5, c->business_name);
	store_bind_text(s, 6, folded);
	sqlite3_bind_int64(s, 7, now_ms);
	rc = store_step_id(st, s, contact_id);
	free(folded);
	return rc;
}

int
store_dm_upsert(struct store *st, int64_t session_rowid, int64_t contact_id,
    int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_DM_UPSERT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	sqlite3_bind_int64(s, 2, contact_id);
	sqlite3_bind_int64(s, 3, now_ms);
	return store_exec_stmt(st, s);
}

int
store_group_upsert(struct store *st, int64_t session_rowid, const char *jid,
    const char *subject, int64_t now_ms, int64_t *group_id)
{
	sqlite3_stmt *s = store_stmt(st, SS_GROUP_UPSERT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, jid);
	store_bind_text(s, 3, subject);
	sqlite3_bind_int64(s, 4, now_ms);
	return store_step_id(st, s, group_id);
}

int
store_member_upsert(struct store *st, int64_t group_id, int64_t contact_id,
    const char *role, const char *tag, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_MEMBER_UPSERT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	sqlite3_bind_int64(s, 2, contact_id);
	store_bind_text(s, 3, role);
	store_bind_text(s, 4, tag);
	sqlite3_bind_int64(s, 5, now_ms);
	return store_exec_stmt(st, s);
}
