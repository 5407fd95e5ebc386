/*
 * handle_list: the list endpoint against a real SQLite file, filled
 * with the store's writer functions and read through a reader
 * connection as wagw.fcgi does.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/store.h"
#include "gateway/cursor.h"
#include "gateway/handle.h"
#include "gateway/query.h"
#include "gateway/response.h"
#include "gateway/route.h"
#include "unit.h"

#define NOW	INT64_C(1800000000000)
#define BIG_N	260		/* contacts of session S3 */

static char dir[256], dbpath[300];
static struct store *wr, *rd;
static struct cursor_key *ck;
static struct store_session s1, s2, s3;

/* Session S1: a small world in several scripts. */
static const struct {
	const char	*lid;
	const char	*phone;
	const char	*name;
	const char	*business;
	int		 dm;
	const char	*group;		/* NULL, or a group JID it is in */
	const char	*group2;
} people[] = {
	{ "1001", "6281234567890", "Alice", "Acme Corp", 1, NULL, NULL },
	{ "1002", "14155550123", "Bob", NULL, 0, "111@g.us", NULL },
	/* LID only: its LID digits must never match as a number. */
	{ "555000111222", NULL, "\xc3\x84RGER", NULL, 0, "111@g.us", NULL },
	{ "1004", "4915112345678", "\xce\xa3\xcf\x89\xce\xba\xcf\x81\xce\xac\xcf\x84\xce\xb7\xcf\x82",
	    NULL, 1, "222-333@g.us", NULL },
	{ "1005", "79161234567", "\xd0\x94\xd0\xbc\xd0\xb8\xd1\x82\xd1\x80\xd0\xb8\xd0\xb9",
	    NULL, 0, "222-333@g.us", NULL },
	{ "1006", "33612345678", "100% _real", NULL, 1, NULL, NULL },
	{ "1007", "123456789", NULL, NULL, 0, "111@g.us", NULL },
	{ "1008", "4930123456", "\xc3\xa4rger im b\xc3\xbcro", "B\xc3\xbcro GmbH", 1, NULL, NULL },
};
#define C1 "1001@lid"
#define C2 "1002@lid"
#define C3 "555000111222@lid"
#define C4 "1004@lid"
#define C5 "1005@lid"
#define C6 "1006@lid"
#define C7 "1007@lid"
#define C8 "1008@lid"

static int64_t
add_contact(const struct store_session *s, const char *lid, const char *phone,
    const char *name, const char *business)
{
	struct store_seen_contact c = { lid, phone, name, business };
	int64_t id = 0;

	ck_assert_int_eq(store_contact_upsert(wr, s->rowid, &c, NOW, &id), STORE_OK);
	ck_assert(id > 0);
	return id;
}

static void
add_member(const struct store_session *s, const char *group, int64_t cid)
{
	int64_t gid = 0;

	ck_assert_int_eq(store_group_upsert(wr, s->rowid, group, "g", NOW, &gid), STORE_OK);
	ck_assert_int_eq(store_member_upsert(wr, gid, cid, "member", NULL, NOW), STORE_OK);
}

