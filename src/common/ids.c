#include <openssl/rand.h>

#include "common/ids.h"

int
ids_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 64)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
ids_ulid(int64_t now_ms, char out[IDS_ULID_LEN + 1])
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char b[16];
	uint64_t t = (uint64_t)now_ms & 0xffffffffffffULL;
	int i, bit;

	/* 128 bits: the time big-endian in 6 bytes, then 10 random bytes. */
	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(t >> (8 * (5 - i)));
	if (RAND_bytes(b + 6, 10) != 1)
		return -1;
	/* 26 characters of 5 bits over 130 bits: two leading zero bits. */
	for (i = 0; i < IDS_ULID_LEN; i++) {
		unsigned v = 0;
		int k;

		for (k = 0; k < 5; k++) {
			bit = i * 5 + k - 2;
			v <<= 1;
			if (bit >= 0)
				v |= (b[bit / 8] >> (7 - bit % 8)) & 1;
		}
		out[i] = crockford[v];
	}
	out[IDS_ULID_LEN] = '\0';
	return 0;
}
