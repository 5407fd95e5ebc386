#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/apikey.h"

static const char apikey_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* Uniform characters: bytes >= 248 (= 4 * 62) are rejected, not folded. */
static int
apikey_random_chars(char *out, size_t n)
{
	unsigned char buf[64];
	size_t got = 0, i;

	while (got < n) {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return -1;
		for (i = 0; i < sizeof(buf) && got < n; i++)
			if (buf[i] < 248)
				out[got++] = apikey_alphabet[buf[i] % 62];
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

int
apikey_generate(char secret[APIKEY_SECRET_LEN + 1], char id[APIKEY_ID_LEN + 1])
{
	memcpy(secret, "wa_", 3);
	if (apikey_random_chars(secret + 3, APIKEY_SECRET_LEN - 3) == -1)
		return -1;
	secret[APIKEY_SECRET_LEN] = '\0';
	memcpy(id, "key_", 4);
	if (apikey_random_chars(id + 4, APIKEY_ID_LEN - 4) == -1)
		return -1;
	id[APIKEY_ID_LEN] = '\0';
	return 0;
}

int
apikey_parse(const char *s, size_t len, char prefix[APIKEY_PREFIX_LEN + 1])
{
	size_t i;

	if (len != APIKEY_SECRET_LEN || memcmp(s, "wa_", 3) != 0)
		return 0;
	for (i = 3; i < len; i++)
		if (strchr(apikey_alphabet, s[i]) == NULL || s[i] == '\0')
			return 0;
	memcpy(prefix, s, APIKEY_PREFIX_LEN);
	prefix[APIKEY_PREFIX_LEN] = '\0';
	return 1;
}

/*
 * A plain SHA-256 is enough: the secret has ~256 bits of entropy, so
 * there is nothing for a slow password hash to protect.
 */
void
apikey_hash(const char *s, size_t len, unsigned char hash[APIKEY_HASH_LEN])
{
	unsigned int n = APIKEY_HASH_LEN;

	if (EVP_Digest(s, len, hash, &n, EVP_sha256(), NULL) != 1)
		memset(hash, 0, APIKEY_HASH_LEN);
}

int
apikey_matches(const char *s, size_t len, const unsigned char stored[APIKEY_HASH_LEN])
{
	unsigned char h[APIKEY_HASH_LEN];
	int eq;

	apikey_hash(s, len, h);
	eq = CRYPTO_memcmp(h, stored, APIKEY_HASH_LEN) == 0;
	OPENSSL_cleanse(h, sizeof(h));
	return eq;
}
