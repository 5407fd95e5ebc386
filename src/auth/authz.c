#include <string.h>

#include <openssl/crypto.h>

#include "auth/auth.h"
#include "common/ids.h"

/*
 * A session id nobody can own (not a valid id): looked up in place of
 * an invalid one so that both take the same work.
 */
static const char authz_dummy_id[] = "!";

int
authz_has_cap(const struct auth_principal *p, unsigned cap)
{
	return p != NULL && p->kind != AUTH_KIND_NONE && cap != 0 &&
	    (p->caps & cap) == cap;
}

enum authz_decision
authz_decide(struct store *st, const struct auth_principal *p, unsigned cap,
    const char *session_id, size_t len, struct store_session *session)
{
	char id[STORE_ID_MAX + 1], porg[STORE_ID_MAX + 1], sorg[STORE_ID_MAX + 1];
	int valid, same, rc;
	size_t n;

	memset(session, 0, sizeof(*session));
	/* The API's order: capability (403) before the session (404). */
	if (!authz_has_cap(p, cap))
		return AUTHZ_FORBIDDEN;
	valid = session_id != NULL && ids_valid(session_id, len);
	if (valid) {
		memcpy(id, session_id, len);
		id[len] = '\0';
	}
	rc = store_session_lookup(st, valid ? id : authz_dummy_id, session);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		memset(session, 0, sizeof(*session));
		return AUTHZ_UNAVAILABLE;
	}
	/*
	 * Missing and foreign sessions take the same path: the organizations
	 * are always compared, in constant time, over fixed-size buffers.
	 */
	memset(porg, 0, sizeof(porg));
	memset(sorg, 0, sizeof(sorg));
	n = strnlen(p->org, STORE_ID_MAX);
	memcpy(porg, p->org, n);
	n = strnlen(session->org, STORE_ID_MAX);
	memcpy(sorg, session->org, n);
	same = CRYPTO_memcmp(porg, sorg, sizeof(porg)) == 0 && porg[0] != '\0';
	if (valid && rc == STORE_OK && (same || p->super_admin))
		return AUTHZ_ALLOW;
	memset(session, 0, sizeof(*session));
	return AUTHZ_NOT_FOUND;
}
