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

/* A person known by phone only, kept aside. */
static int
store_pn_upsert(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_PN_UPSERT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, c->phone);
	store_bind_text(s, 3, c->name);
	store_bind_text(s, 4, c->business_name);
	sqlite3_bind_int64(s, 5, now_ms);
	return store_exec_stmt(st, s);
}

int
store_contact_upsert(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms, int64_t *contact_id)
{
	struct store_seen_contact m = *c;
	sqlite3_stmt *s;
	char *folded = NULL, *pn_name = NULL, *pn_business = NULL;
	int rc;

	if (contact_id != NULL)
		*contact_id = 0;
	if (c->lid == NULL)
		return c->phone != NULL ? store_pn_upsert(st, session_rowid, c, now_ms) :
		    STORE_ERROR;
	/* The phone now has a LID: what was seen of it alone joins the contact. */
	if (c->phone != NULL) {
		if ((s = store_stmt(st, SS_PN_TAKE)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(s, 1, session_rowid);
		store_bind_text(s, 2, c->phone);
		if ((rc = store_step_row(st, s)) == STORE_OK) {
			if (sqlite3_column_type(s, 0) == SQLITE_TEXT)
				pn_name = strdup((const char *)sqlite3_column_text(s, 0));
			if (sqlite3_column_type(s, 1) == SQLITE_TEXT)
				pn_business = strdup((const char *)sqlite3_column_text(s, 1));
		} else if (rc != STORE_NOTFOUND) {
			sqlite3_reset(s);
			return rc;
		}
		/* Step again so the DELETE ... RETURNING completes. */
		while (sqlite3_step(s) == SQLITE_ROW)
			;
		sqlite3_reset(s);
		if (m.name == NULL)
			m.name = pn_name;
		if (m.business_name == NULL)
			m.business_name = pn_business;
	}
	rc = STORE_ERROR;
	if (m.name != NULL &&
	    (folded = text_fold(m.name, strlen(m.name))) == NULL)
		goto out;
	if ((s = store_stmt(st, SS_CONTACT_UPSERT)) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, m.lid);
	store_bind_text(s, 3, m.phone);
	store_bind_text(s, 4, m.name);
	store_bind_text(s, 5, m.business_name);
	store_bind_text(s, 6, folded);
	sqlite3_bind_int64(s, 7, now_ms);
	rc = store_step_id(st, s, contact_id);
out:
	free(folded);
	free(pn_name);
	free(pn_business);
	return rc;
}

int
store_contact_update(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms)
{
	sqlite3_stmt *s;
	char *folded = NULL;
	int rc = STORE_ERROR;

	if (c->lid == NULL) {
		if (c->phone == NULL || (s = store_stmt(st, SS_PN_UPDATE)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(s, 1, session_rowid);
		store_bind_text(s, 2, c->phone);
		store_bind_text(s, 3, c->name);
		store_bind_text(s, 4, c->business_name);
		sqlite3_bind_int64(s, 5, now_ms);
		return store_exec_stmt(st, s);
	}
	if (c->name != NULL &&
	    (folded = text_fold(c->name, strlen(c->name))) == NULL)
		return STORE_ERROR;
	if ((s = store_stmt(st, SS_CONTACT_UPDATE)) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, c->lid);
	store_bind_text(s, 3, c->phone);
	store_bind_text(s, 4, c->name);
	store_bind_text(s, 5, c->business_name);
	store_bind_text(s, 6, folded);
	sqlite3_bind_int64(s, 7, now_ms);
	if ((rc = store_exec_stmt(st, s)) != STORE_OK || sqlite3_changes(st->db) > 0 ||
	    c->phone == NULL)
		goto out;
	/* Not a contact yet: only a phone seen alone makes it one. */
	if ((s = store_stmt(st, SS_PN_EXISTS)) == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, c->phone);
	rc = store_step_row(st, s);
	sqlite3_reset(s);
	if (rc == STORE_OK)
		rc = store_contact_upsert(st, session_rowid, c, now_ms, NULL);
	else if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
out:
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

/* An integer, or NULL when it says "unknown" (keep what is stored). */
static void
store_bind_known(sqlite3_stmt *s, int idx, int64_t v, int64_t unknown)
{
	if (v == unknown)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_int64(s, idx, v);
}

int
store_group_seen(struct store *st, int64_t session_rowid,
    const struct store_seen_group *g, int64_t now_ms, int64_t *group_id)
{
	sqlite3_stmt *s;
	char *folded = NULL;
	int rc;

	/* The subject is searched as contacts' names are: folded once, here. */
	if (g->subject != NULL &&
	    (folded = text_fold(g->subject, strlen(g->subject))) == NULL)
		return STORE_ERROR;
	if ((s = store_stmt(st, SS_GROUP_UPSERT)) == NULL) {
		free(folded);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, g->jid);
	store_bind_text(s, 3, g->subject);
	store_bind_text(s, 4, folded);
	store_bind_text(s, 5, g->description);
	store_bind_text(s, 6, g->owner_jid);
	store_bind_known(s, 7, g->size, -1);
	store_bind_known(s, 8, g->announce < 0 ? -1 : g->announce != 0, -1);
	store_bind_known(s, 9, g->locked < 0 ? -1 : g->locked != 0, -1);
	store_bind_known(s, 10, g->created_ms, 0);
	sqlite3_bind_int64(s, 11, now_ms);
	rc = store_step_id(st, s, group_id);
	free(folded);
	return rc;
}

int
store_group_upsert(struct store *st, int64_t session_rowid, const char *jid,
    const char *subject, int64_t now_ms, int64_t *group_id)
{
	struct store_seen_group g = { jid, subject, NULL, NULL, -1, -1, -1, 0 };

	return store_group_seen(st, session_rowid, &g, now_ms, group_id);
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

int
store_member_remove(struct store *st, int64_t group_id, int64_t session_rowid,
    const char *lid)
{
	sqlite3_stmt *s = store_stmt(st, SS_MEMBER_REMOVE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	sqlite3_bind_int64(s, 2, session_rowid);
	store_bind_text(s, 3, lid);
	return store_exec_stmt(st, s);
}

int
store_members_prune(struct store *st, int64_t group_id, int64_t seen_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_MEMBERS_PRUNE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	sqlite3_bind_int64(s, 2, seen_ms);
	return store_exec_stmt(st, s);
}
