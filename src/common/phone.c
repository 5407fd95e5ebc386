#include <string.h>

#include "common/phone.h"

int
phone_parse_e164(const char *s, size_t len, char digits[PHONE_DIGITS_MAX + 1])
{
	size_t i;

	if (len > 0 && s[0] == '+') {
		s++;
		len--;
	}
	if (len < PHONE_DIGITS_MIN || len > PHONE_DIGITS_MAX || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	memcpy(digits, s, len);
	digits[len] = '\0';
	return 0;
}
