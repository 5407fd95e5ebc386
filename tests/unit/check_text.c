#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "unit.h"

START_TEST(text_fold_scripts)
{
	static const struct {
		int		 line;
		const char	*a, *b;		/* fold to the same bytes */
	} cases[] = {
		{ __LINE__, "Alice", "aLICE" },
		{ __LINE__, "ÄRGER", "ärger" },
		{ __LINE__, "Straße", "STRASSE" },
		{ __LINE__, "ΩΜΈΓΑ", "ωμέγα" },
		{ __LINE__, "ΣΊΣΥΦΟΣ", "σίσυφοσ" },	/* final sigma folds to sigma */
		{ __LINE__, "ДМИТРИЙ", "дмитрий" },
		{ __LINE__, "ǅ", "ǆ" },
		{ __LINE__, "Ａｌｉｃｅ", "ａｌｉｃｅ" },
		/* Composed and decomposed forms fold alike (NFC). */
		{ __LINE__, "E\xcc\x81", "\xc3\xa9" },
		{ __LINE__, "日本語", "日本語" },
		{ __LINE__, "100%_x", "100%_X" },
	};
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		char *fa = text_fold(cases[i].a, strlen(cases[i].a));
		char *fb = text_fold(cases[i].b, strlen(cases[i].b));

		ck_assert_ptr_nonnull(fa);
		ck_assert_ptr_nonnull(fb);
		ck_assert_msg(strcmp(fa, fb) == 0, "line %d: \"%s\" vs \"%s\"",
		    cases[i].line, fa, fb);
		free(fa);
		free(fb);
	}
}
END_TEST

START_TEST(text_utf8)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 valid;
		size_t		 cps;
	} cases[] = {
		{ __LINE__, "abc", 3, 1, 3 },
		{ __LINE__, "", 0, 1, 0 },
		{ __LINE__, "äöü", 6, 1, 3 },
		{ __LINE__, "𝄞", 4, 1, 1 },
		{ __LINE__, "a\0b", 3, 0, 0 },
		{ __LINE__, "\xc3", 1, 0, 0 },		/* truncated */
		{ __LINE__, "\xc0\xaf", 2, 0, 0 },	/* overlong '/' */
		{ __LINE__, "\xed\xa0\x80", 3, 0, 0 },	/* surrogate */
		{ __LINE__, "\xf4\x90\x80\x80", 4, 0, 0 },	/* > U+10FFFF */
		{ __LINE__, "\xff", 1, 0, 0 },
	};
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		ck_assert_msg(text_utf8_valid(cases[i].s, cases[i].len) == cases[i].valid,
		    "line %d", cases[i].line);
		if (cases[i].valid)
			ck_assert_uint_eq(text_codepoints(cases[i].s, cases[i].len), cases[i].cps);
		else
			ck_assert_ptr_null(text_fold(cases[i].s, cases[i].len));
	}
}
END_TEST

/* 0-9, a-f and A-F, and no other byte, signed or not. */
START_TEST(text_hex)
{
	static const char *const digits[] = { "0123456789abcdef", "0123456789ABCDEF" };
	int c, i, n = 0;

	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(text_hex_digit(digits[0][i]), i);
		ck_assert_int_eq(text_hex_digit(digits[1][i]), i);
	}
	for (c = -128; c < 256; c++)
		n += text_hex_digit(c) >= 0;
	ck_assert_int_eq(n, 22);
	ck_assert_int_eq(text_hex_digit('g'), -1);
	ck_assert_int_eq(text_hex_digit('/'), -1);
	ck_assert_int_eq(text_hex_digit(':'), -1);
	ck_assert_int_eq(text_hex_digit('@'), -1);
	ck_assert_int_eq(text_hex_digit('G'), -1);
	ck_assert_int_eq(text_hex_digit((char)0xb0), -1);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, text_fold_scripts);
	tcase_add_test(tc, text_utf8);
	tcase_add_test(tc, text_hex);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_text", text_suite)
