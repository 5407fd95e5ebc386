/* jwt_cache: bounded, keyed by the whole token's hash, expiring. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "auth/jwt_cache.h"

static struct auth_principal
principal(int n)
{
	struct auth_principal p;

	memset(&p, 0, sizeof(p));
	p.kind = AUTH_KIND_JWT;
	snprintf(p.org, sizeof(p.org), "org%d", n);
	p.caps = CAP_READ;
	return p;
}

START_TEST(get_put_expire)
{
	struct jwt_cache *c = jwt_cache_new();
	unsigned char h1[JWT_CACHE_HASH_LEN], h2[JWT_CACHE_HASH_LEN];
	struct auth_principal p = principal(1), out;

	ck_assert_ptr_nonnull(c);
	jwt_cache_hash("a.b.c", 5, h1);
	jwt_cache_hash("a.b.d", 5, h2);
	ck_assert_int_ne(memcmp(h1, h2, sizeof(h1)), 0);
	ck_assert_int_eq(jwt_cache_get(c, h1, 10, &out), 0);
	jwt_cache_put(c, h1, 1000, &p);
	ck_assert_int_eq(jwt_cache_get(c, h1, 10, &out), 1);
	ck_assert_str_eq(out.org, "org1");
	ck_assert_int_eq(jwt_cache_get(c, h2, 10, &out), 0);
	ck_assert_int_eq(jwt_cache_get(c, h1, 1000, &out), 1);
	ck_assert_int_eq(jwt_cache_get(c, h1, 1001, &out), 0);
	/* expired entries stay gone */
	ck_assert_int_eq(jwt_cache_get(c, h1, 10, &out), 0);
	jwt_cache_put(c, h1, 1000, &p);
	jwt_cache_clear(c);
	ck_assert_int_eq(jwt_cache_get(c, h1, 10, &out), 0);
	jwt_cache_free(c);
	jwt_cache_free(NULL);
}
END_TEST

START_TEST(bounded)
{
	struct jwt_cache *c = jwt_cache_new();
	unsigned char h[JWT_CACHE_HASH_LEN];
	struct auth_principal p, out;
	char tok[32];
	int i, hits = 0;

	/* Far more tokens than slots: memory stays fixed, recent ones win. */
	for (i = 0; i < 20 * JWT_CACHE_SLOTS; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		jwt_cache_hash(tok, strlen(tok), h);
		p = principal(i);
		jwt_cache_put(c, h, 1000000 + i, &p);
	}
	for (i = 0; i < 20 * JWT_CACHE_SLOTS; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		jwt_cache_hash(tok, strlen(tok), h);
		if (jwt_cache_get(c, h, 0, &out)) {
			hits++;
			snprintf(tok, sizeof(tok), "org%d", i);
			ck_assert_str_eq(out.org, tok);
			/* the entries expiring first were evicted */
			ck_assert_int_ge(i, 10 * JWT_CACHE_SLOTS);
		}
	}
	ck_assert_int_le(hits, JWT_CACHE_SLOTS);
	ck_assert_int_ge(hits, JWT_CACHE_SLOTS / 2);
	jwt_cache_free(c);
}
END_TEST

START_TEST(refresh_same_key)
{
	struct jwt_cache *c = jwt_cache_new();
	unsigned char h[JWT_CACHE_HASH_LEN];
	struct auth_principal p1 = principal(1), p2 = principal(2), out;
	int i, n = 0;

	jwt_cache_hash("x", 1, h);
	/* putting the same token again updates in place, never duplicates */
	for (i = 0; i < 10; i++)
		jwt_cache_put(c, h, 100, &p1);
	jwt_cache_put(c, h, 200, &p2);
	ck_assert_int_eq(jwt_cache_get(c, h, 150, &out), 1);
	ck_assert_str_eq(out.org, "org2");
	/* nothing is cached without a lifetime */
	jwt_cache_hash("y", 1, h);
	jwt_cache_put(c, h, 0, &p1);
	n = jwt_cache_get(c, h, -5, &out);
	ck_assert_int_eq(n, 0);
	jwt_cache_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jwt_cache");
	TCase *tc = tcase_create("jwt_cache");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, get_put_expire);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, refresh_same_key);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
