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

void
jid_format(const struct jid *j, char buf[JID_STR_MAX])
{
	if (j->device < 0)
		jid_format_bare(j, buf);
	else
		snprintf(buf, JID_STR_MAX, "%s:%d@%s", j->user, j->device,
		    jid_servers[j->kind].server);
}

/* Decimal without sign or leading zeros, at most max.  -1 if not. */
static int
jid_number(const char *s, size_t len, int max)
{
	size_t i;
	int v = 0;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0') ||
	    jid_digits(s, len) != len)
		return -1;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v <= max ? v : -1;
}

int
jid_wire_parse(const char *s, size_t len, struct jid_wire *out)
{
	const char *at, *server, *p, *end;
	size_t slen, ulen, i;

	memset(out, 0, sizeof(*out));
	out->agent = out->device = -1;
	if ((at = memchr(s, '@', len)) == NULL) {
		server = s;	/* a bare server: "s.whatsapp.net" */
		at = s;
		ulen = 0;
	} else {
		server = at + 1;
		ulen = (size_t)(at - s);
	}
	slen = len - (size_t)(server - s);
	if (slen == 0 || slen > JID_SERVER_MAX)
		return -1;
	for (i = 0; i < slen; i++)
		if (!((server[i] >= 'a' && server[i] <= 'z') || server[i] == '.'))
			return -1;
	memcpy(out->server, server, slen);
	out->server[slen] = '\0';

	end = s + ulen;
	for (p = s; p < end && *p != '.' && *p != '_' && *p != ':'; p++)
		if (*p == '\0')
			return -1;
	if ((size_t)(p - s) > JID_USER_MAX)
		return -1;
	memcpy(out->user, s, (size_t)(p - s));
	out->user[p - s] = '\0';
	if (p < end && (*p == '.' || *p == '_')) {
		const char *a = ++p;

		while (p < end && *p != ':')
			p++;
		if ((out->agent = jid_number(a, (size_t)(p - a), 255)) < 0)
			return -1;
	}
	if (p < end) {
		if (*p != ':')
			return -1;
		p++;
		if ((out->device = jid_number(p, (size_t)(end - p), 65535)) < 0)
			return -1;
	}
	return 0;
}

int
jid_wire_format(const struct jid_wire *w, char buf[JID_STR_MAX])
{
	char agent[16] = "", device[16] = "";
	int n;

	if (w->agent > 0)
		snprintf(agent, sizeof(agent), ".%d", w->agent);
	if (w->device > 0)
		snprintf(device, sizeof(device), ":%d", w->device);
	n = snprintf(buf, JID_STR_MAX, "%s%s%s@%s", w->user, agent, device,
	    w->server);
	return n < 0 || n >= JID_STR_MAX ? -1 : 0;
}

int
jid_from_wire(const struct jid_wire *w, struct jid *out)
{
	char buf[JID_STR_MAX];
	const char *server = w->server;
	int n;

	if (w->agent > 0)
		return -1;
	/* c.us is the legacy phone server; hosted accounts fold into PN/LID. */
	if (strcmp(server, "c.us") == 0 || strcmp(server, "hosted") == 0)
		server = "s.whatsapp.net";
	else if (strcmp(server, "hosted.lid") == 0)
		server = "lid";
	if (w->device >= 0)
		n = snprintf(buf, sizeof(buf), "%s:%d@%s", w->user, w->device,
		    server);
	else
		n = snprintf(buf, sizeof(buf), "%s@%s", w->user, server);
	if (n < 0 || n >= (int)sizeof(buf))
		return -1;
	return jid_parse(buf, (size_t)n, out);
}
