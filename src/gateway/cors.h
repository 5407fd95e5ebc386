/*
 * cors: the browser rules (Fetch standard, "CORS protocol").  Origins in
 * [http] cors_origins, compared byte for byte, get
 *   Access-Control-Allow-Origin: <their origin>
 * on every answer, and OPTIONS preflights get the methods (GET, HEAD),
 * the request headers (Authorization, X-Api-Key) and a max age.  No
 * credentials mode: the API takes header tokens, never cookies.  Other
 * origins get no Access-Control-* header at all, so browsers refuse the
 * answer.  When any origin is configured, every answer says
 * Vary: Origin, since its headers depend on it.
 */
#ifndef WAGW_GATEWAY_CORS_H
#define WAGW_GATEWAY_CORS_H

struct config;
struct request;
struct response;

/* Sets r's CORS fields for req; preflight when req is an OPTIONS. */
void cors_apply(const struct config *cfg, const struct request *req,
    struct response *r);

#endif
