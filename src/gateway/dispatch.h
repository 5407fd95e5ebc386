/*
 * dispatch: one request from start to answer, without FastCGI:
 * route (404) -> method (405, OPTIONS) -> CORS -> backend ready (503)
 * -> authorize (401/403/404) -> query parameters (400) -> handler.
 * Public routes (/healthz, /readyz, /api/v1/openapi.yaml) take no
 * credential and ignore their query string.
 */
#ifndef WAGW_GATEWAY_DISPATCH_H
#define WAGW_GATEWAY_DISPATCH_H

#include "auth/auth.h"

struct gateway;
struct request;
struct response;

/*
 * Fills r (initialized by the caller) with the answer to req.  *p gets
 * the caller's principal when authentication succeeded (kind
 * AUTH_KIND_NONE otherwise), for the access log.
 */
void dispatch(struct gateway *gw, const struct request *req,
    struct response *r, struct auth_principal *p);

#endif
