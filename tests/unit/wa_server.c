#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "wa/wa_crypto.h"
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_proto.h"

#include "wa_server.h"

enum { SV_HEAD, SV_HELLO, SV_FINISH, SV_TRANSPORT, SV_DEAD };

struct wa_server {
	int			 phase;
	int			 closed;
	struct wa_keypair	 root, inter, leaf, e;
	int64_t			 now;
	enum wa_server_cert	 cert;
	struct wa_buf		 in;		/* raw bytes from the client */
	size_t			 off;
	struct wa_buf		 frames;	/* unmasked WebSocket payload */
	size_t			 foff;
	int			 prologue_seen;
	unsigned char		 h[32], ck[32], k[32];
	uint32_t		 n;
	unsigned char		 cs[32];	/* client static */
	unsigned char		 rkey[32], wkey[32];
	uint32_t		 rn, wn;
	struct wa_pb_client_payload *payload;
	struct wa_buf		 out;
};

static const char proto_name[32] = "Noise_XX_25519_AESGCM_SHA256\0\0\0";

static void
mix_hash(struct wa_server *s, const void *p, size_t n)
{
	struct wa_buf b = { NULL, 0, 0, 0 };

	wa_buf_add(&b, s->h, 32);
	wa_buf_add(&b, p, n);
	wa_sha256(b.p, b.len, s->h);
	wa_buf_free(&b);
}

static void
mix_key(struct wa_server *s, const unsigned char dh[32])
{
	unsigned char out[64];

	wa_hkdf_sha256(s->ck, 32, dh, 32, NULL, 0, out, 64);
	memcpy(s->ck, out, 32);
	memcpy(s->k, out + 32, 32);
	s->n = 0;
}

static void
iv_of(unsigned char iv[12], uint32_t n)
{
	memset(iv, 0, 12);
	iv[8] = (unsigned char)(n >> 24);
	iv[9] = (unsigned char)(n >> 16);
	iv[10] = (unsigned char)(n >> 8);
	iv[11] = (unsigned char)n;
}

static void
enc_hash(struct wa_server *s, const void *pt, size_t n, struct wa_buf *out)
{
	unsigned char iv[12], *d = wa_buf_reserve(out, n + 16);

	iv_of(iv, s->n++);
	wa_aes_gcm_encrypt(s->k, iv, s->h, 32, pt, n, d);
	out->len += n + 16;
	mix_hash(s, d, n + 16);
}

static int
dec_hash(struct wa_server *s, const unsigned char *ct, size_t n,
    struct wa_buf *out)
{
	unsigned char iv[12], *d;

	if (n < 16 || (d = wa_buf_reserve(out, n)) == NULL)
		return -1;
	iv_of(iv, s->n++);
	if (wa_aes_gcm_decrypt(s->k, iv, s->h, 32, ct, n, d) == -1)
		return -1;
	out->len += n - 16;
	mix_hash(s, ct, n);
	return 0;
}

struct wa_server *
wa_server_new(int64_t now, enum wa_server_cert cert)
{
	struct wa_server *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->now = now;
	s->cert = cert;
	wa_curve_generate(&s->root);
	wa_curve_generate(&s->inter);
	wa_curve_generate(&s->leaf);
	return s;
}

void
wa_server_free(struct wa_server *s)
{
	if (s == NULL)
		return;
	wa_buf_free(&s->in);
	wa_buf_free(&s->frames);
	wa_buf_free(&s->out);
	wa_pb_free(&wa_pb_client_payload_desc, s->payload);
	free(s);
}

void
wa_server_reconnect(struct wa_server *s)
{
	struct wa_keypair root = s->root, inter = s->inter, leaf = s->leaf;
	int64_t now = s->now;
	enum wa_server_cert cert = s->cert;

	wa_buf_free(&s->in);
	wa_buf_free(&s->frames);
	wa_buf_free(&s->out);
	wa_pb_free(&wa_pb_client_payload_desc, s->payload);
	memset(s, 0, sizeof(*s));
	s->root = root;
	s->inter = inter;
	s->leaf = leaf;
	s->now = now;
	s->cert = cert;
}

void
wa_server_trust(const struct wa_server *s, struct wa_noise_trust *t)
{
	memcpy(t->root_key, s->root.pub, 32);
	t->root_serial = 0;
	t->now = (time_t)s->now;
}

