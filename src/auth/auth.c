#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "auth/jwks_file.h"
#include "auth/jwt.h"
#include "auth/jwt_cache.h"
#include "common/apikey.h"
#include "common/config.h"
#include "common/ids.h"
#include "common/log.h"
#include "ipc/sessiond_client.h"

#define AUTH_KEY_USE_SLOTS	64
#define AUTH_KEY_USE_EVERY_MS	60000	/* last-use reports per key */
#define AUTH_REFRESH_EVERY_MS	30000	/* early JWKS refresh requests */
#define AUTH_SESSIOND_TIMEOUT_MS 100	/* we are on a request's hot path */

struct auth_key_use {
	char		 id[STORE_ID_MAX + 1];
	int64_t		 reported_ms;
};

struct auth {
	const struct config *cfg;
	struct store	*st;
	struct sessiond_client *sd;
	struct jwt_policy pol;
	struct jwks_file *jwks;		/* NULL: no jwks_file configured */
	struct jwt_cache *cache;
	int		 refresh_asked;
	int64_t		 refresh_ms;	/* when we last asked for a refresh */
	struct auth_key_use used[AUTH_KEY_USE_SLOTS];
	/* Queued for the daemon until auth_report. */
	struct auth_key_use report_use;	/* id "" when none */
	int		 report_refresh;
};

struct auth *
auth_new(const struct config *cfg, struct store *st, struct sessiond_client *sd)
{
	struct auth *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->cfg = cfg;
	a->st = st;
	a->sd = sd;
	a->pol.issuer = cfg->jwt_issuer;
	a->pol.audience = cfg->jwt_audience;
	a->pol.leeway_s = cfg->jwt_leeway_s;
	a->pol.org_claim = cfg->org_claim;
	a->pol.org_role_claim = cfg->org_role_claim;
	a->pol.platform_role_claim = cfg->platform_role_claim;
	if ((a->cache = jwt_cache_new()) == NULL)
		goto fail;
	/*
	 * Read when the first JWT arrives, not now: a set-up with API keys
	 * alone has no JWKS file, and every responder would log that at start.
	 */
	if (cfg->jwks_file[0] != '\0' &&
	    (a->jwks = jwks_file_new(cfg->jwks_file)) == NULL)
		goto fail;
	return a;
fail:
	auth_free(a);
	return NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	jwks_file_free(a->jwks);
	jwt_cache_free(a->cache);
	free(a);
}

/*
 * Queues a key's use for the daemon, at most once a minute per key and
 * process; the database is read-only here.
 */
static void
auth_key_used(struct auth *a, const struct store_key *k, int64_t now_ms)
{
	struct auth_key_use *u;
	size_t h = 5381, i;

	if (a->sd == NULL || now_ms - k->last_used_ms < AUTH_KEY_USE_EVERY_MS)
		return;
	for (i = 0; k->id[i] != '\0'; i++)
		h = h * 33 + (unsigned char)k->id[i];
	u = &a->used[h % AUTH_KEY_USE_SLOTS];
	if (strcmp(u->id, k->id) == 0 && now_ms >= u->reported_ms &&
	    now_ms - u->reported_ms < AUTH_KEY_USE_EVERY_MS)
		return;
	snprintf(u->id, sizeof(u->id), "%s", k->id);
	u->reported_ms = now_ms;
	a->report_use = *u;
}

