/*
 * daemon: wagw-sessiond, the session holder.  It serves the protocol of
 * docs/sessiond-protocol.md on a Unix socket, holds each session's link
 * (link.h), stores what sessions see, and runs live lookups within each
 * session's budget.  Everything runs on one event loop (loop.h); only
 * the JWKS download runs in a worker thread.
 */
#ifndef WAGW_SESSIOND_DAEMON_H
#define WAGW_SESSIOND_DAEMON_H

#include <stddef.h>

#include "common/config.h"

struct daemon;

/*
 * Opens and migrates the database, loads the link driver, takes over the
 * socket (removing a stale one, refusing while another daemon answers)
 * and opens the sessions of the database.  cfg is borrowed for the
 * daemon's life.  Returns 0, or -1 with the reason in err.
 */
int daemon_new(struct daemon **out, const struct config *cfg, char *err,
    size_t errlen);

/*
 * Serves until SIGTERM or SIGINT (then drains: bounded), handling SIGHUP.
 * Returns 0 on a clean stop, -1 on a fatal loop error (logged).
 */
int daemon_run(struct daemon *d);

/* Closes the socket, the links and the database.  NULL is a no-op. */
void daemon_free(struct daemon *d);

#endif
