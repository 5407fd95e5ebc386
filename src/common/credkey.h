/*
 * credkey: the key file that encrypts every session's link credentials
 * at rest ([sessiond] credentials_key_file): exactly CREDKEY_LEN random
 * bytes, a regular file of mode 0600.  wagw-admin init creates it;
 * wagw-sessiond loads it and refuses to start without it.
 */
#ifndef WAGW_CREDKEY_H
#define WAGW_CREDKEY_H

#include <stddef.h>

#define CREDKEY_LEN	32

/*
 * Creates path with fresh random bytes (mode 0600, never overwriting).
 * An existing file that credkey_load accepts is left alone: returns 1.
 * Returns 0 when created, -1 with a message in err.
 */
int credkey_create(const char *path, char *err, size_t errlen);

/*
 * Reads the key at path into key.  Refuses (-1, message in err naming
 * the file and what is wrong) a missing file, one that is not a regular
 * file, has another size, or can be read by group or others.
 */
int credkey_load(const char *path, unsigned char key[CREDKEY_LEN], char *err,
    size_t errlen);

#endif
