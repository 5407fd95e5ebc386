/*
 * The read side of groups, memberships and one contact: the groups list,
 * one group, a group's members and a contact's detail.
 *
 * Both lists are keyset-paged like the contact list: the groups list on
 * groups.id through groups_session (session, rowid), the members list on
 * the contact's id through group_members' primary key (grp, contact).
 * Ids are never reused while their session lives (a group or a contact
 * goes only with its session), so following the cursor visits every row
 * once, also while new ones are stored.
 *
 * A subject is searched as contacts' names are: folded once when stored
 * (text_fold, into groups.subject_folded), q folded the same way, then a
 * byte-exact substring test.  A session has few groups, so q filters the
 * session's rows as the index walks them; no trigram index.
 */
#include <stdlib.h>
#include <string.h>

#include "common/store_impl.h"
#include "common/text.h"

/* An integer column that is NULL when unknown. */
static int64_t
store_column_known(sqlite3_stmt *s, int col, int64_t unknown)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return unknown;
	return sqlite3_column_int64(s, col);
}

static void
store_group_row(sqlite3_stmt *s, struct store_group *g)
{
	g->key = sqlite3_column_int64(s, 0);
	g->jid = (const char *)sqlite3_column_text(s, 1);
	g->subject = (const char *)sqlite3_column_text(s, 2);
	g->description = (const char *)sqlite3_column_text(s, 3);
	g->owner_jid = (const char *)sqlite3_column_text(s, 4);
	g->size = store_column_known(s, 5, -1);
	g->announce = (int)store_column_known(s, 6, -1);
	g->locked = (int)store_column_known(s, 7, -1);
	g->created_ms = store_column_known(s, 8, 0);
	g->first_seen_ms = sqlite3_column_int64(s, 9);
	g->updated_ms = sqlite3_column_int64(s, 10);
}

/* Binds a groups page; *folded (caller frees) holds the folded q. */
static int
store_groups_bind(sqlite3_stmt *s, const struct store_group_query *q, char **folded)
{
	*folded = NULL;
	if (q->q != NULL && *q->q != '\0' &&
	    (*folded = text_fold(q->q, strlen(q->q))) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, q->session_rowid);
	sqlite3_bind_int64(s, 2, q->after);
	sqlite3_bind_int(s, 3, q->limit + 1);
	store_bind_text(s, 4, *folded);
	return STORE_OK;
}

int
store_groups_page(struct store *st, const struct store_group_query *q,
    store_group_cb cb, void *arg, int *more)
{
	struct store_group g;
	sqlite3_stmt *s;
	char *folded;
	int rc, got = 0;

	*more = 0;
	if ((s = store_stmt(st, SS_GROUPS_PAGE)) == NULL)
		return STORE_ERROR;
	if (store_groups_bind(s, q, &folded) != STORE_OK)
		return STORE_ERROR;
	/* One row more than asked tells whether another page exists. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (got == q->limit) {
			*more = 1;
			rc = SQLITE_DONE;
			break;
		}
		store_group_row(s, &g);
		got++;
		if (cb(&g, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	free(folded);
	return rc;
}

int
store_groups_plan(struct store *st, const struct store_group_query *q,
    char *buf, size_t buflen)
{
	sqlite3_stmt *s;
	char *folded;
	int rc;

	if (buflen == 0 || (s = store_stmt(st, SS_GROUPS_PLAN)) == NULL)
		return STORE_ERROR;
	if (store_groups_bind(s, q, &folded) != STORE_OK)
		return STORE_ERROR;
	rc = store_plan_text(st, s, buf, buflen);
	free(folded);
	return rc;
}

int
store_group_get(struct store *st, int64_t session_rowid, const char *jid,
    store_group_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, SS_GROUP_GET);
	struct store_group g;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, jid);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		store_group_row(s, &g);
		cb(&g, arg);
	}
	sqlite3_reset(s);
	return rc;
}

static void
store_members_bind(sqlite3_stmt *s, const struct store_member_query *q)
{
	sqlite3_bind_int64(s, 1, q->group_id);
	sqlite3_bind_int64(s, 2, q->after);
	sqlite3_bind_int(s, 3, q->limit + 1);
	store_bind_text(s, 4, q->role);
}

int
store_members_page(struct store *st, const struct store_member_query *q,
    store_member_cb cb, void *arg, int *more)
{
	struct store_member m;
	sqlite3_stmt *s;
	int rc, got = 0;

	*more = 0;
	if ((s = store_stmt(st, SS_MEMBERS_PAGE)) == NULL)
		return STORE_ERROR;
	store_members_bind(s, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (got == q->limit) {
			*more = 1;
			rc = SQLITE_DONE;
			break;
		}
		m.key = sqlite3_column_int64(s, 0);
		m.lid = (const char *)sqlite3_column_text(s, 1);
		m.phone = (const char *)sqlite3_column_text(s, 2);
		m.name = (const char *)sqlite3_column_text(s, 3);
		m.role = (const char *)sqlite3_column_text(s, 4);
		m.tag = (const char *)sqlite3_column_text(s, 5);
		m.first_seen_ms = sqlite3_column_int64(s, 6);
		m.last_seen_ms = sqlite3_column_int64(s, 7);
		got++;
		if (cb(&m, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}

int
store_members_plan(struct store *st, const struct store_member_query *q,
    char *buf, size_t buflen)
{
	sqlite3_stmt *s;

	if (buflen == 0 || (s = store_stmt(st, SS_MEMBERS_PLAN)) == NULL)
		return STORE_ERROR;
	store_members_bind(s, q);
	return store_plan_text(st, s, buf, buflen);
}

int
store_contact_get(struct store *st, int64_t session_rowid, const char *lid,
    store_contact_detail_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, SS_CONTACT_GET);
	struct store_contact_detail c;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, lid);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		c.id = sqlite3_column_int64(s, 0);
		c.lid = (const char *)sqlite3_column_text(s, 1);
		c.phone = (const char *)sqlite3_column_text(s, 2);
		c.phone_jid = (const char *)sqlite3_column_text(s, 3);
		c.name = (const char *)sqlite3_column_text(s, 4);
		c.business_name = (const char *)sqlite3_column_text(s, 5);
		c.first_seen_ms = sqlite3_column_int64(s, 6);
		c.updated_ms = sqlite3_column_int64(s, 7);
		c.has_dm = sqlite3_column_int(s, 8);
		cb(&c, arg);
	}
	sqlite3_reset(s);
	return rc;
}

int
store_contact_groups(struct store *st, int64_t contact_id,
    store_contact_group_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, SS_CONTACT_GROUPS);
	struct store_contact_group g;
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, contact_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		g.jid = (const char *)sqlite3_column_text(s, 0);
		g.subject = (const char *)sqlite3_column_text(s, 1);
		g.role = (const char *)sqlite3_column_text(s, 2);
		g.tag = (const char *)sqlite3_column_text(s, 3);
		g.last_seen_ms = sqlite3_column_int64(s, 4);
		if (cb(&g, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
	return rc;
}
