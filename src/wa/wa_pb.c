#include <stdlib.h>
#include <string.h>

#include "wa/wa_pb.h"

enum { WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_LEN = 2, WIRE_I32 = 5 };

static void
wa_pb_varint(struct wa_buf *b, uint64_t v)
{
	while (v >= 0x80) {
		wa_buf_byte(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	wa_buf_byte(b, (uint8_t)v);
}

static int
wa_pb_enc(const struct wa_pb_desc *d, const void *msg, struct wa_buf *b,
    int depth)
{
	const struct wa_pb_field *f;
	const unsigned char *base = msg;
	struct wa_buf sub = { NULL, 0, 0, 0 };
	size_t i;
	int rc = -1;

	if (depth > WA_PB_MAX_DEPTH)
		return -1;
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		switch (f->type) {
		case WA_PB_UINT:
		case WA_PB_BOOL:
		case WA_PB_SFIXED32: {
			const struct wa_pb_uint *u = (const void *)(base + f->off);

			if (!u->has)
				break;
			if (f->type == WA_PB_SFIXED32) {
				wa_pb_varint(b, (uint64_t)f->num << 3 | WIRE_I32);
				wa_buf_byte(b, (uint8_t)u->v);
				wa_buf_byte(b, (uint8_t)(u->v >> 8));
				wa_buf_byte(b, (uint8_t)(u->v >> 16));
				wa_buf_byte(b, (uint8_t)(u->v >> 24));
			} else {
				wa_pb_varint(b, (uint64_t)f->num << 3 | WIRE_VARINT);
				wa_pb_varint(b, f->type == WA_PB_BOOL ? !!u->v : u->v);
			}
			break;
		}
		case WA_PB_BYTES: {
			const struct wa_pb_bytes *s = (const void *)(base + f->off);

			if (!s->has)
				break;
			wa_pb_varint(b, (uint64_t)f->num << 3 | WIRE_LEN);
			wa_pb_varint(b, s->len);
			wa_buf_add(b, s->p, s->len);
			break;
		}
		case WA_PB_MSG: {
			const void *m = *(void *const *)(base + f->off);

			if (m == NULL)
				break;
			wa_buf_reset(&sub);
			if (wa_pb_enc(f->sub, m, &sub, depth + 1) == -1)
				goto out;
			wa_pb_varint(b, (uint64_t)f->num << 3 | WIRE_LEN);
			wa_pb_varint(b, sub.len);
			wa_buf_add(b, sub.p, sub.len);
			break;
		}
		}
	}
	rc = b->err ? -1 : 0;
out:
	wa_buf_free(&sub);
	return rc;
}

int
wa_pb_encode(const struct wa_pb_desc *d, const void *msg, struct wa_buf *out)
{
	size_t mark = out->len;

	if (out->err || wa_pb_enc(d, msg, out, 1) == -1) {
		out->len = mark;
		return -1;
	}
	return 0;
}

struct wa_pb_rd {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
};

static int
wa_pb_rd_varint(struct wa_pb_rd *r, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64; shift += 7) {
		if (r->off >= r->len)
			return -1;
		*v |= (uint64_t)(r->p[r->off] & 0x7f) << shift;
		if (!(r->p[r->off++] & 0x80))
			return 0;
	}
	return -1;
}

static const struct wa_pb_field *
wa_pb_field(const struct wa_pb_desc *d, uint64_t num)
{
	size_t i;

	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].num == num)
			return &d->fields[i];
	return NULL;
}

static void wa_pb_free_rec(const struct wa_pb_desc *, void *);

static int
wa_pb_dec(const struct wa_pb_desc *d, const unsigned char *p, size_t len,
    void **out, int depth)
{
	struct wa_pb_rd r = { p, len, 0 };
	const struct wa_pb_field *f;
	unsigned char *msg;
	uint64_t key, v, wire;
	size_t n;

	if (depth > WA_PB_MAX_DEPTH)
		return -1;
	if ((msg = calloc(1, d->size)) == NULL)
		return -1;
	while (r.off < r.len) {
		if (wa_pb_rd_varint(&r, &key) == -1 || (key >> 3) == 0)
			goto fail;
		wire = key & 7;
		f = wa_pb_field(d, key >> 3);
		switch (wire) {
		case WIRE_VARINT:
			if (wa_pb_rd_varint(&r, &v) == -1)
				goto fail;
			if (f == NULL)
				break;
			if (f->type != WA_PB_UINT && f->type != WA_PB_BOOL)
				goto fail;
			((struct wa_pb_uint *)(void *)(msg + f->off))->v =
			    f->type == WA_PB_BOOL ? v != 0 : v;
			((struct wa_pb_uint *)(void *)(msg + f->off))->has = 1;
			break;
		case WIRE_I64:
		case WIRE_I32:
			n = wire == WIRE_I64 ? 8 : 4;
			if (r.len - r.off < n)
				goto fail;
			if (f != NULL) {
				struct wa_pb_uint *u = (void *)(msg + f->off);

				if (f->type != WA_PB_SFIXED32 || n != 4)
					goto fail;
				u->v = (uint64_t)r.p[r.off] |
				    (uint64_t)r.p[r.off + 1] << 8 |
				    (uint64_t)r.p[r.off + 2] << 16 |
				    (uint64_t)r.p[r.off + 3] << 24;
				u->has = 1;
			}
			r.off += n;
			break;
		case WIRE_LEN:
			if (wa_pb_rd_varint(&r, &v) == -1 || v > r.len - r.off)
				goto fail;
			n = (size_t)v;
			if (f == NULL) {
				r.off += n;
				break;
			}
			if (f->type == WA_PB_BYTES) {
				struct wa_pb_bytes *s = (void *)(msg + f->off);

				free(s->p);
				if ((s->p = malloc(n ? n : 1)) == NULL) {
					s->has = 0;
					goto fail;
				}
				memcpy(s->p, r.p + r.off, n);
				s->len = n;
				s->has = 1;
			} else if (f->type == WA_PB_MSG) {
				void **m = (void **)(void *)(msg + f->off), *sub;

				if (wa_pb_dec(f->sub, r.p + r.off, n, &sub,
				    depth + 1) == -1)
					goto fail;
				wa_pb_free_rec(f->sub, *m);
				*m = sub;
			} else
				goto fail;
			r.off += n;
			break;
		default:	/* groups (3, 4) are not used by these messages */
			goto fail;
		}
	}
	*out = msg;
	return 0;
fail:
	wa_pb_free_rec(d, msg);
	return -1;
}

int
wa_pb_decode(const struct wa_pb_desc *d, const void *p, size_t len,
    void **out)
{
	return wa_pb_dec(d, p, len, out, 1);
}

static void
wa_pb_free_rec(const struct wa_pb_desc *d, void *msg)
{
	unsigned char *base = msg;
	size_t i;

	if (msg == NULL)
		return;
	for (i = 0; i < d->nfields; i++) {
		const struct wa_pb_field *f = &d->fields[i];

		if (f->type == WA_PB_BYTES)
			free(((struct wa_pb_bytes *)(void *)(base + f->off))->p);
		else if (f->type == WA_PB_MSG)
			wa_pb_free_rec(f->sub, *(void **)(void *)(base + f->off));
	}
	free(msg);
}

void
wa_pb_free(const struct wa_pb_desc *d, void *msg)
{
	wa_pb_free_rec(d, msg);
}
