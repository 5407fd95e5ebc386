/*
 * The stored groups of a session (capability read): GET .../groups,
 * .../groups/{group} and .../groups/{group}/members, and one contact:
 * GET .../contacts/{lid}.  Pages, ordering and cursors behave as the
 * contact list's (handle_list.c); a cursor is bound to what it pages -
 * the session's groups, or one group's members - so that no cursor of one
 * list is taken by another.  Internal ids never leave the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jid.h"
#include "common/log.h"
#include "common/store.h"
#include "common/text.h"
#include "gateway/cursor.h"
#include "gateway/handle.h"
#include "gateway/jsonw.h"
#include "gateway/query.h"
#include "gateway/response.h"

#define GROUPS_BUSY_RETRY_S	1
#define GROUPS_ITEM_BYTES	320	/* a Group object, to size a page once */
#define MEMBERS_ITEM_BYTES	200	/* a GroupMember object */
/* Cursor scopes: never a session id (those hold no ':'). */
#define GROUPS_SCOPE_MAX	(STORE_ID_MAX + JID_STR_MAX + 16)

int
handle_store_error(struct response *r, int rc)
{
	response_detail(r, "store: %s", store_rc_str(rc));
	if (rc == STORE_BUSY) {
		/* Never a partial or empty 200: the client retries. */
		if (response_error(r, 503, "gateway_unavailable",
		    "the database is busy; retry later") != 0)
			return -1;
		r->retry_after = GROUPS_BUSY_RETRY_S;
		return 0;
	}
	response_internal(r);
	return 0;
}

static int
groups_oom(struct jsonw *w, struct response *r)
{
	size_t len;

	free(jsonw_finish(w, &len));
	response_detail(r, "out of memory answering groups");
	response_internal(r);
	return -1;
}

/* A required stored string: written when valid UTF-8, else the object fails. */
static void
groups_required(struct jsonw *w, const char *s)
{
	if (s == NULL || jsonw_text(w, s, strlen(s)) != 0) {
		log_warnx("a stored key field is missing or not UTF-8");
		w->failed = 1;
	}
}

/* ,"key":n when known. */
static void
groups_int(struct jsonw *w, const char *prefix, size_t len, int64_t v, int known)
{
	if (!known)
		return;
	jsonw_raw(w, prefix, len);
	jsonw_int(w, v);
}
#define GROUPS_INT(w, key, v, known) \
	groups_int((w), ",\"" key "\":", sizeof(key) + 3, (v), (known))

static void
groups_bool(struct jsonw *w, const char *prefix, size_t len, int v)
{
	if (v < 0)
		return;
	jsonw_raw(w, prefix, len);
	if (v)
		JSONW_LIT(w, "true");
	else
		JSONW_LIT(w, "false");
}
#define GROUPS_BOOL(w, key, v) \
	groups_bool((w), ",\"" key "\":", sizeof(key) + 3, (v))

/* A Group object (README, "The API": unknown fields are left out). */
static void
groups_write(struct jsonw *w, const struct store_group *g)
{
	JSONW_LIT(w, "{\"groupJid\":");
	groups_required(w, g->jid);
	JSONW_FIELD(w, "subject", g->subject);
	JSONW_FIELD(w, "description", g->description);
	JSONW_FIELD(w, "ownerJid", g->owner_jid);
	GROUPS_INT(w, "participantCount", g->size, g->size >= 0);
	GROUPS_BOOL(w, "isAnnounce", g->announce);
	GROUPS_BOOL(w, "isLocked", g->locked);
	GROUPS_INT(w, "createdAtWa", g->created_ms, g->created_ms > 0);
	GROUPS_INT(w, "firstSeenAt", g->first_seen_ms, 1);
	GROUPS_INT(w, "updatedAt", g->updated_ms, 1);
	JSONW_LIT(w, "}");
}

