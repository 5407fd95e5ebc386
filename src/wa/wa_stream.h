/*
 * wa_stream: one connection to a WhatsApp chat server as bytes, without
 * I/O: the WebSocket upgrade (RFC 6455), the framing prologue, the Noise
 * handshake with certificate verification, then binary nodes both ways
 * over the encrypted transport.  The caller moves the bytes: it writes
 * what wa_stream_output holds (TLS is its business) and feeds what it
 * reads to wa_stream_input, then takes nodes with wa_stream_next.
 *
 *   wa_stream_start    -> the upgrade request
 *   (101 arrives)      -> prologue + ClientHello, queued by wa_stream_next
 *   (ServerHello)      -> chain verified, ClientFinish queued, ready
 *   wa_stream_next     <- decoded nodes; WebSocket pings are answered
 *   wa_stream_send     -> one encrypted node
 *
 * Buffers hold only what is in flight: wa_stream_trim frees the ones that
 * are empty, so an idle connection keeps none.
 */
#ifndef WAGW_WA_STREAM_H
#define WAGW_WA_STREAM_H

#include <stddef.h>

#include "wa/wa_buf.h"
#include "wa/wa_curve.h"
#include "wa/wa_frame.h"
#include "wa/wa_node.h"
#include "wa/wa_noise.h"
#include "wa/wa_ws.h"

#define WA_STREAM_HEAD_MAX	8192	/* the upgrade response head */

struct wa_stream_cfg {
	const char		*host;		/* "web.whatsapp.com" */
	const char		*path;		/* "/ws/chat" */
	const char		*origin;	/* "https://web.whatsapp.com" or NULL */
	struct wa_noise_trust	 trust;
	const struct wa_keypair	*noise_key;	/* our static key */
	const struct wa_keypair	*ephemeral;	/* NULL: random */
	const void		*payload;	/* encoded ClientPayload */
	size_t			 payload_len;
};

enum wa_stream_err {
	WA_STREAM_OK,
	WA_STREAM_EUPGRADE,	/* WebSocket upgrade refused or malformed */
	WA_STREAM_EPROTO,	/* bad WebSocket frame, frame or node */
	WA_STREAM_EHANDSHAKE,	/* server hello malformed or undecryptable */
	WA_STREAM_ECERT,	/* server certificate chain rejected */
	WA_STREAM_EDECRYPT,	/* transport frame failed authentication */
	WA_STREAM_ECLOSED,	/* the server sent a WebSocket close */
	WA_STREAM_EINTERNAL	/* allocation or crypto library failure */
};

enum wa_stream_phase { WA_STREAM_IDLE, WA_STREAM_UPGRADE, WA_STREAM_HELLO,
    WA_STREAM_READY, WA_STREAM_DEAD };

struct wa_stream {
	enum wa_stream_phase	 phase;
	enum wa_stream_err	 err;
	char			 key[WA_WS_KEY_LEN + 1];
	struct wa_noise_trust	 trust;
	struct wa_keypair	 s;		/* our static key until finish */
	struct wa_buf		 payload;	/* ClientPayload until finish */
	struct wa_buf		 head;		/* upgrade response so far */
	struct wa_ws_rd		 ws;
	struct wa_frame_rd	 fr;
	struct wa_noise		 ns;
	int			 prologue_sent;
	struct wa_buf		 out;		/* bytes for the caller to write */
	size_t			 out_off;	/* of which written already */
};

/* A zeroed struct is an idle stream; wa_stream_free returns it there. */

/*
 * Starts a connection as cfg says (everything copied): queues the
 * upgrade request.  Any previous state is freed first.  Returns 0, or -1
 * (allocation, a bad host/path, or the CSPRNG).
 */
int wa_stream_start(struct wa_stream *st, const struct wa_stream_cfg *cfg);
/* Frees every buffer and wipes the keys; the stream is idle again. */
void wa_stream_free(struct wa_stream *st);
/*
 * Ends the connection: frees all but the bytes still queued for writing
 * (a WebSocket close, say) and wipes the keys.  The stream is dead.
 */
void wa_stream_stop(struct wa_stream *st);

/*
 * Adds n bytes read from the connection.  Returns 0, or -1 when the
 * stream is dead or out of memory (then wa_stream_error says why).
 */
int wa_stream_input(struct wa_stream *st, const void *p, size_t n);
/*
 * Advances with the bytes fed so far.  Returns 1 with the next node in
 * *out (caller frees), 0 when more bytes are needed, -1 when the stream
 * is dead (wa_stream_error says why; every later call returns -1).
 * Handshake replies and WebSocket pongs are queued as they fall due.
 */
int wa_stream_next(struct wa_stream *st, struct wa_node **out);
/* Nonzero once the transport keys are in place (nodes may be sent). */
int wa_stream_ready(const struct wa_stream *st);
/* Why the stream died, or WA_STREAM_OK. */
enum wa_stream_err wa_stream_error(const struct wa_stream *st);
/* A short English description of err (static). */
const char *wa_stream_strerror(enum wa_stream_err err);

/*
 * Queues node n, encrypted.  Returns 0, or -1 when the stream is not
 * ready, n cannot be encoded (too deep or too big; the stream stays
 * usable) or memory ran out (the stream is then dead).
 */
int wa_stream_send(struct wa_stream *st, const struct wa_node *n);
/* Queues a WebSocket close (1000) after what is queued.  Returns 0 or -1. */
int wa_stream_send_close(struct wa_stream *st);

/* The bytes waiting to be written (borrowed; NULL when none). */
const unsigned char *wa_stream_output(const struct wa_stream *st,
    size_t *len);
/* Marks n of them written. */
void wa_stream_consume(struct wa_stream *st, size_t n);
/* Frees the buffers that hold nothing; call after a burst of input. */
void wa_stream_trim(struct wa_stream *st);
/* Bytes held in the stream's buffers (capacity), for memory accounting. */
size_t wa_stream_buffered(const struct wa_stream *st);

#endif
