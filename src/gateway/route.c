#include <string.h>

#include "common/cap.h"
#include "gateway/route.h"

#define ROUTE_SEGMENTS_MAX	8

static const char *const route_no_params[] = { NULL };
static const char *const route_list_params[] = {
	"source", "group", "q", "limit", "cursor", NULL
};
static const char *const route_check_params[] = { "phone", NULL };

static const struct route_def route_defs[] = {
	{ ROUTE_HEALTHZ, "/healthz", 0, route_no_params },
	{ ROUTE_READYZ, "/readyz", 0, route_no_params },
	{ ROUTE_OPENAPI, "/api/v1/openapi.yaml", 0, route_no_params },
	{ ROUTE_CONTACTS, "/api/v1/sessions/{session}/contacts", CAP_READ,
	    route_list_params },
	{ ROUTE_CHECK, "/api/v1/sessions/{session}/contacts/check", CAP_READ,
	    route_check_params },
	{ ROUTE_ABOUT, "/api/v1/sessions/{session}/contacts/{jid}/about", CAP_READ,
	    route_no_params },
};
#define ROUTE_COUNT	(sizeof(route_defs) / sizeof(route_defs[0]))

struct route_seg {
	const char	*s;
	size_t		 len;
};

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

/* The i-th segment of a template ("/a/{b}/c"). */
static int
route_template_seg(const char *t, size_t i, struct route_seg *out)
{
	const char *p;

	for (;;) {
		if (*t != '/')
			return -1;
		t++;
		p = strchr(t, '/');
		if (p == NULL)
			p = t + strlen(t);
		if (i == 0) {
			out->s = t;
			out->len = (size_t)(p - t);
			return 0;
		}
		i--;
		t = p;
	}
}

static int
route_is_placeholder(const struct route_seg *t)
{
	return t->len >= 2 && t->s[0] == '{' && t->s[t->len - 1] == '}';
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
	struct route_seg t;
	size_t k;

	for (k = 0; k < ROUTE_COUNT; k++)
		if (route_template_seg(route_defs[k].template, i, &t) == 0 &&
		    !route_is_placeholder(&t) && route_seg_eq(&t, seg))
			return 1;
	return 0;
}

static int
route_try(const struct route_def *def, const struct route_seg *seg, size_t n,
    struct route_match *m)
{
	struct route_seg t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (route_template_seg(def->template, i, &t) != 0)
			return -1;
		if (!route_is_placeholder(&t)) {
			if (!route_seg_eq(&t, &seg[i]))
				return -1;
			continue;
		}
		if (route_literal_at(i, &seg[i]))
			return -1;
		if (t.len == sizeof("{session}") - 1 &&
		    memcmp(t.s, "{session}", t.len) == 0) {
			m->session = seg[i].s;
			m->session_len = seg[i].len;
		} else {
			m->jid = seg[i].s;
			m->jid_len = seg[i].len;
		}
	}
	/* The template must not go on after the path ends. */
	if (route_template_seg(def->template, n, &t) == 0)
		return -1;
	m->def = def;
	return 0;
}

enum route_id
route_match(const char *path, size_t len, struct route_match *m)
{
	struct route_seg seg[ROUTE_SEGMENTS_MAX];
	size_t n, k;

	memset(m, 0, sizeof(*m));
	if (route_split(path, len, seg, ROUTE_SEGMENTS_MAX, &n) != 0)
		return ROUTE_NONE;
	for (k = 0; k < ROUTE_COUNT; k++) {
		if (route_try(&route_defs[k], seg, n, m) == 0)
			return m->def->id;
		memset(m, 0, sizeof(*m));
	}
	return ROUTE_NONE;
}
