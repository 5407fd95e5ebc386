/* GET /api/v1/sessions/{session}/contacts: stored contacts, one page. */
#include <stdint.h>
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

/* The retry hint when the database stayed locked past its bound. */
#define HANDLE_LIST_BUSY_RETRY_S	1

/*
 * limit: an integer, optionally signed; 0 -> default; clamped to
 * 1..HANDLE_LIST_LIMIT_MAX (clamped, not rejected).
 */
int
handle_limit(const char *s, size_t len, int *limit)
{
	size_t i = 0;
	int neg = 0, big = 0;
	long v = 0;

	if (s == NULL) {
		*limit = HANDLE_LIST_LIMIT_DEFAULT;
		return 0;
	}
	if (s[0] == '-' || s[0] == '+')
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		/* Past the maximum the value only matters as "large". */
		if (!big && (v = v * 10 + (s[i] - '0')) > HANDLE_LIST_LIMIT_MAX)
			big = 1;
	}
	if (big)
		*limit = neg ? 1 : HANDLE_LIST_LIMIT_MAX;
	else if (v == 0)
		*limit = HANDLE_LIST_LIMIT_DEFAULT;
	else
		*limit = neg ? 1 : (int)v;
	return 0;
}

/* Bytes a page usually needs per contact, to size the buffer once. */
#define HANDLE_LIST_ITEM_BYTES	160

struct handle_list_page {
	struct jsonw	 w;
	int64_t		 last;		/* key of the last row */
	int		 rows;
};

static int
handle_list_row(const struct store_contact *c, void *arg)
{
	struct handle_list_page *pg = arg;
	char lid[JID_STR_MAX];
	size_t n = strlen(c->lid);

	pg->last = c->key;
	/* The LID JID: the stored digits and "@lid". */
	if (n > JID_USER_MAX) {
		log_warnx("contact %lld: stored LID too long", (long long)c->key);
		pg->w.failed = 1;
		return 1;
	}
	memcpy(lid, c->lid, n);
	memcpy(lid + n, "@lid", 4);
	if (pg->rows++ > 0)
		JSONW_LIT(&pg->w, ",");
	JSONW_LIT(&pg->w, "{\"lid\":");
	jsonw_string(&pg->w, lid, n + 4);
	if (c->has_dm)
		JSONW_LIT(&pg->w, ",\"source\":\"dm\"");
	else
		JSONW_LIT(&pg->w, ",\"source\":\"group\"");
	JSONW_FIELD(&pg->w, "name", c->name);
	JSONW_FIELD(&pg->w, "phoneNumber", c->phone);
	JSONW_FIELD(&pg->w, "businessName", c->business_name);
	JSONW_LIT(&pg->w, "}");
	return pg->w.failed;
}

/* Reads the filters into qr; records each problem in r. */
static void
handle_list_params(const struct cursor_key *ck, const struct store_session *s,
    const struct query *q, struct store_contact_query *qr,
    char group[JID_STR_MAX], struct response *r)
{
	const char *v;
	struct jid j;
	size_t len;

	memset(qr, 0, sizeof(*qr));
	qr->session_rowid = s->rowid;
	if ((v = query_get(q, "source", &len)) == NULL)
		qr->source = STORE_SOURCE_ANY;
	else if (len == 2 && memcmp(v, "dm", 2) == 0)
		qr->source = STORE_SOURCE_DM;
	else if (len == 5 && memcmp(v, "group", 5) == 0)
		qr->source = STORE_SOURCE_GROUP;
	else
		response_invalid_add(r, "source", 6, "must be dm or group");

	if ((v = query_get(q, "group", &len)) != NULL) {
		if (jid_parse(v, len, &j) != 0 || j.kind != JID_GROUP)
			response_invalid_add(r, "group", 5, "must be a group JID");
		else {
			jid_format_bare(&j, group);
			qr->group_jid = group;
		}
	}

	if ((v = query_get(q, "q", &len)) != NULL) {
		if (text_codepoints(v, len) > HANDLE_LIST_Q_MAX)
			response_invalid_add(r, "q", 1,
			    "must be at most 100 characters");
		else
			qr->q = v;
	}

	v = query_get(q, "limit", &len);
	if (handle_limit(v, len, &qr->limit) != 0)
		response_invalid_add(r, "limit", 5, "must be an integer");

	if ((v = query_get(q, "cursor", &len)) != NULL &&
	    cursor_decode(ck, s->id, v, len, &qr->after) != 0)
		response_invalid_add(r, "cursor", 6,
		    "is not a cursor of this session's list");
}

int
handle_list(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const struct query *q, struct response *r)
{
	struct store_contact_query qr;
	struct handle_list_page pg;
	char group[JID_STR_MAX], cursor[CURSOR_LEN + 1], *body;
	size_t len;
	int rc, more = 0;

	handle_list_params(ck, s, q, &qr, group, r);
	if (r->ninvalid > 0)
		return response_invalid_finish(r);

	memset(&pg, 0, sizeof(pg));
	if (jsonw_init(&pg.w, 64 + (size_t)qr.limit * HANDLE_LIST_ITEM_BYTES) != 0)
		goto oom;
	JSONW_LIT(&pg.w, "{\"data\":[");
	rc = store_contacts_page(st, &qr, handle_list_row, &pg, &more);
	if (rc == STORE_OK && pg.w.failed)
		goto oom;
	if (rc == STORE_BUSY) {
		/* Never a partial or empty 200: the client retries. */
		free(jsonw_finish(&pg.w, &len));
		response_detail(r, "store: %s", store_rc_str(rc));
		if (response_error(r, 503, "gateway_unavailable",
		    "the database is busy; retry later") != 0)
			return -1;
		r->retry_after = HANDLE_LIST_BUSY_RETRY_S;
		return 0;
	}
	if (rc != STORE_OK) {
		free(jsonw_finish(&pg.w, &len));
		response_detail(r, "store: %s", store_rc_str(rc));
		response_internal(r);
		return 0;
	}
	/* "" exactly at the end: *more says whether a further row matched. */
	cursor[0] = '\0';
	if (more && cursor_encode(ck, s->id, pg.last, cursor) != 0) {
		free(jsonw_finish(&pg.w, &len));
		response_detail(r, "cannot make a cursor");
		response_internal(r);
		return 0;
	}
	JSONW_LIT(&pg.w, "],\"nextCursor\":");
	jsonw_string(&pg.w, cursor, strlen(cursor));
	JSONW_LIT(&pg.w, "}");
	if ((body = jsonw_finish(&pg.w, &len)) == NULL)
		goto oom;
	response_buffer(r, 200, body, len);
	return 0;
oom:
	free(jsonw_finish(&pg.w, &len));
	response_detail(r, "out of memory listing contacts");
	response_internal(r);
	return -1;
}
