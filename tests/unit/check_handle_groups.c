/*
 * handle_groups: GET .../contacts/{lid}, .../groups, .../groups/{group}
 * and .../groups/{group}/members against a real SQLite file, filled with
 * the store's writer functions and read through a reader connection as
 * wagw.fcgi does: the exact JSON shapes (absent fields left out, no
 * internal ids), paging with cursors bound to what they page, 400 for
 * malformed input and the documented 404s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sqlite3.h>

#include "common/store.h"
#include "gateway/cursor.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/response.h"
#include "gateway/route.h"
#include "unit.h"

#define NOW	INT64_C(1800000000000)
#define G1	"120363021234567890@g.us"
#define G2	"111-222@g.us"
#define GBIG	"999@g.us"
#define BIG_N	230		/* members of GBIG, and groups of S3 */

static char dir[256], dbpath[300];
static struct store *wr, *rd;
static struct cursor_key *ck;
static struct store_session s1, s2, s3;

static int64_t
add_contact(const struct store_session *s, const char *lid, const char *phone,
    const char *name, const char *business)
{
	struct store_seen_contact c = { lid, phone, name, business };
	int64_t id = 0;

	ck_assert_int_eq(store_contact_upsert(wr, s->rowid, &c, NOW, &id), STORE_OK);
	return id;
}

static void
open_db(void)
{
	char err[256];

	snprintf(dir, sizeof(dir), "%s/wagw-groups-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/wagw.db", dir);
	ck_assert_int_eq(store_open(&wr, dbpath, STORE_WRITER, 2000, err, sizeof(err)),
	    STORE_OK);
}

static void
open_reader(void)
{
	unsigned char key[STORE_CURSOR_KEY_LEN];
	char err[256];

	ck_assert_int_eq(store_open(&rd, dbpath, STORE_READER, 100, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_cursor_key(rd, key), STORE_OK);
	ck_assert_ptr_nonnull(ck = cursor_key_new(key));
}

static void
setup(void)
{
	struct store_seen_group g1 = { G1, "Project Team", "Weekly sync", "1003@lid", 3, 0,
	    1, INT64_C(1700000000000) };
	char lid[32], jid[32], subject[32];
	int64_t a, b, c, d, gid, id;
	size_t i;

	open_db();
	ck_assert_int_eq(store_migrate(wr), STORE_OK);
	ck_assert_int_eq(store_org_add(wr, "acme", "Acme", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S1", "acme", "one", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S2", "acme", "two", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S3", "acme", "big", NOW), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S1", &s1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S2", &s2), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S3", &s3), STORE_OK);

	ck_assert_int_eq(store_begin(wr), STORE_OK);
	a = add_contact(&s1, "1001", "6281234567890", "Alice", "Acme Corp");
	b = add_contact(&s1, "1002", NULL, "Bob", NULL);
	c = add_contact(&s1, "1003", "14155550123", "\xc3\x89mile", NULL);
	d = add_contact(&s1, "1004", NULL, NULL, NULL);
	ck_assert_int_eq(store_dm_upsert(wr, s1.rowid, a, NOW), STORE_OK);
	ck_assert_int_eq(store_group_seen(wr, s1.rowid, &g1, NOW, &gid), STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, a, "admin", "~Alice", NOW), STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, b, "member", NULL, NOW), STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, c, "superadmin", NULL, NOW + 5),
	    STORE_OK);
	/* G2: nothing known but the JID. */
	ck_assert_int_eq(store_group_upsert(wr, s1.rowid, G2, NULL, NOW, &gid), STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, a, "member", NULL, NOW + 7), STORE_OK);
	(void)d;
	/* S2 sees the same people and a group of the same JID, differently. */
	id = add_contact(&s2, "1001", NULL, "Alice Two", NULL);
	ck_assert_int_eq(store_group_upsert(wr, s2.rowid, G1, "Other Team", NOW, &gid),
	    STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, id, "member", NULL, NOW), STORE_OK);
	/* S3: many groups, and one with many members. */
	ck_assert_int_eq(store_group_upsert(wr, s3.rowid, GBIG, "Big", NOW, &gid), STORE_OK);
	for (i = 0; i < BIG_N; i++) {
		snprintf(lid, sizeof(lid), "%zu", 900000 + i);
		id = add_contact(&s3, lid, NULL, NULL, NULL);
		ck_assert_int_eq(store_member_upsert(wr, gid, id, i % 4 ? "member" : "admin",
		    NULL, NOW), STORE_OK);
		snprintf(jid, sizeof(jid), "%zu@g.us", 5000 + i);
		snprintf(subject, sizeof(subject), "Group %03zu", i);
		ck_assert_int_eq(store_group_upsert(wr, s3.rowid, jid, subject, NOW, NULL),
		    STORE_OK);
	}
	ck_assert_int_eq(store_commit(wr), STORE_OK);
	open_reader();
}

