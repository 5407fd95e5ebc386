/*
 * wa_noise: the client side of WhatsApp's Noise_XX_25519_AESGCM_SHA256
 * handshake and the encrypted transport after it.  No I/O: the caller
 * moves the bytes (inside wa_frame frames).
 *
 *   wa_noise_init            fresh state, ephemeral key (random or given)
 *   wa_noise_client_hello    -> HandshakeMessage{clientHello}
 *   wa_noise_server_hello    <- HandshakeMessage{serverHello}; verifies the
 *                               certificate chain against the trust root
 *   wa_noise_client_finish   -> HandshakeMessage{clientFinish} carrying our
 *                               static key and the ClientPayload; switches to
 *                               transport keys
 *   wa_noise_encrypt/decrypt transport frames
 */
#ifndef WAGW_WA_NOISE_H
#define WAGW_WA_NOISE_H

#include <stdint.h>
#include <time.h>

#include "wa/wa_buf.h"
#include "wa/wa_curve.h"

/* WhatsApp's root key ("WhatsAppLongTerm1", serial 0). */
extern const unsigned char wa_noise_root_key[WA_KEY_LEN];

struct wa_noise_trust {
	unsigned char	root_key[WA_KEY_LEN];
	uint32_t	root_serial;	/* the intermediate's issuerSerial */
	time_t		now;		/* 0: the current time */
};

enum wa_noise_err {
	WA_NOISE_OK,
	WA_NOISE_EMALFORMED,	/* not a decodable server hello */
	WA_NOISE_EDECRYPT,	/* AEAD failure: wrong keys or tampering */
	WA_NOISE_ECERT,		/* certificate chain does not verify */
	WA_NOISE_ESTATE,	/* call out of order */
	WA_NOISE_EINTERNAL	/* allocation or crypto library failure */
};

enum wa_noise_phase { WA_NOISE_HELLO, WA_NOISE_WAIT_SERVER, WA_NOISE_FINISH,
    WA_NOISE_TRANSPORT, WA_NOISE_DEAD };

struct wa_noise {
	enum wa_noise_phase	phase;
	unsigned char		h[32];		/* handshake hash */
	unsigned char		ck[32];		/* chaining key */
	unsigned char		k[32];		/* handshake cipher key */
	uint32_t		n;		/* handshake nonce */
	struct wa_keypair	e;		/* our ephemeral */
	unsigned char		re[WA_KEY_LEN];	/* server ephemeral */
	unsigned char		rs[WA_KEY_LEN];	/* server static */
	unsigned char		wkey[32], rkey[32];
	uint32_t		wn, rn;
};

/* Fills trust with WhatsApp's root key, serial 0 and the current time. */
void wa_noise_trust_default(struct wa_noise_trust *trust);

/*
 * Starts a handshake; e is the ephemeral key pair to use, or NULL for a
 * fresh random one (tests pass fixed keys).  Returns 0 or -1.
 */
int wa_noise_init(struct wa_noise *ns, const struct wa_keypair *e);
/* Wipes the keys. */
void wa_noise_clear(struct wa_noise *ns);

/* Appends the encoded HandshakeMessage{clientHello} to out.  0 or -1. */
int wa_noise_client_hello(struct wa_noise *ns, struct wa_buf *out);
/* Processes the server's HandshakeMessage.  Returns WA_NOISE_OK or why not. */
enum wa_noise_err wa_noise_server_hello(struct wa_noise *ns,
    const unsigned char *msg, size_t len, const struct wa_noise_trust *trust);
/*
 * Appends HandshakeMessage{clientFinish} (our static key s and the
 * encoded ClientPayload) to out and derives the transport keys.
 */
enum wa_noise_err wa_noise_client_finish(struct wa_noise *ns,
    const struct wa_keypair *s, const void *payload, size_t len,
    struct wa_buf *out);

/* Transport: appends len + 16 bytes of ciphertext to out.  0 or -1. */
int wa_noise_encrypt(struct wa_noise *ns, const void *pt, size_t len,
    struct wa_buf *out);
/* Transport: appends the plaintext to out; -1 on a bad tag or state. */
int wa_noise_decrypt(struct wa_noise *ns, const void *ct, size_t len,
    struct wa_buf *out);
/* The server static key learned in the handshake (borrowed). */
const unsigned char *wa_noise_server_static(const struct wa_noise *ns);

#endif
