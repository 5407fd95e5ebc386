#include <stdint.h>

#include "common/b64url.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
b64url_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i;
	uint32_t v;

	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = b64url_alphabet[v >> 18];
		*out++ = b64url_alphabet[(v >> 12) & 63];
		*out++ = b64url_alphabet[(v >> 6) & 63];
		*out++ = b64url_alphabet[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = b64url_alphabet[v >> 18];
		*out++ = b64url_alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = b64url_alphabet[v >> 18];
		*out++ = b64url_alphabet[(v >> 12) & 63];
		*out++ = b64url_alphabet[(v >> 6) & 63];
	}
	*out = '\0';
}

static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
b64url_decode(const char *in, size_t len, unsigned char *out)
{
	size_t i, o = 0, rem = len % 4;
	uint32_t v = 0;
	int d, n = 0;

	if (rem == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if ((d = b64url_value(in[i])) < 0)
			return -1;
		v = v << 6 | (uint32_t)d;
		if (++n == 4) {
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)v;
			v = 0;
			n = 0;
		}
	}
	/* RFC 4648 section 3.5: unused bits must be zero (canonical form). */
	if (n == 2) {
		if (v & 0xf)
			return -1;
		out[o++] = (unsigned char)(v >> 4);
	} else if (n == 3) {
		if (v & 0x3)
			return -1;
		out[o++] = (unsigned char)(v >> 10);
		out[o++] = (unsigned char)(v >> 2);
	}
	return (long)o;
}
