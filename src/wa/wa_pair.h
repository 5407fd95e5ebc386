/*
 * wa_pair: linking a new companion by QR code (L7, L8).  On a
 * registration connection the server sends <pair-device> with refs; each
 * becomes a QR text the user scans with the phone; the phone then makes
 * the server send <pair-success> carrying the account's signed device
 * identity, which we check (the HMAC with our ADV secret, and the
 * account's signature over our identity key, really verified), sign
 * ourselves and confirm with <pair-device-sign>.  The server answers
 * with stream:error 515 and the companion logs in from then on.
 */
#ifndef WAGW_WA_PAIR_H
#define WAGW_WA_PAIR_H

#include <stddef.h>

#include "wa/wa_buf.h"
#include "wa/wa_creds.h"
#include "wa/wa_node.h"

#define WA_PAIR_REF_MAX		256	/* bytes of one ref */
#define WA_PAIR_REFS_MAX	16	/* refs kept from one <pair-device> */

/*
 * The refs of <iq type="set" from="s.whatsapp.net"><pair-device><ref>...
 * (bytes or string; kept only when 1-WA_PAIR_REF_MAX printable ASCII
 * bytes without ','), at most WA_PAIR_REFS_MAX, written one per line
 * ("\n"-terminated) to out.  Returns how many, or -1 when n is not a
 * pair-device IQ from the server or memory ran out.
 */
int wa_pair_refs(const struct wa_node *n, struct wa_buf *out);

/*
 * The QR text for ref (rlen bytes) in the current form (whatsmeow since
 * 2026-05, Baileys HEAD): https://wa.me/settings/linked_devices#<ref>,
 * <noise pub>,<identity pub>,<ADV secret>,<client type>, keys in standard
 * base64.  client_type is '1' (Chrome) ... '9' (other web), 'c' (macOS),
 * 'e' (Android).  Appends it NUL-terminated to out.  Returns 0 or -1.
 */
int wa_pair_qr(const struct wa_creds *c, const char *ref, size_t rlen,
    char client_type, struct wa_buf *out);

enum wa_pair_err {
	WA_PAIR_OK,
	WA_PAIR_EMALFORMED,	/* not a readable pair-success: 500 */
	WA_PAIR_EHMAC,		/* HMAC mismatch: 401 hmac-mismatch */
	WA_PAIR_ESIGNATURE,	/* account signature: 401 signature-mismatch */
	WA_PAIR_EINTERNAL	/* memory or crypto library */
};

/* What a verified pair-success says; strings borrowed from the stanza. */
struct wa_pair_info {
	const char	*jid;		/* "phone:dev@s.whatsapp.net" */
	const char	*lid;		/* "lid:dev@lid" or NULL */
	const char	*platform;	/* or NULL */
	const char	*business;	/* or NULL */
	unsigned char	*account;	/* signed identity with our device
					   signature, owned: free() */
	size_t		 account_len;
};

/* Nonzero for <iq type="set" from="s.whatsapp.net"><pair-success>. */
int wa_pair_is_success(const struct wa_node *n);

/*
 * Checks the pair-success iq against c (HMAC-SHA256 with c->adv_secret
 * over [06 05 if hosted] || details; the account signature over
 * 06 00|06 05 || details || identity pub), signs the device identity
 * (06 01 || details || identity pub || account key) and builds the reply
 * in *reply (caller frees): on success the <pair-device-sign> result,
 * byte for byte what Baileys' configureSuccessfulPairing builds, else the
 * <iq type="error"> whatsmeow sends for that failure.  *reply is NULL
 * only when memory ran out.  On WA_PAIR_OK info is filled (free
 * info->account).
 */
enum wa_pair_err wa_pair_success(const struct wa_creds *c,
    const struct wa_node *iq, struct wa_pair_info *info,
    struct wa_node **reply);

#endif
