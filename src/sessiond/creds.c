#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sessiond/creds.h"
#include "wa/wa_crypto.h"

#define CREDS_VERSION	1
#define CREDS_AAD_MAX	160

/* "wagw-credentials\0" session "\0" link: unambiguous, ids hold no NUL. */
static size_t
creds_aad(unsigned char *buf, const char *session, const char *link)
{
	static const char label[] = "wagw-credentials";
	size_t n = 0, ls = strlen(session), ll = strlen(link);

	if (sizeof(label) + ls + 1 + ll > CREDS_AAD_MAX)
		return 0;
	memcpy(buf, label, sizeof(label));
	n = sizeof(label);
	memcpy(buf + n, session, ls + 1);
	n += ls + 1;
	memcpy(buf + n, link, ll);
	return n + ll;
}

int
creds_seal(const unsigned char key[CREDKEY_LEN], const char *session,
    const char *link, const void *plain, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char aad[CREDS_AAD_MAX], *b;
	size_t aadlen;

	*out = NULL;
	*outlen = 0;
	if (len > CREDS_MAX || (aadlen = creds_aad(aad, session, link)) == 0 ||
	    (b = malloc(CREDS_OVERHEAD + len)) == NULL)
		return -1;
	b[0] = CREDS_VERSION;
	if (wa_random(b + 1, 12) != 0 ||
	    wa_aes_gcm_encrypt(key, b + 1, aad, aadlen, plain, len, b + 13) != 0) {
		free(b);
		return -1;
	}
	*out = b;
	*outlen = CREDS_OVERHEAD + len;
	return 0;
}

int
creds_open(const unsigned char key[CREDKEY_LEN], const char *session,
    const char *link, const unsigned char *blob, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char aad[CREDS_AAD_MAX], *p;
	size_t aadlen, n;

	*out = NULL;
	*outlen = 0;
	if (len < CREDS_OVERHEAD || len - CREDS_OVERHEAD > CREDS_MAX ||
	    blob[0] != CREDS_VERSION || (aadlen = creds_aad(aad, session, link)) == 0)
		return -1;
	n = len - CREDS_OVERHEAD;
	if ((p = malloc(n > 0 ? n : 1)) == NULL)
		return -1;
	if (wa_aes_gcm_decrypt(key, blob + 1, aad, aadlen, blob + 13, len - 13,
	    p) != 0) {
		creds_free(p, n);
		return -1;
	}
	*out = p;
	*outlen = n;
	return 0;
}

void
creds_free(unsigned char *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}
