#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "wa/wa_buf.h"
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_tags.h"
#include "wa/wa_token.h"

struct wa_rd {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
};

static int
wa_rd_byte(struct wa_rd *r, unsigned *v)
{
	if (r->off >= r->len)
		return -1;
	*v = r->p[r->off++];
	return 0;
}

static int
wa_rd_be(struct wa_rd *r, int n, size_t *v)
{
	int i;

	if (r->len - r->off < (size_t)n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v << 8 | r->p[r->off++];
	return 0;
}

static int
wa_str_from(struct wa_str *s, const void *p, size_t len)
{
	if ((s->p = malloc(len + 1)) == NULL)
		return -1;
	if (len)
		memcpy(s->p, p, len);
	s->p[len] = '\0';
	s->len = len;
	return 0;
}

static int
wa_rd_raw(struct wa_rd *r, size_t len, struct wa_str *s)
{
	if (r->len - r->off < len)
		return -1;
	if (wa_str_from(s, r->p + r->off, len) == -1)
		return -1;
	r->off += len;
	return 0;
}

static int
wa_rd_packed(struct wa_rd *r, unsigned tag, struct wa_str *s)
{
	static const char nib[16] = "0123456789-.\0\0\0";
	static const char hex[16] = "0123456789ABCDEF";
	char tmp[2 * WA_PACKED_MAX];
	unsigned start, v, half, i, n;

	if (wa_rd_byte(r, &start) == -1)
		return -1;
	n = start & 0x7f;
	if (r->len - r->off < n)
		return -1;
	for (i = 0; i < 2 * n; i++) {
		v = r->p[r->off + i / 2];
		half = i % 2 ? v & 0x0f : v >> 4;
		/* Nibble values 12-14 are not in the alphabet. */
		if (tag == WA_TAG_NIBBLE_8 && half >= 12 && half != 15)
			return -1;
		tmp[i] = tag == WA_TAG_NIBBLE_8 ? nib[half] : hex[half];
	}
	r->off += n;
	i = 2 * n;
	if ((start & 0x80) && i > 0)
		i--;
	return wa_str_from(s, tmp, i);
}

/* A string that is not a JID: the user or server part of one. */
static int
wa_rd_plain(struct wa_rd *r, unsigned tag, struct wa_str *s)
{
	size_t len;
	unsigned idx;

	if (tag >= 1 && tag < WA_TOKEN_SINGLE_N) {
		const char *t = wa_token_single[tag];

		return wa_str_from(s, t, strlen(t));
	}
	if (tag >= WA_TAG_DICTIONARY_0 && tag <= WA_TAG_DICTIONARY_3) {
		const char *t;

		if (wa_rd_byte(r, &idx) == -1)
			return -1;
		t = wa_token_double[tag - WA_TAG_DICTIONARY_0][idx];
		return wa_str_from(s, t, strlen(t));
	}
	switch (tag) {
	case WA_TAG_LIST_EMPTY:
		return wa_str_from(s, "", 0);
	case WA_TAG_BINARY_8:
		if (wa_rd_be(r, 1, &len) == -1)
			return -1;
		return wa_rd_raw(r, len, s);
	case WA_TAG_BINARY_20:
		if (wa_rd_be(r, 3, &len) == -1 || len >= (1u << 20))
			return -1;
		return wa_rd_raw(r, len, s);
	case WA_TAG_BINARY_32:
		if (wa_rd_be(r, 4, &len) == -1)
			return -1;
		return wa_rd_raw(r, len, s);
	case WA_TAG_HEX_8:
	case WA_TAG_NIBBLE_8:
		return wa_rd_packed(r, tag, s);
	default:
		return -1;
	}
}

static int
wa_join_jid(struct wa_str *out, const struct wa_str *user, int device,
    const char *server, size_t slen)
{
	char dev[8] = "";
	size_t dlen = 0, len;

	if (device > 0)
		dlen = (size_t)snprintf(dev, sizeof(dev), ":%d", device);
	len = user->len + dlen + 1 + slen;
	if ((out->p = malloc(len + 1)) == NULL)
		return -1;
	memcpy(out->p, user->p, user->len);
	memcpy(out->p + user->len, dev, dlen);
	out->p[user->len + dlen] = '@';
	memcpy(out->p + user->len + dlen + 1, server, slen);
	out->p[len] = '\0';
	out->len = len;
	return 0;
}

static int
wa_rd_string(struct wa_rd *r, unsigned tag, struct wa_str *s)
{
	struct wa_str user = { NULL, 0 }, server = { NULL, 0 };
	unsigned t, domain, device;
	const char *srv;
	int rc = -1;

	if (tag == WA_TAG_JID_PAIR) {
		if (wa_rd_byte(r, &t) == -1 || wa_rd_plain(r, t, &user) == -1)
			goto out;
		if (wa_rd_byte(r, &t) == -1 || wa_rd_plain(r, t, &server) == -1)
			goto out;
		if (server.len == 0)
			goto out;
		rc = wa_join_jid(s, &user, 0, server.p, server.len);
	} else if (tag == WA_TAG_AD_JID) {
		if (wa_rd_byte(r, &domain) == -1 ||
		    wa_rd_byte(r, &device) == -1 ||
		    wa_rd_byte(r, &t) == -1 || wa_rd_plain(r, t, &user) == -1)
			goto out;
		switch (domain) {
		case 0:		srv = "s.whatsapp.net"; break;
		case 1:		srv = "lid"; break;
		case 128:	srv = "hosted"; break;
		case 129:	srv = "hosted.lid"; break;
		default:	goto out;
		}
		rc = wa_join_jid(s, &user, (int)device, srv, strlen(srv));
	} else
		rc = wa_rd_plain(r, tag, s);
out:
	free(user.p);
	free(server.p);
	return rc;
}

static int wa_rd_node(struct wa_rd *, int, struct wa_node **);

static int
wa_rd_list_size(struct wa_rd *r, unsigned tag, size_t *n)
{
	switch (tag) {
	case WA_TAG_LIST_EMPTY:
		*n = 0;
		return 0;
	case WA_TAG_LIST_8:
		return wa_rd_be(r, 1, n);
	case WA_TAG_LIST_16:
		return wa_rd_be(r, 2, n);
	default:
		return -1;
	}
}

static int
wa_rd_content(struct wa_rd *r, int depth, struct wa_node *n)
{
	unsigned tag;
	size_t count, i, len;
	struct wa_node *kid;

	if (wa_rd_byte(r, &tag) == -1)
		return -1;
	switch (tag) {
	case WA_TAG_LIST_EMPTY:
	case WA_TAG_LIST_8:
	case WA_TAG_LIST_16:
		if (wa_rd_list_size(r, tag, &count) == -1)
			return -1;
		/* A node takes at least 2 bytes: check before allocating. */
		if (count > (r->len - r->off) / 2)
			return -1;
		n->ctype = WA_CONTENT_LIST;
		if (count && (n->kids = calloc(count, sizeof(*n->kids))) == NULL)
			return -1;
		n->kidcap = count;
		for (i = 0; i < count; i++) {
			if (wa_rd_node(r, depth + 1, &kid) == -1)
				return -1;
			n->kids[n->nkids++] = kid;
		}
		return 0;
	case WA_TAG_BINARY_8:
	case WA_TAG_BINARY_20:
	case WA_TAG_BINARY_32:
		if (wa_rd_be(r, tag == WA_TAG_BINARY_8 ? 1 :
		    tag == WA_TAG_BINARY_20 ? 3 : 4, &len) == -1)
			return -1;
		if (tag == WA_TAG_BINARY_20 && len >= (1u << 20))
			return -1;
		if (wa_rd_raw(r, len, &n->data) == -1)
			return -1;
		n->ctype = WA_CONTENT_BYTES;
		return 0;
	default:
		if (wa_rd_string(r, tag, &n->data) == -1)
			return -1;
		n->ctype = WA_CONTENT_STRING;
		return 0;
	}
}

static int
wa_rd_node(struct wa_rd *r, int depth, struct wa_node **out)
{
	struct wa_node *n;
	unsigned tag;
	size_t size, nattrs, i;

	if (depth > WA_NODE_MAX_DEPTH)
		return -1;
	if (wa_rd_byte(r, &tag) == -1 || wa_rd_list_size(r, tag, &size) == -1 ||
	    size == 0)
		return -1;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -1;
	if (wa_rd_byte(r, &tag) == -1 || wa_rd_string(r, tag, &n->tag) == -1 ||
	    n->tag.len == 0)
		goto fail;
	nattrs = (size - 1) / 2;
	/* Each attribute takes at least 2 bytes. */
	if (nattrs > (r->len - r->off) / 2)
		goto fail;
	if (nattrs &&
	    (n->attrs = calloc(nattrs, sizeof(*n->attrs))) == NULL)
		goto fail;
	n->attrcap = nattrs;
	for (i = 0; i < nattrs; i++) {
		struct wa_attr *a = &n->attrs[i];

		if (wa_rd_byte(r, &tag) == -1 ||
		    wa_rd_string(r, tag, &a->key) == -1)
			goto fail;
		n->nattrs++;
		if (wa_rd_byte(r, &tag) == -1 ||
		    wa_rd_string(r, tag, &a->val) == -1)
			goto fail;
	}
	if (size % 2 == 0 && wa_rd_content(r, depth, n) == -1)
		goto fail;
	*out = n;
	return 0;
fail:
	wa_node_free(n);
	return -1;
}

int
wa_decode_node(const unsigned char *p, size_t len, struct wa_node **out)
{
	struct wa_rd r = { p, len, 0 };
	struct wa_node *n;

	if (wa_rd_node(&r, 1, &n) == -1)
		return -1;
	if (r.off != len) {
		wa_node_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

/* Inflates into a buffer of at most WA_STANZA_MAX bytes. */
static int
wa_inflate(const unsigned char *p, size_t len, struct wa_buf *out)
{
	z_stream z;
	unsigned char *dst;
	int zr, rc = -1;

	if (len > UINT32_MAX)
		return -1;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	do {
		if (out->len >= WA_STANZA_MAX)
			goto out;
		if ((dst = wa_buf_reserve(out, 16384)) == NULL)
			goto out;
		z.next_out = dst;
		z.avail_out = 16384;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			goto out;
		out->len += 16384 - z.avail_out;
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0)
			goto out;	/* truncated stream */
	} while (zr != Z_STREAM_END);
	if (out->len > WA_STANZA_MAX || z.avail_in != 0)
		goto out;
	rc = 0;
out:
	inflateEnd(&z);
	return rc;
}

int
wa_decode_stanza(const unsigned char *p, size_t len, struct wa_node **out)
{
	struct wa_buf b = { NULL, 0, 0, 0 };
	int rc;

	if (len < 1)
		return -1;
	if (!(p[0] & 0x02))
		return wa_decode_node(p + 1, len - 1, out);
	if (wa_inflate(p + 1, len - 1, &b) == -1)
		rc = -1;
	else
		rc = wa_decode_node(b.p, b.len, out);
	wa_buf_free(&b);
	return rc;
}
