#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "wa/wa_crypto.h"
#include "wa/wa_ws.h"

/* RFC 6455 section 1.3. */
static const char wa_ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int
wa_ws_request(struct wa_buf *out, const char *host, const char *path,
    const char *origin, char key[WA_WS_KEY_LEN + 1])
{
	unsigned char nonce[16];
	char head[1024];
	int n;

	if (wa_random(nonce, sizeof(nonce)) == -1)
		return -1;
	EVP_EncodeBlock((unsigned char *)key, nonce, sizeof(nonce));
	n = snprintf(head, sizeof(head),
	    "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "%s%s%s"
	    "\r\n", path, host, key, origin ? "Origin: " : "",
	    origin ? origin : "", origin ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head) || strpbrk(path, "\r\n ") ||
	    strpbrk(host, "\r\n ") || (origin && strpbrk(origin, "\r\n")))
		return -1;
	wa_buf_add(out, head, (size_t)n);
	return out->err ? -1 : 0;
}

/* The value of header name in head (trimmed), or NULL; vlen set. */
static const char *
wa_ws_header(const char *head, size_t len, const char *name, size_t *vlen)
{
	const char *p = head, *end = head + len, *eol, *v;
	size_t nlen = strlen(name);

	/* Skip the status line. */
	if ((p = memchr(p, '\n', len)) == NULL)
		return NULL;
	for (p++; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			v = p + nlen + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			while (*vlen > 0 && (v[*vlen - 1] == '\r' ||
			    v[*vlen - 1] == ' ' || v[*vlen - 1] == '\t'))
				(*vlen)--;
			return v;
		}
	}
	return NULL;
}

static int
wa_ws_token_in(const char *v, size_t vlen, const char *token)
{
	size_t tlen = strlen(token), i = 0, s;

	while (i < vlen) {
		while (i < vlen && (v[i] == ' ' || v[i] == ','))
			i++;
		s = i;
		while (i < vlen && v[i] != ',')
			i++;
		while (i > s && v[i - 1] == ' ')
			i--;
		if (i - s == tlen && strncasecmp(v + s, token, tlen) == 0)
			return 1;
		while (i < vlen && v[i] != ',')
			i++;
	}
	return 0;
}

int
wa_ws_check_response(const char *head, size_t len,
    const char key[WA_WS_KEY_LEN + 1])
{
	unsigned char digest[SHA_DIGEST_LENGTH];
	char cat[WA_WS_KEY_LEN + sizeof(wa_ws_guid)], accept[32];
	const char *v;
	size_t vlen;

	/* RFC 6455 section 4.2.2 step 5 / 4.1 client requirements. */
	if (len < 12 || memcmp(head, "HTTP/1.1 101", 12) != 0)
		return -1;
	if ((v = wa_ws_header(head, len, "Upgrade", &vlen)) == NULL ||
	    !wa_ws_token_in(v, vlen, "websocket"))
		return -1;
	if ((v = wa_ws_header(head, len, "Connection", &vlen)) == NULL ||
	    !wa_ws_token_in(v, vlen, "upgrade"))
		return -1;
	if (wa_ws_header(head, len, "Sec-WebSocket-Extensions", &vlen) ||
	    wa_ws_header(head, len, "Sec-WebSocket-Protocol", &vlen))
		return -1;
	snprintf(cat, sizeof(cat), "%s%s", key, wa_ws_guid);
	SHA1((unsigned char *)cat, strlen(cat), digest);
	EVP_EncodeBlock((unsigned char *)accept, digest, sizeof(digest));
	if ((v = wa_ws_header(head, len, "Sec-WebSocket-Accept", &vlen)) ==
	    NULL || vlen != strlen(accept) || memcmp(v, accept, vlen) != 0)
		return -1;
	return 0;
}

