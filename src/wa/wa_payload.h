/*
 * wa_payload: the ClientPayload a companion sends in the Noise
 * clientFinish: "login" for a paired device, "register" for a new one
 * (with its Signal identity and signed prekey).  The common fields are
 * WhatsApp Web's as Baileys 6.7.24 and whatsmeow send them; the login
 * flags follow whatsmeow (store/clientpayload.go, updated against the
 * live server weekly): passive=true until the post-login "passive active"
 * IQ, lidDbMigrated=true (we address people by LID natively), lc=1.
 * DeviceProps carries the OS version as whatsmeow does.  tests/wa checks
 * the bytes against Baileys' builders with those fields set.
 */
#ifndef WAGW_WA_PAYLOAD_H
#define WAGW_WA_PAYLOAD_H

#include <stdint.h>

#include "wa/wa_buf.h"

struct wa_client_info {
	uint32_t	 version[3];	/* WA Web version, e.g. 2.3000.x */
	const char	*country;	/* ISO 3166 alpha-2, "US" */
	const char	*os;		/* DeviceProps.os, "Ubuntu" */
	uint32_t	 os_version[3];	/* DeviceProps.version */
	uint32_t	 platform_type;	/* DeviceProps.PlatformType, 1 = CHROME */
	int		 full_sync;	/* ask the phone for full history */
};

/*
 * wa_version_builtin, US, Ubuntu 0.1.0, Chrome (Baileys' browser
 * default, whatsmeow's DeviceProps.version).  Strings are static.
 */
void wa_client_info_default(struct wa_client_info *ci);

/*
 * Appends an encoded login ClientPayload for username (the account's
 * phone number) and device (-1: none) to out.  Returns 0 or -1.
 */
int wa_payload_login(struct wa_buf *out, const struct wa_client_info *ci,
    uint64_t username, int device);

/*
 * Appends an encoded registration ClientPayload: registration id,
 * identity public key, signed prekey id, public key and signature (over
 * 0x05 || spk_pub).  Returns 0 or -1.
 */
int wa_payload_register(struct wa_buf *out, const struct wa_client_info *ci,
    uint32_t reg_id, const unsigned char ident_pub[32], uint32_t spk_id,
    const unsigned char spk_pub[32], const unsigned char spk_sig[64]);

#endif
