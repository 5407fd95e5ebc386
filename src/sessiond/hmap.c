#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sessiond/hmap.h"

struct hmap_entry {
	struct hmap_entry *next;
	uint64_t	 hash;
	void		*val;
	size_t		 len;
	char		 key[];
};

struct hmap {
	struct hmap_entry **b;
	size_t		 nb;		/* power of two */
	size_t		 n;
};

static uint64_t
hmap_hash(const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

struct hmap *
hmap_new(void)
{
	struct hmap *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->nb = 16;
	if ((h->b = calloc(h->nb, sizeof(*h->b))) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
hmap_free_with(struct hmap *h, void (*val_free)(void *))
{
	struct hmap_entry *e;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nb; i++)
		for (e = h->b[i]; e != NULL; e = e->next)
			val_free(e->val);
	hmap_free(h);
}

void
hmap_free(struct hmap *h)
{
	struct hmap_entry *e, *next;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nb; i++)
		for (e = h->b[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(h->b);
	free(h);
}

static struct hmap_entry **
hmap_find(const struct hmap *h, const char *key, size_t len, uint64_t hash)
{
	struct hmap_entry **p = &h->b[hash & (h->nb - 1)];

	for (; *p != NULL; p = &(*p)->next)
		if ((*p)->hash == hash && (*p)->len == len &&
		    memcmp((*p)->key, key, len) == 0)
			break;
	return p;
}

void *
hmap_get(const struct hmap *h, const char *key, size_t len)
{
	struct hmap_entry **p = hmap_find(h, key, len, hmap_hash(key, len));

	return *p != NULL ? (*p)->val : NULL;
}

static void
hmap_grow(struct hmap *h)
{
	struct hmap_entry **nb, *e, *next;
	size_t i, n = h->nb * 2;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < h->nb; i++)
		for (e = h->b[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(h->b);
	h->b = nb;
	h->nb = n;
}

int
hmap_put(struct hmap *h, const char *key, size_t len, void *val)
{
	uint64_t hash = hmap_hash(key, len);
	struct hmap_entry **p = hmap_find(h, key, len, hash), *e;

	if (*p != NULL) {
		(*p)->val = val;
		return 0;
	}
	if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
		return -1;
	e->next = NULL;
	e->hash = hash;
	e->val = val;
	e->len = len;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	*p = e;
	if (++h->n > h->nb)
		hmap_grow(h);
	return 0;
}

void *
hmap_del(struct hmap *h, const char *key, size_t len)
{
	struct hmap_entry **p = hmap_find(h, key, len, hmap_hash(key, len)), *e;
	void *val;

	if ((e = *p) == NULL)
		return NULL;
	*p = e->next;
	val = e->val;
	free(e);
	h->n--;
	return val;
}

size_t
hmap_count(const struct hmap *h)
{
	return h->n;
}

int
hmap_each(const struct hmap *h, hmap_cb cb, void *arg)
{
	struct hmap_entry *e;
	size_t i;
	int rc;

	for (i = 0; i < h->nb; i++)
		for (e = h->b[i]; e != NULL; e = e->next)
			if ((rc = cb(e->key, e->len, e->val, arg)) != 0)
				return rc;
	return 0;
}