int
wa_ws_frame(struct wa_buf *out, enum wa_ws_op op, const void *p, size_t len)
{
	const unsigned char *src = p;
	unsigned char mask[4], *dst;
	size_t mark = out->len, i;

	if (wa_random(mask, sizeof(mask)) == -1)
		return -1;
	wa_buf_byte(out, (uint8_t)(0x80 | op));
	if (len < 126)
		wa_buf_byte(out, (uint8_t)(0x80 | len));
	else if (len <= 0xffff) {
		wa_buf_byte(out, 0x80 | 126);
		wa_buf_be(out, (uint32_t)len, 2);
	} else {
		wa_buf_byte(out, 0x80 | 127);
		wa_buf_be(out, (uint32_t)((uint64_t)len >> 32), 4);
		wa_buf_be(out, (uint32_t)len, 4);
	}
	/* Section 5.3: every client frame is masked. */
	wa_buf_add(out, mask, 4);
	if ((dst = wa_buf_reserve(out, len)) != NULL) {
		for (i = 0; i < len; i++)
			dst[i] = src[i] ^ mask[i % 4];
		out->len += len;
	}
	if (out->err) {
		out->len = mark;
		return -1;
	}
	return 0;
}

void
wa_ws_rd_init(struct wa_ws_rd *rd, size_t max)
{
	memset(rd, 0, sizeof(*rd));
	rd->msg_op = -1;
	rd->max = max;
}

void
wa_ws_rd_free(struct wa_ws_rd *rd)
{
	wa_buf_free(&rd->in);
	wa_buf_free(&rd->msg);
}

void
wa_ws_rd_trim(struct wa_ws_rd *rd)
{
	if (rd->off == rd->in.len) {
		wa_buf_free(&rd->in);
		rd->off = 0;
	}
	if (rd->msg_op < 0)
		wa_buf_free(&rd->msg);
}

int
wa_ws_rd_feed(struct wa_ws_rd *rd, const void *p, size_t n)
{
	if (rd->off > 0) {
		memmove(rd->in.p, rd->in.p + rd->off, rd->in.len - rd->off);
		rd->in.len -= rd->off;
		rd->off = 0;
	}
	wa_buf_add(&rd->in, p, n);
	return rd->in.err ? -1 : 0;
}

int
wa_ws_rd_next(struct wa_ws_rd *rd, enum wa_ws_op *op, const unsigned char **p,
    size_t *len)
{
	const unsigned char *b;
	size_t avail, hl, n;
	unsigned fin, opcode;
	uint64_t plen;

	for (;;) {
		avail = rd->in.len - rd->off;
		if (avail < 2)
			return 0;
		b = rd->in.p + rd->off;
		fin = b[0] & 0x80;
		opcode = b[0] & 0x0f;
		/* Section 5.2: no extension, so RSV1-3 must be 0. */
		if (b[0] & 0x70)
			return -1;
		/* Section 5.1: a server must not mask. */
		if (b[1] & 0x80)
			return -1;
		plen = b[1] & 0x7f;
		hl = 2;
		if (plen == 126) {
			if (avail < 4)
				return 0;
			plen = (uint64_t)b[2] << 8 | b[3];
			hl = 4;
		} else if (plen == 127) {
			if (avail < 10)
				return 0;
			plen = 0;
			for (n = 0; n < 8; n++)
				plen = plen << 8 | b[2 + n];
			hl = 10;
		}
		if (plen > rd->max)
			return -1;
		/* Section 5.5: control frames are final and short. */
		if (opcode >= 0x8 && (!fin || plen > 125 ||
		    (opcode != WA_WS_CLOSE && opcode != WA_WS_PING &&
		    opcode != WA_WS_PONG)))
			return -1;
		if (avail - hl < plen)
			return 0;
		n = (size_t)plen;
		rd->off += hl + n;
		if (opcode >= 0x8) {
			*op = (enum wa_ws_op)opcode;
			*p = b + hl;
			*len = n;
			return 1;
		}
		if (opcode == WA_WS_CONT) {
			if (rd->msg_op < 0)
				return -1;
		} else if (opcode == WA_WS_TEXT || opcode == WA_WS_BINARY) {
			if (rd->msg_op >= 0)
				return -1;
			rd->msg_op = (int)opcode;
			wa_buf_reset(&rd->msg);
		} else
			return -1;
		if (n > rd->max - rd->msg.len)
			return -1;
		wa_buf_add(&rd->msg, b + hl, n);
		if (rd->msg.err)
			return -1;
		if (fin) {
			*op = (enum wa_ws_op)rd->msg_op;
			rd->msg_op = -1;
			*p = rd->msg.p;
			*len = rd->msg.len;
			return 1;
		}
	}
}
