/*
 * The list endpoint's query.  Every shape orders by contacts.id, the
 * keyset key: immutable and never reused, so paging neither repeats nor
 * skips a contact while new ones are stored (they sort after).
 *
 * Four statements, one per driving index, chosen by the filters:
 *   group JID given      -> group_members of that group   (SS_LIST_GROUP)
 *   q of 3+ characters, in a session of more than STORE_SCAN_MAX
 *   contacts             -> the session's range of the trigram index
 *                           (SS_LIST_FTS)
 *   source=dm, in a session of more than STORE_SCAN_MAX contacts
 *   of which fewer than 1 in STORE_DM_SPARSE has a direct chat
 *                        -> direct_chats of the session    (SS_LIST_DM)
 *   otherwise            -> contacts of the session        (SS_LIST_ALL)
 * The remaining filters are checked per row by the same predicates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store_impl.h"
#include "common/text.h"

/* Trigram FTS needs at least this many characters in every needle. */
#define STORE_TRIGRAM 3
/*
 * A session of at most this many contacts is searched by a scan of its
 * rows, whatever q: the trigram index's fixed cost grows with the whole
 * database (a lookup per trigram and segment, seeks in lists that hold
 * every session), ~100 us at 10^6 contacts; scanning 1,000 rows costs
 * about that, in any database (store_schema.c, version 5).
 */
#define STORE_SCAN_MAX 1000
/*
 * source=dm scans the session's range of contacts_page (no seek per row)
 * unless direct chats are rarer than 1 in this many contacts: then a
 * page of 50 would read over 500 index entries to find them, and
 * direct_chats, with a seek into contacts per row, costs less.
 */
#define STORE_DM_SPARSE 10
/* Code points in a folded needle: the API takes a q of at most 100, and
 * full case folding at most triples a character. */
#define STORE_Q_MAX 300

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