static void
setup(void)
{
	unsigned char key[STORE_CURSOR_KEY_LEN];
	char err[256], lid[32], name[64];
	int64_t id;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/wagw-list-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/wagw.db", dir);
	ck_assert_int_eq(store_open(&wr, dbpath, STORE_WRITER, 2000, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(wr), STORE_OK);
	ck_assert_int_eq(store_org_add(wr, "acme", "Acme", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S1", "acme", "one", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S2", "acme", "two", NOW), STORE_OK);
	ck_assert_int_eq(store_session_add(wr, "S3", "acme", "big", NOW), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S1", &s1), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S2", &s2), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S3", &s3), STORE_OK);

	ck_assert_int_eq(store_begin(wr), STORE_OK);
	for (i = 0; i < N_ELEM(people); i++) {
		id = add_contact(&s1, people[i].lid, people[i].phone, people[i].name,
		    people[i].business);
		if (people[i].dm)
			ck_assert_int_eq(store_dm_upsert(wr, s1.rowid, id, NOW), STORE_OK);
		if (people[i].group)
			add_member(&s1, people[i].group, id);
	}
	/* S2 has people S1 must never show, some with the same names. */
	id = add_contact(&s2, "2001", "6281234567891", "Alice Two", NULL);
	ck_assert_int_eq(store_dm_upsert(wr, s2.rowid, id, NOW), STORE_OK);
	add_member(&s2, "111@g.us", add_contact(&s2, "2002", NULL, "Bob", NULL));
	/* S3: many, every third in a direct chat, every fifth in a group. */
	for (i = 0; i < BIG_N; i++) {
		snprintf(lid, sizeof(lid), "%zu", 900000 + i);
		snprintf(name, sizeof(name), "Person %03zu", i);
		id = add_contact(&s3, lid, NULL, name, NULL);
		if (i % 3 == 0)
			ck_assert_int_eq(store_dm_upsert(wr, s3.rowid, id, NOW), STORE_OK);
		if (i % 5 == 0)
			add_member(&s3, "999@g.us", id);
	}
	ck_assert_int_eq(store_commit(wr), STORE_OK);

	ck_assert_int_eq(store_open(&rd, dbpath, STORE_READER, 100, err, sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_cursor_key(rd, key), STORE_OK);
	ck_assert_ptr_nonnull(ck = cursor_key_new(key));
}

static void
teardown(void)
{
	char cmd[400];

	cursor_key_free(ck);
	store_close(rd);
	store_close(wr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const *
list_params(void)
{
	const struct route_def *t;
	size_t n, i;

	t = route_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].id == ROUTE_CONTACTS)
			return t[i].params;
	ck_abort();
	return NULL;
}

/* Runs the list handler on a query string; returns the parsed body. */
static struct json_object *
list(const struct store_session *s, const char *qs, struct response *r)
{
	struct query q;
	struct query_error err;
	struct json_object *body;

	response_init(r);
	ck_assert_msg(query_parse(&q, qs, strlen(qs), list_params(), &err) == 0,
	    "%s: %s %s", qs, err.field, err.message);
	handle_list(rd, ck, s, &q, r);
	ck_assert_str_eq(r->content_type, "application/json");
	body = json_tokener_parse(r->body);
	ck_assert_ptr_nonnull(body);
	return body;
}

static const char *
str_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

/* The page's lids joined by spaces, and the nextCursor. */
static void
page_lids(struct json_object *body, char *out, size_t outlen, const char **next)
{
	struct json_object *data, *item;
	size_t i, n;

	ck_assert_uint_eq(json_object_object_length(body), 2);
	ck_assert(json_object_object_get_ex(body, "data", &data));
	ck_assert(json_object_is_type(data, json_type_array));
	*next = str_field(body, "nextCursor");
	ck_assert_ptr_nonnull(*next);
	out[0] = '\0';
	n = json_object_array_length(data);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(data, i);
		if (i > 0)
			strncat(out, " ", outlen - strlen(out) - 1);
		strncat(out, str_field(item, "lid"), outlen - strlen(out) - 1);
	}
}

static const struct {
	int		 line;
	const char	*qs;
	const char	*lids;		/* expected, in order */
} filters[] = {
	{ __LINE__, "", C1 " " C2 " " C3 " " C4 " " C5 " " C6 " " C7 " " C8 },
	{ __LINE__, "source=dm", C1 " " C4 " " C6 " " C8 },
	{ __LINE__, "source=group", C2 " " C3 " " C4 " " C5 " " C7 },
	{ __LINE__, "group=111@g.us", C2 " " C3 " " C7 },
	{ __LINE__, "group=111%40g.us", C2 " " C3 " " C7 },
	{ __LINE__, "group=222-333@g.us", C4 " " C5 },
	{ __LINE__, "group=222-333@g.us&source=dm", C4 },
	{ __LINE__, "group=111@g.us&source=dm", "" },
	{ __LINE__, "group=111@g.us&source=group", C2 " " C3 " " C7 },
	/* A well-formed group this session has not seen: an empty page. */
	{ __LINE__, "group=424242@g.us", "" },
	/* Names: case-insensitive in every script (1-2 chars scan, 3+ FTS). */
	{ __LINE__, "q=alice", C1 },
	{ __LINE__, "q=ALICE", C1 },
	{ __LINE__, "q=Al", C1 " " C6 },	/* "_real" */
	{ __LINE__, "q=%C3%A4rger", C3 " " C8 },
	{ __LINE__, "q=%C3%84RGER", C3 " " C8 },
	{ __LINE__, "q=%C3%84r", C3 " " C8 },
	{ __LINE__, "q=B%C3%9CRO", C8 },
	{ __LINE__, "q=%CE%A3%CE%A9%CE%9A", C4 },		/* ΣΩΚ */
	{ __LINE__, "q=%CF%83%CF%89", C4 },			/* σω */
	{ __LINE__, "q=%CE%A4%CE%97%CE%A3", C4 },		/* ΤΗΣ vs final ς */
	{ __LINE__, "q=%D0%B4%D0%BC%D0%B8", C5 },		/* дми */
	{ __LINE__, "q=%D0%94%D0%9C%D0%98%D0%A2%D0%A0%D0%98%D0%99", C5 },
	{ __LINE__, "q=Acme", "" },	/* business names are not searched */
	/* '%' and '_' are ordinary characters. */
	{ __LINE__, "q=%25", C6 },
	{ __LINE__, "q=_", C6 },
	{ __LINE__, "q=0%25+_r", C6 },
	{ __LINE__, "q=%25_", "" },
	{ __LINE__, "q=a_e", "" },
	/* Numbers, with or without '+'. */
	{ __LINE__, "q=14155550123", C2 },
	{ __LINE__, "q=%2B14155550123", C2 },
	{ __LINE__, "q=%2B1415", C2 },
	{ __LINE__, "q=4155", C2 },
	{ __LINE__, "q=41", C2 },
	{ __LINE__, "q=1234567", C1 " " C4 " " C5 " " C6 " " C7 },
	{ __LINE__, "q=1234567&source=dm", C1 " " C4 " " C6 },
	{ __LINE__, "q=1234567&group=222-333@g.us", C4 " " C5 },
	/* A LID is not a number: never matched by it. */
	{ __LINE__, "q=555000", "" },
	{ __LINE__, "q=555000111222", "" },
	{ __LINE__, "q=22", "" },		/* only in the LID */
	{ __LINE__, "q=1001", "" },
	{ __LINE__, "q=%C3%A4rger&source=group", C3 },
	{ __LINE__, "q=%C3%A4rger&source=dm", C8 },
	/* Empty values are absent. */
	{ __LINE__, "q=&source=&group=&limit=&cursor=", C1 " " C2 " " C3 " " C4 " " C5 " " C6 " " C7 " " C8 },
	{ __LINE__, "limit=3", C1 " " C2 " " C3 },
};

START_TEST(list_filters)
{
	struct response r;
	struct json_object *body;
	char lids[1024];
	const char *next;
	size_t i;

	for (i = 0; i < N_ELEM(filters); i++) {
		body = list(&s1, filters[i].qs, &r);
		ck_assert_msg(r.status == 200, "line %d: status %d", filters[i].line, r.status);
		page_lids(body, lids, sizeof(lids), &next);
		ck_assert_msg(strcmp(lids, filters[i].lids) == 0, "line %d: got '%s'",
		    filters[i].line, lids);
		/* Everything fits one page, except the limit=3 case. */
		ck_assert_msg((*next == '\0') == (strstr(filters[i].qs, "limit=3") == NULL),
		    "line %d: nextCursor '%s'", filters[i].line, next);
		json_object_put(body);
		response_free(&r);
	}
}
END_TEST

/* Exactly the documented fields; optional ones omitted, never null. */
START_TEST(list_item_fields)
{
	struct response r;
	struct json_object *body, *data, *item;

	body = list(&s1, "", &r);
	ck_assert(json_object_object_get_ex(body, "data", &data));
	item = json_object_array_get_idx(data, 0);		/* Alice */
	ck_assert_uint_eq(json_object_object_length(item), 5);
	ck_assert_str_eq(str_field(item, "lid"), C1);
	ck_assert_str_eq(str_field(item, "source"), "dm");
	ck_assert_str_eq(str_field(item, "name"), "Alice");
	ck_assert_str_eq(str_field(item, "phoneNumber"), "6281234567890");
	ck_assert_str_eq(str_field(item, "businessName"), "Acme Corp");
	item = json_object_array_get_idx(data, 2);		/* LID only */
	ck_assert_uint_eq(json_object_object_length(item), 3);
	ck_assert_str_eq(str_field(item, "source"), "group");
	ck_assert_ptr_null(str_field(item, "phoneNumber"));
	ck_assert_str_eq(str_field(item, "name"), "\xc3\x84RGER");
	item = json_object_array_get_idx(data, 3);		/* dm and group */
	ck_assert_str_eq(str_field(item, "source"), "dm");
	item = json_object_array_get_idx(data, 6);		/* no name */
	ck_assert_uint_eq(json_object_object_length(item), 3);
	ck_assert_ptr_null(str_field(item, "name"));
	ck_assert_str_eq(str_field(item, "phoneNumber"), "123456789");
	/* Non-ASCII goes out as UTF-8, and '/' is not escaped. */
	ck_assert_ptr_nonnull(strstr(r.body, "\"B\xc3\xbcro GmbH\""));
	json_object_put(body);
	response_free(&r);
}
END_TEST

static const struct {
	int		 line;
	const char	*qs;
	int		 n;		/* expected page size on S3 */
} limits[] = {
	{ __LINE__, "", 50 },
	{ __LINE__, "limit=0", 50 },
	{ __LINE__, "limit=-0", 50 },
	{ __LINE__, "limit=1", 1 },
	{ __LINE__, "limit=007", 7 },
	{ __LINE__, "limit=%2B3", 3 },
	{ __LINE__, "limit=-5", 1 },
	{ __LINE__, "limit=-1", 1 },
	{ __LINE__, "limit=200", 200 },
	{ __LINE__, "limit=201", 200 },
	{ __LINE__, "limit=1000", 200 },
	{ __LINE__, "limit=99999999999999999999999999", 200 },
	{ __LINE__, "limit=-99999999999999999999999999", 1 },
};

START_TEST(list_limit_clamping)
{
	struct response r;
	struct json_object *body, *data;
	size_t i;

	for (i = 0; i < N_ELEM(limits); i++) {
		body = list(&s3, limits[i].qs, &r);
		ck_assert_msg(r.status == 200, "line %d", limits[i].line);
		ck_assert(json_object_object_get_ex(body, "data", &data));
		ck_assert_msg((int)json_object_array_length(data) == limits[i].n,
		    "line %d: %zu items", limits[i].line, json_object_array_length(data));
		json_object_put(body);
		response_free(&r);
	}
}
END_TEST

static const struct {
	int		 line;
	const char	*qs;
	const char	*fields;	/* the fields named, in order */
} invalid[] = {
	{ __LINE__, "source=x", "source" },
	{ __LINE__, "source=DM", "source" },
	{ __LINE__, "source=dm+", "source" },
	{ __LINE__, "group=abc", "group" },
	{ __LINE__, "group=111@G.US", "group" },
	{ __LINE__, "group=1@s.whatsapp.net", "group" },
	{ __LINE__, "group=1@lid", "group" },
	{ __LINE__, "group=111@g.us+", "group" },
	{ __LINE__, "limit=abc", "limit" },
	{ __LINE__, "limit=1.5", "limit" },
	{ __LINE__, "limit=1e3", "limit" },
	{ __LINE__, "limit=0x10", "limit" },
	{ __LINE__, "limit=-", "limit" },
	{ __LINE__, "limit=+3", "limit" },	/* '+' is a space */
	{ __LINE__, "limit=3+", "limit" },
	{ __LINE__, "cursor=abc", "cursor" },
	{ __LINE__, "cursor=AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor" },
	{ __LINE__, "source=x&limit=y&group=z", "source group limit" },
	/* 101 code points (two bytes each) is one too many. */
	{ __LINE__, "q=%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4"
	    "%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4%C3%A4x", "q" },
};

START_TEST(list_invalid)
{
	struct response r;
	struct json_object *body, *err, *details, *errors, *e;
	char fields[128];
	size_t i, k;

	for (i = 0; i < N_ELEM(invalid); i++) {
		body = list(&s1, invalid[i].qs, &r);
		ck_assert_msg(r.status == 400, "line %d: %d", invalid[i].line, r.status);
		ck_assert(json_object_object_get_ex(body, "error", &err));
		ck_assert_str_eq(str_field(err, "code"), "validation_error");
		ck_assert_ptr_nonnull(str_field(err, "message"));
		ck_assert(json_object_object_get_ex(err, "details", &details));
		ck_assert(json_object_object_get_ex(details, "errors", &errors));
		fields[0] = '\0';
		for (k = 0; k < json_object_array_length(errors); k++) {
			e = json_object_array_get_idx(errors, k);
			ck_assert_uint_eq(json_object_object_length(e), 2);
			ck_assert_ptr_nonnull(str_field(e, "message"));
			if (k > 0)
				strcat(fields, " ");
			strcat(fields, str_field(e, "field"));
		}
		ck_assert_msg(strcmp(fields, invalid[i].fields) == 0, "line %d: %s",
		    invalid[i].line, fields);
		json_object_put(body);
		response_free(&r);
	}
}
END_TEST

/* 100 code points in several scripts are fine. */
START_TEST(list_q_100_codepoints)
{
	char qs[1024];
	struct response r;
	struct json_object *body;
	size_t len;
	int i;

	len = (size_t)snprintf(qs, sizeof(qs), "q=");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(qs + len, sizeof(qs) - len, "%s",
		    i % 3 == 0 ? "%E4%B8%AD" : i % 3 == 1 ? "%CE%B1" : "z");
	body = list(&s1, qs, &r);
	ck_assert_int_eq(r.status, 200);
	json_object_put(body);
	response_free(&r);
}
END_TEST

/* Follows nextCursor to the end; *seen counts visits per S3 index. */
static int
walk(const struct store_session *s, const char *filter, int limit, int *seen,
    size_t nseen, int insert_between)
{
	char qs[256], lids[16384], *p, *tok;
	char cursor[CURSOR_LEN + 1] = "";
	const char *next;
	struct response r;
	struct json_object *body, *data;
	static int stored;	/* new contacts so far, over all walks */
	int pages = 0, inserted = 0, full = limit > 200 ? 200 : limit;
	long lid;

	for (;;) {
		snprintf(qs, sizeof(qs), "%s%slimit=%d%s%s", filter, *filter ? "&" : "",
		    limit, *cursor ? "&cursor=" : "", cursor);
		body = list(s, qs, &r);
		ck_assert_int_eq(r.status, 200);
		page_lids(body, lids, sizeof(lids), &next);
		ck_assert(json_object_object_get_ex(body, "data", &data));
		/* Never a trailing empty page; a page with a cursor is full. */
		ck_assert_msg(json_object_array_length(data) > 0 || pages == 0,
		    "empty page after a cursor");
		if (*next != '\0')
			ck_assert_int_eq((int)json_object_array_length(data), full);
		for (p = lids; (tok = strtok(p, " ")) != NULL; p = NULL) {
			lid = strtol(tok, NULL, 10) - 900000;
			ck_assert(lid >= 0 && (size_t)lid < nseen);
			seen[lid]++;
		}
		pages++;
		if (insert_between) {
			char l[32], n[32];

			/* New contacts sort after every existing one. */
			snprintf(l, sizeof(l), "%d", 900000 + BIG_N + stored);
			snprintf(n, sizeof(n), "Person new %d", stored);
			add_contact(s, l, NULL, n, NULL);
			inserted++;
			stored++;
			/* And a stored contact that changes is not seen twice. */
			add_contact(s, "900000", NULL, "Person renamed", NULL);
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		json_object_put(body);
		response_free(&r);
		if (*cursor == '\0')
			break;
		ck_assert_int_lt(pages, 1000);
	}
	return inserted;
}

START_TEST(list_paging_every_contact_once)
{
	static const int lims[] = { 1, 7, 50, 130, 200, 259, 260, 261 };
	int seen[BIG_N];
	size_t i, k;

	for (i = 0; i < N_ELEM(lims); i++) {
		memset(seen, 0, sizeof(seen));
		walk(&s3, "", lims[i], seen, BIG_N, 0);
		for (k = 0; k < BIG_N; k++)
			ck_assert_msg(seen[k] == 1, "limit %d: contact %zu seen %d times",
			    lims[i], k, seen[k]);
	}
}
END_TEST

START_TEST(list_paging_with_filters)
{
	static const char *const f[] = { "source=dm", "source=group",
	    "group=999@g.us", "q=person+1", "q=son", "q=1", "source=dm&q=person" };
	static const int lims[] = { 1, 3, 10, 200 };
	int seen[BIG_N], want;
	size_t i, l, k;
	char name[32];

	for (i = 0; i < N_ELEM(f); i++)
		for (l = 0; l < N_ELEM(lims); l++) {
			memset(seen, 0, sizeof(seen));
			walk(&s3, f[i], lims[l], seen, BIG_N, 0);
			for (k = 0; k < BIG_N; k++) {
				snprintf(name, sizeof(name), "person %03zu", k);
				switch (i) {
				case 0: want = k % 3 == 0; break;
				case 1: case 2: want = k % 5 == 0; break;
				case 3: want = strstr(name, "person 1") != NULL; break;
				case 4: want = 1; break;
				case 5: want = strchr(name, '1') != NULL; break;
				default: want = k % 3 == 0; break;
				}
				ck_assert_msg(seen[k] == want, "%s limit %d: %zu seen %d",
				    f[i], lims[l], k, seen[k]);
			}
		}
}
END_TEST

/* Stored while paging: no duplicates, no gaps, the new ones come last. */
START_TEST(list_paging_while_storing)
{
	static const int lims[] = { 2, 9, 50 };
	static int seen[BIG_N + 1000];
	int base = BIG_N, inserted;
	size_t i, k;

	for (i = 0; i < N_ELEM(lims); i++) {
		memset(seen, 0, sizeof(seen));
		inserted = walk(&s3, "", lims[i], seen, N_ELEM(seen), 1);
		ck_assert_int_gt(inserted, 0);
		/* Everything stored before the last page was fetched was seen
		 * once; the one stored after it was not. */
		for (k = 0; k < N_ELEM(seen); k++)
			ck_assert_msg(seen[k] == ((int)k < base + inserted - 1),
			    "limit %d: %zu seen %d", lims[i], k, seen[k]);
		base += inserted;
	}
}
END_TEST

/* nextCursor is "" exactly at the end, also for a full last page. */
START_TEST(list_next_cursor_at_end)
{
	struct response r;
	struct json_object *body, *data;
	const char *next;
	char lids[16384], qs[128];

	/* 260 contacts with limit 130: the second page is full and last. */
	body = list(&s3, "limit=130", &r);
	page_lids(body, lids, sizeof(lids), &next);
	ck_assert_str_ne(next, "");
	snprintf(qs, sizeof(qs), "limit=130&cursor=%s", next);
	json_object_put(body);
	response_free(&r);
	body = list(&s3, qs, &r);
	ck_assert(json_object_object_get_ex(body, "data", &data));
	ck_assert_uint_eq(json_object_array_length(data), 130);
	page_lids(body, lids, sizeof(lids), &next);
	ck_assert_str_eq(next, "");
	json_object_put(body);
	response_free(&r);
	/* A session with nothing that matches: empty data, "". */
	body = list(&s1, "q=nobody-at-all", &r);
	ck_assert(json_object_object_get_ex(body, "data", &data));
	ck_assert_uint_eq(json_object_array_length(data), 0);
	page_lids(body, lids, sizeof(lids), &next);
	ck_assert_str_eq(next, "");
	json_object_put(body);
	response_free(&r);
}
END_TEST

/* A cursor is bound to its session. */
START_TEST(list_cursor_other_session)
{
	struct response r;
	struct json_object *body;
	const char *next;
	char lids[16384], qs[128], cursor[CURSOR_LEN + 1];

	body = list(&s3, "limit=2", &r);
	page_lids(body, lids, sizeof(lids), &next);
	snprintf(cursor, sizeof(cursor), "%s", next);
	snprintf(qs, sizeof(qs), "cursor=%s", cursor);
	json_object_put(body);
	response_free(&r);
	body = list(&s1, qs, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"cursor\""));
	json_object_put(body);
	response_free(&r);
	/* The same cursor still works on its own session, limit changed. */
	snprintf(qs, sizeof(qs), "limit=5&cursor=%s", cursor);
	body = list(&s3, qs, &r);
	ck_assert_int_eq(r.status, 200);
	page_lids(body, lids, sizeof(lids), &next);
	ck_assert_str_eq(strtok(lids, " "), "900002@lid");
	json_object_put(body);
	response_free(&r);
}
END_TEST

/* A database that stays locked: 503 with Retry-After, never a 200. */
START_TEST(list_busy_is_503)
{
	struct response r;
	struct json_object *body, *err;
	char errbuf[256];
	sqlite3 *db;

	/*
	 * Test-only fault injection: a rollback-journal database whose
	 * writer holds an exclusive lock (as while a hot journal is rolled
	 * back after a writer died).  WAL readers would read on.
	 */
	store_close(wr);
	store_close(rd);
	wr = rd = NULL;
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(store_open(&rd, dbpath, STORE_READER, 100, errbuf,
	    sizeof(errbuf)), STORE_OK);
	body = list(&s1, "", &r);		/* statements prepared, cached */
	ck_assert_int_eq(r.status, 200);
	json_object_put(body);
	response_free(&r);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE;"
	    "UPDATE organizations SET name = 'x';", NULL, NULL, NULL), SQLITE_OK);
	body = list(&s1, "", &r);
	ck_assert_int_eq(r.status, 503);
	ck_assert_int_gt(r.retry_after, 0);
	ck_assert(json_object_object_get_ex(body, "error", &err));
	ck_assert_str_eq(str_field(err, "code"), "gateway_unavailable");
	ck_assert_ptr_null(strstr(r.body, "\"data\""));
	json_object_put(body);
	response_free(&r);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Once the lock is gone the same reader answers again. */
	body = list(&s1, "", &r);
	ck_assert_int_eq(r.status, 200);
	json_object_put(body);
	response_free(&r);
}
END_TEST

