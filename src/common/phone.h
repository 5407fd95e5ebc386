/*
 * phone: E.164 numbers.  wagw stores and returns plain digits; it
 * accepts an optional leading '+'.
 */
#ifndef WAGW_PHONE_H
#define WAGW_PHONE_H

#include <stddef.h>

#define PHONE_DIGITS_MIN	7
#define PHONE_DIGITS_MAX	15

/*
 * Parses len bytes: an optional '+', then 7..15 digits, the first 1-9,
 * nothing else.  Writes the digits, NUL-terminated, to digits.
 * Returns 0, or -1 when malformed.
 */
int phone_parse_e164(const char *s, size_t len, char digits[PHONE_DIGITS_MAX + 1]);

#endif
