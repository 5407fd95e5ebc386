#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store_impl.h"

int
store_session_create(struct store *st, const struct store_session_new *n,
    int64_t now_ms, int64_t *rowid)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_ADD);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, n->id);
	store_bind_text(s, 2, n->org);
	store_bind_text(s, 3, n->label ? n->label : "");
	store_bind_text(s, 4, n->link);
	if (n->autostart >= 0)
		sqlite3_bind_int(s, 5, n->autostart);
	store_bind_text(s, 6, n->gateway_id);
	sqlite3_bind_int64(s, 7, now_ms);
	if ((rc = store_exec_stmt(st, s)) == STORE_OK && rowid != NULL)
		*rowid = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_session_add(struct store *st, const char *id, const char *org,
    const char *label, int64_t now_ms)
{
	struct store_session_new n = { id, org, label, "sim", NULL, -1 };

	return store_session_create(st, &n, now_ms, NULL);
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

/* Reads a row of SESSION_COLUMNS (store_sql.c). */
static void
store_session_row(sqlite3_stmt *s, struct store_session *out)
{
	memset(out, 0, sizeof(*out));
	out->rowid = sqlite3_column_int64(s, 0);
	store_column_copy(s, 1, out->id, sizeof(out->id));
	store_column_copy(s, 2, out->org, sizeof(out->org));
	store_column_copy(s, 3, out->link, sizeof(out->link));
	store_column_copy(s, 4, out->label, sizeof(out->label));
	store_column_copy(s, 5, out->status, sizeof(out->status));
	store_column_copy(s, 6, out->reason, sizeof(out->reason));
	store_column_copy(s, 7, out->phone, sizeof(out->phone));
	store_column_copy(s, 8, out->jid, sizeof(out->jid));
	store_column_copy(s, 9, out->lid, sizeof(out->lid));
	store_column_copy(s, 10, out->push_name, sizeof(out->push_name));
	store_column_copy(s, 11, out->gateway_id, sizeof(out->gateway_id));
	out->autostart = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(s, 12) != 0;
	out->last_connected_ms = sqlite3_column_int64(s, 13);
	out->created_ms = sqlite3_column_int64(s, 14);
	out->updated_ms = sqlite3_column_int64(s, 15);
}

int
store_session_get(struct store *st, const char *id, struct store_session *out)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_GET);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	if ((rc = store_step_row(st, s)) == STORE_OK)
		store_session_row(s, out);
	sqlite3_reset(s);
	return rc;
}

/* Calls cb for every row of s (bound); *n counts the rows. */
static int
store_session_rows(struct store *st, sqlite3_stmt *s, store_session_cb cb,
    void *arg, int *n)
{
	struct store_session ss;
	int rc;

	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_session_row(s, &ss);
		(*n)++;
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
store_session_list(struct store *st, const char *org, store_session_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(st, org ? SS_SESSION_LIST_ORG : SS_SESSION_LIST_ALL);
	int n;

	if (s == NULL)
		return STORE_ERROR;
	if (org != NULL)
		store_bind_text(s, 1, org);
	return store_session_rows(st, s, cb, arg, &n);
}

struct store_page {
	store_session_cb cb;
	void		*arg;
	int		 limit, n;
};

static int
store_session_page_one(const struct store_session *ss, void *arg)
{
	struct store_page *pg = arg;

	/* The row after the page only says that there is more. */
	if (pg->n++ == pg->limit)
		return 1;
	return pg->cb(ss, pg->arg);
}

int
store_session_page(struct store *st, const char *org, int64_t after, int limit,
    store_session_cb cb, void *arg, int *more)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_PAGE);
	struct store_page pg = { cb, arg, limit, 0 };
	int rc, n;

	*more = 0;
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, org);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit + 1);
	rc = store_session_rows(st, s, store_session_page_one, &pg, &n);
	*more = pg.n > limit;
	return rc;
}

int
store_session_page_plan(struct store *st, char *buf, size_t buflen)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_PAGE_PLAN);

	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, "org");
	sqlite3_bind_int64(s, 2, 0);
	sqlite3_bind_int(s, 3, 10);
	return store_plan_text(st, s, buf, buflen);
}

static const char *
store_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

int
store_session_set_state(struct store *st, int64_t session_rowid,
    const struct store_session_state *state, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_SET_STATE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, state->status);
	store_bind_text(s, 3, store_nonempty(state->reason));
	if (state->autostart >= 0)
		sqlite3_bind_int(s, 4, state->autostart);
	store_bind_text(s, 5, store_nonempty(state->gateway_id));
	if (state->last_connected_ms > 0)
		sqlite3_bind_int64(s, 6, state->last_connected_ms);
	sqlite3_bind_int64(s, 7, now_ms);
	return store_exec_stmt(st, s);
}

int
store_session_set_identity(struct store *st, int64_t session_rowid,
    const struct store_session_identity *id, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_SESSION_SET_IDENTITY);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, store_nonempty(id->phone));
	store_bind_text(s, 3, store_nonempty(id->jid));
	store_bind_text(s, 4, store_nonempty(id->lid));
	store_bind_text(s, 5, store_nonempty(id->push_name));
	sqlite3_bind_int64(s, 6, now_ms);
	return store_exec_stmt(st, s);
}

int
store_creds_get(struct store *st, int64_t session_rowid, unsigned char **blob,
    size_t *len)
{
	sqlite3_stmt *s = store_stmt(st, SS_CREDS_GET);
	int rc, n;

	*blob = NULL;
	*len = 0;
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		n = sqlite3_column_bytes(s, 0);
		if ((*blob = malloc(n > 0 ? (size_t)n : 1)) == NULL)
			rc = STORE_ERROR;
		else {
			if (n > 0)
				memcpy(*blob, sqlite3_column_blob(s, 0), (size_t)n);
			*len = (size_t)n;
		}
	}
	sqlite3_reset(s);
	return rc;
}

int
store_creds_put(struct store *st, int64_t session_rowid, const unsigned char *blob,
    size_t len, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_CREDS_PUT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	sqlite3_bind_blob(s, 2, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now_ms);
	return store_exec_stmt(st, s);
}

int
store_creds_delete(struct store *st, int64_t session_rowid)
{
	sqlite3_stmt *s = store_stmt(st, SS_CREDS_DELETE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	return store_exec_stmt(st, s);
}

int
store_limits_get(struct store *st, int64_t session_rowid, struct store_limits *out)
{
	sqlite3_stmt *s = store_stmt(st, SS_LIMITS_GET);
	int rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		out->bucket_debt = sqlite3_column_int64(s, 0);
		out->bucket_at_ms = sqlite3_column_int64(s, 1);
		out->day = sqlite3_column_int64(s, 2);
		out->day_count = sqlite3_column_int64(s, 3);
		out->backoff_until_ms = sqlite3_column_int64(s, 4);
		out->backoff_ms = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return rc;
}

int
store_limits_put(struct store *st, int64_t session_rowid,
    const struct store_limits *l, int64_t now_ms)
{
	sqlite3_stmt *s = store_stmt(st, SS_LIMITS_PUT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	sqlite3_bind_int64(s, 2, l->bucket_debt);
	sqlite3_bind_int64(s, 3, l->bucket_at_ms);
	sqlite3_bind_int64(s, 4, l->day);
	sqlite3_bind_int64(s, 5, l->day_count);
	sqlite3_bind_int64(s, 6, l->backoff_until_ms);
	sqlite3_bind_int64(s, 7, l->backoff_ms);
	sqlite3_bind_int64(s, 8, now_ms);
	return store_exec_stmt(st, s);
}