/* A LID JID from the stored digits: "<digits>@lid". */
static void
groups_lid(struct jsonw *w, const char *digits)
{
	char lid[JID_STR_MAX];
	size_t n = digits != NULL ? strlen(digits) : 0;

	if (n == 0 || n > JID_USER_MAX) {
		log_warnx("a stored LID is empty or too long");
		w->failed = 1;
		return;
	}
	memcpy(lid, digits, n);
	memcpy(lid + n, "@lid", 4);
	jsonw_string(w, lid, n + 4);
}

/*
 * limit and cursor of a list bound to scope; records the problems in r.
 * what names the list in the cursor's message.
 */
static void
groups_paging(const struct cursor_key *ck, const char *scope, const struct query *q,
    int *limit, int64_t *after, const char *bad_cursor, struct response *r)
{
	const char *v;
	size_t len;

	*after = 0;
	v = query_get(q, "limit", &len);
	if (handle_limit(v, len, limit) != 0)
		response_invalid_add(r, "limit", 5, "must be an integer");
	if ((v = query_get(q, "cursor", &len)) != NULL &&
	    cursor_decode(ck, scope, v, len, after) != 0)
		response_invalid_add(r, "cursor", 6, bad_cursor);
}

/* Ends a page: nextCursor ("" at the end) and the 200. */
static int
groups_page_end(struct jsonw *w, const struct cursor_key *ck, const char *scope,
    int more, int64_t last, struct response *r)
{
	char cursor[CURSOR_LEN + 1], *body;
	size_t len;

	cursor[0] = '\0';
	if (more && cursor_encode(ck, scope, last, cursor) != 0) {
		free(jsonw_finish(w, &len));
		response_detail(r, "cannot make a cursor");
		response_internal(r);
		return 0;
	}
	JSONW_LIT(w, "],\"nextCursor\":");
	jsonw_string(w, cursor, strlen(cursor));
	JSONW_LIT(w, "}");
	if ((body = jsonw_finish(w, &len)) == NULL) {
		response_detail(r, "out of memory ending a page");
		response_internal(r);
		return -1;
	}
	response_buffer(r, 200, body, len);
	return 0;
}

struct groups_page {
	struct jsonw	 w;
	int64_t		 last;
	int		 rows;
};

static int
groups_row(const struct store_group *g, void *arg)
{
	struct groups_page *pg = arg;

	pg->last = g->key;
	if (pg->rows++ > 0)
		JSONW_LIT(&pg->w, ",");
	groups_write(&pg->w, g);
	return pg->w.failed;
}

int
handle_groups(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const struct query *q, struct response *r)
{
	struct store_group_query gq;
	struct groups_page pg;
	char scope[GROUPS_SCOPE_MAX];
	const char *v;
	size_t len;
	int rc, more = 0;

	memset(&gq, 0, sizeof(gq));
	gq.session_rowid = s->rowid;
	snprintf(scope, sizeof(scope), "groups:%s", s->id);
	if ((v = query_get(q, "q", &len)) != NULL) {
		if (text_codepoints(v, len) > HANDLE_LIST_Q_MAX)
			response_invalid_add(r, "q", 1, "must be at most 100 characters");
		else
			gq.q = v;
	}
	groups_paging(ck, scope, q, &gq.limit, &gq.after,
	    "is not a cursor of this session's groups", r);
	if (r->ninvalid > 0)
		return response_invalid_finish(r);
	memset(&pg, 0, sizeof(pg));
	if (jsonw_init(&pg.w, 64 + (size_t)gq.limit * GROUPS_ITEM_BYTES) != 0)
		return groups_oom(&pg.w, r);
	JSONW_LIT(&pg.w, "{\"data\":[");
	rc = store_groups_page(st, &gq, groups_row, &pg, &more);
	if (rc == STORE_OK && pg.w.failed)
		return groups_oom(&pg.w, r);
	if (rc != STORE_OK) {
		free(jsonw_finish(&pg.w, &len));
		return handle_store_error(r, rc);
	}
	return groups_page_end(&pg.w, ck, scope, more, pg.last, r);
}

/* The {group} segment: a group JID, bare, as stored; -1 when malformed. */
static int
groups_jid(const char *seg, size_t len, char out[JID_STR_MAX])
{
	struct jid j;

	if (jid_parse(seg, len, &j) != 0 || j.kind != JID_GROUP)
		return -1;
	jid_format_bare(&j, out);
	return 0;
}

