#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <ini.h>

#include "common/config.h"
#include "common/file.h"
#include "common/ids.h"

/* Bigger than any sane config; bounds what a bad path can make us read. */
#define CONFIG_FILE_MAX	(256 * 1024)

enum config_type { CT_STRING, CT_PATH, CT_OPTPATH, CT_SOCKET, CT_INT, CT_LINK,
    CT_URL, CT_CLAIM, CT_ORIGINS, CT_GWID, CT_WSURL, CT_HEXKEY, CT_VERSION,
    CT_USERS };

struct config_key {
	const char	*section;
	const char	*name;
	enum config_type type;
	size_t		 offset;
	size_t		 size;		/* strings: buffer size */
	long		 min, max;	/* ints */
};

#define S(sec, key, type, field) \
	{ sec, #key, type, offsetof(struct config, field), \
	  sizeof(((struct config *)0)->field), 0, 0 }
#define I(sec, key, field, lo, hi) \
	{ sec, #key, CT_INT, offsetof(struct config, field), 0, lo, hi }

static const struct config_key config_keys[] = {
	S("store", database, CT_PATH, database),
	S("sessiond", socket, CT_SOCKET, socket),
	S("sessiond", id, CT_GWID, id),
	S("sessiond", link, CT_LINK, link),
	S("sessiond", credentials_key_file, CT_PATH, credentials_key_file),
	S("sessiond", sim_network, CT_PATH, sim_network),
	S("sessiond", allowed_users, CT_USERS, allowed_users),
	I("sessiond", lookup_timeout_ms, lookup_timeout_ms, 1, 600000),
	I("sessiond", lookups_per_minute, lookups_per_minute, 1, 1000000),
	I("sessiond", lookup_burst, lookup_burst, 1, 1000000),
	I("sessiond", lookups_per_day, lookups_per_day, 1, 100000000),
	I("sessiond", check_cache_s, check_cache_s, 0, 31536000),
	S("whatsapp", url, CT_WSURL, wa.url),
	S("whatsapp", ca_file, CT_OPTPATH, wa.ca_file),
	S("whatsapp", noise_root_key, CT_HEXKEY, wa.noise_root_key),
	S("whatsapp", version, CT_VERSION, wa.version),
	S("whatsapp", version_url, CT_URL, wa.version_url),
	S("auth", jwks_file, CT_PATH, jwks_file),
	S("auth", jwks_url, CT_URL, jwks_url),
	S("auth", jwt_issuer, CT_STRING, jwt_issuer),
	S("auth", jwt_audience, CT_STRING, jwt_audience),
	I("auth", jwt_leeway_s, jwt_leeway_s, 0, 3600),
	S("auth", org_claim, CT_CLAIM, org_claim),
	S("auth", org_role_claim, CT_CLAIM, org_role_claim),
	S("auth", platform_role_claim, CT_CLAIM, platform_role_claim),
	{ "http", "cors_origins", CT_ORIGINS, 0, 0, 0, 0 },
};
#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

struct config_parse {
	struct config	*cfg;
	const char	*name;
	const char	*buf, *end, *pos;
	int		 lineno;
	const char	*raw;		/* the current line, unmodified */
	size_t		 rawlen;
	int		 line_too_long;
	int		 seen[CONFIG_NKEYS];
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/* Space-separated POSIX user names ([A-Za-z0-9._-], not first '-') or ids. */
static int
config_users_ok(const char *v)
{
	int n = 0;
	size_t len;

	for (;;) {
		while (*v == ' ')
			v++;
		if (*v == '\0')
			return 1;
		if (*v == '-' || ++n > CONFIG_USERS_MAX)
			return 0;
		len = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-");
		if (len == 0 || len > 32 || (v[len] != ' ' && v[len] != '\0'))
			return 0;
		v += len;
	}
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->database, sizeof(cfg->database), WAGW_STATEDIR "/wagw.db");
	snprintf(cfg->socket, sizeof(cfg->socket), WAGW_RUNDIR "/sessiond.sock");
	snprintf(cfg->link, sizeof(cfg->link), "sim");
	snprintf(cfg->sim_network, sizeof(cfg->sim_network),
	    WAGW_SYSCONFDIR "/wagw/network.json");
	snprintf(cfg->allowed_users, sizeof(cfg->allowed_users), "www-data");
	snprintf(cfg->credentials_key_file, sizeof(cfg->credentials_key_file),
	    WAGW_STATEDIR "/credentials.key");
	snprintf(cfg->wa.url, sizeof(cfg->wa.url), "wss://web.whatsapp.com/ws/chat");
	snprintf(cfg->wa.version_url, sizeof(cfg->wa.version_url),
	    "https://web.whatsapp.com/sw.js");
	cfg->lookup_timeout_ms = 10000;
	cfg->lookups_per_minute = 30;
	cfg->lookup_burst = 10;
	cfg->lookups_per_day = 5000;
	cfg->check_cache_s = 86400;
	snprintf(cfg->jwks_file, sizeof(cfg->jwks_file), WAGW_STATEDIR "/jwks.json");
	cfg->jwt_leeway_s = 60;
	snprintf(cfg->org_claim, sizeof(cfg->org_claim), "activeOrganizationId");
	snprintf(cfg->org_role_claim, sizeof(cfg->org_role_claim), "orgRole");
	snprintf(cfg->platform_role_claim, sizeof(cfg->platform_role_claim), "role");
}

const char *
config_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path != NULL)
		return explicit_path;
	env = getenv("WAGW_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return WAGW_SYSCONFDIR "/wagw/wagw.conf";
}

