/* clock: wall-clock and monotonic time in milliseconds. */
#ifndef WAGW_CLOCK_H
#define WAGW_CLOCK_H

#include <stdint.h>

int64_t clock_wall_ms(void);	/* since the Unix epoch, for stored timestamps */
int64_t clock_mono_ms(void);	/* for deadlines and rate limits */

#endif