static void
teardown(void)
{
	char cmd[400];

	cursor_key_free(ck);
	ck = NULL;
	store_close(rd);
	store_close(wr);
	rd = wr = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const *
params_of(enum route_id id)
{
	const struct route_def *t;
	size_t n, i;

	t = route_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].params;
	ck_abort();
	return NULL;
}

/*
 * Runs the handler of route on session s, path segment seg and query
 * string qs; returns the body, compact, in buf (JSON as written).
 */
static const char *
call(enum route_id route, const struct store_session *s, const char *seg,
    const char *qs, struct response *r)
{
	static char buf[65536];
	struct query q;
	struct query_error err;
	struct json_object *body;

	response_init(r);
	ck_assert_msg(query_parse(&q, qs, strlen(qs), params_of(route), &err) == 0,
	    "%s: %s %s", qs, err.field, err.message);
	switch (route) {
	case ROUTE_CONTACT:
		handle_contact(rd, s, seg, strlen(seg), r);
		break;
	case ROUTE_GROUPS:
		handle_groups(rd, ck, s, &q, r);
		break;
	case ROUTE_GROUP:
		handle_group(rd, s, seg, strlen(seg), r);
		break;
	case ROUTE_MEMBERS:
		handle_members(rd, ck, s, seg, strlen(seg), &q, r);
		break;
	default:
		ck_abort();
	}
	ck_assert_str_eq(r->content_type, "application/json");
	/* Whatever it says is JSON. */
	ck_assert_ptr_nonnull(body = json_tokener_parse(r->body));
	json_object_put(body);
	ck_assert_uint_lt(r->body_len, sizeof(buf));
	memcpy(buf, r->body, r->body_len);
	buf[r->body_len] = '\0';
	return buf;
}

START_TEST(contact_detail_exact)
{
	static const struct {
		int		 line;
		const char	*seg;
		const char	*want;
	} cases[] = {
		{ __LINE__, "1001@lid", "{\"identity\":{\"lid\":\"1001@lid\","
		    "\"phoneNumber\":\"6281234567890\",\"phoneJid\":\"6281234567890@s.whatsapp.net\","
		    "\"name\":\"Alice\",\"businessName\":\"Acme Corp\",\"firstSeenAt\":1800000000000,"
		    "\"updatedAt\":1800000000000},\"dm\":true,\"groups\":["
		    "{\"jid\":\"" G1 "\",\"name\":\"Project Team\",\"role\":\"admin\","
		    "\"tag\":\"~Alice\",\"lastSeen\":1800000000000},"
		    "{\"jid\":\"" G2 "\",\"role\":\"member\",\"lastSeen\":1800000000007}]}" },
		/* A device part is ignored. */
		{ __LINE__, "1002:3@lid", "{\"identity\":{\"lid\":\"1002@lid\",\"name\":\"Bob\","
		    "\"firstSeenAt\":1800000000000,\"updatedAt\":1800000000000},\"dm\":false,"
		    "\"groups\":[{\"jid\":\"" G1 "\",\"name\":\"Project Team\",\"role\":\"member\","
		    "\"lastSeen\":1800000000000}]}" },
		/* Nothing known but the LID; in no group: "groups" is []. */
		{ __LINE__, "1004@lid", "{\"identity\":{\"lid\":\"1004@lid\","
		    "\"firstSeenAt\":1800000000000,\"updatedAt\":1800000000000},\"dm\":false,"
		    "\"groups\":[]}" },
	};
	struct response r;
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = call(ROUTE_CONTACT, &s1, cases[i].seg, "", &r);

		ck_assert_msg(r.status == 200 && strcmp(got, cases[i].want) == 0,
		    "line %d: %d %s", cases[i].line, r.status, got);
		response_free(&r);
	}
}
END_TEST

