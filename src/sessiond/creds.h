/*
 * creds: a session's link credentials sealed at rest with AES-256-GCM
 * under the credentials key (credkey.h).  The daemon, never a driver,
 * persists them; the sealed form is what the store keeps:
 *   version (1 byte, 1) || nonce (12 bytes) || ciphertext || tag (16 bytes)
 * with the session id and the link name as associated data, so a blob
 * cannot be moved to another session or driver.
 */
#ifndef WAGW_SESSIOND_CREDS_H
#define WAGW_SESSIOND_CREDS_H

#include <stddef.h>

#include "common/credkey.h"

#define CREDS_OVERHEAD	(1 + 12 + 16)
#define CREDS_MAX	(256 * 1024)	/* plaintext bytes */

/*
 * Seals len bytes of plain for session/link.  Returns a malloc'd blob in
 * *out (*outlen bytes; the caller frees), or -1.
 */
int creds_seal(const unsigned char key[CREDKEY_LEN], const char *session,
    const char *link, const void *plain, size_t len, unsigned char **out,
    size_t *outlen);

/*
 * Opens a sealed blob.  Returns 0 with the plaintext in *out (*outlen;
 * the caller clears and frees it with creds_free), or -1 when the blob
 * is truncated, of another version, tampered with, sealed for another
 * session or link, or under another key.
 */
int creds_open(const unsigned char key[CREDKEY_LEN], const char *session,
    const char *link, const unsigned char *blob, size_t len, unsigned char **out,
    size_t *outlen);

/* Clears and frees len bytes at p (NULL is a no-op). */
void creds_free(unsigned char *p, size_t len);

#endif
