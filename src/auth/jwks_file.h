/*
 * jwks_file: the JWKS of [auth] jwks_file, kept per process.  The file
 * is looked at (stat: device, inode, size, mtime) at most once a second
 * and re-read only when it changed, so keys are built once per change.
 * A file that is missing, unreadable, not a JWKS or without any usable
 * key leaves the current keys in place, with one log line per change.
 */
#ifndef WAGW_JWKS_FILE_H
#define WAGW_JWKS_FILE_H

#include <stdint.h>

#include "auth/jwks.h"

#define JWKS_FILE_CHECK_MS	1000

struct jwks_file;

/* path is copied.  Does not read yet.  NULL on no memory. */
struct jwks_file *jwks_file_new(const char *path);
void jwks_file_free(struct jwks_file *jf);

/*
 * The current key set (borrowed until the next call; NULL when no
 * usable set was ever loaded).  Checks the file when now_ms is at least
 * JWKS_FILE_CHECK_MS after the last check (or went backwards), or on
 * the first call.  *changed (may be NULL) is set to 1 when a new set
 * replaced the old one during this call, else 0.
 */
const struct jwks *jwks_file_keys(struct jwks_file *jf, int64_t now_ms,
    int *changed);

#endif
