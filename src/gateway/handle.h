/*
 * handle: the endpoints.  Handlers know nothing of FastCGI: they take
 * what the request parsed to, the authorized session, and what they
 * need of the process (store, cursor key, daemon client), and fill a
 * response - a 200 or a documented error (README.md "The API",
 * docs/openapi.yaml).  Authentication and the
 * session's ownership are checked before (authorize.h), so a handler
 * starts at the parameter checks (400).
 *
 * Each returns 0 when r holds the answer, -1 when r holds the fixed 500
 * (out of memory); either way r is filled.
 */
#ifndef WAGW_GATEWAY_HANDLE_H
#define WAGW_GATEWAY_HANDLE_H

#include <stddef.h>

struct cursor_key;
struct query;
struct request;
struct response;
struct sessiond_client;
struct store;
struct store_session;

/* Limits of the list endpoint (README.md "List parameters"). */
#define HANDLE_LIST_LIMIT_DEFAULT	50
#define HANDLE_LIST_LIMIT_MAX		200
#define HANDLE_LIST_Q_MAX		100	/* code points */

/* GET .../contacts: q holds source, group, q, limit, cursor. */
int handle_list(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const struct query *q, struct response *r);

/* GET .../contacts/check?phone=: a live lookup, deadline timeout_ms. */
int handle_check(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct query *q, struct response *r);

/* GET .../contacts/{jid}/about: jid is the raw path segment (len bytes). */
int handle_about(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const char *jid, size_t len,
    struct response *r);

/*
 * The stored groups (handle_groups.c).  group and lid are the raw path
 * segments (len bytes); q holds the route's query parameters.
 * GET .../contacts/{lid}: everything stored of one person, with its groups.
 */
int handle_contact(struct store *st, const struct store_session *s,
    const char *lid, size_t len, struct response *r);
/* GET .../groups: q holds q, limit, cursor. */
int handle_groups(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const struct query *q, struct response *r);
/* GET .../groups/{group}. */
int handle_group(struct store *st, const struct store_session *s,
    const char *group, size_t len, struct response *r);
/* GET .../groups/{group}/members: q holds role, limit, cursor. */
int handle_members(struct store *st, const struct cursor_key *ck,
    const struct store_session *s, const char *group, size_t len,
    const struct query *q, struct response *r);
/*
 * Fills r with the answer to a failed store read: 503 with Retry-After
 * when the database stayed busy, else 500.
 */
int handle_store_error(struct response *r, int store_rc);

/* POST .../contacts/check {"phones": [...]}: one live query for 1-50 numbers. */
int handle_check_batch(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct request *req, struct response *r);

/*
 * The Sessions API (handle_sessions.c).  org is the caller's
 * organization ("" when the credential names none); s the authorized
 * session (id, rowid, org).
 */
int handle_sessions_list(struct store *st, const struct cursor_key *ck,
    const char *org, const struct query *q, struct response *r);
int handle_session_create(struct sessiond_client *sd, int timeout_ms,
    const char *org, const struct request *req, struct response *r);
int handle_session_get(struct store *st, const struct store_session *s,
    struct response *r);
int handle_session_delete(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, struct response *r);
/* op: the daemon's "session_start", "session_stop", ... */
int handle_session_action(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const char *op, const struct request *req,
    struct response *r);
int handle_qr(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct query *q, struct response *r);
int handle_pairing_code(struct sessiond_client *sd, int timeout_ms,
    const struct store_session *s, const struct request *req, struct response *r);
int handle_me(struct store *st, const struct store_session *s, struct response *r);

/*
 * limit of a list: an integer, optionally signed; omitted or 0 -> the
 * default; clamped to 1..HANDLE_LIST_LIMIT_MAX.  0, or -1 when not an
 * integer.
 */
int handle_limit(const char *s, size_t len, int *limit);

/* GET /healthz: the responder runs. */
int handle_healthz(struct response *r);

/* GET /readyz: st (NULL when the database could not be opened) answers
 * and the daemon answers a ping within ping_ms. */
int handle_readyz(struct store *st, struct sessiond_client *sd, int ping_ms,
    struct response *r);

/* GET /api/v1/openapi.yaml: the document built into the program. */
int handle_openapi(struct response *r);

/* The built-in OpenAPI document (openapi_doc.c, made from docs/openapi.yaml). */
extern const unsigned char handle_openapi_doc[];
extern const size_t handle_openapi_doc_len;

/*
 * Fills r with the error for a daemon answer that is not SESSIOND_OK
 * (sessiond_client.h): 501, 503, 504, 429 with Retry-After, or 500.
 */
int handle_live_error(struct response *r, int sessiond_rc, int retry_after_s);

#endif