START_TEST(bad_input_is_400_unknown_is_404)
{
	static const struct {
		int		 line;
		enum route_id	 route;
		const struct store_session *s;
		const char	*seg, *qs;
		int		 status;
		const char	*want;		/* substring of the body */
	} cases[] = {
		/* Malformed LIDs: 400 naming "lid". */
		{ __LINE__, ROUTE_CONTACT, &s1, "1001", "", 400, "\"field\":\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, "6281234567890@s.whatsapp.net", "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, G1, "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, "@lid", "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, "12a@lid", "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, "1001%40lid", "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, "1001@LID", "", 400, "\"lid\"" },
		{ __LINE__, ROUTE_CONTACT, &s1, " 1001@lid", "", 400, "\"lid\"" },
		/* Unseen here, or only by another session: 404 contact not found. */
		{ __LINE__, ROUTE_CONTACT, &s1, "9999@lid", "", 404, "\"contact not found\"" },
		{ __LINE__, ROUTE_CONTACT, &s3, "1001@lid", "", 404, "\"contact not found\"" },
		/* Malformed group JIDs: 400 naming "group". */
		{ __LINE__, ROUTE_GROUP, &s1, "120363021234567890", "", 400, "\"field\":\"group\"" },
		{ __LINE__, ROUTE_GROUP, &s1, "1001@lid", "", 400, "\"group\"" },
		{ __LINE__, ROUTE_GROUP, &s1, "1@s.whatsapp.net", "", 400, "\"group\"" },
		{ __LINE__, ROUTE_GROUP, &s1, "x@g.us", "", 400, "\"group\"" },
		{ __LINE__, ROUTE_GROUP, &s1, "1-@g.us", "", 400, "\"group\"" },
		{ __LINE__, ROUTE_GROUP, &s1, "1%40g.us", "", 400, "\"group\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, "abc", "", 400, "\"group\"" },
		/* Unseen groups: 404 group not found, also for the members. */
		{ __LINE__, ROUTE_GROUP, &s1, "424242@g.us", "", 404, "\"group not found\"" },
		{ __LINE__, ROUTE_GROUP, &s3, G1, "", 404, "\"group not found\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, "424242@g.us", "", 404, "\"group not found\"" },
		{ __LINE__, ROUTE_MEMBERS, &s3, G2, "role=admin", 404, "\"group not found\"" },
		/* Parameters before the group's existence. */
		{ __LINE__, ROUTE_MEMBERS, &s1, "424242@g.us", "role=owner", 400, "\"role\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, G1, "role=Admin", 400, "\"role\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, G1, "role=admins", 400, "\"role\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, G1, "limit=x", 400, "\"limit\"" },
		{ __LINE__, ROUTE_MEMBERS, &s1, G1, "cursor=abc", 400, "\"cursor\"" },
		{ __LINE__, ROUTE_GROUPS, &s1, "", "limit=1.5", 400, "\"limit\"" },
		{ __LINE__, ROUTE_GROUPS, &s1, "", "cursor=AAAA", 400, "\"cursor\"" },
		{ __LINE__, ROUTE_GROUPS, &s1, "",
		    "q=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
		    "%C3%A9", 400, "\"q\"" },
	};
	struct response r;
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = call(cases[i].route, cases[i].s, cases[i].seg, cases[i].qs,
		    &r);

		ck_assert_msg(r.status == cases[i].status && strstr(got, cases[i].want) != NULL,
		    "line %d: %d %s", cases[i].line, r.status, got);
		if (r.status == 400)
			ck_assert_msg(strstr(got, "\"validation_error\"") != NULL, "line %d",
			    cases[i].line);
		if (r.status == 404)
			ck_assert_msg(strstr(got, "\"not_found\"") != NULL, "line %d",
			    cases[i].line);
		response_free(&r);
	}
}
END_TEST

