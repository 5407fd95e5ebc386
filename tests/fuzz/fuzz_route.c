/*
 * libFuzzer target: the router of wagw.fcgi on arbitrary (already
 * decoded) paths.  A match's {session} and {jid} are whole, non-empty
 * segments inside the path (a {session} may be followed by its
 * ":action"), never "." or "..", a {session} never holds ':', and {jid}
 * is never the literal "check".
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gateway/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_segment(const char *path, size_t len, const char *s, size_t slen, int action)
{
	if (s <= path || s + slen > path + len || slen == 0 ||
	    memchr(s, '/', slen) != NULL || s[-1] != '/' ||
	    (s + slen < path + len && s[slen] != '/' && !(action && s[slen] == ':')) ||
	    (slen == 1 && s[0] == '.') || (slen == 2 && memcmp(s, "..", 2) == 0))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = (const char *)data;
	struct route_match m;
	enum route_id id;

	id = route_match(path, size, &m);
	if (id == ROUTE_NONE) {
		if (m.def != NULL)
			__builtin_trap();
		return 0;
	}
	if (m.def == NULL || m.def->id != id || size == 0 || path[size - 1] == '/')
		__builtin_trap();
	if (m.session != NULL) {
		fuzz_segment(path, size, m.session, m.session_len, 1);
		if (memchr(m.session, ':', m.session_len) != NULL)
			__builtin_trap();
	}
	if (m.jid != NULL) {
		fuzz_segment(path, size, m.jid, m.jid_len, 0);
		if (m.jid_len == 5 && memcmp(m.jid, "check", 5) == 0)
			__builtin_trap();
	}
	return 0;
}
