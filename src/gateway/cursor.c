#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/b64url.h"
#include "gateway/cursor.h"

#define CURSOR_VERSION	1
#define CURSOR_TAG_LEN	16
#define CURSOR_LABEL	"wagw list cursor"

struct cursor_key {
	EVP_MAC_CTX	*tmpl;		/* keyed once; duplicated per use */
};

struct cursor_key *
cursor_key_new(const unsigned char key[STORE_CURSOR_KEY_LEN])
{
	OSSL_PARAM params[2];
	struct cursor_key *k;
	EVP_MAC *mac;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto fail;
	k->tmpl = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (k->tmpl == NULL)
		goto fail;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(k->tmpl, key, STORE_CURSOR_KEY_LEN, params) != 1)
		goto fail;
	return k;
fail:
	cursor_key_free(k);
	return NULL;
}

void
cursor_key_free(struct cursor_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->tmpl);
	free(k);
}

/* tag = HMAC(label || 0 || session || 0 || body)[0..16). */
static int
cursor_tag(const struct cursor_key *k, const char *session_id,
    const unsigned char *body, size_t len, unsigned char tag[CURSOR_TAG_LEN])
{
	unsigned char full[EVP_MAX_MD_SIZE];
	EVP_MAC_CTX *c;
	size_t out = 0;
	int ok;

	if ((c = EVP_MAC_CTX_dup(k->tmpl)) == NULL)
		return -1;
	/* Session ids hold no NUL, so the separators make this unambiguous. */
	ok = EVP_MAC_update(c, (const unsigned char *)CURSOR_LABEL,
	    sizeof(CURSOR_LABEL)) == 1 &&
	    EVP_MAC_update(c, (const unsigned char *)session_id,
	    strlen(session_id) + 1) == 1 &&
	    EVP_MAC_update(c, body, len) == 1 &&
	    EVP_MAC_final(c, full, &out, sizeof(full)) == 1 &&
	    out >= CURSOR_TAG_LEN;
	EVP_MAC_CTX_free(c);
	if (!ok)
		return -1;
	memcpy(tag, full, CURSOR_TAG_LEN);
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
}

int
cursor_encode(const struct cursor_key *k, const char *session_id,
    int64_t after, char out[CURSOR_LEN + 1])
{
	unsigned char raw[CURSOR_RAW_LEN];
	uint64_t v = (uint64_t)after;
	int i;

	if (after <= 0)
		return -1;
	raw[0] = CURSOR_VERSION;
	for (i = 0; i < 8; i++)
		raw[1 + i] = (unsigned char)(v >> (56 - 8 * i));
	if (cursor_tag(k, session_id, raw, 9, raw + 9) != 0)
		return -1;
	b64url_encode(raw, sizeof(raw), out);
	return 0;
}

int
cursor_decode(const struct cursor_key *k, const char *session_id,
    const char *s, size_t len, int64_t *after)
{
	unsigned char raw[B64URL_DECODED_MAX(CURSOR_LEN)];
	unsigned char tag[CURSOR_TAG_LEN];
	uint64_t v = 0;
	int i;

	if (len != CURSOR_LEN ||
	    b64url_decode(s, len, raw) != CURSOR_RAW_LEN ||
	    raw[0] != CURSOR_VERSION)
		return -1;
	if (cursor_tag(k, session_id, raw, 9, tag) != 0 ||
	    CRYPTO_memcmp(tag, raw + 9, CURSOR_TAG_LEN) != 0)
		return -1;
	for (i = 0; i < 8; i++)
		v = v << 8 | raw[1 + i];
	/* Positions are row ids: positive, within int64_t. */
	if (v == 0 || v > INT64_MAX)
		return -1;
	*after = (int64_t)v;
	return 0;
}