/* Each list shape is served by its index: no full scan, no sort. */
START_TEST(list_query_plans)
{
	static const struct {
		int		 line;
		enum store_source source;
		const char	*group;
		const char	*q;
		const char	*uses;		/* must appear in the plan */
	} shapes[] = {
		{ __LINE__, STORE_SOURCE_ANY, NULL, NULL, "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_GROUP, NULL, NULL, "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "ab", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "12", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_DM, NULL, NULL, "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "ab", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_ANY, "111@g.us", NULL, "sqlite_autoindex_groups" },
		{ __LINE__, STORE_SOURCE_DM, "111@g.us", "abc", "sqlite_autoindex_groups" },
		/* A session of at most 1,000 contacts is scanned (issue 14) ... */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "abc", "COVERING INDEX contacts_page" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "abcd", "COVERING INDEX contacts_page" },
		/* ... a larger one (S4) searched in its range of the trigram index, */
		{ __LINE__, STORE_SOURCE_ANY, NULL, "abc", "VIRTUAL TABLE INDEX" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "abcd", "VIRTUAL TABLE INDEX" },
		{ __LINE__, STORE_SOURCE_ANY, NULL, "+1415", "VIRTUAL TABLE INDEX" },
		/* and its few direct chats (none) listed by direct_chats. */
		{ __LINE__, STORE_SOURCE_DM, NULL, NULL, "direct_chats_session" },
		{ __LINE__, STORE_SOURCE_DM, NULL, "ab", "direct_chats_session" },
	};
	struct store_contact_query q;
	struct store_session s4;
	char plan[4096], *line, lid[32];
	size_t i;

	ck_assert_int_eq(store_session_add(wr, "S4", "acme", "large", NOW), STORE_OK);
	ck_assert_int_eq(store_session_lookup(wr, "S4", &s4), STORE_OK);
	ck_assert_int_eq(store_begin(wr), STORE_OK);
	for (i = 0; i < 1001; i++) {
		snprintf(lid, sizeof(lid), "%zu", 800000 + i);
		add_contact(&s4, lid, NULL, "Person", NULL);
	}
	ck_assert_int_eq(store_commit(wr), STORE_OK);
	for (i = 0; i < N_ELEM(shapes); i++) {
		memset(&q, 0, sizeof(q));
		q.session_rowid = strstr(shapes[i].uses, "VIRTUAL") ||
		    strstr(shapes[i].uses, "direct_chats") ? s4.rowid : s1.rowid;
		q.source = shapes[i].source;
		q.group_jid = shapes[i].group;
		q.q = shapes[i].q;
		q.limit = 50;
		ck_assert_int_eq(store_contacts_plan(rd, &q, plan, sizeof(plan)), STORE_OK);
		ck_assert_msg(strstr(plan, shapes[i].uses) != NULL,
		    "line %d: plan without %s:\n%s", shapes[i].line, shapes[i].uses, plan);
		ck_assert_msg(strstr(plan, "TEMP B-TREE") == NULL,
		    "line %d: sorts:\n%s", shapes[i].line, plan);
		/* The only SCAN allowed is the FTS index's own. */
		for (line = strtok(plan, "\n"); line != NULL; line = strtok(NULL, "\n"))
			ck_assert_msg(strncmp(line, "SCAN ", 5) != 0 ||
			    strstr(line, "VIRTUAL TABLE INDEX") != NULL,
			    "line %d: full scan: %s", shapes[i].line, line);
	}
}
END_TEST

static Suite *
list_suite(void)
{
	Suite *s = suite_create("handle_list");
	TCase *tc = tcase_create("list");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, list_filters);
	tcase_add_test(tc, list_item_fields);
	tcase_add_test(tc, list_limit_clamping);
	tcase_add_test(tc, list_invalid);
	tcase_add_test(tc, list_q_100_codepoints);
	tcase_add_test(tc, list_paging_every_contact_once);
	tcase_add_test(tc, list_paging_with_filters);
	tcase_add_test(tc, list_paging_while_storing);
	tcase_add_test(tc, list_next_cursor_at_end);
	tcase_add_test(tc, list_cursor_other_session);
	tcase_add_test(tc, list_busy_is_503);
	tcase_add_test(tc, list_query_plans);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_handle_list", list_suite)
