#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "wa/wa_crypto.h"

int
wa_random(void *p, size_t n)
{
	if (n > INT_MAX)
		return -1;
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

static int
wa_digest(const EVP_MD *md, const void *p, size_t n, unsigned char *out)
{
	return EVP_Digest(p, n, out, NULL, md, NULL) == 1 ? 0 : -1;
}

int
wa_sha256(const void *p, size_t n, unsigned char out[32])
{
	return wa_digest(EVP_sha256(), p, n, out);
}

int
wa_sha512(const void *p, size_t n, unsigned char out[64])
{
	return wa_digest(EVP_sha512(), p, n, out);
}

int
wa_md5(const void *p, size_t n, unsigned char out[16])
{
	return wa_digest(EVP_md5(), p, n, out);
}

int
wa_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32])
{
	unsigned int len = 32;
	static const unsigned char empty[1];

	if (klen > INT_MAX)
		return -1;
	return HMAC(EVP_sha256(), klen ? key : empty, (int)klen,
	    mlen ? msg : empty, mlen, out, &len) != NULL && len == 32 ? 0 : -1;
}

int
wa_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, const void *info, size_t infolen, unsigned char *out,
    size_t outlen)
{
	static unsigned char zero[32];
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[5], *p = params;
	int rc = -1;

	/* RFC 5869 2.2: an absent salt is HashLen zeros. */
	if (saltlen == 0) {
		salt = zero;
		saltlen = sizeof(zero);
	}
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)(ikmlen ? ikm : zero), ikmlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)(infolen ? info : zero), infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

int
wa_pbkdf2_sha256(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, unsigned iter, unsigned char *out, size_t outlen)
{
	if (passlen > INT_MAX || saltlen > INT_MAX || outlen > INT_MAX ||
	    iter == 0 || iter > INT_MAX)
		return -1;
	return PKCS5_PBKDF2_HMAC(pass, (int)passlen, salt, (int)saltlen,
	    (int)iter, EVP_sha256(), (int)outlen, out) == 1 ? 0 : -1;
}

/* One AES pass; for GCM the tag is written (enc) or checked (dec). */
static int
wa_aes(const EVP_CIPHER *cipher, int enc, const unsigned char *key,
    const unsigned char *iv, const void *aad, size_t aadlen,
    const unsigned char *in, size_t len, unsigned char *out,
    unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx;
	int n, fin, rc = -1;

	if (len > INT_MAX || aadlen > INT_MAX)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex2(ctx, cipher, key, iv, enc, NULL) != 1)
		goto out;
	if (aadlen && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (!enc && tag != NULL && EVP_CIPHER_CTX_ctrl(ctx,
	    EVP_CTRL_AEAD_SET_TAG, WA_GCM_TAG, tag) != 1)
		goto out;
	n = 0;
	if (len && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &fin) != 1)
		goto out;
	if (enc && tag != NULL && EVP_CIPHER_CTX_ctrl(ctx,
	    EVP_CTRL_AEAD_GET_TAG, WA_GCM_TAG, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
wa_aes_gcm_encrypt(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *pt, size_t ptlen,
    unsigned char *out)
{
	return wa_aes(EVP_aes_256_gcm(), 1, key, iv, aad, aadlen, pt, ptlen,
	    out, out + ptlen);
}

int
wa_aes_gcm_decrypt(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *ct, size_t ctlen,
    unsigned char *out)
{
	unsigned char tag[WA_GCM_TAG];
	size_t len;

	if (ctlen < WA_GCM_TAG)
		return -1;
	len = ctlen - WA_GCM_TAG;
	memcpy(tag, (const unsigned char *)ct + len, WA_GCM_TAG);
	if (wa_aes(EVP_aes_256_gcm(), 0, key, iv, aad, aadlen, ct, len, out,
	    tag) == -1) {
		memset(out, 0, len);
		return -1;
	}
	return 0;
}

int
wa_aes_ctr(const unsigned char key[32], const unsigned char iv[16],
    const void *in, size_t len, unsigned char *out)
{
	return wa_aes(EVP_aes_256_ctr(), 1, key, iv, NULL, 0, in, len, out,
	    NULL);
}