static int config_fail(struct config_parse *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error only; returns 0 so inih handlers can return it. */
static int
config_fail(struct config_parse *p, const char *key, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (p->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (key != NULL)
		snprintf(p->err, p->errlen, "%s:%d: %s: %s", p->name, p->lineno,
		    key, what);
	else
		snprintf(p->err, p->errlen, "%s:%d: %s", p->name, p->lineno, what);
	p->failed = 1;
	return 0;
}

/* ini_reader over the in-memory buffer; remembers the raw line. */
static char *
config_reader(char *str, int num, void *stream)
{
	struct config_parse *p = stream;
	const char *nl;
	size_t len, copy;

	if (p->pos >= p->end)
		return NULL;
	nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
	len = nl ? (size_t)(nl - p->pos) : (size_t)(p->end - p->pos);
	p->lineno++;
	p->raw = p->pos;
	p->rawlen = len;
	p->pos += len + (nl ? 1 : 0);
	if (memchr(p->raw, '\0', len) != NULL) {
		config_fail(p, NULL, "NUL byte in line");
		len = 0;
	}
	copy = len;
	if (copy + 2 > (size_t)num) {
		/* libinih as built by Debian reads lines of INI_MAX_LINE bytes. */
		config_fail(p, NULL, "line longer than %d bytes", INI_MAX_LINE - 2);
		copy = 0;
	}
	memcpy(str, p->raw, copy);
	str[copy] = '\n';
	str[copy + 1] = '\0';
	return str;
}

static const char *
config_trim(const char *s, const char *e, const char **oe)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*oe = e;
	return s;
}

/*
 * A "#" that starts the value or follows a blank: an inline comment, which
 * libinih (it strips only ";" ones) would keep as part of the value - a
 * database path ending in "   # SQLite file", say.
 */
static int
config_has_comment(const char *v)
{
	const char *h;

	for (h = strchr(v, '#'); h != NULL; h = strchr(h + 1, '#'))
		if (h == v || h[-1] == ' ' || h[-1] == '\t')
			return 1;
	return 0;
}

/*
 * libinih accepts "key: value", inline ";" comments and indented
 * continuation lines; our format (README.md "Configuration") allows
 * none of them.  Compare what
 * inih handed us with the raw line to tell.
 */
static int
config_raw_matches(struct config_parse *p, const char *name, const char *value)
{
	const char *eq, *k, *ke, *v, *ve, *end = p->raw + p->rawlen;

	eq = memchr(p->raw, '=', p->rawlen);
	if (eq == NULL)
		return config_fail(p, name, "expected \"key = value\"");
	k = config_trim(p->raw, eq, &ke);
	if ((size_t)(ke - k) != strlen(name) || memcmp(k, name, (size_t)(ke - k)) != 0)
		return config_fail(p, name,
		    "expected \"key = value\" (continuation lines are not supported)");
	v = config_trim(eq + 1, end, &ve);
	if ((size_t)(ve - v) != strlen(value) || memcmp(v, value, (size_t)(ve - v)) != 0 ||
	    config_has_comment(value))
		return config_fail(p, name,
		    "comments must be on their own line, not after a value");
	return 1;
}

static int
config_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
config_set_int(struct config_parse *p, const struct config_key *k, const char *v)
{
	char *end;
	long n;

	if (*v == '\0' || !(*v >= '0' && *v <= '9'))
		return config_fail(p, k->name, "\"%s\" is not a whole number", v);
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0')
		return config_fail(p, k->name, "\"%s\" is not a whole number", v);
	if (errno == ERANGE || n < k->min || n > k->max)
		return config_fail(p, k->name, "must be between %ld and %ld",
		    k->min, k->max);
	*(int *)((char *)p->cfg + k->offset) = (int)n;
	return 1;
}

static int
config_url_ok(const char *v)
{
	static const char *const loopback[] = {
		"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
		"http://localhost/", "http://[::1]:", "http://[::1]/",
	};
	size_t i;

	if (*v == '\0')
		return 1;
	if (strncmp(v, "https://", 8) == 0 && v[8] != '\0')
		return 1;
	/* Plain HTTP only to this host: a JWKS fetched in clear could be forged. */
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (strncmp(v, loopback[i], strlen(loopback[i])) == 0)
			return 1;
	return 0;
}

static const char *const config_links[] = { "sim", "whatsapp" };

int
config_link_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(config_links) / sizeof(config_links[0]); i++)
		if (strcmp(config_links[i], name) == 0)
			return 1;
	return 0;
}

