/*
 * wa_curve: Curve25519 keys as Signal and WhatsApp use them: X25519 key
 * agreement and "curve25519 signatures" (an Ed25519 signature made with
 * the Montgomery private key, the Edwards sign bit of the public key
 * carried in the top bit of sig[63]).  Signing is deterministic, byte for
 * byte what curve25519-js (Baileys) produces.  Keys are 32 raw bytes; a
 * 33-byte Signal key (0x05 prefix) must be stripped by the caller.
 */
#ifndef WAGW_WA_CURVE_H
#define WAGW_WA_CURVE_H

#include <stddef.h>

#define WA_KEY_LEN	32
#define WA_SIG_LEN	64

struct wa_keypair {
	unsigned char	pub[WA_KEY_LEN];
	unsigned char	priv[WA_KEY_LEN];	/* clamped */
};

/* A fresh random key pair.  Returns 0 or -1. */
int wa_curve_generate(struct wa_keypair *kp);
/* Fills kp from a private key (clamped on the way in).  Returns 0 or -1. */
int wa_curve_from_private(const unsigned char priv[WA_KEY_LEN],
    struct wa_keypair *kp);
/* X25519(priv, pub).  Returns -1 for a low-order peer key (all-zero result). */
int wa_curve_shared(const unsigned char priv[WA_KEY_LEN],
    const unsigned char pub[WA_KEY_LEN], unsigned char out[WA_KEY_LEN]);
/* Signs msg with priv.  Returns 0 or -1. */
int wa_curve_sign(const unsigned char priv[WA_KEY_LEN], const void *msg,
    size_t len, unsigned char sig[WA_SIG_LEN]);
/* Returns 1 when sig is pub's signature of msg, else 0. */
int wa_curve_verify(const unsigned char pub[WA_KEY_LEN], const void *msg,
    size_t len, const unsigned char sig[WA_SIG_LEN]);

#endif
