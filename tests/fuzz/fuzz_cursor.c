/*
 * libFuzzer target: the list cursor codec (gateway/cursor.h) with a fixed
 * key and session.  An arbitrary input decodes only when it is exactly
 * the canonical cursor of its position (re-encoding gives the input back,
 * and another session's key check refuses it); and the first 8 bytes,
 * read as a position, survive an encode/decode round trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gateway/cursor.h"

#define FUZZ_SESSION	"fuzz-session"
#define FUZZ_OTHER	"fuzz-session2"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cursor_key *
fuzz_key(void)
{
	static struct cursor_key *k;
	unsigned char key[STORE_CURSOR_KEY_LEN];
	size_t i;

	if (k == NULL) {
		for (i = 0; i < sizeof(key); i++)
			key[i] = (unsigned char)(i * 7 + 1);
		if ((k = cursor_key_new(key)) == NULL)
			__builtin_trap();
	}
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cursor_key *k = fuzz_key();
	char out[CURSOR_LEN + 1];
	int64_t after, back;
	uint64_t v = 0;
	size_t i;

	if (cursor_decode(k, FUZZ_SESSION, (const char *)data, size, &after) == 0) {
		if (after <= 0 || cursor_encode(k, FUZZ_SESSION, after, out) != 0 ||
		    size != CURSOR_LEN || memcmp(out, data, size) != 0)
			__builtin_trap();
		if (cursor_decode(k, FUZZ_OTHER, (const char *)data, size, &back) == 0)
			__builtin_trap();
	}
	if (size >= 8) {
		for (i = 0; i < 8; i++)
			v = v << 8 | data[i];
		after = (int64_t)v;
		if (cursor_encode(k, FUZZ_SESSION, after, out) != 0) {
			if (after > 0)
				__builtin_trap();
			return 0;
		}
		if (after <= 0 || strlen(out) != CURSOR_LEN ||
		    cursor_decode(k, FUZZ_SESSION, out, CURSOR_LEN, &back) != 0 ||
		    back != after ||
		    cursor_decode(k, FUZZ_OTHER, out, CURSOR_LEN, &back) == 0 ||
		    cursor_decode(k, FUZZ_SESSION, out, CURSOR_LEN - 1, &back) == 0)
			__builtin_trap();
	}
	return 0;
}
