/*
 * b64url: base64url without padding (RFC 4648 section 5), strict: a
 * '=', a character outside the alphabet, a length of 1 mod 4 or
 * non-zero unused bits in the last character are all errors.
 */
#ifndef WAGW_B64URL_H
#define WAGW_B64URL_H

#include <stddef.h>

#define B64URL_ENCODED_LEN(n)	(((n) * 4 + 2) / 3)
#define B64URL_DECODED_MAX(n)	(((n) * 3) / 4)

/* Writes B64URL_ENCODED_LEN(len) chars and a NUL to out. */
void b64url_encode(const unsigned char *in, size_t len, char *out);
/*
 * Decodes len chars into out (room for B64URL_DECODED_MAX(len) bytes).
 * Returns the decoded length, or -1 when the input is not strict base64url.
 */
long b64url_decode(const char *in, size_t len, unsigned char *out);

#endif