static enum auth_result auth_reject(struct auth_principal *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Says why in out->reject (for the 401's log line); AUTH_INVALID. */
static enum auth_result
auth_reject(struct auth_principal *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->reject, sizeof(out->reject), fmt, ap);
	va_end(ap);
	return AUTH_INVALID;
}

static enum auth_result
auth_apikey(struct auth *a, const char *s, size_t len, int64_t now_ms,
    struct auth_principal *out)
{
	char prefix[APIKEY_PREFIX_LEN + 1];
	struct store_key k;
	int rc;

	/* Not logged: a secret of some other kind may have been sent here. */
	if (!apikey_parse(s, len, prefix))
		return auth_reject(out, "API key: malformed");
	rc = store_key_by_prefix(a->st, prefix, &k);
	if (rc == STORE_NOTFOUND)
		return auth_reject(out, "API key %s: no such key", prefix);
	if (rc != STORE_OK) {
		log_warnx("auth: API key lookup: %s", store_rc_str(rc));
		return AUTH_UNAVAILABLE;
	}
	if (!apikey_matches(s, len, k.hash))
		return auth_reject(out, "API key %s (%s): wrong secret", prefix, k.id);
	if (k.revoked_ms != 0)
		return auth_reject(out, "API key %s (%s): revoked", prefix, k.id);
	if (k.expires_ms != 0 && now_ms >= k.expires_ms)
		return auth_reject(out, "API key %s (%s): expired", prefix, k.id);
	memset(out, 0, sizeof(*out));
	out->kind = AUTH_KIND_APIKEY;
	if (ids_valid(k.org, strlen(k.org)))
		memcpy(out->org, k.org, strlen(k.org));
	out->caps = k.permissions & CAP_ALL;
	snprintf(out->subject, sizeof(out->subject), "%s", k.id);
	auth_key_used(a, &k, now_ms);
	return AUTH_OK;
}

/* An unknown kid may mean the frontend rotated keys: queue a re-fetch, rarely. */
static void
auth_jwks_refresh(struct auth *a, int64_t now_ms)
{
	if (a->sd == NULL || a->cfg->jwks_url[0] == '\0')
		return;
	if (a->refresh_asked && now_ms >= a->refresh_ms &&
	    now_ms - a->refresh_ms < AUTH_REFRESH_EVERY_MS)
		return;
	a->refresh_asked = 1;
	a->refresh_ms = now_ms;
	a->report_refresh = 1;
}

/*
 * Failures only cost a slightly older last-use time or a later refresh,
 * so they are ignored.
 */
void
auth_report(struct auth *a)
{
	if (a->report_use.id[0] != '\0') {
		(void)sessiond_key_used(a->sd, a->report_use.id,
		    a->report_use.reported_ms, AUTH_SESSIOND_TIMEOUT_MS);
		a->report_use.id[0] = '\0';
	}
	if (a->report_refresh) {
		(void)sessiond_jwks_refresh(a->sd, AUTH_SESSIOND_TIMEOUT_MS);
		a->report_refresh = 0;
	}
}

static enum auth_result
auth_jwt(struct auth *a, const char *s, size_t len, int64_t now_ms,
    struct auth_principal *out)
{
	unsigned char hash[JWT_CACHE_HASH_LEN];
	const struct jwks *keys = NULL;
	int64_t until;
	const char *why;
	int changed = 0;
	enum jwt_rc rc;

	if (len > JWS_TOKEN_MAX)
		return auth_reject(out, "JWT: %s", jws_rc_str(JWS_TOO_LONG));
	if (a->jwks != NULL)
		keys = jwks_file_keys(a->jwks, now_ms, &changed);
	/* Tokens verified with keys that may be gone must be verified again. */
	if (changed)
		jwt_cache_clear(a->cache);
	jwt_cache_hash(s, len, hash);
	if (jwt_cache_get(a->cache, hash, now_ms, out))
		return AUTH_OK;
	rc = jwt_verify(&a->pol, keys, s, len, now_ms, out, &until, &why);
	if (rc == JWT_UNKNOWN_KID)
		auth_jwks_refresh(a, now_ms);
	if (rc != JWT_OK) {
		/* Its verified-or-not header or claims are never logged. */
		if (keys == NULL && a->jwks == NULL)
			return auth_reject(out, "JWT: no jwks_file is configured");
		if (keys == NULL)
			return auth_reject(out, "JWT: no JWT keys loaded from %s",
			    a->cfg->jwks_file);
		return auth_reject(out, "JWT: %s", why);
	}
	jwt_cache_put(a->cache, hash, until, out);
	return AUTH_OK;
}

/*
 * The credential of "Authorization: Bearer <token>" (RFC 6750 section
 * 2.1; the scheme is case-insensitive, RFC 7235 section 2.1).  Returns
 * 1 with the token, 0 for another scheme or an empty header, -1 for a
 * Bearer header without a usable token.
 */
static int
auth_bearer(const char *h, const char **tok, size_t *len)
{
	size_t n;

	while (*h == ' ' || *h == '\t')
		h++;
	if (*h == '\0')
		return 0;
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\0'))
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	if (n == 0 || memchr(h, ' ', n) != NULL || memchr(h, '\t', n) != NULL)
		return -1;
	*tok = h;
	*len = n;
	return 1;
}

enum auth_result
auth_authenticate(struct auth *a, const char *authorization,
    const char *x_api_key, int64_t now_ms, struct auth_principal *out)
{
	const char *tok = NULL;
	size_t len = 0;
	int bearer = 0;

	memset(out, 0, sizeof(*out));
	if (authorization != NULL &&
	    (bearer = auth_bearer(authorization, &tok, &len)) == -1)
		return auth_reject(out, "Authorization: Bearer without a usable token");
	if (x_api_key != NULL && x_api_key[0] == '\0')
		x_api_key = NULL;
	/* Two credentials are ambiguous: refuse rather than pick one. */
	if (bearer && x_api_key != NULL)
		return auth_reject(out, "both Authorization: Bearer and x-api-key");
	if (x_api_key != NULL)
		return auth_apikey(a, x_api_key, strlen(x_api_key), now_ms, out);
	if (!bearer) {
		snprintf(out->reject, sizeof(out->reject), "no credential%s",
		    authorization != NULL ? " (Authorization of another scheme)" : "");
		return AUTH_MISSING;
	}
	/* A JWT starts with "ey" (a JSON header); an API key with "wa_". */
	if (len >= 3 && memcmp(tok, "wa_", 3) == 0)
		return auth_apikey(a, tok, len, now_ms, out);
	return auth_jwt(a, tok, len, now_ms, out);
}