/* wss://host[:port]/path; ws:// only to this host (tests). */
static int
config_wsurl_ok(const char *v)
{
	static const char *const loopback[] = {
		"ws://127.0.0.1:", "ws://127.0.0.1/", "ws://localhost:",
		"ws://localhost/", "ws://[::1]:", "ws://[::1]/",
	};
	size_t i;

	if (strncmp(v, "wss://", 6) == 0 && v[6] != '\0' && v[6] != '/')
		return strchr(v + 6, '/') != NULL;
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (strncmp(v, loopback[i], strlen(loopback[i])) == 0)
			return strchr(v + 5, '/') != NULL;
	return 0;
}

/* "2.3000.N": three dot-separated whole numbers, or "" (built in). */
static int
config_version_ok(const char *v)
{
	int parts = 0, digits = 0;

	if (*v == '\0')
		return 1;
	for (; *v; v++) {
		if (*v >= '0' && *v <= '9') {
			if (++digits > 10)
				return 0;
		} else if (*v == '.' && digits > 0) {
			parts++;
			digits = 0;
		} else
			return 0;
	}
	return parts == 2 && digits > 0;
}

static int
config_hex_ok(const char *v, size_t n)
{
	size_t i;

	if (*v == '\0')
		return 1;
	if (strlen(v) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
		    (v[i] >= 'A' && v[i] <= 'F')))
			return 0;
	return 1;
}

static int
config_origin_ok(const char *o, size_t len)
{
	const char *host;
	size_t i;

	if (len >= 8 && strncmp(o, "https://", 8) == 0)
		host = o + 8;
	else if (len >= 7 && strncmp(o, "http://", 7) == 0)
		host = o + 7;
	else
		return 0;
	if (host == o + len)
		return 0;
	/* scheme://host[:port], as browsers send Origin: no path, no slash. */
	for (i = (size_t)(host - o); i < len; i++) {
		char c = o[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
		    c == '[' || c == ']'))
			return 0;
	}
	return 1;
}

static int
config_set_origins(struct config_parse *p, const struct config_key *k, const char *v)
{
	struct config *cfg = p->cfg;
	const char *s = v, *e;

	cfg->cors_origins_n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		if (cfg->cors_origins_n == CONFIG_CORS_MAX)
			return config_fail(p, k->name, "more than %d origins", CONFIG_CORS_MAX);
		if ((size_t)(e - s) >= sizeof(cfg->cors_origins[0]) ||
		    !config_origin_ok(s, (size_t)(e - s)))
			return config_fail(p, k->name,
			    "origins are scheme://host[:port], separated by spaces");
		memcpy(cfg->cors_origins[cfg->cors_origins_n], s, (size_t)(e - s));
		cfg->cors_origins[cfg->cors_origins_n][e - s] = '\0';
		cfg->cors_origins_n++;
		s = e;
	}
	return 1;
}

