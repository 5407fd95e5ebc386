/*
 * cursor: the opaque nextCursor of the list endpoint.
 *
 * A cursor is base64url (RFC 4648 section 5) of
 *   version (1 byte, 1) || after (8 bytes, big-endian) || tag (16 bytes)
 * where after is the keyset position (the last row's store key) and tag
 * is HMAC-SHA256 (RFC 2104), truncated to 128 bits (section 5), over a
 * domain label, the session id and the first 9 bytes.  The key is the
 * database's cursor key (store_cursor_key), so a cursor stays valid
 * across processes, servers and restarts, and is bound to its session.
 */
#ifndef WAGW_GATEWAY_CURSOR_H
#define WAGW_GATEWAY_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "common/store.h"

#define CURSOR_RAW_LEN	25
#define CURSOR_LEN	34	/* B64URL_ENCODED_LEN(CURSOR_RAW_LEN) */

struct cursor_key;

/* Prepares the MAC once per process.  key is copied.  NULL on failure. */
struct cursor_key *cursor_key_new(const unsigned char key[STORE_CURSOR_KEY_LEN]);
void cursor_key_free(struct cursor_key *k);

/*
 * Writes the cursor of position after (> 0) in session session_id
 * (NUL-terminated) to out.  Returns 0, or -1 on a crypto failure.
 */
int cursor_encode(const struct cursor_key *k, const char *session_id,
    int64_t after, char out[CURSOR_LEN + 1]);

/*
 * Reads len bytes of s.  Returns 0 and the position in *after, or -1
 * when s is not a cursor this key issued for session_id (truncated,
 * altered, another session's, or garbage).  The tag is compared in
 * constant time.
 */
int cursor_decode(const struct cursor_key *k, const char *session_id,
    const char *s, size_t len, int64_t *after);

#endif
