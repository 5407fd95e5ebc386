/*
 * json_strict: JSON as RFC 8259 writes it, parsed with json-c and then
 * held to what json-c lets through: no single quotes, NaN or Infinity,
 * valid UTF-8 (no escaped surrogate without its other half either), no
 * object that names a member twice (json-c would keep the last
 * silently), a bounded nesting depth, exactly one value and nothing
 * after it.  For request bodies and
 * the daemon's protocol.  A string may still hold an escaped NUL
 * (\u0000): the typed getters of each user refuse it.
 */
#ifndef WAGW_JSON_STRICT_H
#define WAGW_JSON_STRICT_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * Parses len bytes of buf as one JSON object nested at most depth deep.
 * Returns a new reference (the caller puts it), or NULL with *why (when
 * not NULL) set to a static reason ("is not valid JSON", "names a member
 * twice", ...).
 */
struct json_object *json_strict_object(const char *buf, size_t len, int depth,
    const char **why);

#endif
