/*
 * cap: the four capabilities (read, send, manage, events) and how roles
 * map to them (README.md "How claims map to ...").
 * API keys store a bit set of these; JWT roles are turned into one.
 */
#ifndef WAGW_CAP_H
#define WAGW_CAP_H

#include <stddef.h>

enum cap {
	CAP_READ	= 1 << 0,
	CAP_SEND	= 1 << 1,
	CAP_MANAGE	= 1 << 2,
	CAP_EVENTS	= 1 << 3
};
#define CAP_ALL (CAP_READ | CAP_SEND | CAP_MANAGE | CAP_EVENTS)

/* "read" -> CAP_READ, ...; 0 for anything else (len bytes, no NUL needed). */
unsigned cap_from_name(const char *name, size_t len);
/* The name of one capability bit, or NULL. */
const char *cap_name(unsigned cap);
/*
 * Parses "read,send": names separated by commas, no empty items, no
 * repeats.  Returns the set, or 0 when malformed.
 */
unsigned cap_parse_list(const char *s);
/* Capabilities of an organization role (owner, admin, member), else 0. */
unsigned cap_of_org_role(const char *role, size_t len);

#endif
