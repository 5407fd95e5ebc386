#include <stdio.h>
#include <string.h>

#include "common/jid.h"

static size_t
jid_digits(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

static const struct {
	const char	*server;
	enum jid_kind	 kind;
} jid_servers[] = {
	{ "s.whatsapp.net", JID_PHONE },
	{ "lid", JID_LID },
	{ "g.us", JID_GROUP },
	{ "newsletter", JID_NEWSLETTER },
};

int
jid_parse(const char *s, size_t len, struct jid *out)
{
	const char *at, *server, *colon;
	size_t ulen, slen, n, i;
	int found = 0;

	at = memchr(s, '@', len);
	if (at == NULL)
		return -1;
	server = at + 1;
	slen = len - (size_t)(server - s);
	for (i = 0; i < sizeof(jid_servers) / sizeof(jid_servers[0]); i++)
		if (strlen(jid_servers[i].server) == slen &&
		    memcmp(jid_servers[i].server, server, slen) == 0) {
			out->kind = jid_servers[i].kind;
			found = 1;
			break;
		}
	if (!found)
		return -1;

	ulen = (size_t)(at - s);
	out->device = -1;
	colon = memchr(s, ':', ulen);
	if (colon != NULL) {
		const char *d = colon + 1;
		size_t dlen = (size_t)(at - d);

		/* Only user JIDs carry a device: 1-3 digits. */
		if (out->kind != JID_PHONE && out->kind != JID_LID)
			return -1;
		if (dlen == 0 || dlen > 3 || jid_digits(d, dlen) != dlen)
			return -1;
		out->device = 0;
		for (i = 0; i < dlen; i++)
			out->device = out->device * 10 + (d[i] - '0');
		ulen = (size_t)(colon - s);
	}
	if (ulen == 0 || ulen > JID_USER_MAX)
		return -1;
	n = jid_digits(s, ulen);
	if (n == ulen) {
		/* A phone JID is an E.164 number without '+'. */
		if (out->kind == JID_PHONE && (s[0] == '0' || ulen < 7 || ulen > 15))
			return -1;
		if (ulen > 24)
			return -1;
	} else if (out->kind == JID_GROUP && n > 0 && n <= 20 && s[n] == '-') {
		/* Old groups: <creator phone>-<creation time>. */
		size_t m = jid_digits(s + n + 1, ulen - n - 1);

		if (m == 0 || m > 20 || n + 1 + m != ulen)
			return -1;
	} else
		return -1;
	memcpy(out->user, s, ulen);
	out->user[ulen] = '\0';
	return 0;
}

int
jid_is_user(const struct jid *j)
{
	return j->kind == JID_PHONE || j->kind == JID_LID;
}

void
jid_format_bare(const struct jid *j, char buf[JID_STR_MAX])
{
	snprintf(buf, JID_STR_MAX, "%s@%s", j->user,
	    jid_servers[j->kind].server);
}
