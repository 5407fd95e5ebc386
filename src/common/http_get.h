/*
 * http_get: one bounded GET with libcurl, for wagw-sessiond's background
 * downloads (the frontend's JWKS, WhatsApp Web's current version).
 */
#ifndef WAGW_HTTP_GET_H
#define WAGW_HTTP_GET_H

#include <stddef.h>

/* What a successful GET returned. */
struct http_body {
	char	*buf;		/* len bytes, then a NUL; the caller frees */
	size_t	 len;
	long	 max_age_s;	/* Cache-Control max-age (no-store and no-cache
				 * count as 0), capped at HTTP_GET_AGE_CAP;
				 * -1 when the response had none */
};

#define HTTP_GET_AGE_CAP	(365L * 86400)

/*
 * Fetches url (https://, or http://, which config only allows to
 * loopback): TLS peer and host name verified, no redirects, connect and
 * total time bounded by timeout_ms, the body at most max bytes, only
 * status 200 accepted.  Returns 0 with *out filled, or -1 with err
 * (errlen bytes) saying why and *out untouched.  Logs nothing.
 *
 * Blocking; the program must have called curl_global_init() before
 * starting threads.
 */
int http_get(const char *url, int timeout_ms, size_t max, struct http_body *out,
    char *err, size_t errlen);

#endif
