#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_stream.h"

const char *
wa_stream_strerror(enum wa_stream_err err)
{
	static const char *msg[] = {
		"ok", "WebSocket upgrade failed", "protocol violation",
		"Noise handshake failed", "server certificate rejected",
		"frame failed authentication", "closed by the server",
		"internal error",
	};

	return (unsigned)err < sizeof(msg) / sizeof(msg[0]) ? msg[err] :
	    "unknown";
}

static int
wa_stream_die(struct wa_stream *st, enum wa_stream_err err)
{
	if (st->phase != WA_STREAM_DEAD) {
		st->err = err;
		st->phase = WA_STREAM_DEAD;
	}
	return -1;
}

void
wa_stream_free(struct wa_stream *st)
{
	wa_buf_free(&st->payload);
	wa_buf_free(&st->head);
	wa_ws_rd_free(&st->ws);
	wa_frame_rd_free(&st->fr);
	wa_buf_free(&st->out);
	wa_noise_clear(&st->ns);
	OPENSSL_cleanse(st, sizeof(*st));
}

void
wa_stream_stop(struct wa_stream *st)
{
	wa_buf_free(&st->payload);
	wa_buf_free(&st->head);
	wa_ws_rd_free(&st->ws);
	wa_frame_rd_free(&st->fr);
	wa_noise_clear(&st->ns);
	OPENSSL_cleanse(&st->s, sizeof(st->s));
	if (st->phase != WA_STREAM_DEAD) {
		st->phase = WA_STREAM_DEAD;
		st->err = WA_STREAM_OK;
	}
}

int
wa_stream_start(struct wa_stream *st, const struct wa_stream_cfg *cfg)
{
	wa_stream_free(st);
	wa_ws_rd_init(&st->ws, WA_FRAME_MAX + 3 + WA_PROLOGUE_LEN);
	wa_frame_rd_init(&st->fr, WA_FRAME_MAX);
	st->trust = cfg->trust;
	st->s = *cfg->noise_key;
	if (wa_noise_init(&st->ns, cfg->ephemeral) == -1)
		goto fail;
	wa_buf_add(&st->payload, cfg->payload, cfg->payload_len);
	if (st->payload.err || wa_ws_request(&st->out, cfg->host, cfg->path,
	    cfg->origin, st->key) == -1)
		goto fail;
	st->phase = WA_STREAM_UPGRADE;
	return 0;
fail:
	wa_stream_free(st);
	return -1;
}

int
wa_stream_input(struct wa_stream *st, const void *p, size_t n)
{
	switch (st->phase) {
	case WA_STREAM_UPGRADE:
		/* Bounded: a head that never ends is refused in next(). */
		if (n > WA_STREAM_HEAD_MAX + 65536 - st->head.len)
			return wa_stream_die(st, WA_STREAM_EUPGRADE);
		wa_buf_add(&st->head, p, n);
		return st->head.err ? wa_stream_die(st, WA_STREAM_EINTERNAL) : 0;
	case WA_STREAM_HELLO:
	case WA_STREAM_READY:
		return wa_ws_rd_feed(&st->ws, p, n) == -1 ?
		    wa_stream_die(st, WA_STREAM_EINTERNAL) : 0;
	default:
		return -1;
	}
}

/* Queues p as one transport frame in one WebSocket message. */
static int
wa_stream_frame(struct wa_stream *st, const void *p, size_t n)
{
	struct wa_buf f = { NULL, 0, 0, 0 };
	int rc;

	rc = wa_frame_encode(&f, p, n, !st->prologue_sent);
	if (rc == 0)
		rc = wa_ws_frame(&st->out, WA_WS_BINARY, f.p, f.len);
	wa_buf_free(&f);
	if (rc == 0)
		st->prologue_sent = 1;
	return rc;
}

/* The 101 response, once its head is complete; then the ClientHello. */
static int
wa_stream_upgrade(struct wa_stream *st)
{
	struct wa_buf hello = { NULL, 0, 0, 0 };
	const char *end = NULL;
	size_t hlen, i;
	int rc;

	for (i = 3; i < st->head.len && i < WA_STREAM_HEAD_MAX; i++)
		if (memcmp(st->head.p + i - 3, "\r\n\r\n", 4) == 0) {
			end = (const char *)st->head.p + i + 1;
			break;
		}
	if (end == NULL)
		return st->head.len >= WA_STREAM_HEAD_MAX ?
		    wa_stream_die(st, WA_STREAM_EUPGRADE) : 0;
	hlen = (size_t)(end - (const char *)st->head.p);
	if (wa_ws_check_response((const char *)st->head.p, hlen - 2,
	    st->key) == -1)
		return wa_stream_die(st, WA_STREAM_EUPGRADE);
	if (st->head.len > hlen && wa_ws_rd_feed(&st->ws, st->head.p + hlen,
	    st->head.len - hlen) == -1)
		return wa_stream_die(st, WA_STREAM_EINTERNAL);
	wa_buf_free(&st->head);
	/* RFC 6455 4.1: nothing but the request before the response. */
	rc = wa_noise_client_hello(&st->ns, &hello);
	if (rc == 0)
		rc = wa_stream_frame(st, hello.p, hello.len);
	wa_buf_free(&hello);
	if (rc == -1)
		return wa_stream_die(st, WA_STREAM_EINTERNAL);
	st->phase = WA_STREAM_HELLO;
	return 1;
}

