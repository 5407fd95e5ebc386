/*
 * creds and credkey: credentials sealed at rest, and the key file they
 * are sealed with.  A tampered, truncated, moved or wrong-key blob never
 * opens; a key file others can read, or of another size, is refused.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/credkey.h"
#include "sessiond/creds.h"
#include "unit.h"

static char dir[128], keypath[160];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/wagw-creds-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(keypath, sizeof(keypath), "%s/c.key", dir);
}

static void
teardown(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
key_of(unsigned char key[CREDKEY_LEN], unsigned char fill)
{
	memset(key, fill, CREDKEY_LEN);
}

START_TEST(seal_and_open)
{
	static const char plain[] = "wagw-sim 1\naccount=1\nentry=\nsecret=x\n";
	unsigned char key[CREDKEY_LEN], *blob, *out;
	size_t len, outlen;

	key_of(key, 7);
	ck_assert_int_eq(creds_seal(key, "S1", "sim", plain, sizeof(plain), &blob, &len), 0);
	ck_assert_uint_eq(len, sizeof(plain) + CREDS_OVERHEAD);
	ck_assert_int_eq(blob[0], 1);
	/* No plaintext byte shows. */
	ck_assert_ptr_null(memmem(blob, len, "secret", 6));
	ck_assert_int_eq(creds_open(key, "S1", "sim", blob, len, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, sizeof(plain));
	ck_assert_mem_eq(out, plain, sizeof(plain));
	creds_free(out, outlen);
	free(blob);
	/* Empty credentials seal too. */
	ck_assert_int_eq(creds_seal(key, "S1", "sim", "", 0, &blob, &len), 0);
	ck_assert_int_eq(creds_open(key, "S1", "sim", blob, len, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 0);
	creds_free(out, outlen);
	free(blob);
}
END_TEST

START_TEST(tampered_truncated_moved_or_wrong_key)
{
	unsigned char key[CREDKEY_LEN], other[CREDKEY_LEN], *blob, *out, *copy;
	size_t len, outlen, i;

	key_of(key, 7);
	key_of(other, 8);
	ck_assert_int_eq(creds_seal(key, "S1", "whatsapp", "credentials", 11, &blob,
	    &len), 0);
	ck_assert_ptr_nonnull(copy = malloc(len));
	/* Every single bit flipped anywhere: refused. */
	for (i = 0; i < len * 8; i++) {
		memcpy(copy, blob, len);
		copy[i / 8] ^= (unsigned char)(1 << (i % 8));
		ck_assert_msg(creds_open(key, "S1", "whatsapp", copy, len, &out,
		    &outlen) == -1, "bit %zu", i);
		ck_assert_ptr_null(out);
	}
	/* Every truncation, and a byte more. */
	for (i = 0; i < len; i++)
		ck_assert_msg(creds_open(key, "S1", "whatsapp", blob, i, &out, &outlen) == -1,
		    "length %zu", i);
	ck_assert_ptr_nonnull(copy = realloc(copy, len + 1));
	memcpy(copy, blob, len);
	copy[len] = 0;
	ck_assert_int_eq(creds_open(key, "S1", "whatsapp", copy, len + 1, &out, &outlen), -1);
	/* Another key, another session, another link. */
	ck_assert_int_eq(creds_open(other, "S1", "whatsapp", blob, len, &out, &outlen), -1);
	ck_assert_int_eq(creds_open(key, "S2", "whatsapp", blob, len, &out, &outlen), -1);
	ck_assert_int_eq(creds_open(key, "S1", "sim", blob, len, &out, &outlen), -1);
	/* "S1" + "whatsapp" and "S1w" + "hatsapp" are different contexts. */
	ck_assert_int_eq(creds_open(key, "S1w", "hatsapp", blob, len, &out, &outlen), -1);
	ck_assert_int_eq(creds_open(key, "S1", "whatsapp", blob, len, &out, &outlen), 0);
	creds_free(out, outlen);
	free(copy);
	free(blob);
}
END_TEST

START_TEST(two_seals_differ)
{
	unsigned char key[CREDKEY_LEN], *a, *b;
	size_t la, lb;

	key_of(key, 1);
	ck_assert_int_eq(creds_seal(key, "S1", "sim", "same", 4, &a, &la), 0);
	ck_assert_int_eq(creds_seal(key, "S1", "sim", "same", 4, &b, &lb), 0);
	ck_assert_uint_eq(la, lb);
	/* A fresh nonce each time: equal credentials do not look equal. */
	ck_assert_int_ne(memcmp(a, b, la), 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(key_file_rules)
{
	unsigned char k1[CREDKEY_LEN], k2[CREDKEY_LEN];
	char err[512];
	struct stat sb;
	int fd;

	ck_assert_int_eq(credkey_load(keypath, k1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "wagw-admin init creates it"));
	ck_assert_int_eq(credkey_create(keypath, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(keypath, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(sb.st_size, CREDKEY_LEN);
	ck_assert_int_eq(credkey_load(keypath, k1, err, sizeof(err)), 0);
	/* Again: kept, not replaced (that would make every session unreadable). */
	ck_assert_int_eq(credkey_create(keypath, err, sizeof(err)), 1);
	ck_assert_int_eq(credkey_load(keypath, k2, err, sizeof(err)), 0);
	ck_assert_mem_eq(k1, k2, CREDKEY_LEN);
	/* Readable by the group: refused, naming the mode. */
	ck_assert_int_eq(chmod(keypath, 0640), 0);
	ck_assert_int_eq(credkey_load(keypath, k1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "0640"));
	ck_assert_int_eq(credkey_create(keypath, err, sizeof(err)), -1);
	ck_assert_int_eq(chmod(keypath, 0600), 0);
	/* Another size. */
	ck_assert_int_ne(fd = open(keypath, O_WRONLY | O_APPEND), -1);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(credkey_load(keypath, k1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "exactly 32 bytes"));
	/* Not a regular file. */
	ck_assert_int_eq(credkey_load(dir, k1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

static Suite *
creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc = tcase_create("creds");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seal_and_open);
	tcase_add_test(tc, tampered_truncated_moved_or_wrong_key);
	tcase_add_test(tc, two_seals_differ);
	tcase_add_test(tc, key_file_rules);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_creds", creds_suite)
