#include <stdlib.h>
#include <string.h>

#include "wa/wa_node.h"

static int
wa_str_set(struct wa_str *s, const char *p, size_t len)
{
	char *d;

	if ((d = malloc(len + 1)) == NULL)
		return -1;
	if (len)
		memcpy(d, p, len);
	d[len] = '\0';
	free(s->p);
	s->p = d;
	s->len = len;
	return 0;
}

struct wa_node *
wa_node_newn(const char *tag, size_t len)
{
	struct wa_node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	if (wa_str_set(&n->tag, tag, len) == -1) {
		free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_node_new(const char *tag)
{
	return wa_node_newn(tag, strlen(tag));
}

static void
wa_node_clear_content(struct wa_node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		wa_node_free(n->kids[i]);
	free(n->kids);
	n->kids = NULL;
	n->nkids = n->kidcap = 0;
	free(n->data.p);
	n->data.p = NULL;
	n->data.len = 0;
	n->ctype = WA_CONTENT_NONE;
}

void
wa_node_free(struct wa_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	wa_node_clear_content(n);
	for (i = 0; i < n->nattrs; i++) {
		free(n->attrs[i].key.p);
		free(n->attrs[i].val.p);
	}
	free(n->attrs);
	free(n->tag.p);
	free(n);
}

int
wa_node_attrn(struct wa_node *n, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	struct wa_attr *a;
	size_t cap;

	if (n->nattrs == n->attrcap) {
		cap = n->attrcap ? n->attrcap * 2 : 4;
		if ((a = reallocarray(n->attrs, cap, sizeof(*a))) == NULL)
			return -1;
		n->attrs = a;
		n->attrcap = cap;
	}
	a = &n->attrs[n->nattrs];
	memset(a, 0, sizeof(*a));
	if (wa_str_set(&a->key, key, klen) == -1)
		return -1;
	if (wa_str_set(&a->val, val, vlen) == -1) {
		free(a->key.p);
		a->key.p = NULL;
		return -1;
	}
	n->nattrs++;
	return 0;
}

int
wa_node_attr(struct wa_node *n, const char *key, const char *val)
{
	return wa_node_attrn(n, key, strlen(key), val, strlen(val));
}

const struct wa_str *
wa_node_get(const struct wa_node *n, const char *key)
{
	size_t i, klen = strlen(key);

	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].key.len == klen &&
		    memcmp(n->attrs[i].key.p, key, klen) == 0)
			return &n->attrs[i].val;
	return NULL;
}

static int
wa_node_set_data(struct wa_node *n, enum wa_content t, const void *p,
    size_t len)
{
	struct wa_str s = { NULL, 0 };

	if (wa_str_set(&s, p, len) == -1)
		return -1;
	wa_node_clear_content(n);
	n->data = s;
	n->ctype = t;
	return 0;
}

int
wa_node_set_string(struct wa_node *n, const char *s, size_t len)
{
	return wa_node_set_data(n, WA_CONTENT_STRING, s, len);
}

int
wa_node_set_bytes(struct wa_node *n, const void *p, size_t len)
{
	return wa_node_set_data(n, WA_CONTENT_BYTES, p, len);
}

int
wa_node_set_list(struct wa_node *n)
{
	if (n->ctype != WA_CONTENT_LIST) {
		wa_node_clear_content(n);
		n->ctype = WA_CONTENT_LIST;
	}
	return 0;
}

int
wa_node_add(struct wa_node *n, struct wa_node *child)
{
	struct wa_node **k;
	size_t cap;

	wa_node_set_list(n);
	if (n->nkids == n->kidcap) {
		cap = n->kidcap ? n->kidcap * 2 : 4;
		if ((k = reallocarray(n->kids, cap, sizeof(*k))) == NULL) {
			wa_node_free(child);
			return -1;
		}
		n->kids = k;
		n->kidcap = cap;
	}
	n->kids[n->nkids++] = child;
	return 0;
}

struct wa_node *
wa_node_child(const struct wa_node *n, const char *tag)
{
	size_t i, len = strlen(tag);

	if (n == NULL || n->ctype != WA_CONTENT_LIST)
		return NULL;
	for (i = 0; i < n->nkids; i++)
		if (n->kids[i]->tag.len == len &&
		    memcmp(n->kids[i]->tag.p, tag, len) == 0)
			return n->kids[i];
	return NULL;
}

struct wa_node *
wa_node_add_new(struct wa_node *n, const char *tag)
{
	struct wa_node *kid;

	if ((kid = wa_node_new(tag)) == NULL || wa_node_add(n, kid) == -1)
		return NULL;
	return kid;
}

struct wa_node *
wa_node_add_bytes(struct wa_node *n, const char *tag, const void *p,
    size_t len)
{
	struct wa_node *kid;

	if ((kid = wa_node_add_new(n, tag)) == NULL ||
	    wa_node_set_bytes(kid, p, len) == -1)
		return NULL;
	return kid;
}

struct wa_node *
wa_node_add_string(struct wa_node *n, const char *tag, const char *s)
{
	struct wa_node *kid;

	if ((kid = wa_node_add_new(n, tag)) == NULL ||
	    wa_node_set_string(kid, s, strlen(s)) == -1)
		return NULL;
	return kid;
}

int
wa_str_eq(const struct wa_str *s, const char *lit)
{
	size_t len = strlen(lit);

	return s != NULL && s->len == len && memcmp(s->p, lit, len) == 0;
}

int
wa_node_is(const struct wa_node *n, const char *tag)
{
	return n != NULL && wa_str_eq(&n->tag, tag);
}

const char *
wa_node_cstr(const struct wa_node *n, const char *key)
{
	const struct wa_str *v;

	if (n == NULL || (v = wa_node_get(n, key)) == NULL ||
	    memchr(v->p, '\0', v->len) != NULL)
		return NULL;
	return v->p;
}

int
wa_node_attr_is(const struct wa_node *n, const char *key, const char *lit)
{
	return n != NULL && wa_str_eq(wa_node_get(n, key), lit);
}

int
wa_node_uint(const struct wa_node *n, const char *key, uint64_t max,
    uint64_t *v)
{
	const struct wa_str *s;
	uint64_t x = 0;
	size_t i;

	if (n == NULL || (s = wa_node_get(n, key)) == NULL || s->len == 0 ||
	    s->len > 20 || (s->len > 1 && s->p[0] == '0'))
		return -1;
	for (i = 0; i < s->len; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return -1;
		if ((uint64_t)(s->p[i] - '0') > max ||
		    x > (max - (uint64_t)(s->p[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s->p[i] - '0');
	}
	*v = x;
	return 0;
}

const struct wa_str *
wa_node_content(const struct wa_node *n)
{
	if (n == NULL || (n->ctype != WA_CONTENT_BYTES &&
	    n->ctype != WA_CONTENT_STRING))
		return NULL;
	return &n->data;
}

const struct wa_str *
wa_node_child_content(const struct wa_node *n, const char *tag)
{
	return n == NULL ? NULL : wa_node_content(wa_node_child(n, tag));
}
