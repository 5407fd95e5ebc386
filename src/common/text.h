/*
 * text: UTF-8 checks and Unicode case folding (libunistring), so that
 * search is case-insensitive in every script; and the hex digits of a
 * percent-escape.
 */
#ifndef WAGW_TEXT_H
#define WAGW_TEXT_H

#include <stddef.h>

/* Nonzero when len bytes of s are valid UTF-8 without a NUL. */
int text_utf8_valid(const char *s, size_t len);
/* Code points in valid UTF-8. */
size_t text_codepoints(const char *s, size_t len);
/*
 * Full Unicode case folding, NFC-normalized, of valid UTF-8.  Returns a
 * NUL-terminated string the caller frees, or NULL (invalid input, no
 * memory).  Folding the same text always gives the same bytes, so
 * stored names and search strings compare byte for byte.
 */
char *text_fold(const char *s, size_t len);

/* The value of the hex digit c (0-9, a-f, A-F), or -1. */
int text_hex_digit(int c);

#endif
