/*
 * wa_version: the WhatsApp Web version a client announces (ClientPayload
 * userAgent.appVersion and the registration's buildHash).  A stale one is
 * refused after the handshake with <failure reason="405">, so the version
 * must be configurable and refreshed: the daemon fetches
 * https://web.whatsapp.com/sw.js and reads "client_revision" with
 * wa_version_parse_sw; wa_version_builtin is the fallback.
 */
#ifndef WAGW_WA_VERSION_H
#define WAGW_WA_VERSION_H

#include <stddef.h>
#include <stdint.h>

#define WA_VERSION_STR_MAX	36	/* "4294967295.4294967295.4294967295" */

/* The built-in version (whatsmeow's of 2026-08-20: 2.3000.1045649367). */
extern const uint32_t wa_version_builtin[3];

/*
 * Parses "A.B.C" (decimal, each 0-4294967295, no sign, no spaces) from
 * len bytes of s into v.  Returns 0, or -1 with v untouched.
 */
int wa_version_parse(const char *s, size_t len, uint32_t v[3]);

/*
 * Finds the revision in the text of web.whatsapp.com/sw.js: the first
 * "client_revision" (the quotes may be backslash-escaped) followed by
 * ':', optional white space and digits, as Baileys' fetchLatestWaWebVersion
 * reads it; the version is then 2.3000.<revision>.  Returns 0 with v set,
 * or -1 when there is none or it does not fit 32 bits.
 */
int wa_version_parse_sw(const char *text, size_t len, uint32_t v[3]);

/* Writes "A.B.C" to buf.  Returns buf. */
char *wa_version_format(const uint32_t v[3], char buf[WA_VERSION_STR_MAX]);

#endif