static int
groups_copy(const struct store_group *g, void *arg)
{
	struct groups_page *pg = arg;

	pg->last = g->key;
	pg->rows = 1;
	groups_write(&pg->w, g);
	return 0;
}

static int
groups_not_found(struct response *r)
{
	return response_error(r, 404, "not_found", "group not found");
}

int
handle_group(struct store *st, const struct store_session *s, const char *seg,
    size_t seglen, struct response *r)
{
	struct groups_page pg;
	char jid[JID_STR_MAX], *body;
	size_t len;
	int rc;

	if (groups_jid(seg, seglen, jid) != 0) {
		response_invalid_add(r, "group", 5,
		    "must be a group JID (<digits>@g.us or <digits>-<digits>@g.us)");
		return response_invalid_finish(r);
	}
	memset(&pg, 0, sizeof(pg));
	if (jsonw_init(&pg.w, GROUPS_ITEM_BYTES) != 0)
		return groups_oom(&pg.w, r);
	rc = store_group_get(st, s->rowid, jid, groups_copy, &pg);
	if (rc == STORE_OK && pg.w.failed)
		return groups_oom(&pg.w, r);
	if (rc != STORE_OK) {
		free(jsonw_finish(&pg.w, &len));
		return rc == STORE_NOTFOUND ? groups_not_found(r) : handle_store_error(r, rc);
	}
	if ((body = jsonw_finish(&pg.w, &len)) == NULL)
		return groups_oom(&pg.w, r);
	response_buffer(r, 200, body, len);
	return 0;
}

static int
members_row(const struct store_member *m, void *arg)
{
	struct groups_page *pg = arg;
	struct jsonw *w = &pg->w;

	pg->last = m->key;
	if (pg->rows++ > 0)
		JSONW_LIT(w, ",");
	JSONW_LIT(w, "{\"lid\":");
	groups_lid(w, m->lid);
	JSONW_FIELD(w, "phoneNumber", m->phone);
	JSONW_FIELD(w, "name", m->name);
	JSONW_LIT(w, ",\"role\":");
	groups_required(w, m->role);
	JSONW_FIELD(w, "tag", m->tag);
	GROUPS_INT(w, "firstSeenAt", m->first_seen_ms, 1);
	GROUPS_INT(w, "lastSeenAt", m->last_seen_ms, 1);
	JSONW_LIT(w, "}");
	return w->failed;
}

/* Only the group's key is needed to list its members. */
static int
members_group_key(const struct store_group *g, void *arg)
{
	*(int64_t *)arg = g->key;
	return 0;
}

int
handle_members(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const char *seg, size_t seglen,
    const struct query *q, struct response *r)
{
	struct store_member_query mq;
	struct groups_page pg;
	char jid[JID_STR_MAX], scope[GROUPS_SCOPE_MAX];
	const char *v;
	size_t len;
	int rc, more = 0;

	memset(&mq, 0, sizeof(mq));
	jid[0] = '\0';
	if (groups_jid(seg, seglen, jid) != 0)
		response_invalid_add(r, "group", 5,
		    "must be a group JID (<digits>@g.us or <digits>-<digits>@g.us)");
	/* A cursor pages one group's members: the group is in its scope. */
	snprintf(scope, sizeof(scope), "members:%s:%s", s->id, jid);
	if ((v = query_get(q, "role", &len)) != NULL) {
		if ((len == 6 && memcmp(v, "member", 6) == 0) ||
		    (len == 5 && memcmp(v, "admin", 5) == 0) ||
		    (len == 10 && memcmp(v, "superadmin", 10) == 0))
			mq.role = v;
		else
			response_invalid_add(r, "role", 4,
			    "must be member, admin or superadmin");
	}
	groups_paging(ck, scope, q, &mq.limit, &mq.after,
	    "is not a cursor of this group's members", r);
	if (r->ninvalid > 0)
		return response_invalid_finish(r);
	/* Parameters first (400), then whether the session saw the group (404). */
	if ((rc = store_group_get(st, s->rowid, jid, members_group_key, &mq.group_id)) !=
	    STORE_OK)
		return rc == STORE_NOTFOUND ? groups_not_found(r) : handle_store_error(r, rc);
	memset(&pg, 0, sizeof(pg));
	if (jsonw_init(&pg.w, 64 + (size_t)mq.limit * MEMBERS_ITEM_BYTES) != 0)
		return groups_oom(&pg.w, r);
	JSONW_LIT(&pg.w, "{\"data\":[");
	rc = store_members_page(st, &mq, members_row, &pg, &more);
	if (rc == STORE_OK && pg.w.failed)
		return groups_oom(&pg.w, r);
	if (rc != STORE_OK) {
		free(jsonw_finish(&pg.w, &len));
		return handle_store_error(r, rc);
	}
	return groups_page_end(&pg.w, ck, scope, more, pg.last, r);
}