/* Bytes of the UTF-8 sequence that starts with c (the input is valid). */
static size_t
store_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Appends len bytes of s as an FTS5 string: quoted, inner quotes doubled. */
static char *
store_fts_quote(char *p, const char *s, size_t len)
{
	size_t i;

	*p++ = '"';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

/*
 * Appends col : ("t1" AND "t2" ...), the trigrams at code points 0, 3,
 * 6, ... and the last one: every character of the needle is in one, so
 * a row that contains the needle has them all.  instr() then keeps only
 * real substrings.
 */
static char *
store_fts_cover(char *p, const char *col, const char *needle)
{
	size_t starts[STORE_Q_MAX + 1], n = 0, i, len = strlen(needle), off;
	int first = 1;

	for (off = 0; off < len; off += store_utf8_len((unsigned char)needle[off]))
		starts[n++] = off;
	starts[n] = len;
	p += sprintf(p, "%s : (", col);
	for (i = 0; i + STORE_TRIGRAM <= n; i += STORE_TRIGRAM) {
		p += sprintf(p, "%s", first ? "" : " AND ");
		p = store_fts_quote(p, needle + starts[i], starts[i + 3] - starts[i]);
		first = 0;
	}
	if (n % STORE_TRIGRAM != 0) {
		i = n - STORE_TRIGRAM;
		p += sprintf(p, " AND ");
		p = store_fts_quote(p, needle + starts[i], len - starts[i]);
	}
	*p++ = ')';
	return p;
}

static int
store_needles_make(const struct store_contact_query *q, struct store_needles *n)
{
	const char *d;
	size_t need, cps;
	char *p;

	memset(n, 0, sizeof(*n));
	if (q->q == NULL || *q->q == '\0')
		return STORE_OK;
	if ((n->name = text_fold(q->q, strlen(q->q))) == NULL)
		return STORE_ERROR;
	/* For the number, a leading '+' in q is ignored. */
	d = q->q[0] == '+' ? q->q + 1 : q->q;
	if (*d != '\0' && strspn(d, "0123456789") == strlen(d))
		n->phone = d;
	cps = text_codepoints(n->name, strlen(n->name));
	if (q->group_jid != NULL || cps < STORE_TRIGRAM || cps > STORE_Q_MAX ||
	    (n->phone != NULL && strlen(n->phone) < STORE_TRIGRAM))
		return STORE_OK;
	/* Not SQL: an FTS5 query expression, bound as a parameter.  Each
	 * trigram costs at most 2 * its bytes + 7 ('"', '"', " AND "). */
	need = 2 * (2 * strlen(n->name) + 7 * cps) + 64;
	if ((p = n->fts = malloc(need)) == NULL)
		return STORE_ERROR;
	p = store_fts_cover(p, "name_folded", n->name);
	if (n->phone != NULL) {
		p += sprintf(p, " OR ");
		p = store_fts_cover(p, "phone", n->phone);
	}
	*p = '\0';
	return STORE_OK;
}

/* How many contacts, and of them in direct chats, session holds. */
static int
store_session_counts(struct store *st, int64_t session, int64_t *contacts,
    int64_t *dms)
{
	sqlite3_stmt *s = store_stmt(st, SS_CONTACT_COUNT);
	int rc;

	*contacts = *dms = 0;
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		*contacts = sqlite3_column_int64(s, 0);
		*dms = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* The statement of q; n->fts is dropped when the session is scanned. */
static int
store_list_shape(struct store *st, const struct store_contact_query *q,
    struct store_needles *n, enum store_stmt *shape)
{
	int64_t contacts, dms;
	int rc;

	if (q->group_jid != NULL) {
		*shape = SS_LIST_GROUP;
		return STORE_OK;
	}
	*shape = SS_LIST_ALL;
	if (n->fts == NULL && q->source != STORE_SOURCE_DM)
		return STORE_OK;
	rc = store_session_counts(st, q->session_rowid, &contacts, &dms);
	if (rc != STORE_OK)
		return rc;
	if (n->fts != NULL && contacts > STORE_SCAN_MAX) {
		*shape = SS_LIST_FTS;
		return STORE_OK;
	}
	free(n->fts);
	n->fts = NULL;
	if (q->source == STORE_SOURCE_DM && contacts > STORE_SCAN_MAX &&
	    dms * STORE_DM_SPARSE < contacts)
		*shape = SS_LIST_DM;
	return STORE_OK;
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
	/* With the FTS driver too: the index finds candidates, instr() decides. */
	store_bind_text(s, 5, n->name);
	store_bind_text(s, 6, n->phone);
	store_bind_text(s, 7, q->group_jid);
	store_bind_text(s, 8, n->fts);
}

int
store_contacts_page(struct store *st, const struct store_contact_query *q,
    store_contact_cb cb, void *arg, int *more)
{
	struct store_needles n;
	struct store_contact c;
	enum store_stmt shape;
	sqlite3_stmt *s;
	int rc, got = 0;

	*more = 0;
	if ((rc = store_needles_make(q, &n)) != STORE_OK)
		return rc;
	if ((rc = store_list_shape(st, q, &n, &shape)) != STORE_OK)
		goto out;
	if ((s = store_stmt(st, shape)) == NULL) {
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
	enum store_stmt shape;
	sqlite3_stmt *s;
	int rc;

	if (buflen == 0)
		return STORE_ERROR;
	buf[0] = '\0';
	if ((rc = store_needles_make(q, &n)) != STORE_OK)
		return rc;
	if ((rc = store_list_shape(st, q, &n, &shape)) != STORE_OK)
		goto out;
	if ((s = store_stmt(st, plan_of[shape])) == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	store_list_bind(s, q, &n, q->limit + 1);
	rc = store_plan_text(st, s, buf, buflen);
out:
	store_needles_free(&n);
	return rc;
}

int
store_search_tidy(struct store *st, int pages, int start, int *done)
{
	sqlite3_stmt *s;
	int64_t before;
	int rc;

	*done = 0;
	if (st->mode != STORE_WRITER || pages <= 0 ||
	    (s = store_stmt(st, SS_SEARCH_MERGE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(s, 1, start ? -pages : pages);
	before = sqlite3_total_changes64(st->db);
	if ((rc = store_exec_stmt(st, s)) != STORE_OK)
		return rc;
	/* FTS5 counts a step that wrote nothing as at most one change. */
	*done = sqlite3_total_changes64(st->db) - before < 2;
	return STORE_OK;
}
