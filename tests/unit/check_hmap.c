/* hmap: byte-string keys (NULs included), growth, replace, delete, walk. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "unit.h"
#include "sessiond/hmap.h"

#define N	20000

static int vals[N];

static int
count_cb(const char *key, size_t len, void *val, void *arg)
{
	size_t *n = arg;

	(void)key;
	(void)len;
	(void)val;
	(*n)++;
	return 0;
}

static int
stop_cb(const char *key, size_t len, void *val, void *arg)
{
	(void)key;
	(void)len;
	(void)val;
	(void)arg;
	return 7;
}

START_TEST(put_get_del_grow)
{
	struct hmap *h = hmap_new();
	char key[32];
	size_t i, n = 0;
	int len;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < N; i++) {
		len = snprintf(key, sizeof(key), "k%zu", i);
		ck_assert_int_eq(hmap_put(h, key, (size_t)len, &vals[i]), 0);
	}
	ck_assert_uint_eq(hmap_count(h), N);
	for (i = 0; i < N; i++) {
		len = snprintf(key, sizeof(key), "k%zu", i);
		ck_assert_ptr_eq(hmap_get(h, key, (size_t)len), &vals[i]);
	}
	/* Replacing keeps the count; a prefix is another key. */
	ck_assert_int_eq(hmap_put(h, "k1", 2, &vals[5]), 0);
	ck_assert_ptr_eq(hmap_get(h, "k1", 2), &vals[5]);
	ck_assert_ptr_null(hmap_get(h, "k", 1));
	ck_assert_uint_eq(hmap_count(h), N);
	for (i = 0; i < N; i += 2) {
		len = snprintf(key, sizeof(key), "k%zu", i);
		ck_assert_ptr_nonnull(hmap_del(h, key, (size_t)len));
	}
	ck_assert_ptr_null(hmap_del(h, "k0", 2));
	ck_assert_uint_eq(hmap_count(h), N / 2);
	hmap_each(h, count_cb, &n);
	ck_assert_uint_eq(n, N / 2);
	ck_assert_int_eq(hmap_each(h, stop_cb, NULL), 7);
	hmap_free(h);
	hmap_free(NULL);
	hmap_free_with(NULL, NULL);
}
END_TEST

START_TEST(keys_are_bytes)
{
	struct hmap *h = hmap_new();
	static const char a[] = { 'x', '\0', 'y' }, b[] = { 'x', '\0', 'z' };
	char copy[3];

	memcpy(copy, a, sizeof(copy));
	ck_assert_int_eq(hmap_put(h, copy, sizeof(copy), &vals[1]), 0);
	memset(copy, 0, sizeof(copy));	/* the key was copied */
	ck_assert_int_eq(hmap_put(h, b, sizeof(b), &vals[2]), 0);
	ck_assert_ptr_eq(hmap_get(h, a, sizeof(a)), &vals[1]);
	ck_assert_ptr_eq(hmap_get(h, b, sizeof(b)), &vals[2]);
	ck_assert_ptr_null(hmap_get(h, "x", 1));
	ck_assert_int_eq(hmap_put(h, "", 0, &vals[3]), 0);
	ck_assert_ptr_eq(hmap_get(h, "", 0), &vals[3]);
	hmap_free(h);
}
END_TEST

static Suite *
hmap_suite(void)
{
	Suite *s = suite_create("hmap");
	TCase *tc = tcase_create("hmap");

	tcase_add_test(tc, put_get_del_grow);
	tcase_add_test(tc, keys_are_bytes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_hmap", hmap_suite)