/* One unmasked server WebSocket frame. */
static void
ws_frame(struct wa_server *s, int op, const void *p, size_t n)
{
	wa_buf_byte(&s->out, (uint8_t)(0x80 | op));
	if (n < 126)
		wa_buf_byte(&s->out, (uint8_t)n);
	else if (n <= 0xffff) {
		wa_buf_byte(&s->out, 126);
		wa_buf_be(&s->out, (uint32_t)n, 2);
	} else {
		wa_buf_byte(&s->out, 127);
		wa_buf_be(&s->out, 0, 4);
		wa_buf_be(&s->out, (uint32_t)n, 4);
	}
	wa_buf_add(&s->out, p, n);
}

static void
send_frame(struct wa_server *s, const void *p, size_t n)
{
	struct wa_buf f = { NULL, 0, 0, 0 };

	wa_buf_be(&f, (uint32_t)n, 3);
	wa_buf_add(&f, p, n);
	ws_frame(s, 2, f.p, f.len);
	wa_buf_free(&f);
}

static int
upgrade(struct wa_server *s)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	char *head, *end, *k, cat[128], accept[64], resp[256];
	unsigned char dig[20];
	size_t klen;

	wa_buf_byte(&s->in, 0);
	s->in.len--;
	head = (char *)s->in.p;
	if ((end = strstr(head, "\r\n\r\n")) == NULL)
		return 0;
	if (strncmp(head, "GET /ws/chat HTTP/1.1\r\n", 23) != 0 ||
	    (k = strcasestr(head, "\r\nSec-WebSocket-Key: ")) == NULL)
		return -1;
	k += 21;
	klen = strcspn(k, "\r");
	if (klen != 24)
		return -1;
	memcpy(cat, k, klen);
	memcpy(cat + klen, guid, sizeof(guid));
	SHA1((unsigned char *)cat, strlen(cat), dig);
	EVP_EncodeBlock((unsigned char *)accept, dig, 20);
	snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
	wa_buf_add(&s->out, resp, strlen(resp));
	s->off = (size_t)(end + 4 - head);
	s->phase = SV_HELLO;
	return 1;
}

/* Unmasks complete client WebSocket frames into s->frames. */
static int
ws_read(struct wa_server *s)
{
	const unsigned char *b;
	size_t avail, hl, i;
	uint64_t n;
	int op;

	for (;;) {
		avail = s->in.len - s->off;
		b = s->in.p + s->off;
		if (avail < 2)
			return 0;
		op = b[0] & 0x0f;
		if (!(b[0] & 0x80) || !(b[1] & 0x80))
			return -1;	/* we never fragment; clients mask */
		n = b[1] & 0x7f;
		hl = 2;
		if (n == 126) {
			if (avail < 4)
				return 0;
			n = (uint64_t)b[2] << 8 | b[3];
			hl = 4;
		} else if (n == 127) {
			if (avail < 10)
				return 0;
			for (n = 0, i = 0; i < 8; i++)
				n = n << 8 | b[2 + i];
			hl = 10;
		}
		if (avail < hl + 4 + n)
			return 0;
		if (op == 8) {
			s->closed = 1;
			return -1;
		}
		if (op == 2)
			for (i = 0; i < n; i++)
				wa_buf_byte(&s->frames, b[hl + 4 + i] ^ b[hl + i % 4]);
		s->off += hl + 4 + (size_t)n;
	}
}