static int
wa_stream_server_hello(struct wa_stream *st, const unsigned char *p,
    size_t n)
{
	struct wa_buf fin = { NULL, 0, 0, 0 };
	enum wa_noise_err ne;
	int rc;

	ne = wa_noise_server_hello(&st->ns, p, n, &st->trust);
	if (ne != WA_NOISE_OK)
		return wa_stream_die(st, ne == WA_NOISE_ECERT ? WA_STREAM_ECERT :
		    ne == WA_NOISE_EINTERNAL ? WA_STREAM_EINTERNAL :
		    WA_STREAM_EHANDSHAKE);
	ne = wa_noise_client_finish(&st->ns, &st->s, st->payload.p,
	    st->payload.len, &fin);
	rc = ne == WA_NOISE_OK ? wa_stream_frame(st, fin.p, fin.len) : -1;
	wa_buf_free(&fin);
	wa_buf_free(&st->payload);
	OPENSSL_cleanse(&st->s, sizeof(st->s));
	if (rc == -1)
		return wa_stream_die(st, WA_STREAM_EINTERNAL);
	st->phase = WA_STREAM_READY;
	return 0;
}

/* One transport frame: decrypt and decode into *out. */
static int
wa_stream_node(struct wa_stream *st, const unsigned char *p, size_t n,
    struct wa_node **out)
{
	struct wa_buf pt = { NULL, 0, 0, 0 };
	int rc;

	if (wa_noise_decrypt(&st->ns, p, n, &pt) == -1) {
		wa_buf_free(&pt);
		return wa_stream_die(st, WA_STREAM_EDECRYPT);
	}
	rc = wa_decode_stanza(pt.p, pt.len, out);
	wa_buf_free(&pt);
	return rc == -1 ? wa_stream_die(st, WA_STREAM_EPROTO) : 1;
}

/* Moves the next binary WebSocket message into the frame reader. */
static int
wa_stream_pull(struct wa_stream *st)
{
	const unsigned char *m;
	enum wa_ws_op op;
	size_t n;
	int rc;

	while ((rc = wa_ws_rd_next(&st->ws, &op, &m, &n)) == 1) {
		switch (op) {
		case WA_WS_BINARY:
			if (wa_frame_rd_feed(&st->fr, m, n) == -1)
				return wa_stream_die(st, WA_STREAM_EINTERNAL);
			return 1;
		case WA_WS_PING:	/* RFC 6455 5.5.3 */
			if (wa_ws_frame(&st->out, WA_WS_PONG, m, n) == -1)
				return wa_stream_die(st, WA_STREAM_EINTERNAL);
			break;
		case WA_WS_PONG:
			break;
		case WA_WS_CLOSE:
			return wa_stream_die(st, WA_STREAM_ECLOSED);
		default:	/* text: not WhatsApp */
			return wa_stream_die(st, WA_STREAM_EPROTO);
		}
	}
	return rc == -1 ? wa_stream_die(st, WA_STREAM_EPROTO) : 0;
}

int
wa_stream_next(struct wa_stream *st, struct wa_node **out)
{
	const unsigned char *p;
	size_t n;
	int rc;

	if (st->phase == WA_STREAM_UPGRADE &&
	    (rc = wa_stream_upgrade(st)) <= 0)
		return rc;
	for (;;) {
		if (st->phase != WA_STREAM_HELLO && st->phase != WA_STREAM_READY)
			return -1;
		if ((rc = wa_frame_rd_next(&st->fr, &p, &n)) == -1)
			return wa_stream_die(st, WA_STREAM_EPROTO);
		if (rc == 1) {
			if (st->phase == WA_STREAM_READY)
				return wa_stream_node(st, p, n, out);
			if (wa_stream_server_hello(st, p, n) == -1)
				return -1;
			continue;
		}
		if ((rc = wa_stream_pull(st)) <= 0)
			return rc;
	}
}

int
wa_stream_ready(const struct wa_stream *st)
{
	return st->phase == WA_STREAM_READY;
}

enum wa_stream_err
wa_stream_error(const struct wa_stream *st)
{
	return st->err;
}

int
wa_stream_send(struct wa_stream *st, const struct wa_node *n)
{
	struct wa_buf pt = { NULL, 0, 0, 0 }, ct = { NULL, 0, 0, 0 };
	int rc = -1;

	if (st->phase != WA_STREAM_READY)
		return -1;
	if (wa_encode_stanza(n, &pt) == -1 || pt.len > WA_FRAME_MAX - 16)
		goto out;
	if (wa_noise_encrypt(&st->ns, pt.p, pt.len, &ct) == -1 ||
	    wa_stream_frame(st, ct.p, ct.len) == -1) {
		wa_stream_die(st, WA_STREAM_EINTERNAL);
		goto out;
	}
	rc = 0;
out:
	wa_buf_free(&pt);
	wa_buf_free(&ct);
	return rc;
}

int
wa_stream_send_close(struct wa_stream *st)
{
	/* RFC 6455 5.5.1: status 1000, normal closure. */
	if (!st->prologue_sent)	/* the upgrade never succeeded */
		return -1;
	return wa_ws_frame(&st->out, WA_WS_CLOSE, "\x03\xe8", 2);
}

const unsigned char *
wa_stream_output(const struct wa_stream *st, size_t *len)
{
	*len = st->out.len - st->out_off;
	return *len ? st->out.p + st->out_off : NULL;
}

void
wa_stream_consume(struct wa_stream *st, size_t n)
{
	if (n > st->out.len - st->out_off)
		n = st->out.len - st->out_off;
	st->out_off += n;
	if (st->out_off == st->out.len) {
		st->out.len = 0;
		st->out_off = 0;
	}
}

void
wa_stream_trim(struct wa_stream *st)
{
	if (st->out.len == 0)
		wa_buf_free(&st->out);
	wa_ws_rd_trim(&st->ws);
	wa_frame_rd_trim(&st->fr);
}

size_t
wa_stream_buffered(const struct wa_stream *st)
{
	return st->payload.cap + st->head.cap + st->ws.in.cap +
	    st->ws.msg.cap + st->fr.in.cap + st->out.cap;
}
