#include <string.h>

#include "common/cap.h"

static const struct {
	const char	*name;
	unsigned	 cap;
} cap_names[] = {
	{ "read", CAP_READ }, { "send", CAP_SEND },
	{ "manage", CAP_MANAGE }, { "events", CAP_EVENTS },
};

unsigned
cap_from_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strlen(cap_names[i].name) == len &&
		    memcmp(cap_names[i].name, name, len) == 0)
			return cap_names[i].cap;
	return 0;
}

const char *
cap_name(unsigned cap)
{
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (cap_names[i].cap == cap)
			return cap_names[i].name;
	return NULL;
}

unsigned
cap_parse_list(const char *s)
{
	unsigned set = 0, one;
	const char *e;

	for (;;) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		one = cap_from_name(s, (size_t)(e - s));
		if (one == 0 || (set & one))
			return 0;
		set |= one;
		if (*e == '\0')
			return set;
		s = e + 1;
	}
}

unsigned
cap_of_org_role(const char *role, size_t len)
{
	/* Owner and admin have all four, member all but manage. */
	if ((len == 5 && memcmp(role, "owner", 5) == 0) ||
	    (len == 5 && memcmp(role, "admin", 5) == 0))
		return CAP_ALL;
	if (len == 6 && memcmp(role, "member", 6) == 0)
		return CAP_ALL & ~CAP_MANAGE;
	return 0;
}
