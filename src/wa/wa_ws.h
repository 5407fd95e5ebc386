/*
 * wa_ws: a minimal RFC 6455 WebSocket client codec, without I/O: the
 * opening handshake request and its check, masked client frames, and a
 * parser that reassembles fragmented server messages.  wa_conn does the
 * I/O.  Written for one purpose (binary messages to WhatsApp), so no
 * extensions and no subprotocols.
 */
#ifndef WAGW_WA_WS_H
#define WAGW_WA_WS_H

#include <stddef.h>

#include "wa/wa_buf.h"

enum wa_ws_op {
	WA_WS_CONT = 0x0, WA_WS_TEXT = 0x1, WA_WS_BINARY = 0x2,
	WA_WS_CLOSE = 0x8, WA_WS_PING = 0x9, WA_WS_PONG = 0xa
};

#define WA_WS_KEY_LEN	24	/* base64 of 16 random bytes */

/*
 * Appends the GET upgrade request (RFC 6455 section 4.1) to out and
 * stores the Sec-WebSocket-Key (NUL-terminated) in key.  Returns 0 or -1.
 */
int wa_ws_request(struct wa_buf *out, const char *host, const char *path,
    const char *origin, char key[WA_WS_KEY_LEN + 1]);
/*
 * Checks the server's response head (status line and headers, up to the
 * empty line): 101, Upgrade: websocket, Connection: upgrade, the right
 * Sec-WebSocket-Accept and no extension or subprotocol.  Returns 0 or -1.
 */
int wa_ws_check_response(const char *head, size_t len,
    const char key[WA_WS_KEY_LEN + 1]);
/* Appends one final, masked frame.  Returns 0 or -1. */
int wa_ws_frame(struct wa_buf *out, enum wa_ws_op op, const void *p,
    size_t len);

struct wa_ws_rd {
	struct wa_buf	in;
	size_t		off;
	struct wa_buf	msg;	/* data message being reassembled */
	int		msg_op;	/* -1: none in progress */
	size_t		max;	/* largest message accepted */
};

void wa_ws_rd_init(struct wa_ws_rd *rd, size_t max);
void wa_ws_rd_free(struct wa_ws_rd *rd);
int wa_ws_rd_feed(struct wa_ws_rd *rd, const void *p, size_t n);
/*
 * Frees the buffers that hold nothing still needed (all input consumed,
 * no fragmented message in progress); what wa_ws_rd_next returned last is
 * invalid afterwards.
 */
void wa_ws_rd_trim(struct wa_ws_rd *rd);
/*
 * Takes the next complete message: 1 with op, p and len set (borrowed,
 * valid until the next call), 0 when more bytes are needed, -1 on a
 * protocol violation (masked or reserved bits, bad control frame,
 * oversized message): the connection must then be failed.
 */
int wa_ws_rd_next(struct wa_ws_rd *rd, enum wa_ws_op *op,
    const unsigned char **p, size_t *len);

#endif
