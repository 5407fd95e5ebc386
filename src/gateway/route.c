#include <pthread.h>
#include <string.h>

#include "common/cap.h"
#include "gateway/route.h"

#define ROUTE_SEGMENTS_MAX	8

const char *const route_no_params[] = { NULL };
static const char *const route_list_params[] = {
	"source", "group", "q", "limit", "cursor", NULL
};
static const char *const route_page_params[] = { "limit", "cursor", NULL };
static const char *const route_groups_params[] = { "q", "limit", "cursor", NULL };
static const char *const route_members_params[] = { "role", "limit", "cursor", NULL };
static const char *const route_check_params[] = { "phone", NULL };
static const char *const route_qr_params[] = { "format", NULL };

#define GET_ONLY	"GET, HEAD, OPTIONS"
#define GET_POST	"GET, HEAD, POST, OPTIONS"
#define GET_DELETE	"GET, HEAD, DELETE, OPTIONS"
#define POST_ONLY	"POST, OPTIONS"

static const struct route_def route_defs[] = {
	{ ROUTE_HEALTHZ, "/healthz", ROUTE_GET, 0, route_no_params, GET_ONLY },
	{ ROUTE_READYZ, "/readyz", ROUTE_GET, 0, route_no_params, GET_ONLY },
	{ ROUTE_OPENAPI, "/api/v1/openapi.yaml", ROUTE_GET, 0, route_no_params,
	    GET_ONLY },
	{ ROUTE_SESSIONS, "/api/v1/sessions", ROUTE_GET | ROUTE_POST, CAP_MANAGE,
	    route_page_params, GET_POST },
	{ ROUTE_SESSION, "/api/v1/sessions/{session}", ROUTE_GET | ROUTE_DELETE,
	    CAP_MANAGE, route_no_params, GET_DELETE },
	{ ROUTE_SESSION_START, "/api/v1/sessions/{session}:start", ROUTE_POST,
	    CAP_MANAGE, route_no_params, POST_ONLY },
	{ ROUTE_SESSION_STOP, "/api/v1/sessions/{session}:stop", ROUTE_POST,
	    CAP_MANAGE, route_no_params, POST_ONLY },
	{ ROUTE_SESSION_RESTART, "/api/v1/sessions/{session}:restart", ROUTE_POST,
	    CAP_MANAGE, route_no_params, POST_ONLY },
	{ ROUTE_SESSION_LOGOUT, "/api/v1/sessions/{session}:logout", ROUTE_POST,
	    CAP_MANAGE, route_no_params, POST_ONLY },
	{ ROUTE_QR, "/api/v1/sessions/{session}/qr", ROUTE_GET, CAP_MANAGE,
	    route_qr_params, GET_ONLY },
	{ ROUTE_PAIRING_CODE, "/api/v1/sessions/{session}/pairing-code", ROUTE_POST,
	    CAP_MANAGE, route_no_params, POST_ONLY },
	{ ROUTE_ME, "/api/v1/sessions/{session}/me", ROUTE_GET, CAP_MANAGE,
	    route_no_params, GET_ONLY },
	{ ROUTE_CONTACTS, "/api/v1/sessions/{session}/contacts", ROUTE_GET, CAP_READ,
	    route_list_params, GET_ONLY },
	{ ROUTE_CHECK, "/api/v1/sessions/{session}/contacts/check",
	    ROUTE_GET | ROUTE_POST, CAP_READ, route_check_params, GET_POST },
	{ ROUTE_CONTACT, "/api/v1/sessions/{session}/contacts/{lid}", ROUTE_GET,
	    CAP_READ, route_no_params, GET_ONLY },
	{ ROUTE_ABOUT, "/api/v1/sessions/{session}/contacts/{jid}/about", ROUTE_GET,
	    CAP_READ, route_no_params, GET_ONLY },
	{ ROUTE_GROUPS, "/api/v1/sessions/{session}/groups", ROUTE_GET, CAP_READ,
	    route_groups_params, GET_ONLY },
	{ ROUTE_GROUP, "/api/v1/sessions/{session}/groups/{group}", ROUTE_GET,
	    CAP_READ, route_no_params, GET_ONLY },
	{ ROUTE_MEMBERS, "/api/v1/sessions/{session}/groups/{group}/members", ROUTE_GET,
	    CAP_READ, route_members_params, GET_ONLY },
};
#define ROUTE_COUNT	(sizeof(route_defs) / sizeof(route_defs[0]))

struct route_seg {
	const char	*s;
	size_t		 len;
};

/*
 * A template split once: each segment a literal ("contacts"), or a
 * placeholder with the literal suffix it ends with (":start", or empty).
 */
enum route_seg_kind { ROUTE_SEG_LITERAL, ROUTE_SEG_SESSION, ROUTE_SEG_ID };

struct route_tseg {
	enum route_seg_kind kind;
	struct route_seg text;		/* the literal, or the suffix */
};

struct route_split_def {
	struct route_tseg seg[ROUTE_SEGMENTS_MAX];
	size_t		 n;
};

