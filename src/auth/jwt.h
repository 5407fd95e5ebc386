/*
 * jwt: a login JWT (RFC 7519) verified against a key set, and its
 * claims turned into a principal (README.md "How claims map to
 * organizations, roles and capabilities").
 */
#ifndef WAGW_JWT_H
#define WAGW_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "auth/jwks.h"

/* What we check and read; built once from [auth] of the config. */
struct jwt_policy {
	const char	*issuer;	/* "" or NULL: not checked */
	const char	*audience;	/* "" or NULL: not checked */
	int64_t		 leeway_s;
	const char	*org_claim;
	const char	*org_role_claim;
	const char	*platform_role_claim;
};

enum jwt_rc {
	JWT_OK,
	JWT_INVALID,		/* anything wrong with the token */
	JWT_UNKNOWN_KID		/* well formed, but its kid is not in the set */
};

/* NumericDates beyond this (year 9999) are malformed, not "far future". */
#define JWT_TIME_MAX	INT64_C(253402300799)

/*
 * Verifies len bytes of token with keys (may be NULL: no keys) at
 * now_ms (wall clock).  On JWT_OK fills *out and sets *valid_until_ms
 * to the last millisecond the token stays acceptable (exp + leeway).
 * *why (may be NULL) gets a static reason for logs on failure.
 */
enum jwt_rc jwt_verify(const struct jwt_policy *pol, const struct jwks *keys,
    const char *token, size_t len, int64_t now_ms, struct auth_principal *out,
    int64_t *valid_until_ms, const char **why);

#endif
