/*
 * refresh: a blocking download repeated in the background, on a worker
 * thread of its own, so that the loop never waits for the network.  The
 * work runs on the worker; its completion runs on the loop and says when
 * to run again.  The frontend's JWKS (jwksd.c) and WhatsApp Web's current
 * version (link_whatsapp.c) are fetched this way.
 */
#ifndef WAGW_SESSIOND_REFRESH_H
#define WAGW_SESSIOND_REFRESH_H

#include <stddef.h>
#include <stdint.h>

#include "sessiond/loop.h"

/*
 * On the worker thread: does the blocking work, leaving its result in
 * arg (the completion reads it; the hand-over between threads is
 * synchronised by the refresh).
 */
typedef void (*refresh_work)(void *arg);
/* On the loop, after each run: the ms until the next run. */
typedef int64_t (*refresh_done)(void *arg);

struct refresh;

/*
 * Starts the worker and the first run at once.  arg is borrowed for the
 * refresh's life.  NULL with a message in err.
 */
struct refresh *refresh_new(struct loop *loop, refresh_work work,
    refresh_done done, void *arg, char *err, size_t errlen);

/* Runs again now, unless a run is under way (that one will do). */
void refresh_now(struct refresh *r);

/* Monotonic ms when the latest run began. */
int64_t refresh_last_start(const struct refresh *r);

/* Nonzero while no run has completed yet. */
int refresh_first_pending(const struct refresh *r);

/*
 * Stops the worker, waiting for a run under way (bounded by the work's
 * own timeout), and frees.  NULL is a no-op.
 */
void refresh_free(struct refresh *r);

#endif
