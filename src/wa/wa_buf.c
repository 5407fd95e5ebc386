#include <stdlib.h>
#include <string.h>

#include "wa/wa_buf.h"

void
wa_buf_reset(struct wa_buf *b)
{
	b->len = 0;
	b->err = 0;
}

void
wa_buf_free(struct wa_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

unsigned char *
wa_buf_reserve(struct wa_buf *b, size_t n)
{
	size_t cap;
	unsigned char *p;

	if (b->err)
		return NULL;
	if (n > WA_BUF_MAX || b->len > WA_BUF_MAX - n) {
		b->err = 1;
		return NULL;
	}
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + n)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->err = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

void
wa_buf_add(struct wa_buf *b, const void *p, size_t n)
{
	unsigned char *d;

	if (n == 0 || (d = wa_buf_reserve(b, n)) == NULL)
		return;
	memcpy(d, p, n);
	b->len += n;
}

void
wa_buf_byte(struct wa_buf *b, uint8_t v)
{
	wa_buf_add(b, &v, 1);
}

void
wa_buf_be(struct wa_buf *b, uint32_t v, int n)
{
	unsigned char t[4];
	int i;

	for (i = 0; i < n; i++)
		t[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	wa_buf_add(b, t, (size_t)n);
}
