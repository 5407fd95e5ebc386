/*
 * libFuzzer target: a JWKS document (what jwks_url serves and
 * jwks_file holds) through jwks_parse.  Every key kept must be built
 * and bounded; a rejected document leaves nothing behind.
 */
#include <stddef.h>
#include <stdint.h>

#include "auth/jwks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwks *set;
	char err[256];
	size_t i;

	/* name NULL: skipped keys are not logged, the fuzzer stays fast. */
	set = jwks_parse((const char *)data, size, NULL, err, sizeof(err));
	if (set == NULL)
		return 0;
	if (set->n > JWKS_KEYS_MAX)
		__builtin_trap();
	for (i = 0; i < set->n; i++)
		if (set->keys[i].pkey == NULL || set->keys[i].kid_len > JWS_KID_MAX ||
		    (set->keys[i].alg != NULL && !jwk_fits(&set->keys[i], set->keys[i].alg)))
			__builtin_trap();
	jwks_free(set);
	return 0;
}
