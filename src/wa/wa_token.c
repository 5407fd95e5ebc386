#include <string.h>

#include "wa/wa_token.h"

const struct wa_token_entry *
wa_token_find(const char *s, size_t len)
{
	size_t lo = 0, hi = WA_TOKEN_SORTED_N, mid, tlen;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		tlen = strlen(wa_token_sorted[mid].s);
		c = memcmp(s, wa_token_sorted[mid].s, len < tlen ? len : tlen);
		if (c == 0)
			c = len < tlen ? -1 : len > tlen ? 1 : 0;
		if (c == 0)
			return &wa_token_sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
