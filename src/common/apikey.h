/*
 * apikey: API key secrets.  A secret is "wa_" followed by 43 characters
 * of [A-Za-z0-9] from OpenSSL's CSPRNG (about 256 bits).  Its first 11
 * characters ("wa_" + 8) are the public prefix used to find the key and
 * to show it; only a SHA-256 hash of the whole secret is stored.
 */
#ifndef WAGW_APIKEY_H
#define WAGW_APIKEY_H

#include <stddef.h>

#define APIKEY_SECRET_LEN	46	/* "wa_" + 43 */
#define APIKEY_PREFIX_LEN	11	/* "wa_" + 8 */
#define APIKEY_HASH_LEN		32
#define APIKEY_ID_LEN		20	/* "key_" + 16 */

/* Fresh secret (NUL-terminated) and id.  Returns 0, or -1 if the CSPRNG failed. */
int apikey_generate(char secret[APIKEY_SECRET_LEN + 1], char id[APIKEY_ID_LEN + 1]);
/*
 * Nonzero when len bytes of s have the shape of a secret; then the
 * prefix (NUL-terminated) is written to prefix.
 */
int apikey_parse(const char *s, size_t len, char prefix[APIKEY_PREFIX_LEN + 1]);
void apikey_hash(const char *s, size_t len, unsigned char hash[APIKEY_HASH_LEN]);
/* Constant-time: nonzero when s hashes to stored. */
int apikey_matches(const char *s, size_t len, const unsigned char stored[APIKEY_HASH_LEN]);

#endif
