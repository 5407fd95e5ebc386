/*
 * hmap: a map from byte-string keys to pointers (chained hashing).  Keys
 * are copied; values are borrowed and never freed by the map.
 */
#ifndef WAGW_SESSIOND_HMAP_H
#define WAGW_SESSIOND_HMAP_H

#include <stddef.h>

struct hmap;

struct hmap *hmap_new(void);
/* Frees the map and its keys, not the values.  NULL is a no-op. */
void hmap_free(struct hmap *h);
/* Frees the map, calling val_free on each value first.  NULL is a no-op. */
void hmap_free_with(struct hmap *h, void (*val_free)(void *));

/* The value under key (len bytes), or NULL. */
void *hmap_get(const struct hmap *h, const char *key, size_t len);
/* Sets key to val (not NULL), replacing any value.  0, or -1 on no memory. */
int hmap_put(struct hmap *h, const char *key, size_t len, void *val);
/* Removes key; returns its value or NULL. */
void *hmap_del(struct hmap *h, const char *key, size_t len);
size_t hmap_count(const struct hmap *h);

/*
 * Calls cb for each entry until it returns nonzero (returned).  cb must
 * not change the map.
 */
typedef int (*hmap_cb)(const char *key, size_t len, void *val, void *arg);
int hmap_each(const struct hmap *h, hmap_cb cb, void *arg);

#endif
