/*
 * libFuzzer target: a bearer token through strict JWS parsing and JWT
 * verification against a fixed JWKS (Ed25519 "ed", P-256 "ec"), at a
 * fixed time.  Seeds: valid tokens for both keys.  Checks the parser's
 * promises: bounded sizes, no partial output, sane principals.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auth/jws.h"
#include "auth/jwt.h"
#include "common/ids.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_jwks[] =
    "{\"keys\":[{\"kid\":\"ed\",\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"x\":\"bCnsBqmILaPH-gz4xR0Uam4KPLErbDyCvBMSyVBKtUI\",\"use\":\"sig\"},"
    "{\"kid\":\"ec\",\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"7mX5MDd8L1X1dUScDiYuuEuTDsY522GgFHaBzWpVeR4\","
    "\"y\":\"6n-XVhgz86r1veVJBl1uPGpNB9irLOmXYbU1Jjcz74Y\",\"use\":\"sig\","
    "\"alg\":\"ES256\"}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jwks *keys;
	static const struct jwt_policy pol = { "https://auth.example", "wagw", 60,
	    "activeOrganizationId", "orgRole", "role" };
	const char *tok = (const char *)data;
	struct auth_principal p;
	struct jws j;
	const char *why;
	int64_t until;
	char err[256];

	if (keys == NULL) {
		log_init("fuzz_jws", LOG_LEVEL_WARN);
		keys = jwks_parse(fuzz_jwks, sizeof(fuzz_jwks) - 1, "fuzz", err,
		    sizeof(err));
		if (keys == NULL || keys->n != 2)
			__builtin_trap();
	}
	if (jws_parse(&j, tok, size) == JWS_OK) {
		if (size > JWS_TOKEN_MAX || j.alg == NULL || j.sig_len == 0 ||
		    j.sig_len > JWS_SIG_MAX || j.signing_input_len >= size ||
		    j.header == NULL || (j.kid != NULL && j.kid_len > JWS_KID_MAX))
			__builtin_trap();
		jws_clear(&j);
	}
	memset(&p, 0x5a, sizeof(p));
	if (jwt_verify(&pol, keys, tok, size, INT64_C(1800000000000), &p, &until,
	    &why) == JWT_OK) {
		if (p.kind != AUTH_KIND_JWT || (p.caps & ~(unsigned)CAP_ALL) ||
		    memchr(p.subject, '\0', sizeof(p.subject)) == NULL ||
		    memchr(p.org, '\0', sizeof(p.org)) == NULL ||
		    (p.org[0] != '\0' && !ids_valid(p.org, strlen(p.org))) ||
		    until < INT64_C(1800000000000))
			__builtin_trap();
	}
	return 0;
}
