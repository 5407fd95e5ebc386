#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/text.h"

int
text_utf8_valid(const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		return 0;
	return u8_check((const uint8_t *)s, len) == NULL;
}

size_t
text_codepoints(const char *s, size_t len)
{
	return u8_mbsnlen((const uint8_t *)s, len);
}

char *
text_fold(const char *s, size_t len)
{
	uint8_t *folded, *out;
	size_t n = 0;

	if (!text_utf8_valid(s, len))
		return NULL;
	folded = u8_casefold((const uint8_t *)s, len, NULL, UNINORM_NFC, NULL, &n);
	if (folded == NULL)
		return NULL;
	if ((out = realloc(folded, n + 1)) == NULL) {
		free(folded);
		return NULL;
	}
	out[n] = '\0';
	return (char *)out;
}

int
text_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
