/*
 * wa_paircode: linking by phone number and an 8-character code instead of
 * a QR scan (L9; whatsmeow pair-code.go, Baileys requestPairingCode).  On
 * a registration connection, after <pair-device>:
 *   1. wa_paircode_start: a random code (5 bytes in the alphabet
 *      123456789ABCDEFGHJKLMNPQRSTVWXYZ) and an ephemeral key pair;
 *   2. wa_paircode_hello: the companion_hello IQ carrying the ephemeral
 *      key wrapped with the code (PBKDF2-SHA256, 131072 rounds, AES-CTR);
 *      its answer gives the pairing ref (wa_paircode_hello_reply); the
 *      user types the code on the phone;
 *   3. the phone's <notification type="link_code_companion_reg"> carries
 *      its wrapped ephemeral key and identity key: wa_paircode_finish
 *      derives the shared secrets, the key bundle (HKDF + AES-GCM) and
 *      the new ADV secret, and builds the companion_finish IQ;
 *   4. pair-success follows as for a QR code (wa_pair).
 */
#ifndef WAGW_WA_PAIRCODE_H
#define WAGW_WA_PAIRCODE_H

#include <stddef.h>

#include "common/jid.h"
#include "wa/wa_creds.h"
#include "wa/wa_node.h"
#include "wa/wa_pair.h"

#define WA_PAIRCODE_LEN		8
#define WA_PAIRCODE_ROUNDS	131072	/* 2 << 16 */
#define WA_PAIRCODE_WRAPPED	80	/* salt 32 | iv 16 | key 32 */
#define WA_PAIRCODE_BUNDLE	156	/* salt 32 | nonce 12 | 96 + tag 16 */

struct wa_paircode {
	char		 code[WA_PAIRCODE_LEN + 1];
	char		 jid[JID_STR_MAX];	/* "<phone>@s.whatsapp.net" */
	struct wa_keypair eph;
	char		 ref[WA_PAIR_REF_MAX];
	size_t		 ref_len;	/* 0 until the hello is answered */
};

/* The primitives, exposed for the differential tests. */
/* Five bytes as the 8-character code (Baileys bytesToCrockford). */
void wa_paircode_encode(const unsigned char raw[5],
    char code[WA_PAIRCODE_LEN + 1]);
/* salt || iv || AES-256-CTR(PBKDF2(code, salt), iv, pub).  0 or -1. */
int wa_paircode_wrap(const char *code, const unsigned char salt[32],
    const unsigned char iv[16], const unsigned char pub[32],
    unsigned char out[WA_PAIRCODE_WRAPPED]);
/* The inverse.  0 or -1. */
int wa_paircode_unwrap(const char *code,
    const unsigned char in[WA_PAIRCODE_WRAPPED], unsigned char pub[32]);
/*
 * salt || nonce || AES-256-GCM(HKDF(eph_shared, salt,
 * "link_code_pairing_key_bundle_encryption_key"), nonce, identity_pub ||
 * primary_identity_pub || adv_random), empty AAD.  0 or -1.
 */
int wa_paircode_bundle(const unsigned char eph_shared[32],
    const unsigned char salt[32], const unsigned char nonce[12],
    const unsigned char identity_pub[32],
    const unsigned char primary_identity_pub[32],
    const unsigned char adv_random[32],
    unsigned char out[WA_PAIRCODE_BUNDLE]);
/* HKDF(eph_shared || identity_shared || adv_random, "adv_secret").  0/-1. */
int wa_paircode_adv_secret(const unsigned char eph_shared[32],
    const unsigned char identity_shared[32],
    const unsigned char adv_random[32], unsigned char out[32]);

/*
 * Starts a pairing for phone ("+" optional, then 7-15 digits, no leading
 * 0): a random code and ephemeral key.  Returns 0, or -1 for a bad number
 * or a CSPRNG failure.
 */
int wa_paircode_start(struct wa_paircode *pc, const char *phone);
/* The code as shown to the user, "XXXX-XXXX". */
void wa_paircode_display(const struct wa_paircode *pc, char out[10]);
/* Wipes the keys. */
void wa_paircode_clear(struct wa_paircode *pc);

/*
 * The companion_hello IQ (whatsmeow's shape; platform_id e.g. "1" for
 * Chrome, display e.g. "Chrome (Linux)", which the server validates).
 * NULL: memory or CSPRNG.
 */
struct wa_node *wa_paircode_hello(const struct wa_paircode *pc,
    const struct wa_creds *c, const char *id, const char *platform_id,
    const char *display);
/* Stores the ref from the hello's answer.  Returns 0, or -1 when absent. */
int wa_paircode_hello_reply(struct wa_paircode *pc, const struct wa_node *reply);
/* Nonzero for <notification type="link_code_companion_reg">. */
int wa_paircode_is_notification(const struct wa_node *n);
/*
 * Handles that notification: checks the ref, unwraps the phone's key,
 * sets c->adv_secret and returns the companion_finish IQ (caller frees),
 * or NULL when the notification is malformed, does not match, or memory
 * ran out (c untouched then).
 */
struct wa_node *wa_paircode_finish(const struct wa_paircode *pc,
    struct wa_creds *c, const struct wa_node *n, const char *id);

#endif
