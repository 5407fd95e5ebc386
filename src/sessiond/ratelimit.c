#include "sessiond/ratelimit.h"

#define DAY_MS	86400000LL

static int64_t
ratelimit_ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

int64_t
ratelimit_take(struct ratelimit *r, const struct ratelimit_conf *c, int n,
    int64_t mono_ms, int64_t wall_ms)
{
	/* Time in units of 1/per_minute ms: one token is exactly 60000 units. */
	const int64_t t = 60000, pm = c->per_minute;
	int64_t now = mono_ms * pm, tat, wait_ms = 0, day, left;

	tat = r->tat > now ? r->tat : now;
	if (tat + n * t - now > c->burst * t)
		wait_ms = ratelimit_ceil_div(tat + n * t - c->burst * t - now, pm);
	day = wall_ms / DAY_MS;
	if (day != r->day) {
		r->day = day;
		r->day_count = 0;
	}
	if (r->day_count + n > c->per_day) {
		left = (day + 1) * DAY_MS - wall_ms;
		if (left > wait_ms)
			wait_ms = left;
	}
	if (wait_ms > 0)
		return ratelimit_ceil_div(wait_ms, 1000);
	r->tat = tat + n * t;
	r->day_count += n;
	return 0;
}

int64_t
ratelimit_save(const struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t mono_ms)
{
	int64_t debt = r->tat - mono_ms * c->per_minute;

	return debt > 0 ? debt : 0;
}

void
ratelimit_restore(struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t debt, int64_t saved_ms, int64_t mono_ms, int64_t wall_ms)
{
	int64_t since = wall_ms > saved_ms ? wall_ms - saved_ms : 0;

	/* The refill since, at most what is owed (no overflow for old debts). */
	if (since >= (debt + c->per_minute - 1) / c->per_minute)
		debt = 0;
	else
		debt -= since * c->per_minute;
	r->tat = debt > 0 ? mono_ms * c->per_minute + debt : 0;
}

int64_t
ratelimit_full_in(const struct ratelimit *r, const struct ratelimit_conf *c,
    int64_t mono_ms)
{
	int64_t debt = ratelimit_save(r, c, mono_ms);

	return debt > 0 ? ratelimit_ceil_div(ratelimit_ceil_div(debt, c->per_minute),
	    1000) : 0;
}
