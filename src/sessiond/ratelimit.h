/*
 * ratelimit: one session's live-lookup budget: a token bucket
 * (per_minute, burst) kept as a GCRA theoretical arrival time in exact
 * integer units, and a cap per UTC day.
 */
#ifndef WAGW_SESSIOND_RATELIMIT_H
#define WAGW_SESSIOND_RATELIMIT_H

#include <stdint.h>

struct ratelimit_conf {
	int		 per_minute;	/* >= 1 */
	int		 burst;		/* >= 1 */
	int		 per_day;	/* >= 1 */
};

struct ratelimit {
	int64_t		 tat;		/* in units of 1/per_minute ms */
	int64_t		 day;		/* UTC day number of day_count */
	int64_t		 day_count;
};

/*
 * Spends n lookups (1 <= n <= burst) at monotonic time mono_ms and wall
 * time wall_ms.  Returns 0 when spent, else the whole seconds (>= 1)
 * until n lookups would be allowed, spending nothing.
 */
int64_t ratelimit_take(struct ratelimit *r, const struct ratelimit_conf *c,
    int n, int64_t mono_ms, int64_t wall_ms);

/* Whole seconds until the bucket is full again (0: it is). */
int64_t ratelimit_full_in(const struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t mono_ms);

/*
 * The bucket's debt now, in 1/60000 tokens (0: full), to keep across
 * restarts; and back: a debt saved at wall time saved_ms, less what the
 * bucket refilled since, under c (which may differ from the conf it was
 * saved under: a debt is tokens, whatever the rate).
 */
int64_t ratelimit_save(const struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t mono_ms);
void ratelimit_restore(struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t debt, int64_t saved_ms, int64_t mono_ms, int64_t wall_ms);

#endif
