/*
 * libFuzzer target: the binary node decoder (wa_decode_stanza, so the
 * zlib path too).  Whatever decodes must re-encode and decode again to
 * the same encoding.  Build line: docs/whatsapp-link.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_buf.h"
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_node *n = NULL, *m = NULL;
	struct wa_buf a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };

	if (wa_decode_stanza(data, size, &n) == 0) {
		if (wa_encode_stanza(n, &a) == 0) {
			if (wa_decode_stanza(a.p, a.len, &m) != 0 ||
			    wa_encode_stanza(m, &b) != 0 || a.len != b.len ||
			    memcmp(a.p, b.p, a.len) != 0)
				abort();
		}
	}
	wa_node_free(n);
	wa_node_free(m);
	wa_buf_free(&a);
	wa_buf_free(&b);
	return 0;
}
