/*
 * backoff: how long a session waits before it reconnects after a
 * transient drop: exponential from min_ms, capped at max_ms, each delay
 * jittered by +-20% so that many sessions dropped together (a restart of
 * WhatsApp's edge, of our network) do not come back in lockstep.  The
 * attempts reset once a connection has stayed up for stable_ms.
 */
#ifndef WAGW_SESSIOND_BACKOFF_H
#define WAGW_SESSIOND_BACKOFF_H

#include <stdint.h>

struct backoff_conf {
	int64_t		 min_ms;	/* >= 1 */
	int64_t		 max_ms;	/* >= min_ms */
	int64_t		 stable_ms;
};

struct backoff {
	int		 attempts;	/* since the last stable connection */
};

/* The conf the daemon uses: 1 s, doubling to 5 min, stable after 60 s. */
void backoff_default(struct backoff_conf *c);

/*
 * The delay before the next attempt, for rnd a uniform random 32-bit
 * number, and counts the attempt.  Always within
 * [0.8 min_ms, 1.2 max_ms].
 */
int64_t backoff_next(struct backoff *b, const struct backoff_conf *c, uint32_t rnd);

/* The connection was up from up_ms to now_ms: reset when that was stable. */
void backoff_up_for(struct backoff *b, const struct backoff_conf *c,
    int64_t up_ms, int64_t now_ms);

#endif
