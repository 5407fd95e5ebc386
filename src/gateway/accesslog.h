/*
 * accesslog: one line per request on stderr (the web server's error log
 * for FastCGI), and one more per failure with its cause.  Lines carry
 * the request id that the client sees in X-Request-Id.  Never logged:
 * the query string (a client may misplace a secret there), headers, or
 * anything of a credential; the path is sanitized.
 */
#ifndef WAGW_GATEWAY_ACCESSLOG_H
#define WAGW_GATEWAY_ACCESSLOG_H

#include <stdint.h>

#include "auth/auth.h"

struct request;
struct response;

/* duration_us: from accepting the request to writing the answer. */
void accesslog_write(const struct request *req, const struct response *r,
    const struct auth_principal *p, int64_t duration_us);

#endif
