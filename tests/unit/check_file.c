#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "unit.h"

static char dir[64];

static const char *
make(const char *name, size_t len)
{
	static char path[128];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	for (i = 0; i < len; i++)
		fputc('a' + (int)(i % 26), f);
	fclose(f);
	return path;
}

START_TEST(file_read_table)
{
	static const struct {
		int	 line;
		size_t	 len, max;
		long	 want;		/* -1: refused with EFBIG */
	} cases[] = {
		{ __LINE__, 0, 16, 0 },
		{ __LINE__, 5, 16, 5 },
		{ __LINE__, 16, 16, 16 },
		{ __LINE__, 17, 16, -1 },
		{ __LINE__, 100000, 1 << 20, 100000 },
		{ __LINE__, 100001, 100000, -1 },
	};
	char name[32], *buf;
	size_t i, j;
	long n;

	for (i = 0; i < N_ELEM(cases); i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		n = file_read(make(name, cases[i].len), cases[i].max, &buf);
		ck_assert_msg(n == cases[i].want, "line %d: %ld", cases[i].line, n);
		if (n == -1) {
			ck_assert_int_eq(errno, EFBIG);
			ck_assert_ptr_null(buf);
			continue;
		}
		ck_assert_int_eq(buf[n], '\0');
		for (j = 0; j < (size_t)n; j++)
			ck_assert_int_eq(buf[j], 'a' + (int)(j % 26));
		free(buf);
	}
}
END_TEST

START_TEST(file_read_refusals)
{
	char path[128], msg[64], *buf;

	ck_assert_int_eq(file_read(dir, 16, &buf), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(file_strerror(errno, 16, msg, sizeof(msg)), "not a regular file");
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(file_read(path, 16, &buf), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(buf);
	ck_assert_str_eq(file_strerror(EFBIG, 16, msg, sizeof(msg)), "larger than 16 bytes");
}
END_TEST

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/wagw-file-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static Suite *
file_suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, file_read_table);
	tcase_add_test(tc, file_read_refusals);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_file", file_suite)