static struct route_split_def route_split_defs[ROUTE_COUNT];
static pthread_once_t route_split_once = PTHREAD_ONCE_INIT;

const struct route_def *
route_table(size_t *n)
{
	*n = ROUTE_COUNT;
	return route_defs;
}

/* Splits "/a/b" into segments; -1 for an empty, "." or ".." segment. */
static int
route_split(const char *s, size_t len, struct route_seg *seg, size_t max,
    size_t *n)
{
	const char *end = s + len, *p;

	*n = 0;
	if (len == 0 || *s != '/')
		return -1;
	while (s < end) {
		s++;				/* the '/' */
		p = memchr(s, '/', (size_t)(end - s));
		if (p == NULL)
			p = end;
		if (p == s || *n == max)
			return -1;
		if ((p - s == 1 && s[0] == '.') ||
		    (p - s == 2 && s[0] == '.' && s[1] == '.'))
			return -1;
		seg[*n].s = s;
		seg[*n].len = (size_t)(p - s);
		(*n)++;
		s = p;
	}
	return 0;
}

/* The templates are constants of this file: split once per process. */
static void
route_split_templates(void)
{
	struct route_seg seg[ROUTE_SEGMENTS_MAX];
	struct route_tseg *t;
	const char *close;
	size_t k, i, n;

	for (k = 0; k < ROUTE_COUNT; k++) {
		(void)route_split(route_defs[k].template,
		    strlen(route_defs[k].template), seg, ROUTE_SEGMENTS_MAX, &n);
		route_split_defs[k].n = n;
		for (i = 0; i < n; i++) {
			t = &route_split_defs[k].seg[i];
			t->text = seg[i];
			t->kind = ROUTE_SEG_LITERAL;
			if (seg[i].s[0] != '{' ||
			    (close = memchr(seg[i].s, '}', seg[i].len)) == NULL)
				continue;
			t->kind = (size_t)(close - seg[i].s) + 1 == sizeof("{session}") - 1 &&
			    memcmp(seg[i].s, "{session}", sizeof("{session}") - 1) == 0 ?
			    ROUTE_SEG_SESSION : ROUTE_SEG_ID;
			t->text.s = close + 1;
			t->text.len = seg[i].len - (size_t)(close + 1 - seg[i].s);
		}
	}
}

static int
route_seg_eq(const struct route_seg *a, const struct route_seg *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Nonzero when some route has the literal seg at position i. */
static int
route_literal_at(size_t i, const struct route_seg *seg)
{
	const struct route_split_def *d;
	size_t k;

	for (k = 0; k < ROUTE_COUNT; k++) {
		d = &route_split_defs[k];
		if (i < d->n && d->seg[i].kind == ROUTE_SEG_LITERAL &&
		    route_seg_eq(&d->seg[i].text, seg))
			return 1;
	}
	return 0;
}

static int
route_try(size_t k, const struct route_seg *seg, size_t n, struct route_match *m)
{
	const struct route_split_def *d = &route_split_defs[k];
	const struct route_seg *suffix;
	struct route_seg value;
	size_t i;

	if (d->n != n)
		return -1;
	for (i = 0; i < n; i++) {
		if (d->seg[i].kind == ROUTE_SEG_LITERAL) {
			if (!route_seg_eq(&d->seg[i].text, &seg[i]))
				return -1;
			continue;
		}
		/* "{session}:start": the segment ends with the literal ":start". */
		suffix = &d->seg[i].text;
		if (seg[i].len <= suffix->len || memcmp(seg[i].s + seg[i].len -
		    suffix->len, suffix->s, suffix->len) != 0)
			return -1;
		value.s = seg[i].s;
		value.len = seg[i].len - suffix->len;
		/* "..:start" is no more a session than "..". */
		if ((value.len == 1 && value.s[0] == '.') ||
		    (value.len == 2 && memcmp(value.s, "..", 2) == 0) ||
		    route_literal_at(i, &value))
			return -1;
		if (d->seg[i].kind == ROUTE_SEG_SESSION) {
			/* Never a session id: "01ABC:bogus" is no resource. */
			if (memchr(value.s, ':', value.len) != NULL)
				return -1;
			m->session = value.s;
			m->session_len = value.len;
		} else {
			m->jid = value.s;
			m->jid_len = value.len;
		}
	}
	m->def = &route_defs[k];
	return 0;
}

enum route_id
route_match(const char *path, size_t len, struct route_match *m)
{
	struct route_seg seg[ROUTE_SEGMENTS_MAX];
	size_t n, k;

	memset(m, 0, sizeof(*m));
	(void)pthread_once(&route_split_once, route_split_templates);
	if (route_split(path, len, seg, ROUTE_SEGMENTS_MAX, &n) != 0)
		return ROUTE_NONE;
	for (k = 0; k < ROUTE_COUNT; k++) {
		if (route_try(k, seg, n, m) == 0)
			return m->def->id;
		memset(m, 0, sizeof(*m));
	}
	return ROUTE_NONE;
}
