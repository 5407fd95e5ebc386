#include <string.h>

#include "wa/wa_crypto.h"
#include "wa/wa_payload.h"
#include "wa/wa_proto.h"
#include "wa/wa_version.h"

void
wa_client_info_default(struct wa_client_info *ci)
{
	memcpy(ci->version, wa_version_builtin, sizeof(ci->version));
	ci->country = "US";
	ci->os = "Ubuntu";
	ci->os_version[0] = 0;
	ci->os_version[1] = 1;
	ci->os_version[2] = 0;
	ci->platform_type = 1;
	ci->full_sync = 0;
}

#define SET_U(f, val)	do { (f).v = (val); (f).has = 1; } while (0)
#define SET_S(f, s)	do { (f).p = (unsigned char *)(uintptr_t)(s); \
	(f).len = strlen(s); (f).has = 1; } while (0)
#define SET_B(f, b, n)	do { (f).p = (unsigned char *)(uintptr_t)(b); \
	(f).len = (n); (f).has = 1; } while (0)

/* The parts every payload shares; the structs live in the caller. */
static void
wa_payload_common(const struct wa_client_info *ci,
    struct wa_pb_client_payload *p, struct wa_pb_user_agent *ua,
    struct wa_pb_app_version *av, struct wa_pb_web_info *wi)
{
	memset(p, 0, sizeof(*p));
	memset(ua, 0, sizeof(*ua));
	memset(av, 0, sizeof(*av));
	memset(wi, 0, sizeof(*wi));
	SET_U(av->primary, ci->version[0]);
	SET_U(av->secondary, ci->version[1]);
	SET_U(av->tertiary, ci->version[2]);
	SET_U(ua->platform, 14);		/* WEB */
	ua->app_version = av;
	SET_S(ua->mcc, "000");
	SET_S(ua->mnc, "000");
	SET_S(ua->os_version, "0.1");
	SET_S(ua->device, "Desktop");
	SET_S(ua->os_build_number, "0.1");
	SET_U(ua->release_channel, 0);		/* RELEASE */
	SET_S(ua->locale_language, "en");
	SET_S(ua->locale_country, ci->country);
	SET_U(wi->web_sub_platform, 0);		/* WEB_BROWSER */
	p->user_agent = ua;
	p->web_info = wi;
	SET_U(p->connect_type, 1);		/* WIFI_UNKNOWN */
	SET_U(p->connect_reason, 1);		/* USER_ACTIVATED */
}

int
wa_payload_login(struct wa_buf *out, const struct wa_client_info *ci,
    uint64_t username, int device)
{
	struct wa_pb_client_payload p;
	struct wa_pb_user_agent ua;
	struct wa_pb_app_version av;
	struct wa_pb_web_info wi;

	wa_payload_common(ci, &p, &ua, &av, &wi);
	SET_U(p.username, username);
	SET_U(p.passive, 1);
	SET_U(p.pull, 1);
	if (device >= 0)
		SET_U(p.device, (uint32_t)device);
	SET_U(p.lc, 1);
	SET_U(p.lid_db_migrated, 1);
	return wa_pb_encode(&wa_pb_client_payload_desc, &p, out);
}

int
wa_payload_register(struct wa_buf *out, const struct wa_client_info *ci,
    uint32_t reg_id, const unsigned char ident_pub[32], uint32_t spk_id,
    const unsigned char spk_pub[32], const unsigned char spk_sig[64])
{
	struct wa_pb_client_payload p;
	struct wa_pb_user_agent ua;
	struct wa_pb_app_version av;
	struct wa_pb_web_info wi;
	struct wa_pb_pairing_data pd;
	struct wa_pb_device_props dp;
	struct wa_pb_history_sync_config hc;
	struct wa_pb_app_version osv;
	struct wa_buf props = { NULL, 0, 0, 0 };
	unsigned char regid[4], skid[3], hash[16], keytype = 5;
	char ver[WA_VERSION_STR_MAX];
	int rc = -1;

	wa_payload_common(ci, &p, &ua, &av, &wi);
	SET_U(p.passive, 0);
	SET_U(p.pull, 0);

	memset(&hc, 0, sizeof(hc));
	SET_U(hc.storage_quota_mb, 10240);
	SET_U(hc.inline_initial_payload, 1);
	SET_U(hc.support_call_log_history, 0);
	SET_U(hc.support_bot_user_agent_history, 1);
	SET_U(hc.support_cag_reactions_polls, 1);
	SET_U(hc.support_biz_hosted_msg, 1);
	SET_U(hc.support_recent_sync_chunk, 1);
	SET_U(hc.support_hosted_group_msg, 1);
	SET_U(hc.support_fbid_bot_history, 1);
	SET_U(hc.support_message_association, 1);
	memset(&dp, 0, sizeof(dp));
	memset(&osv, 0, sizeof(osv));
	SET_U(osv.primary, ci->os_version[0]);
	SET_U(osv.secondary, ci->os_version[1]);
	SET_U(osv.tertiary, ci->os_version[2]);
	SET_S(dp.os, ci->os);
	dp.version = &osv;
	SET_U(dp.platform_type, ci->platform_type);
	SET_U(dp.require_full_sync, ci->full_sync != 0);
	dp.history_sync_config = &hc;
	if (wa_pb_encode(&wa_pb_device_props_desc, &dp, &props) == -1)
		goto out;

	/* buildHash is the MD5 of the dotted version string. */
	wa_version_format(ci->version, ver);
	if (wa_md5(ver, strlen(ver), hash) == -1)
		goto out;
	regid[0] = (unsigned char)(reg_id >> 24);
	regid[1] = (unsigned char)(reg_id >> 16);
	regid[2] = (unsigned char)(reg_id >> 8);
	regid[3] = (unsigned char)reg_id;
	skid[0] = (unsigned char)(spk_id >> 16);
	skid[1] = (unsigned char)(spk_id >> 8);
	skid[2] = (unsigned char)spk_id;
	memset(&pd, 0, sizeof(pd));
	SET_B(pd.e_regid, regid, 4);
	SET_B(pd.e_keytype, &keytype, 1);
	SET_B(pd.e_ident, ident_pub, 32);
	SET_B(pd.e_skey_id, skid, 3);
	SET_B(pd.e_skey_val, spk_pub, 32);
	SET_B(pd.e_skey_sig, spk_sig, 64);
	SET_B(pd.build_hash, hash, 16);
	SET_B(pd.device_props, props.p, props.len);
	p.pairing_data = &pd;
	rc = wa_pb_encode(&wa_pb_client_payload_desc, &p, out);
out:
	wa_buf_free(&props);
	return rc;
}
