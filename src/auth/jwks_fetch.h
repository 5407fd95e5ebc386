/*
 * jwks_fetch: downloads [auth] jwks_url into [auth] jwks_file for
 * wagw-sessiond, which calls it from a worker thread at start, then
 * again after the returned max-age, and early when a gateway asks.
 */
#ifndef WAGW_JWKS_FETCH_H
#define WAGW_JWKS_FETCH_H

#include <stddef.h>

#define JWKS_FETCH_BODY_MAX	(256 * 1024)	/* bytes of a response body */
#define JWKS_FETCH_AGE_MIN	60		/* seconds: max-age clamp */
#define JWKS_FETCH_AGE_MAX	86400
#define JWKS_FETCH_AGE_DEFAULT	3600		/* no (usable) Cache-Control */

enum jwks_fetch_rc {
	JWKS_FETCH_ERROR = -1,	/* nothing changed on disk; see err */
	JWKS_FETCH_UNCHANGED,	/* fetched; dest already held exactly this */
	JWKS_FETCH_REPLACED	/* fetched; dest atomically replaced */
};

/*
 * Fetches url (https://, or http:// which config only allows to
 * loopback) with libcurl: TLS peer and host verified, no redirects,
 * connect and total time bounded by timeout_ms, body at most
 * JWKS_FETCH_BODY_MAX bytes, only status 200 accepted.  The body must
 * parse as a JWKS with at least one usable key (jwks_parse; skipped
 * keys are logged); only then is dest_path replaced: a temporary file
 * in the same directory is written, fsync'ed, made mode 0644 and
 * renamed over dest_path, and the directory fsync'ed.  An identical
 * dest_path is left alone, so readers do not rebuild keys needlessly.
 *
 * *max_age_s is always set: on success the response's Cache-Control
 * max-age (no-store/no-cache count as 0) clamped to
 * [JWKS_FETCH_AGE_MIN, JWKS_FETCH_AGE_MAX], JWKS_FETCH_AGE_DEFAULT
 * without one; on failure JWKS_FETCH_AGE_MIN (retry soon).
 * err (errlen bytes) says why on JWKS_FETCH_ERROR; nothing is logged
 * except skipped keys.
 *
 * Blocking; safe to call from any one thread at a time per dest_path.
 * The program must have called curl_global_init(CURL_GLOBAL_DEFAULT)
 * once before starting threads.
 */
enum jwks_fetch_rc jwks_fetch(const char *url, const char *dest_path,
    int timeout_ms, int *max_age_s, char *err, size_t errlen);

#endif
