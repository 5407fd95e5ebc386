#include <string.h>

#include "wa/wa_encode.h"
#include "wa/wa_tags.h"
#include "wa/wa_token.h"

static void
wa_encode_bytes_len(struct wa_buf *b, size_t len)
{
	if (len >= (1u << 20)) {
		wa_buf_byte(b, WA_TAG_BINARY_32);
		wa_buf_be(b, (uint32_t)len, 4);
	} else if (len >= 256) {
		wa_buf_byte(b, WA_TAG_BINARY_20);
		wa_buf_be(b, (uint32_t)len, 3);
	} else {
		wa_buf_byte(b, WA_TAG_BINARY_8);
		wa_buf_byte(b, (uint8_t)len);
	}
}

static void
wa_encode_raw(struct wa_buf *b, const void *p, size_t len)
{
	if ((uint64_t)len > UINT32_MAX) {
		b->err = 1;
		return;
	}
	wa_encode_bytes_len(b, len);
	wa_buf_add(b, p, len);
}

static int
wa_nibble_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c == '-')
		return 10;
	if (c == '.')
		return 11;
	return -1;
}

static int
wa_hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Packs s when every byte fits the alphabet; returns 0, or -1 untouched. */
static int
wa_encode_packed(struct wa_buf *b, const char *s, size_t len, int hex)
{
	size_t i;
	int hi, lo;

	if (len == 0 || len > WA_PACKED_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if ((hex ? wa_hex_val((unsigned char)s[i]) :
		    wa_nibble_val((unsigned char)s[i])) < 0)
			return -1;
	wa_buf_byte(b, hex ? WA_TAG_HEX_8 : WA_TAG_NIBBLE_8);
	wa_buf_byte(b, (uint8_t)(((len + 1) / 2) | (len % 2 ? 0x80 : 0)));
	for (i = 0; i < len; i += 2) {
		hi = hex ? wa_hex_val((unsigned char)s[i]) :
		    wa_nibble_val((unsigned char)s[i]);
		lo = i + 1 < len ? (hex ? wa_hex_val((unsigned char)s[i + 1]) :
		    wa_nibble_val((unsigned char)s[i + 1])) : 15;
		wa_buf_byte(b, (uint8_t)(hi << 4 | lo));
	}
	return 0;
}

static void wa_encode_string(struct wa_buf *, const char *, size_t);

/* Servers whose device JIDs go out as AD_JID, with their domain byte. */
static int
wa_ad_domain(const char *s, size_t len)
{
	static const struct {
		const char	*server;
		int		 domain;
	} ad[] = {
		{ "s.whatsapp.net", 0 }, { "lid", 1 },
		{ "hosted", 128 }, { "hosted.lid", 129 },
	};
	size_t i;

	for (i = 0; i < sizeof(ad) / sizeof(ad[0]); i++)
		if (strlen(ad[i].server) == len &&
		    memcmp(ad[i].server, s, len) == 0)
			return ad[i].domain;
	return -1;
}

/*
 * Writes user[:device]@server as a JID only when wa_decode reads the JID
 * back as exactly this string, so that encode(decode(x)) is stable:
 * the user has no ':' '_' or NUL, an explicit device is 1-255 without
 * leading zeros (the decoder never prints ":0") on an AD server, the
 * server is non-empty without '@'.  hosted and hosted.lid always take
 * AD_JID, as whatsmeow writes them (binary/encoder.go writeJID).
 * Returns 0, or -1 (nothing written) to fall back to a raw string.
 */
static int
wa_encode_jid(struct wa_buf *b, const char *s, size_t len)
{
	const char *at, *colon, *server;
	size_t ulen, slen, dlen, i;
	int device = -1, domain;

	if ((at = memchr(s, '@', len)) == NULL)
		return -1;
	server = at + 1;
	slen = len - (size_t)(server - s);
	if (slen == 0 || memchr(server, '@', slen) != NULL)
		return -1;
	domain = wa_ad_domain(server, slen);
	ulen = (size_t)(at - s);
	if ((colon = memchr(s, ':', ulen)) != NULL) {
		dlen = (size_t)(at - colon - 1);
		if (dlen == 0 || dlen > 3 || colon[1] == '0' || domain < 0)
			return -1;
		device = 0;
		for (i = 0; i < dlen; i++) {
			if (colon[1 + i] < '0' || colon[1 + i] > '9')
				return -1;
			device = device * 10 + (colon[1 + i] - '0');
		}
		if (device > 255)
			return -1;
		ulen = (size_t)(colon - s);
	} else if (domain >= 128)
		device = 0;
	for (i = 0; i < ulen; i++)
		if (s[i] == ':' || s[i] == '_' || s[i] == '\0')
			return -1;
	if (device >= 0) {
		wa_buf_byte(b, WA_TAG_AD_JID);
		wa_buf_byte(b, (uint8_t)domain);
		wa_buf_byte(b, (uint8_t)device);
		wa_encode_string(b, s, ulen);
		return 0;
	}
	wa_buf_byte(b, WA_TAG_JID_PAIR);
	if (ulen == 0)
		wa_buf_byte(b, WA_TAG_LIST_EMPTY);
	else
		wa_encode_string(b, s, ulen);
	wa_encode_string(b, server, slen);
	return 0;
}

static void
wa_encode_string(struct wa_buf *b, const char *s, size_t len)
{
	const struct wa_token_entry *t;

	if ((t = wa_token_find(s, len)) != NULL) {
		if (t->dict >= 0)
			wa_buf_byte(b, (uint8_t)(WA_TAG_DICTIONARY_0 + t->dict));
		wa_buf_byte(b, (uint8_t)t->index);
		return;
	}
	if (wa_encode_packed(b, s, len, 0) == 0 ||
	    wa_encode_packed(b, s, len, 1) == 0 ||
	    wa_encode_jid(b, s, len) == 0)
		return;
	wa_encode_raw(b, s, len);
}

static void
wa_encode_list_start(struct wa_buf *b, size_t n)
{
	if (n == 0)
		wa_buf_byte(b, WA_TAG_LIST_EMPTY);
	else if (n < 256) {
		wa_buf_byte(b, WA_TAG_LIST_8);
		wa_buf_byte(b, (uint8_t)n);
	} else {
		wa_buf_byte(b, WA_TAG_LIST_16);
		wa_buf_be(b, (uint32_t)n, 2);
	}
}

static int
wa_encode_rec(const struct wa_node *n, struct wa_buf *b, int depth)
{
	size_t i, size;

	if (depth > WA_NODE_MAX_DEPTH || n->tag.len == 0 ||
	    n->nattrs > WA_LIST_MAX / 2 || n->nkids > WA_LIST_MAX)
		return -1;
	size = 2 * n->nattrs + 1 + (n->ctype != WA_CONTENT_NONE);
	if (size > WA_LIST_MAX)
		return -1;
	wa_encode_list_start(b, size);
	wa_encode_string(b, n->tag.p, n->tag.len);
	for (i = 0; i < n->nattrs; i++) {
		wa_encode_string(b, n->attrs[i].key.p, n->attrs[i].key.len);
		wa_encode_string(b, n->attrs[i].val.p, n->attrs[i].val.len);
	}
	switch (n->ctype) {
	case WA_CONTENT_NONE:
		break;
	case WA_CONTENT_STRING:
		wa_encode_string(b, n->data.p, n->data.len);
		break;
	case WA_CONTENT_BYTES:
		wa_encode_raw(b, n->data.p, n->data.len);
		break;
	case WA_CONTENT_LIST:
		wa_encode_list_start(b, n->nkids);
		for (i = 0; i < n->nkids; i++)
			if (wa_encode_rec(n->kids[i], b, depth + 1) == -1)
				return -1;
		break;
	}
	return b->err ? -1 : 0;
}

int
wa_encode_node(const struct wa_node *n, struct wa_buf *out)
{
	size_t mark = out->len;

	if (out->err || wa_encode_rec(n, out, 1) == -1 || out->err) {
		out->len = mark;
		return -1;
	}
	return 0;
}

int
wa_encode_stanza(const struct wa_node *n, struct wa_buf *out)
{
	size_t mark = out->len;

	wa_buf_byte(out, 0);
	if (wa_encode_node(n, out) == -1) {
		out->len = mark;
		return -1;
	}
	return 0;
}
