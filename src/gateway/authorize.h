/*
 * authorize: the one place a request's credential is checked, in the
 * API's order: credential (401, with WWW-Authenticate: Bearer)
 * -> capability (403) -> session exists and is owned (404).  A database
 * that stays busy meanwhile is 503.  Parameters (400) and live
 * preconditions come after, in the handlers.
 */
#ifndef WAGW_GATEWAY_AUTHORIZE_H
#define WAGW_GATEWAY_AUTHORIZE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

struct request;
struct response;
struct store;
struct store_session;

/*
 * Authenticates req and authorizes cap on session_id (len bytes, raw
 * from the path; NULL for a route that names no session: then the
 * capability alone decides).  Returns 0 with *p and *s filled, or -1 with r holding
 * the error answer.  now_ms is wall-clock time.
 */
int authorize(struct auth *a, struct store *st, const struct request *req,
    unsigned cap, const char *session_id, size_t len, int64_t now_ms,
    struct auth_principal *p, struct store_session *s, struct response *r);

#endif
