/*
 * wa_frame: WhatsApp's framing inside WebSocket messages: each frame is
 * a 3-byte big-endian length then the payload; the first frame a client
 * sends is preceded once by the prologue "WA" 06 03.  One WebSocket
 * message may hold several frames or part of one, so incoming bytes go
 * through a reassembler.  No I/O here.
 */
#ifndef WAGW_WA_FRAME_H
#define WAGW_WA_FRAME_H

#include <stddef.h>

#include "wa/wa_buf.h"

#define WA_FRAME_MAX		0xffffffu	/* what 3 bytes can say */
#define WA_PROLOGUE_LEN		4

extern const unsigned char wa_prologue[WA_PROLOGUE_LEN];	/* "WA" 6 3 */

/*
 * Appends one frame holding len bytes of p to out, preceded by the
 * prologue when with_prologue.  Returns 0, or -1 when len > WA_FRAME_MAX
 * or out overflowed (out->len restored).
 */
int wa_frame_encode(struct wa_buf *out, const void *p, size_t len,
    int with_prologue);

struct wa_frame_rd {
	struct wa_buf	in;
	size_t		off;	/* start of the next frame in in */
	size_t		max;	/* largest frame accepted */
};

/* Sets up a reassembler accepting frames up to max bytes (<= WA_FRAME_MAX). */
void wa_frame_rd_init(struct wa_frame_rd *rd, size_t max);
void wa_frame_rd_free(struct wa_frame_rd *rd);
/* Adds received bytes.  Returns 0, or -1 on allocation failure. */
int wa_frame_rd_feed(struct wa_frame_rd *rd, const void *p, size_t n);
/*
 * Takes the next complete frame: 1 with p and len set (borrowed, valid
 * until the next feed), 0 when more bytes are needed, -1 when the
 * announced length exceeds max (the stream is then unusable).
 */
int wa_frame_rd_next(struct wa_frame_rd *rd, const unsigned char **p,
    size_t *len);
/*
 * Frees the buffer when every byte in it was returned as a frame (those
 * frames are invalid afterwards).
 */
void wa_frame_rd_trim(struct wa_frame_rd *rd);
/* Bytes received but not yet returned as frames. */
size_t wa_frame_rd_pending(const struct wa_frame_rd *rd);

#endif
