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

/*
 * Each character's value plus one; 0 for a character outside the
 * alphabet.  A table, not comparisons: in random base64 (a signature)
 * the ranges' branches mispredicted, the decoder's main cost in a
 * token's first check.
 */
static const unsigned char b64url_values[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['-'] = 63, ['_'] = 64,
};

long
b64url_decode(const char *in, size_t len, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, o = 0, rem = len % 4;
	uint32_t v;
	unsigned a, b, c, d;

	if (rem == 1)
		return -1;
	for (i = 0; i + 4 <= len; i += 4) {
		a = b64url_values[p[i]];
		b = b64url_values[p[i + 1]];
		c = b64url_values[p[i + 2]];
		d = b64url_values[p[i + 3]];
		if (a == 0 || b == 0 || c == 0 || d == 0)
			return -1;
		v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	if (rem == 0)
		return (long)o;
	a = b64url_values[p[i]];
	b = b64url_values[p[i + 1]];
	c = rem == 3 ? b64url_values[p[i + 2]] : 1;
	if (a == 0 || b == 0 || c == 0)
		return -1;
	v = (a - 1) << 12 | (b - 1) << 6 | (c - 1);
	/* RFC 4648 section 3.5: unused bits must be zero (canonical form). */
	if (rem == 2) {
		if (v & (0xf << 6))
			return -1;
		out[o++] = (unsigned char)(v >> 10);
	} else {
		if (v & 0x3)
			return -1;
		out[o++] = (unsigned char)(v >> 10);
		out[o++] = (unsigned char)(v >> 2);
	}
	return (long)o;
}