START_TEST(group_exact)
{
	static const struct {
		int		 line;
		const struct store_session *s;
		const char	*seg, *want;
	} cases[] = {
		{ __LINE__, &s1, G1, "{\"groupJid\":\"" G1 "\",\"subject\":\"Project Team\","
		    "\"description\":\"Weekly sync\",\"ownerJid\":\"1003@lid\","
		    "\"participantCount\":3,\"isAnnounce\":false,\"isLocked\":true,"
		    "\"createdAtWa\":1700000000000,\"firstSeenAt\":1800000000000,"
		    "\"updatedAt\":1800000000000}" },
		/* %40 arrives decoded from the server; "@" as it is. */
		{ __LINE__, &s1, G2, "{\"groupJid\":\"" G2 "\",\"firstSeenAt\":1800000000000,"
		    "\"updatedAt\":1800000000000}" },
		/* The same JID seen by another session is that session's. */
		{ __LINE__, &s2, G1, "{\"groupJid\":\"" G1 "\",\"subject\":\"Other Team\","
		    "\"firstSeenAt\":1800000000000,\"updatedAt\":1800000000000}" },
	};
	struct response r;
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = call(ROUTE_GROUP, cases[i].s, cases[i].seg, "", &r);

		ck_assert_msg(r.status == 200 && strcmp(got, cases[i].want) == 0,
		    "line %d: %d %s", cases[i].line, r.status, got);
		response_free(&r);
	}
}
END_TEST

START_TEST(groups_and_members_pages_exact)
{
	static const struct {
		int		 line;
		enum route_id	 route;
		const char	*seg, *qs, *want;
	} cases[] = {
		{ __LINE__, ROUTE_GROUPS, "", "", "{\"data\":[{\"groupJid\":\"" G1 "\","
		    "\"subject\":\"Project Team\",\"description\":\"Weekly sync\","
		    "\"ownerJid\":\"1003@lid\",\"participantCount\":3,\"isAnnounce\":false,"
		    "\"isLocked\":true,\"createdAtWa\":1700000000000,\"firstSeenAt\":1800000000000,"
		    "\"updatedAt\":1800000000000},{\"groupJid\":\"" G2 "\","
		    "\"firstSeenAt\":1800000000000,\"updatedAt\":1800000000000}],"
		    "\"nextCursor\":\"\"}" },
		{ __LINE__, ROUTE_GROUPS, "", "q=PROJECT", "{\"data\":[{\"groupJid\":\"" G1 "\"," },
		{ __LINE__, ROUTE_GROUPS, "", "q=nothing", "{\"data\":[],\"nextCursor\":\"\"}" },
		{ __LINE__, ROUTE_GROUPS, "", "q=", "{\"data\":[{\"groupJid\":\"" G1 "\"," },
		{ __LINE__, ROUTE_MEMBERS, G1, "", "{\"data\":["
		    "{\"lid\":\"1001@lid\",\"phoneNumber\":\"6281234567890\",\"name\":\"Alice\","
		    "\"role\":\"admin\",\"tag\":\"~Alice\",\"firstSeenAt\":1800000000000,"
		    "\"lastSeenAt\":1800000000000},"
		    "{\"lid\":\"1002@lid\",\"name\":\"Bob\",\"role\":\"member\","
		    "\"firstSeenAt\":1800000000000,\"lastSeenAt\":1800000000000},"
		    "{\"lid\":\"1003@lid\",\"phoneNumber\":\"14155550123\",\"name\":\"\xc3\x89mile\","
		    "\"role\":\"superadmin\",\"firstSeenAt\":1800000000005,"
		    "\"lastSeenAt\":1800000000005}],\"nextCursor\":\"\"}" },
		{ __LINE__, ROUTE_MEMBERS, G1, "role=superadmin", "{\"data\":[{\"lid\":\"1003@lid\"," },
		{ __LINE__, ROUTE_MEMBERS, G1, "role=admin&limit=200",
		    "{\"data\":[{\"lid\":\"1001@lid\"," },
		{ __LINE__, ROUTE_MEMBERS, G2, "role=admin", "{\"data\":[],\"nextCursor\":\"\"}" },
		{ __LINE__, ROUTE_MEMBERS, G2, "role=", "{\"data\":[{\"lid\":\"1001@lid\"," },
	};
	struct response r;
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		const char *got = call(cases[i].route, &s1, cases[i].seg, cases[i].qs, &r);

		ck_assert_msg(r.status == 200 &&
		    strncmp(got, cases[i].want, strlen(cases[i].want)) == 0,
		    "line %d: %d %s", cases[i].line, r.status, got);
		response_free(&r);
	}
}
END_TEST

