#include <stdio.h>
#include <string.h>

#include "wa/wa_version.h"

const uint32_t wa_version_builtin[3] = { 2, 3000, 1045649367 };

/* Decimal digits at s[*i..]: at least one, no leading zero, < 2^32. */
static int
wa_version_number(const char *s, size_t len, size_t *i, uint32_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (uint64_t)(s[*i] - '0');
		if (v > UINT32_MAX)
			return -1;
		(*i)++;
	}
	if (*i == start || (*i - start > 1 && s[start] == '0'))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
wa_version_parse(const char *s, size_t len, uint32_t v[3])
{
	uint32_t t[3];
	size_t i = 0;
	int k;

	for (k = 0; k < 3; k++) {
		if (k > 0 && (i >= len || s[i++] != '.'))
			return -1;
		if (wa_version_number(s, len, &i, &t[k]) == -1)
			return -1;
	}
	if (i != len)
		return -1;
	memcpy(v, t, sizeof(t));
	return 0;
}

int
wa_version_parse_sw(const char *text, size_t len, uint32_t v[3])
{
	static const char key[] = "client_revision";
	const size_t klen = sizeof(key) - 1;
	size_t i, j;
	uint32_t rev;

	for (i = 0; i + klen <= len; i++) {
		if (memcmp(text + i, key, klen) != 0)
			continue;
		/* The key must be quoted: "client_revision" or \"client_revision\". */
		if (i == 0 || text[i - 1] != '"')
			continue;
		j = i + klen;
		if (j < len && text[j] == '\\')
			j++;
		if (j >= len || text[j] != '"')
			continue;
		j++;
		if (j >= len || text[j] != ':')
			continue;
		j++;
		while (j < len && (text[j] == ' ' || text[j] == '\t' ||
		    text[j] == '\n' || text[j] == '\r'))
			j++;
		if (wa_version_number(text, len, &j, &rev) == -1)
			continue;
		v[0] = 2;
		v[1] = 3000;
		v[2] = rev;
		return 0;
	}
	return -1;
}

char *
wa_version_format(const uint32_t v[3], char buf[WA_VERSION_STR_MAX])
{
	snprintf(buf, WA_VERSION_STR_MAX, "%u.%u.%u", v[0], v[1], v[2]);
	return buf;
}