/* The next complete transport frame (borrowed), 1/0. */
static int
next_frame(struct wa_server *s, const unsigned char **p, size_t *n)
{
	size_t avail = s->frames.len - s->foff;
	const unsigned char *b;

	if (s->frames.p == NULL)
		return 0;
	b = s->frames.p + s->foff;
	if (!s->prologue_seen) {
		if (avail < 4)
			return 0;
		if (memcmp(b, "WA\x06\x03", 4) != 0)
			return -1;
		s->prologue_seen = 1;
		s->foff += 4;
		avail -= 4;
		b += 4;
	}
	if (avail < 3)
		return 0;
	*n = (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
	if (avail - 3 < *n)
		return 0;
	*p = b + 3;
	s->foff += 3 + *n;
	return 1;
}

static void
cert_details(struct wa_buf *out, uint64_t serial, uint64_t issuer,
    const unsigned char key[32], int64_t nb, int64_t na)
{
	struct wa_pb_cert_details d;

	memset(&d, 0, sizeof(d));
	d.serial.v = serial;
	d.serial.has = 1;
	d.issuer_serial.v = issuer;
	d.issuer_serial.has = 1;
	d.key.p = (unsigned char *)(uintptr_t)key;
	d.key.len = 32;
	d.key.has = 1;
	d.not_before.v = (uint64_t)nb;
	d.not_before.has = 1;
	d.not_after.v = (uint64_t)na;
	d.not_after.has = na >= 0;
	wa_pb_encode(&wa_pb_cert_details_desc, &d, out);
}

static void
server_hello(struct wa_server *s, const unsigned char ce[32])
{
	struct wa_buf id = { 0 }, ld = { 0 }, chain = { 0 }, encs = { 0 },
	    encp = { 0 }, msg = { 0 };
	struct wa_pb_cert ci, cl;
	struct wa_pb_cert_chain ch;
	struct wa_pb_hello sh;
	struct wa_pb_handshake hs;
	unsigned char dh[32], isig[64], lsig[64];

	cert_details(&id, 7, 0, s->inter.pub, s->now - 3600, s->now + 86400);
	cert_details(&ld, 9, 7, s->leaf.pub, s->now - 3600,
	    s->cert == WA_SERVER_CERT_NO_NOT_AFTER ? -1 : s->now + 3600);
	wa_curve_sign(s->root.priv, id.p, id.len, isig);
	wa_curve_sign(s->inter.priv, ld.p, ld.len, lsig);
	if (s->cert == WA_SERVER_CERT_BAD_SIG)
		lsig[5] ^= 1;
	memset(&ci, 0, sizeof(ci));
	memset(&cl, 0, sizeof(cl));
	ci.details.p = id.p; ci.details.len = id.len; ci.details.has = 1;
	ci.signature.p = isig; ci.signature.len = 64; ci.signature.has = 1;
	cl.details.p = ld.p; cl.details.len = ld.len; cl.details.has = 1;
	cl.signature.p = lsig; cl.signature.len = 64; cl.signature.has = 1;
	ch.leaf = &cl;
	ch.intermediate = &ci;
	wa_pb_encode(&wa_pb_cert_chain_desc, &ch, &chain);

	/* <- e, ee, s, es */
	wa_curve_generate(&s->e);
	mix_hash(s, s->e.pub, 32);
	wa_curve_shared(s->e.priv, ce, dh);
	mix_key(s, dh);
	enc_hash(s, s->leaf.pub, 32, &encs);
	wa_curve_shared(s->leaf.priv, ce, dh);
	mix_key(s, dh);
	enc_hash(s, chain.p, chain.len, &encp);
	memset(&sh, 0, sizeof(sh));
	memset(&hs, 0, sizeof(hs));
	sh.ephemeral.p = s->e.pub; sh.ephemeral.len = 32; sh.ephemeral.has = 1;
	sh.static_.p = encs.p; sh.static_.len = encs.len; sh.static_.has = 1;
	sh.payload.p = encp.p; sh.payload.len = encp.len; sh.payload.has = 1;
	hs.server_hello = &sh;
	wa_pb_encode(&wa_pb_handshake_desc, &hs, &msg);
	send_frame(s, msg.p, msg.len);
	wa_buf_free(&id);
	wa_buf_free(&ld);
	wa_buf_free(&chain);
	wa_buf_free(&encs);
	wa_buf_free(&encp);
	wa_buf_free(&msg);
}

static int
client_finish(struct wa_server *s, const unsigned char *p, size_t n)
{
	struct wa_pb_handshake *hs = NULL;
	struct wa_buf cs = { 0 }, pl = { 0 };
	unsigned char dh[32], keys[64];
	int rc = -1;

	if (wa_pb_decode(&wa_pb_handshake_desc, p, n, (void **)&hs) == -1 ||
	    hs->client_finish == NULL ||
	    dec_hash(s, hs->client_finish->static_.p,
	    hs->client_finish->static_.len, &cs) == -1 || cs.len != 32)
		goto out;
	memcpy(s->cs, cs.p, 32);
	wa_curve_shared(s->e.priv, s->cs, dh);
	mix_key(s, dh);
	if (dec_hash(s, hs->client_finish->payload.p,
	    hs->client_finish->payload.len, &pl) == -1 ||
	    wa_pb_decode(&wa_pb_client_payload_desc, pl.p, pl.len,
	    (void **)&s->payload) == -1)
		goto out;
	wa_hkdf_sha256(s->ck, 32, NULL, 0, NULL, 0, keys, 64);
	memcpy(s->rkey, keys, 32);	/* the client writes with the first */
	memcpy(s->wkey, keys + 32, 32);
	s->phase = SV_TRANSPORT;
	rc = 0;
out:
	wa_pb_free(&wa_pb_handshake_desc, hs);
	wa_buf_free(&cs);
	wa_buf_free(&pl);
	return rc;
}

static int handshake(struct wa_server *);

int
wa_server_input(struct wa_server *s, const void *p, size_t n)
{
	int rc;

	if (s->phase == SV_DEAD)
		return -1;
	wa_buf_add(&s->in, p, n);
	if (s->phase == SV_HEAD && (rc = upgrade(s)) <= 0) {
		if (rc == -1)
			s->phase = SV_DEAD;
		return rc;
	}
	if (ws_read(s) == -1 || handshake(s) == -1) {
		s->phase = SV_DEAD;
		return -1;
	}
	return 0;
}

/* Runs the handshake as far as the frames received allow. */
static int
handshake(struct wa_server *s)
{
	const unsigned char *p;
	struct wa_pb_handshake *hs;
	size_t n;
	int rc;

	while (s->phase == SV_HELLO || s->phase == SV_FINISH) {
		if ((rc = next_frame(s, &p, &n)) <= 0)
			return rc;
		if (s->phase == SV_FINISH) {
			if (client_finish(s, p, n) == -1)
				return -1;
			continue;
		}
		memcpy(s->h, proto_name, 32);
		memcpy(s->ck, proto_name, 32);
		memcpy(s->k, proto_name, 32);
		mix_hash(s, "WA\x06\x03", 4);
		if (wa_pb_decode(&wa_pb_handshake_desc, p, n, (void **)&hs) == -1)
			return -1;
		if (hs->client_hello == NULL ||
		    hs->client_hello->ephemeral.len != 32) {
			wa_pb_free(&wa_pb_handshake_desc, hs);
			return -1;
		}
		mix_hash(s, hs->client_hello->ephemeral.p, 32);
		server_hello(s, hs->client_hello->ephemeral.p);
		wa_pb_free(&wa_pb_handshake_desc, hs);
		s->phase = SV_FINISH;
	}
	return 0;
}

int
wa_server_next(struct wa_server *s, struct wa_node **out)
{
	const unsigned char *p;
	struct wa_buf pt = { 0 };
	unsigned char iv[12];
	size_t n;
	int rc;

	if (s->phase == SV_DEAD)
		return -1;
	if (s->phase != SV_TRANSPORT)
		return 0;
	if ((rc = next_frame(s, &p, &n)) <= 0)
		return rc;
	iv_of(iv, s->rn++);
	if (n < 16 || wa_buf_reserve(&pt, n) == NULL ||
	    wa_aes_gcm_decrypt(s->rkey, iv, NULL, 0, p, n, pt.p) == -1 ||
	    wa_decode_stanza(pt.p, n - 16, out) == -1) {
		wa_buf_free(&pt);
		s->phase = SV_DEAD;
		return -1;
	}
	wa_buf_free(&pt);
	return 1;
}

int
wa_server_closed(const struct wa_server *s)
{
	return s->closed;
}

const struct wa_pb_client_payload *
wa_server_payload(const struct wa_server *s)
{
	return s->payload;
}

const unsigned char *
wa_server_client_static(const struct wa_server *s)
{
	return s->cs;
}

int
wa_server_send_raw(struct wa_server *s, const void *p, size_t n)
{
	unsigned char iv[12], *ct;

	if (s->phase != SV_TRANSPORT || (ct = malloc(n + 16)) == NULL)
		return -1;
	iv_of(iv, s->wn++);
	wa_aes_gcm_encrypt(s->wkey, iv, NULL, 0, p, n, ct);
	send_frame(s, ct, n + 16);
	free(ct);
	return 0;
}

int
wa_server_send(struct wa_server *s, const struct wa_node *n)
{
	struct wa_buf b = { 0 };
	int rc;

	if (wa_encode_stanza(n, &b) == -1)
		return -1;
	rc = wa_server_send_raw(s, b.p, b.len);
	wa_buf_free(&b);
	return rc;
}

const unsigned char *
wa_server_output(struct wa_server *s, size_t *len)
{
	*len = s->out.len;
	return s->out.len ? s->out.p : NULL;
}

void
wa_server_consume(struct wa_server *s, size_t n)
{
	memmove(s->out.p, s->out.p + n, s->out.len - n);
	s->out.len -= n;
}