/* The page's items' key (groupJid or lid), counted into seen[]. */
static const char *
page_walk(enum route_id route, const char *seg, const char *extra, int limit,
    int *seen, int nseen, int *pages)
{
	static char cursor[256];
	struct json_object *body, *data, *v;
	struct response r;
	char qs[512];
	size_t i, n;

	snprintf(qs, sizeof(qs), "limit=%d%s%s%s%s", limit, extra[0] ? "&" : "", extra,
	    cursor[0] ? "&cursor=" : "", cursor);
	call(route, &s3, seg, qs, &r);
	ck_assert_msg(r.status == 200, "%s: %d", qs, r.status);
	ck_assert_ptr_nonnull(body = json_tokener_parse(r.body));
	ck_assert(json_object_object_get_ex(body, "data", &data));
	n = json_object_array_length(data);
	ck_assert_int_le((int)n, limit);
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(data, i);
		long k;

		ck_assert(json_object_object_get_ex(it, route == ROUTE_GROUPS ? "groupJid" :
		    "lid", &v));
		k = strtol(json_object_get_string(v), NULL, 10);
		/* No internal id ever leaves. */
		ck_assert(!json_object_object_get_ex(it, "id", NULL) &&
		    !json_object_object_get_ex(it, "key", NULL));
		if (k >= 0 && k < nseen)
			seen[k]++;
	}
	ck_assert(json_object_object_get_ex(body, "nextCursor", &v));
	snprintf(cursor, sizeof(cursor), "%s", json_object_get_string(v));
	json_object_put(body);
	response_free(&r);
	(*pages)++;
	if (cursor[0] != '\0')
		ck_assert_int_gt((int)n, 0);
	return cursor;
}

START_TEST(paging_visits_every_row_once)
{
	static const int limits[] = { 1, 7, 50, 200 };
	static int seen[1000000];
	size_t i;
	int k, pages;

	for (i = 0; i < N_ELEM(limits); i++) {
		/* Groups of S3: 5000.. (and GBIG, 999). */
		memset(seen, 0, sizeof(seen));
		pages = 0;
		while (page_walk(ROUTE_GROUPS, "", "", limits[i], seen, 1000000, &pages)[0])
			;
		for (k = 5000; k < 5000 + BIG_N; k++)
			ck_assert_int_eq(seen[k], 1);
		ck_assert_int_eq(seen[999], 1);
		ck_assert_int_eq(pages, (BIG_N + 1 + limits[i] - 1) / limits[i]);
		/* q pages the same way. */
		memset(seen, 0, sizeof(seen));
		pages = 0;
		while (page_walk(ROUTE_GROUPS, "", "q=group%200", limits[i], seen, 1000000,
		    &pages)[0])
			;
		for (k = 5000; k < 5000 + BIG_N; k++)
			ck_assert_int_eq(seen[k], k - 5000 < 100 ? 1 : 0);
		/* Members of GBIG, all and by role. */
		memset(seen, 0, sizeof(seen));
		pages = 0;
		while (page_walk(ROUTE_MEMBERS, GBIG, "", limits[i], seen, 1000000, &pages)[0])
			;
		for (k = 900000; k < 900000 + BIG_N; k++)
			ck_assert_int_eq(seen[k], 1);
		memset(seen, 0, sizeof(seen));
		pages = 0;
		while (page_walk(ROUTE_MEMBERS, GBIG, "role=admin", limits[i], seen, 1000000,
		    &pages)[0])
			;
		for (k = 900000; k < 900000 + BIG_N; k++)
			ck_assert_int_eq(seen[k], (k - 900000) % 4 ? 0 : 1);
	}
}
END_TEST

