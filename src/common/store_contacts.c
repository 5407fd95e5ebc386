/*
 * The list endpoint's query.  Every shape orders by contacts.id, the
 * keyset key: immutable and never reused, so paging neither repeats nor
 * skips a contact while new ones are stored (they sort after).
 *
 * Four statements, one per driving index, chosen by the filters:
 *   group JID given      -> group_members of that group   (SS_LIST_GROUP)
 *   q of 3+ characters   -> the trigram index              (SS_LIST_FTS)
 *   source=dm            -> direct_chats of the session    (SS_LIST_DM)
 *   otherwise            -> contacts of the session        (SS_LIST_ALL)
 * The remaining filters are checked per row by the same predicates.
 */
#include <stdlib.h>
#include <string.h>

#include "common/store_impl.h"
#include "common/text.h"

/* Trigram FTS needs at least this many characters in every needle. */
#define STORE_TRIGRAM 3

struct store_needles {
	char		*name;		/* folded q, or NULL */
	const char	*phone;		/* q without a leading '+', if all digits */
	char		*fts;		/* FTS5 expression when the index can serve */
};

static void
store_needles_free(struct store_needles *n)
{
	free(n->name);
	free(n->fts);
}

/* Appends s as an FTS5 string: double quotes, inner quotes doubled. */
static char *
store_fts_quote(char *p, const char *s)
{
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	return p;
}

static int
store_needles_make(const struct store_contact_query *q, struct store_needles *n)
{
	const char *d;
	size_t need;
	char *p;

	memset(n, 0, sizeof(*n));
	if (q->q == NULL || *q->q == '\0')
		return STORE_OK;
	if ((n->name = text_fold(q->q, strlen(q->q))) == NULL)
		return STORE_ERROR;
	/* CONTRACT.md: for the number, a leading '+' in q is ignored. */
	d = q->q[0] == '+' ? q->q + 1 : q->q;
	if (*d != '\0' && strspn(d, "0123456789") == strlen(d))
		n->phone = d;
	if (q->group_jid != NULL ||
	    text_codepoints(n->name, strlen(n->name)) < STORE_TRIGRAM ||
	    (n->phone != NULL && strlen(n->phone) < STORE_TRIGRAM))
		return STORE_OK;
	/* Not SQL: an FTS5 query expression, bound as a parameter. */
	need = 2 * strlen(n->name) + (n->phone ? strlen(n->phone) : 0) + 48;
	if ((p = n->fts = malloc(need)) == NULL)
		return STORE_ERROR;
	memcpy(p, "name_folded : ", 14);
	p = store_fts_quote(p + 14, n->name);
	if (n->phone != NULL) {
		memcpy(p, " OR phone : ", 12);
		p = store_fts_quote(p + 12, n->phone);
	}
	*p = '\0';
	return STORE_OK;
}

static enum store_stmt
store_list_shape(const struct store_contact_query *q, const struct store_needles *n)
{
	if (q->group_jid != NULL)
		return SS_LIST_GROUP;
	if (n->fts != NULL)
		return SS_LIST_FTS;
	if (q->source == STORE_SOURCE_DM)
		return SS_LIST_DM;
	return SS_LIST_ALL;
}

static void
store_list_bind(sqlite3_stmt *s, const struct store_contact_query *q,
    const struct store_needles *n, int rows)
{
	sqlite3_bind_int64(s, 1, q->session_rowid);
	sqlite3_bind_int64(s, 2, q->after);
	sqlite3_bind_int(s, 3, rows);
	sqlite3_bind_int(s, 4, q->source == STORE_SOURCE_DM ? 1 :
	    q->source == STORE_SOURCE_GROUP ? 2 : 0);
	/* With the FTS driver the index already matched q. */
	if (n->fts == NULL) {
		store_bind_text(s, 5, n->name);
		store_bind_text(s, 6, n->phone);
	}
	store_bind_text(s, 7, q->group_jid);
	store_bind_text(s, 8, n->fts);
}

int
store_contacts_page(struct store *st, const struct store_contact_query *q,
    store_contact_cb cb, void *arg, int *more)
{
	struct store_needles n;
	struct store_contact c;
	sqlite3_stmt *s;
	int rc, got = 0;

	*more = 0;
	if ((rc = store_needles_make(q, &n)) != STORE_OK)
		return rc;
	if ((s = store_stmt(st, store_list_shape(q, &n))) == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	/* One row more than asked tells whether another page exists. */
	store_list_bind(s, q, &n, q->limit + 1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (got == q->limit) {
			*more = 1;
			rc = SQLITE_DONE;
			break;
		}
		c.key = sqlite3_column_int64(s, 0);
		c.lid = (const char *)sqlite3_column_text(s, 1);
		c.phone = (const char *)sqlite3_column_text(s, 2);
		c.name = (const char *)sqlite3_column_text(s, 3);
		c.business_name = (const char *)sqlite3_column_text(s, 4);
		c.has_dm = sqlite3_column_int(s, 5);
		got++;
		if (cb(&c, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = store_rc_from_sqlite(st, rc);
	sqlite3_reset(s);
out:
	store_needles_free(&n);
	return rc;
}

int
store_contacts_plan(struct store *st, const struct store_contact_query *q,
    char *buf, size_t buflen)
{
	static const enum store_stmt plan_of[SS_COUNT] = {
		[SS_LIST_ALL] = SS_PLAN_ALL, [SS_LIST_DM] = SS_PLAN_DM,
		[SS_LIST_GROUP] = SS_PLAN_GROUP, [SS_LIST_FTS] = SS_PLAN_FTS,
	};
	struct store_needles n;
	sqlite3_stmt *s;
	size_t used = 0;
	int rc;

	if (buflen == 0)
		return STORE_ERROR;
	buf[0] = '\0';
	if ((rc = store_needles_make(q, &n)) != STORE_OK)
		return rc;
	if ((s = store_stmt(st, plan_of[store_list_shape(q, &n)])) == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	store_list_bind(s, q, &n, q->limit + 1);
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
out:
	store_needles_free(&n);
	return rc;
}
