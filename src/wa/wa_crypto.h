/*
 * wa_crypto: the symmetric primitives of WhatsApp's protocol on OpenSSL 3.
 * All functions return 0, or -1 on failure (and then write no output
 * the caller may use).  Buffers are borrowed; output sizes are fixed by
 * the names or stated.
 */
#ifndef WAGW_WA_CRYPTO_H
#define WAGW_WA_CRYPTO_H

#include <stddef.h>

#define WA_GCM_TAG	16

/* Fills p with n bytes from the CSPRNG. */
int wa_random(void *p, size_t n);
int wa_sha256(const void *p, size_t n, unsigned char out[32]);
int wa_sha512(const void *p, size_t n, unsigned char out[64]);
int wa_md5(const void *p, size_t n, unsigned char out[16]);
int wa_hmac_sha256(const void *key, size_t klen, const void *msg,
    size_t mlen, unsigned char out[32]);
/* RFC 5869 HKDF with SHA-256; salt may be NULL/0 (= 32 zero bytes). */
int wa_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, const void *info, size_t infolen, unsigned char *out,
    size_t outlen);
/* PBKDF2-HMAC-SHA256 (RFC 8018). */
int wa_pbkdf2_sha256(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, unsigned iter, unsigned char *out, size_t outlen);
/*
 * AES-256-GCM with a 12-byte IV.  Encrypt writes ptlen + 16 bytes
 * (ciphertext then tag) to out; decrypt takes that form and writes
 * ctlen - 16 bytes, returning -1 when the tag does not verify.  out may
 * equal the input.
 */
int wa_aes_gcm_encrypt(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *pt, size_t ptlen,
    unsigned char *out);
int wa_aes_gcm_decrypt(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *ct, size_t ctlen,
    unsigned char *out);
/* AES-256-CTR with a 16-byte initial counter block; len bytes out. */
int wa_aes_ctr(const unsigned char key[32], const unsigned char iv[16],
    const void *in, size_t len, unsigned char *out);

#endif
