/*
 * libFuzzer target: the WebSocket message reader and the 3-byte frame
 * reassembler behind it, fed in chunks whose sizes come from the input.
 * The frames must not depend on how the bytes were split.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_frame.h"
#include "wa/wa_ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the input through both readers; the digest is the frames seen. */
static int
run(const uint8_t *data, size_t size, size_t chunk, struct wa_buf *seen)
{
	struct wa_ws_rd ws;
	struct wa_frame_rd fr;
	const unsigned char *p;
	enum wa_ws_op op;
	size_t off = 0, n, len;
	int rc = 0, r;

	wa_ws_rd_init(&ws, 1 << 16);
	wa_frame_rd_init(&fr, 1 << 16);
	while (off < size && rc == 0) {
		n = size - off < chunk ? size - off : chunk;
		if (wa_ws_rd_feed(&ws, data + off, n) == -1)
			abort();
		off += n;
		while ((r = wa_ws_rd_next(&ws, &op, &p, &len)) == 1) {
			if (op != WA_WS_BINARY)
				continue;
			if (wa_frame_rd_feed(&fr, p, len) == -1)
				abort();
			while ((r = wa_frame_rd_next(&fr, &p, &len)) == 1) {
				wa_buf_be(seen, (uint32_t)len, 4);
				wa_buf_add(seen, p, len);
			}
			if (r == -1) {
				rc = -1;
				break;
			}
		}
		if (r == -1)
			rc = -1;
	}
	wa_ws_rd_free(&ws);
	wa_frame_rd_free(&fr);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_buf a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };
	size_t chunk;
	int ra, rb;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] % 64;
	ra = run(data + 1, size - 1, chunk, &a);
	rb = run(data + 1, size - 1, size, &b);
	/* Same verdict and same frames, however the bytes arrived. */
	if (ra == 0 && rb == 0 && (a.len != b.len ||
	    (a.len && memcmp(a.p, b.p, a.len) != 0)))
		abort();
	wa_buf_free(&a);
	wa_buf_free(&b);
	return 0;
}
