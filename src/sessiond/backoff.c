#include "sessiond/backoff.h"

void
backoff_default(struct backoff_conf *c)
{
	c->min_ms = 1000;
	c->max_ms = 300000;
	c->stable_ms = 60000;
}

int64_t
backoff_next(struct backoff *b, const struct backoff_conf *c, uint32_t rnd)
{
	int64_t d = c->min_ms;
	int i;

	for (i = 0; i < b->attempts && d < c->max_ms; i++)
		d *= 2;
	if (d > c->max_ms)
		d = c->max_ms;
	if (b->attempts < 62)
		b->attempts++;
	/* d * (0.8 + 0.4 * rnd / 2^32), in integers. */
	return d * 4 / 5 + (int64_t)(((uint64_t)(d * 2 / 5) * rnd) >> 32);
}

void
backoff_up_for(struct backoff *b, const struct backoff_conf *c, int64_t up_ms,
    int64_t now_ms)
{
	if (now_ms - up_ms >= c->stable_ms)
		b->attempts = 0;
}
