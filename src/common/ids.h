/*
 * ids: organization and session identifiers, 1-64 of [A-Za-z0-9_-], and
 * the ULIDs new sessions get.
 */
#ifndef WAGW_IDS_H
#define WAGW_IDS_H

#include <stddef.h>
#include <stdint.h>

/* Nonzero when len bytes of s form a valid id (an embedded NUL is not). */
int ids_valid(const char *s, size_t len);

#define IDS_ULID_LEN	26

/*
 * A new ULID (github.com/ulid/spec): 48 bits of milliseconds since the
 * epoch, then 80 random bits from OpenSSL's CSPRNG, in Crockford's
 * base32.  Returns 0, or -1 when no randomness is to be had.
 */
int ids_ulid(int64_t now_ms, char out[IDS_ULID_LEN + 1]);

#endif
