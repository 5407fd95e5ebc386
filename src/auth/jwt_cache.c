#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/jwt_cache.h"

#define JWT_CACHE_WAYS	4
#define JWT_CACHE_SETS	(JWT_CACHE_SLOTS / JWT_CACHE_WAYS)

struct jwt_cache_entry {
	unsigned char	 hash[JWT_CACHE_HASH_LEN];
	int64_t		 until_ms;	/* 0: empty */
	struct auth_principal p;
};

struct jwt_cache {
	struct jwt_cache_entry e[JWT_CACHE_SLOTS];
};

struct jwt_cache *
jwt_cache_new(void)
{
	return calloc(1, sizeof(struct jwt_cache));
}

void
jwt_cache_free(struct jwt_cache *c)
{
	free(c);
}

void
jwt_cache_hash(const char *token, size_t len, unsigned char hash[JWT_CACHE_HASH_LEN])
{
	unsigned int n = JWT_CACHE_HASH_LEN;

	/* Cannot fail for SHA-256 short of memory; then nothing will match. */
	if (EVP_Digest(token, len, hash, &n, EVP_sha256(), NULL) != 1)
		memset(hash, 0, JWT_CACHE_HASH_LEN);
}

static struct jwt_cache_entry *
jwt_cache_set(struct jwt_cache *c, const unsigned char hash[JWT_CACHE_HASH_LEN])
{
	size_t set = ((size_t)hash[0] | (size_t)hash[1] << 8) % JWT_CACHE_SETS;

	return &c->e[set * JWT_CACHE_WAYS];
}

int
jwt_cache_get(struct jwt_cache *c, const unsigned char hash[JWT_CACHE_HASH_LEN],
    int64_t now_ms, struct auth_principal *out)
{
	struct jwt_cache_entry *e = jwt_cache_set(c, hash);
	int i;

	for (i = 0; i < JWT_CACHE_WAYS; i++)
		if (e[i].until_ms != 0 &&
		    memcmp(e[i].hash, hash, JWT_CACHE_HASH_LEN) == 0) {
			if (now_ms > e[i].until_ms) {
				e[i].until_ms = 0;
				return 0;
			}
			*out = e[i].p;
			return 1;
		}
	return 0;
}

void
jwt_cache_put(struct jwt_cache *c, const unsigned char hash[JWT_CACHE_HASH_LEN],
    int64_t valid_until_ms, const struct auth_principal *p)
{
	struct jwt_cache_entry *e = jwt_cache_set(c, hash), *victim = &e[0];
	int i;

	if (valid_until_ms <= 0)
		return;
	for (i = 0; i < JWT_CACHE_WAYS; i++) {
		if (e[i].until_ms != 0 &&
		    memcmp(e[i].hash, hash, JWT_CACHE_HASH_LEN) == 0) {
			victim = &e[i];
			break;
		}
		if (e[i].until_ms < victim->until_ms)
			victim = &e[i];
	}
	memcpy(victim->hash, hash, JWT_CACHE_HASH_LEN);
	victim->until_ms = valid_until_ms;
	victim->p = *p;
}

void
jwt_cache_clear(struct jwt_cache *c)
{
	memset(c->e, 0, sizeof(c->e));
}
