/*
 * gateway: what a wagw.fcgi process sets up once and keeps for every
 * request - the configuration, the daemon client, and the "backend":
 * the SQLite reader with its cached statements, the authenticator and
 * the cursor key.
 *
 * The backend is opened lazily: when the database cannot be opened (not
 * initialized yet, busy), the process keeps running, answers 503 and
 * tries again at most once per GATEWAY_RETRY_MS.
 */
#ifndef WAGW_GATEWAY_GATEWAY_H
#define WAGW_GATEWAY_GATEWAY_H

#include <stdint.h>

#include "common/config.h"

#define GATEWAY_RETRY_MS	1000	/* between attempts to open the database */
#define GATEWAY_BUSY_MS		1000	/* bound of one wait for a database lock */
#define GATEWAY_LIVE_MARGIN_MS	1000	/* added to lookup_timeout_ms */
#define GATEWAY_PING_MS		500	/* /readyz's daemon ping deadline */

struct auth;
struct cursor_key;
struct sessiond_client;
struct store;

struct gateway {
	struct config	 cfg;
	struct sessiond_client *sd;
	/* The backend, all or nothing (gateway_backend). */
	struct store	*st;
	struct auth	*auth;
	struct cursor_key *ck;
	int64_t		 next_try_ms;	/* monotonic; 0: try now */
};

/*
 * Copies cfg and creates the daemon client (it connects on first use).
 * Does not open the database.  NULL when out of memory.
 */
struct gateway *gateway_new(const struct config *cfg);
void gateway_free(struct gateway *gw);

/*
 * Makes sure the backend is open, trying to open it now if it is not
 * and the last attempt is GATEWAY_RETRY_MS old.  Returns 0 when st, auth
 * and ck are usable, -1 otherwise (logged once per attempt).
 */
int gateway_backend(struct gateway *gw);

/*
 * What waits until an answer is out: the daemon reports the request
 * queued (an API key's use, a JWKS refresh), each bounded by 100 ms.
 */
void gateway_after_request(struct gateway *gw);

#endif
