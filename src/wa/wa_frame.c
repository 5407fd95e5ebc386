#include <string.h>

#include "wa/wa_frame.h"

const unsigned char wa_prologue[WA_PROLOGUE_LEN] = { 'W', 'A', 6, 3 };

int
wa_frame_encode(struct wa_buf *out, const void *p, size_t len,
    int with_prologue)
{
	size_t mark = out->len;

	if (len > WA_FRAME_MAX)
		return -1;
	if (with_prologue)
		wa_buf_add(out, wa_prologue, sizeof(wa_prologue));
	wa_buf_be(out, (uint32_t)len, 3);
	wa_buf_add(out, p, len);
	if (out->err) {
		out->len = mark;
		return -1;
	}
	return 0;
}

void
wa_frame_rd_init(struct wa_frame_rd *rd, size_t max)
{
	memset(rd, 0, sizeof(*rd));
	rd->max = max > WA_FRAME_MAX ? WA_FRAME_MAX : max;
}

void
wa_frame_rd_free(struct wa_frame_rd *rd)
{
	wa_buf_free(&rd->in);
	rd->off = 0;
}

int
wa_frame_rd_feed(struct wa_frame_rd *rd, const void *p, size_t n)
{
	/* Drop consumed bytes first so the buffer stays one frame long. */
	if (rd->off > 0) {
		memmove(rd->in.p, rd->in.p + rd->off, rd->in.len - rd->off);
		rd->in.len -= rd->off;
		rd->off = 0;
	}
	wa_buf_add(&rd->in, p, n);
	return rd->in.err ? -1 : 0;
}

int
wa_frame_rd_next(struct wa_frame_rd *rd, const unsigned char **p,
    size_t *len)
{
	const unsigned char *b;
	size_t avail = rd->in.len - rd->off, n;

	if (avail < 3)
		return 0;
	b = rd->in.p + rd->off;
	n = (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
	if (n > rd->max)
		return -1;
	if (avail - 3 < n)
		return 0;
	*p = b + 3;
	*len = n;
	rd->off += 3 + n;
	return 1;
}

void
wa_frame_rd_trim(struct wa_frame_rd *rd)
{
	if (rd->off == rd->in.len) {
		wa_buf_free(&rd->in);
		rd->off = 0;
	}
}

size_t
wa_frame_rd_pending(const struct wa_frame_rd *rd)
{
	return rd->in.len - rd->off;
}