/* ---- one contact ---- */

struct contact_detail {
	struct jsonw	 w;
	int64_t		 id;
	int		 found;
	int		 ngroups;
};

static int
contact_identity(const struct store_contact_detail *c, void *arg)
{
	struct contact_detail *d = arg;
	struct jsonw *w = &d->w;

	d->found = 1;
	d->id = c->id;
	JSONW_LIT(w, "{\"identity\":{\"lid\":");
	groups_lid(w, c->lid);
	JSONW_FIELD(w, "phoneNumber", c->phone);
	JSONW_FIELD(w, "phoneJid", c->phone_jid);
	JSONW_FIELD(w, "name", c->name);
	JSONW_FIELD(w, "businessName", c->business_name);
	GROUPS_INT(w, "firstSeenAt", c->first_seen_ms, 1);
	GROUPS_INT(w, "updatedAt", c->updated_ms, 1);
	if (c->has_dm)
		JSONW_LIT(w, "},\"dm\":true,\"groups\":[");
	else
		JSONW_LIT(w, "},\"dm\":false,\"groups\":[");
	return 0;
}

static int
contact_group(const struct store_contact_group *g, void *arg)
{
	struct contact_detail *d = arg;
	struct jsonw *w = &d->w;

	if (d->ngroups++ > 0)
		JSONW_LIT(w, ",");
	JSONW_LIT(w, "{\"jid\":");
	groups_required(w, g->jid);
	JSONW_FIELD(w, "name", g->subject);
	JSONW_LIT(w, ",\"role\":");
	groups_required(w, g->role);
	JSONW_FIELD(w, "tag", g->tag);
	GROUPS_INT(w, "lastSeen", g->last_seen_ms, 1);
	JSONW_LIT(w, "}");
	return w->failed;
}

int
handle_contact(struct store *st, const struct store_session *s, const char *seg,
    size_t seglen, struct response *r)
{
	struct contact_detail d;
	struct jid j;
	char *body;
	size_t len;
	int rc;

	/* A LID (a device part is allowed and ignored); a phone JID is not one. */
	if (jid_parse(seg, seglen, &j) != 0 || j.kind != JID_LID) {
		response_invalid_add(r, "lid", 3, "must be a LID (<digits>@lid)");
		return response_invalid_finish(r);
	}
	memset(&d, 0, sizeof(d));
	if (jsonw_init(&d.w, 512) != 0)
		return groups_oom(&d.w, r);
	rc = store_contact_get(st, s->rowid, j.user, contact_identity, &d);
	if (rc == STORE_OK)
		rc = store_contact_groups(st, d.id, contact_group, &d);
	if (rc == STORE_OK && d.w.failed)
		return groups_oom(&d.w, r);
	if (rc != STORE_OK) {
		free(jsonw_finish(&d.w, &len));
		if (rc == STORE_NOTFOUND)
			return response_error(r, 404, "not_found", "contact not found");
		return handle_store_error(r, rc);
	}
	JSONW_LIT(&d.w, "]}");
	if ((body = jsonw_finish(&d.w, &len)) == NULL)
		return groups_oom(&d.w, r);
	response_buffer(r, 200, body, len);
	return 0;
}
