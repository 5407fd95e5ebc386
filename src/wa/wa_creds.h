/*
 * wa_creds: one companion device's credentials (the research notes' L10):
 * the Noise static key, the Signal identity key, the registration id, the
 * signed prekey, the ADV secret the QR code carries, a seed the one-time
 * prekeys are derived from, and once paired the device's JIDs and the
 * account's signed identity; plus the privacy tokens contacts gave us
 * (needed to read their about text).
 *
 * wa_creds_save writes a versioned blob the daemon stores (encrypted) and
 * never interprets; wa_creds_load parses it strictly: magic, version,
 * every record's tag and length, required records, no duplicates, keys
 * and signature consistent, and a SHA-256 check over the whole blob, so a
 * truncated or corrupt blob is refused and the struct left untouched.
 *
 * One-time prekeys are not stored: the private key of prekey id n is
 * HKDF-SHA256(prekey_seed, info = "wagw prekey" || BE32(n)), so the blob
 * stays small however many were uploaded, and a later Signal layer can
 * regenerate the key a pkmsg names.
 */
#ifndef WAGW_WA_CREDS_H
#define WAGW_WA_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/jid.h"
#include "wa/wa_buf.h"
#include "wa/wa_curve.h"

#define WA_CREDS_VERSION	1
#define WA_CREDS_PLATFORM_MAX	32	/* "android", "iphone", "smba"... */
#define WA_CREDS_NAME_MAX	128	/* business name, UTF-8, truncated */
#define WA_CREDS_ACCOUNT_MAX	1024	/* ADVSignedDeviceIdentity bytes */
#define WA_CREDS_TOKENS_MAX	64	/* privacy tokens kept, newest win */
#define WA_CREDS_TOKEN_MAX	255	/* bytes of one token */
#define WA_CREDS_TOKEN_TTL	(4 * 604800)	/* whatsmeow: 4 buckets of 7 days */
#define WA_PREKEY_ID_MAX	0xffffff	/* ids are 3 bytes on the wire */

/* A privacy (trusted-contact) token for one person, by PN and/or LID. */
struct wa_creds_token {
	char		 pn[JID_STR_MAX];	/* bare, or "" */
	char		 lid[JID_STR_MAX];	/* bare, or "" */
	int64_t		 t;			/* the server's time stamp, s */
	unsigned char	 token[WA_CREDS_TOKEN_MAX];
	size_t		 len;
};

struct wa_creds {
	struct wa_keypair	 noise;
	struct wa_keypair	 identity;
	uint32_t		 reg_id;	/* 1-16383 */
	uint32_t		 spk_id;
	struct wa_keypair	 spk;
	unsigned char		 spk_sig[WA_SIG_LEN];	/* over 05 || spk.pub */
	unsigned char		 adv_secret[32];
	unsigned char		 prekey_seed[32];
	uint32_t		 next_prekey;	/* first id not yet uploaded */
	/* Paired when jid[0] != '\0'. */
	char			 jid[JID_STR_MAX];	/* "phone:dev@s.whatsapp.net" */
	char			 lid[JID_STR_MAX];	/* "lid:dev@lid" or "" */
	char			 platform[WA_CREDS_PLATFORM_MAX];
	char			 business[WA_CREDS_NAME_MAX];
	unsigned char		*account;	/* ADVSignedDeviceIdentity, owned */
	size_t			 account_len;
	struct wa_creds_token	*tokens;	/* owned, ntokens of them */
	size_t			 ntokens;
};

/*
 * Fresh credentials for registration: random keys, registration id,
 * signed prekey (id 1), ADV secret and prekey seed.  Returns 0 or -1
 * (CSPRNG failure; c is then cleared).
 */
int wa_creds_new(struct wa_creds *c);
/* Frees what c owns and wipes it; a zeroed struct is fine. */
void wa_creds_clear(struct wa_creds *c);
/* Nonzero once pairing stored the device's JID. */
int wa_creds_paired(const struct wa_creds *c);

/* Appends the serialized credentials to out.  Returns 0 or -1. */
int wa_creds_save(const struct wa_creds *c, struct wa_buf *out);
/*
 * Parses len bytes at p (what wa_creds_save wrote) into c, replacing its
 * contents (cleared first) only on success.  Returns 0, or -1 for any
 * malformed, truncated, corrupt, inconsistent or newer-version blob, with
 * c untouched.
 */
int wa_creds_load(struct wa_creds *c, const void *p, size_t len);

/* The key pair of one-time prekey id (1-WA_PREKEY_ID_MAX).  0 or -1. */
int wa_creds_prekey(const struct wa_creds *c, uint32_t id,
    struct wa_keypair *kp);
/*
 * Sets the paired identity: own JID and LID (wire forms, LID may be
 * NULL), platform and business name (NULL: none; truncated at a UTF-8
 * boundary to fit) and the account's signed identity (copied).
 * Returns 0, or -1 (bad JID, account too long, memory) with c unchanged.
 */
int wa_creds_set_paired(struct wa_creds *c, const char *jid, const char *lid,
    const char *platform, const char *business, const void *account,
    size_t account_len);

/* Replaces the paired device's LID (wire form).  Returns 0 or -1 (bad JID). */
int wa_creds_set_lid(struct wa_creds *c, const char *lid);

/*
 * Stores a privacy token for the person with bare PN and/or LID JIDs (one
 * may be NULL), replacing that person's older token; when full the
 * oldest goes.  Tokens older than WA_CREDS_TOKEN_TTL before now_s are
 * dropped on the way.  Returns 1 when stored, 0 when refused as stale,
 * oversized or older than the one held, -1 on memory failure.
 */
int wa_creds_token_put(struct wa_creds *c, const char *pn, const char *lid,
    int64_t t, const void *token, size_t len, int64_t now_s);
/* The live token for bare JID jid (PN or LID), or NULL (borrowed). */
const struct wa_creds_token *wa_creds_token_find(const struct wa_creds *c,
    const char *jid, int64_t now_s);

#endif
