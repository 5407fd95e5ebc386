/*
 * jwt_cache: verified login JWTs, so a repeated token costs one SHA-256
 * instead of a signature check.  Keyed by SHA-256 of the whole token -
 * never by signature bytes, which are malleable for ECDSA.  A fixed
 * table (4-way set associative): memory is bounded whatever callers
 * send; a full set evicts the entry that expires first.
 */
#ifndef WAGW_JWT_CACHE_H
#define WAGW_JWT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

#define JWT_CACHE_HASH_LEN	32
#define JWT_CACHE_SLOTS		1024

struct jwt_cache;

struct jwt_cache *jwt_cache_new(void);
void jwt_cache_free(struct jwt_cache *c);

/* SHA-256 of len bytes of token. */
void jwt_cache_hash(const char *token, size_t len,
    unsigned char hash[JWT_CACHE_HASH_LEN]);

/* 1 and *out when hash is cached and now_ms <= its valid_until_ms; else 0. */
int jwt_cache_get(struct jwt_cache *c, const unsigned char hash[JWT_CACHE_HASH_LEN],
    int64_t now_ms, struct auth_principal *out);
/* Remembers a verified token until valid_until_ms (inclusive). */
void jwt_cache_put(struct jwt_cache *c, const unsigned char hash[JWT_CACHE_HASH_LEN],
    int64_t valid_until_ms, const struct auth_principal *p);
/* Forgets everything (the keys changed). */
void jwt_cache_clear(struct jwt_cache *c);

#endif