/* The nextCursor of the first page of route (limit 1) on s3. */
static void
first_cursor(enum route_id route, const char *seg, char out[CURSOR_LEN + 1])
{
	struct json_object *body, *v;
	struct response r;

	call(route, &s3, seg, "limit=1", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(body = json_tokener_parse(r.body));
	ck_assert(json_object_object_get_ex(body, "nextCursor", &v));
	ck_assert_uint_eq(json_object_get_string_len(v), CURSOR_LEN);
	snprintf(out, CURSOR_LEN + 1, "%s", json_object_get_string(v));
	json_object_put(body);
	response_free(&r);
}

/* A cursor pages one list: not another list's, group's or session's. */
START_TEST(cursors_are_bound_to_their_list)
{
	char groups[CURSOR_LEN + 1], members[CURSOR_LEN + 1], contacts[CURSOR_LEN + 1];
	char qs[128];
	struct response r;

	first_cursor(ROUTE_GROUPS, "", groups);
	first_cursor(ROUTE_MEMBERS, GBIG, members);
	ck_assert_int_eq(cursor_encode(ck, s3.id, 1, contacts), 0);	/* the contact list's */
	snprintf(qs, sizeof(qs), "cursor=%s", groups);
	call(ROUTE_GROUPS, &s3, "", qs, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);
	call(ROUTE_GROUPS, &s1, "", qs, &r);		/* another session's */
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	call(ROUTE_MEMBERS, &s3, GBIG, qs, &r);		/* another list's */
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	snprintf(qs, sizeof(qs), "cursor=%s", members);
	call(ROUTE_MEMBERS, &s3, GBIG, qs, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);
	call(ROUTE_MEMBERS, &s3, "5000@g.us", qs, &r);	/* another group's */
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	call(ROUTE_GROUPS, &s3, "", qs, &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	snprintf(qs, sizeof(qs), "cursor=%s", contacts);
	call(ROUTE_GROUPS, &s3, "", qs, &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	call(ROUTE_MEMBERS, &s3, GBIG, qs, &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
}
END_TEST

/*
 * A contact-list cursor issued on a round-1 (schema v1) database still
 * pages the same contacts after the migration (check_store has the rows).
 */
START_TEST(a_round_one_cursor_survives_the_migration)
{
	unsigned char key[STORE_CURSOR_KEY_LEN];
	struct store_session s;
	struct cursor_key *old_ck;
	struct query q;
	struct query_error qerr;
	struct response r;
	char cursor[CURSOR_LEN + 1], qs[128], err[256];
	sqlite3 *db;

	open_db();
	ck_assert_int_eq(store_migrate_to(wr, 1), STORE_OK);
	ck_assert_int_eq(store_cursor_key(wr, key), STORE_OK);
	store_close(wr);
	/* Round 1's rows, with its columns; ids with a gap. */
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	    "INSERT INTO organizations VALUES ('acme', '', 1);"
	    "INSERT INTO sessions (sid, id, org_id, created_ms, updated_ms)"
	    " VALUES (4, 'OLD', 'acme', 1, 1);"
	    "INSERT INTO contacts (id, session, lid, first_seen_ms, updated_ms) VALUES"
	    " (1, 4, '7000', 1, 1), (2, 4, '7001', 1, 1), (3, 4, '7002', 1, 1),"
	    " (5, 4, '7003', 1, 1), (6, 4, '7004', 1, 1), (9, 4, '7005', 1, 1);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* The cursor a round-1 responder gave after the third contact. */
	ck_assert_ptr_nonnull(old_ck = cursor_key_new(key));
	ck_assert_int_eq(cursor_encode(old_ck, "OLD", 3, cursor), 0);
	cursor_key_free(old_ck);
	ck_assert_int_eq(store_open(&wr, dbpath, STORE_WRITER, 2000, err, sizeof(err)),
	    STORE_OK);
	ck_assert_int_eq(store_migrate(wr), STORE_OK);
	open_reader();
	ck_assert_int_eq(store_session_lookup(rd, "OLD", &s), STORE_OK);
	snprintf(qs, sizeof(qs), "limit=2&cursor=%s", cursor);
	response_init(&r);
	ck_assert_int_eq(query_parse(&q, qs, strlen(qs), params_of(ROUTE_CONTACTS), &qerr), 0);
	handle_list(rd, ck, &s, &q, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strncmp(r.body, "{\"data\":[{\"lid\":\"7003@lid\",\"source\":\"group\"},"
	    "{\"lid\":\"7004@lid\",\"source\":\"group\"}],\"nextCursor\":\"", 96) == 0,
	    "%s", r.body);
	response_free(&r);
}
END_TEST

static Suite *
handle_groups_suite(void)
{
	Suite *s = suite_create("handle_groups");
	TCase *tc = tcase_create("handle_groups"), *mig = tcase_create("migration");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, contact_detail_exact);
	tcase_add_test(tc, bad_input_is_400_unknown_is_404);
	tcase_add_test(tc, group_exact);
	tcase_add_test(tc, groups_and_members_pages_exact);
	tcase_add_test(tc, paging_visits_every_row_once);
	tcase_add_test(tc, cursors_are_bound_to_their_list);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(mig, NULL, teardown);
	tcase_add_test(mig, a_round_one_cursor_survives_the_migration);
	suite_add_tcase(s, mig);
	return s;
}

UNIT_MAIN("check_handle_groups", handle_groups_suite)