static int
config_set(struct config_parse *p, const struct config_key *k, const char *v)
{
	char *dst = (char *)p->cfg + k->offset;

	switch (k->type) {
	case CT_INT:
		return config_set_int(p, k, v);
	case CT_ORIGINS:
		return config_set_origins(p, k, v);
	default:
		break;
	}
	if (config_has_ctl(v))
		return config_fail(p, k->name, "control characters are not allowed");
	if (strlen(v) >= k->size)
		return config_fail(p, k->name, "longer than %zu bytes", k->size - 1);
	switch (k->type) {
	case CT_PATH:
		if (*v == '\0')
			return config_fail(p, k->name, "must not be empty");
		break;
	case CT_SOCKET:
		if (*v == '\0')
			return config_fail(p, k->name, "must not be empty");
		if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return config_fail(p, k->name,
			    "Unix socket paths are limited to 107 bytes");
		break;
	case CT_LINK:
		if (!config_link_known(v))
			return config_fail(p, k->name,
			    "unknown link driver \"%s\" (known: sim, whatsapp)", v);
		break;
	case CT_GWID:
		if (*v != '\0' && !ids_valid(v, strlen(v)))
			return config_fail(p, k->name,
			    "must be 1-64 of A-Z a-z 0-9 _ - (or empty: the host name)");
		break;
	case CT_WSURL:
		if (!config_wsurl_ok(v))
			return config_fail(p, k->name,
			    "must be a wss://host[:port]/path URL (ws:// only to localhost)");
		break;
	case CT_HEXKEY:
		if (!config_hex_ok(v, 64))
			return config_fail(p, k->name, "must be 64 hex digits (or empty)");
		break;
	case CT_VERSION:
		if (!config_version_ok(v))
			return config_fail(p, k->name,
			    "must be a version like 2.3000.1023456789 (or empty: built in)");
		break;
	case CT_URL:
		if (!config_url_ok(v))
			return config_fail(p, k->name,
			    "must be an https:// URL (http:// only to localhost)");
		break;
	case CT_CLAIM:
		if (*v == '\0')
			return config_fail(p, k->name, "must not be empty");
		break;
	case CT_USERS:
		if (!config_users_ok(v))
			return config_fail(p, k->name, "must be at most %d user names "
			    "or numeric ids, separated by spaces", CONFIG_USERS_MAX);
		break;
	default:
		break;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

static int
config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_parse *p = user;
	int known_section = 0;
	size_t i;

	if (p->failed)
		return 0;
	if (!config_raw_matches(p, name, value))
		return 0;
	for (i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];

		if (strcmp(k->section, section) != 0)
			continue;
		known_section = 1;
		if (strcmp(k->name, name) != 0)
			continue;
		if (p->seen[i])
			return config_fail(p, name, "given twice");
		p->seen[i] = 1;
		return config_set(p, k, value);
	}
	if (!known_section) {
		char sec[80];

		snprintf(sec, sizeof(sec), "[%s]", section);
		return config_fail(p, name, "unknown section %s", *section ? sec :
		    "(key before any section)");
	}
	return config_fail(p, name, "unknown key in [%s]", section);
}

int
config_parse_buffer(struct config *cfg, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	struct config_parse p;
	int rc;

	config_defaults(cfg);
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.name = name;
	p.buf = p.pos = buf;
	p.end = buf + len;
	p.err = err;
	p.errlen = errlen;
	rc = ini_parse_stream(config_reader, &p, config_handler, &p);
	if (p.failed)
		return -1;
	if (rc != 0) {
		/* inih's own syntax errors: bad section header, no "=". */
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
		    name, rc > 0 ? rc : p.lineno);
		return -1;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", name);
	return 0;
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	char why[128], *buf;
	long len;
	int rc;

	if ((len = file_read(path, CONFIG_FILE_MAX, &buf)) == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    file_strerror(errno, CONFIG_FILE_MAX, why, sizeof(why)));
		return -1;
	}
	rc = config_parse_buffer(cfg, path, buf, (size_t)len, err, errlen);
	free(buf);
	return rc;
}

int
config_cors_allowed(const struct config *cfg, const char *origin, size_t len)
{
	size_t i;

	for (i = 0; i < cfg->cors_origins_n; i++)
		if (strlen(cfg->cors_origins[i]) == len &&
		    memcmp(cfg->cors_origins[i], origin, len) == 0)
			return 1;
	return 0;
}
