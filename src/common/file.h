/* file: reading a whole, bounded configuration-like file into memory. */
#ifndef WAGW_FILE_H
#define WAGW_FILE_H

#include <stddef.h>

/*
 * Reads the regular file at path, at most max bytes, into a fresh
 * NUL-terminated buffer (*out, the caller frees).  Returns its length,
 * or -1 with errno set: EINVAL when path is not a regular file, EFBIG
 * when it holds more than max bytes, else open's or read's.
 */
long file_read(const char *path, size_t max, char **out);

/* A message for file_read's errno: "not a regular file", "larger than N bytes", ... */
const char *file_strerror(int errnum, size_t max, char *buf, size_t len);

#endif
