/* ids: organization and session identifiers, 1-64 of [A-Za-z0-9_-]. */
#ifndef WAGW_IDS_H
#define WAGW_IDS_H

#include <stddef.h>

/* Nonzero when len bytes of s form a valid id (an embedded NUL is not). */
int ids_valid(const char *s, size_t len);

#endif
