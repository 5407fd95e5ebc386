#include <sys/stat.h>

#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "unit.h"

START_TEST(log_sanitize_table)
{
	static const struct {
		int		 line;
		const char	*in;
		size_t		 len, dstlen;
		const char	*want;
	} cases[] = {
		{ __LINE__, "plain", 5, 32, "plain" },
		{ __LINE__, "a\nb\rc\td", 7, 32, "a?b?c?d" },
		{ __LINE__, "x\0y", 3, 32, "x?y" },
		{ __LINE__, "\x1b[31mred", 8, 32, "?[31mred" },
		{ __LINE__, "ä", 2, 32, "??" },
		{ __LINE__, "0123456789", 10, 8, "0123..." },
		{ __LINE__, "0123456", 7, 8, "0123456" },
		{ __LINE__, "", 0, 8, "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		log_sanitize(buf, cases[i].dstlen, cases[i].in, cases[i].len);
		ck_assert_msg(strcmp(buf, cases[i].want) == 0, "line %d: \"%s\"",
		    cases[i].line, buf);
	}
}
END_TEST

/* Runs one log_info with stderr in a file; returns what was written. */
static char *
log_capture(const char *journal_stream_of_file)
{
	char path[] = "/tmp/wagw-log-XXXXXX", env[64], *buf;
	int fd, saved;
	struct stat sb;
	ssize_t n;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	unlink(path);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	if (journal_stream_of_file != NULL) {
		snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)sb.st_dev,
		    (unsigned long long)sb.st_ino);
		setenv("JOURNAL_STREAM", env, 1);
	} else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	ck_assert_int_ne(saved = dup(STDERR_FILENO), -1);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	log_init("wagw-test", LOG_LEVEL_INFO);
	log_timestamps();
	log_info("hello %d", 42);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	ck_assert_ptr_nonnull(buf = calloc(1, 256));
	ck_assert_int_ge(n = pread(fd, buf, 255, 0), 0);
	close(fd);
	return buf;
}

/*
 * Issue 15: Apache puts a responder's stderr in its error log as it is,
 * so lines had no time.  They carry one, but not in the journal, which
 * dates every line itself.
 */
START_TEST(log_timestamps_unless_journal)
{
	regex_t re;
	char *line;

	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	    "[0-9]{2}\\.[0-9]{3}Z wagw-test: hello 42\n$", REG_EXTENDED), 0);
	line = log_capture(NULL);
	ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "\"%s\"", line);
	free(line);
	line = log_capture("journal");
	ck_assert_str_eq(line, "wagw-test: hello 42\n");
	free(line);
	regfree(&re);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, log_sanitize_table);
	tcase_add_test(tc, log_timestamps_unless_journal);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_log", log_suite)
