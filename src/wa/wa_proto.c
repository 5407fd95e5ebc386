#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_proto.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct wa_pb_field hello_fields[] = {
	{ 1, "ephemeral", WA_PB_BYTES, offsetof(struct wa_pb_hello, ephemeral), NULL },
	{ 2, "static", WA_PB_BYTES, offsetof(struct wa_pb_hello, static_), NULL },
	{ 3, "payload", WA_PB_BYTES, offsetof(struct wa_pb_hello, payload), NULL },
};
const struct wa_pb_desc wa_pb_hello_desc = {
	"HandshakeMessage.ClientHello", sizeof(struct wa_pb_hello), hello_fields, N(hello_fields)
};

static const struct wa_pb_field finish_fields[] = {
	{ 1, "static", WA_PB_BYTES, offsetof(struct wa_pb_finish, static_), NULL },
	{ 2, "payload", WA_PB_BYTES, offsetof(struct wa_pb_finish, payload), NULL },
};
const struct wa_pb_desc wa_pb_finish_desc = {
	"HandshakeMessage.ClientFinish", sizeof(struct wa_pb_finish), finish_fields, N(finish_fields)
};

static const struct wa_pb_field handshake_fields[] = {
	{ 2, "clientHello", WA_PB_MSG, offsetof(struct wa_pb_handshake, client_hello), &wa_pb_hello_desc },
	{ 3, "serverHello", WA_PB_MSG, offsetof(struct wa_pb_handshake, server_hello), &wa_pb_hello_desc },
	{ 4, "clientFinish", WA_PB_MSG, offsetof(struct wa_pb_handshake, client_finish), &wa_pb_finish_desc },
};
const struct wa_pb_desc wa_pb_handshake_desc = {
	"HandshakeMessage", sizeof(struct wa_pb_handshake), handshake_fields, N(handshake_fields)
};

static const struct wa_pb_field cert_fields[] = {
	{ 1, "details", WA_PB_BYTES, offsetof(struct wa_pb_cert, details), NULL },
	{ 2, "signature", WA_PB_BYTES, offsetof(struct wa_pb_cert, signature), NULL },
};
const struct wa_pb_desc wa_pb_cert_desc = {
	"CertChain.NoiseCertificate", sizeof(struct wa_pb_cert), cert_fields, N(cert_fields)
};

static const struct wa_pb_field cert_details_fields[] = {
	{ 1, "serial", WA_PB_UINT, offsetof(struct wa_pb_cert_details, serial), NULL },
	{ 2, "issuerSerial", WA_PB_UINT, offsetof(struct wa_pb_cert_details, issuer_serial), NULL },
	{ 3, "key", WA_PB_BYTES, offsetof(struct wa_pb_cert_details, key), NULL },
	{ 4, "notBefore", WA_PB_UINT, offsetof(struct wa_pb_cert_details, not_before), NULL },
	{ 5, "notAfter", WA_PB_UINT, offsetof(struct wa_pb_cert_details, not_after), NULL },
};
const struct wa_pb_desc wa_pb_cert_details_desc = {
	"CertChain.NoiseCertificate.Details", sizeof(struct wa_pb_cert_details), cert_details_fields, N(cert_details_fields)
};

static const struct wa_pb_field cert_chain_fields[] = {
	{ 1, "leaf", WA_PB_MSG, offsetof(struct wa_pb_cert_chain, leaf), &wa_pb_cert_desc },
	{ 2, "intermediate", WA_PB_MSG, offsetof(struct wa_pb_cert_chain, intermediate), &wa_pb_cert_desc },
};
const struct wa_pb_desc wa_pb_cert_chain_desc = {
	"CertChain", sizeof(struct wa_pb_cert_chain), cert_chain_fields, N(cert_chain_fields)
};

static const struct wa_pb_field app_version_fields[] = {
	{ 1, "primary", WA_PB_UINT, offsetof(struct wa_pb_app_version, primary), NULL },
	{ 2, "secondary", WA_PB_UINT, offsetof(struct wa_pb_app_version, secondary), NULL },
	{ 3, "tertiary", WA_PB_UINT, offsetof(struct wa_pb_app_version, tertiary), NULL },
	{ 4, "quaternary", WA_PB_UINT, offsetof(struct wa_pb_app_version, quaternary), NULL },
	{ 5, "quinary", WA_PB_UINT, offsetof(struct wa_pb_app_version, quinary), NULL },
};
const struct wa_pb_desc wa_pb_app_version_desc = {
	"ClientPayload.UserAgent.AppVersion", sizeof(struct wa_pb_app_version), app_version_fields, N(app_version_fields)
};

static const struct wa_pb_field user_agent_fields[] = {
	{ 1, "platform", WA_PB_UINT, offsetof(struct wa_pb_user_agent, platform), NULL },
	{ 2, "appVersion", WA_PB_MSG, offsetof(struct wa_pb_user_agent, app_version), &wa_pb_app_version_desc },
	{ 3, "mcc", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, mcc), NULL },
	{ 4, "mnc", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, mnc), NULL },
	{ 5, "osVersion", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, os_version), NULL },
	{ 6, "manufacturer", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, manufacturer), NULL },
	{ 7, "device", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, device), NULL },
	{ 8, "osBuildNumber", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, os_build_number), NULL },
	{ 9, "phoneId", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, phone_id), NULL },
	{ 10, "releaseChannel", WA_PB_UINT, offsetof(struct wa_pb_user_agent, release_channel), NULL },
	{ 11, "localeLanguageIso6391", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, locale_language), NULL },
	{ 12, "localeCountryIso31661Alpha2", WA_PB_BYTES, offsetof(struct wa_pb_user_agent, locale_country), NULL },
};
const struct wa_pb_desc wa_pb_user_agent_desc = {
	"ClientPayload.UserAgent", sizeof(struct wa_pb_user_agent), user_agent_fields, N(user_agent_fields)
};

static const struct wa_pb_field web_info_fields[] = {
	{ 1, "refToken", WA_PB_BYTES, offsetof(struct wa_pb_web_info, ref_token), NULL },
	{ 2, "version", WA_PB_BYTES, offsetof(struct wa_pb_web_info, version), NULL },
	{ 4, "webSubPlatform", WA_PB_UINT, offsetof(struct wa_pb_web_info, web_sub_platform), NULL },
};
const struct wa_pb_desc wa_pb_web_info_desc = {
	"ClientPayload.WebInfo", sizeof(struct wa_pb_web_info), web_info_fields, N(web_info_fields)
};

static const struct wa_pb_field pairing_data_fields[] = {
	{ 1, "eRegid", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_regid), NULL },
	{ 2, "eKeytype", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_keytype), NULL },
	{ 3, "eIdent", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_ident), NULL },
	{ 4, "eSkeyId", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_skey_id), NULL },
	{ 5, "eSkeyVal", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_skey_val), NULL },
	{ 6, "eSkeySig", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, e_skey_sig), NULL },
	{ 7, "buildHash", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, build_hash), NULL },
	{ 8, "deviceProps", WA_PB_BYTES, offsetof(struct wa_pb_pairing_data, device_props), NULL },
};
const struct wa_pb_desc wa_pb_pairing_data_desc = {
	"ClientPayload.DevicePairingRegistrationData", sizeof(struct wa_pb_pairing_data), pairing_data_fields, N(pairing_data_fields)
};

static const struct wa_pb_field client_payload_fields[] = {
	{ 1, "username", WA_PB_UINT, offsetof(struct wa_pb_client_payload, username), NULL },
	{ 3, "passive", WA_PB_BOOL, offsetof(struct wa_pb_client_payload, passive), NULL },
	{ 5, "userAgent", WA_PB_MSG, offsetof(struct wa_pb_client_payload, user_agent), &wa_pb_user_agent_desc },
	{ 6, "webInfo", WA_PB_MSG, offsetof(struct wa_pb_client_payload, web_info), &wa_pb_web_info_desc },
	{ 7, "pushName", WA_PB_BYTES, offsetof(struct wa_pb_client_payload, push_name), NULL },
	{ 9, "sessionId", WA_PB_SFIXED32, offsetof(struct wa_pb_client_payload, session_id), NULL },
	{ 10, "shortConnect", WA_PB_BOOL, offsetof(struct wa_pb_client_payload, short_connect), NULL },
	{ 12, "connectType", WA_PB_UINT, offsetof(struct wa_pb_client_payload, connect_type), NULL },
	{ 13, "connectReason", WA_PB_UINT, offsetof(struct wa_pb_client_payload, connect_reason), NULL },
	{ 16, "connectAttemptCount", WA_PB_UINT, offsetof(struct wa_pb_client_payload, connect_attempt_count), NULL },
	{ 18, "device", WA_PB_UINT, offsetof(struct wa_pb_client_payload, device), NULL },
	{ 19, "devicePairingData", WA_PB_MSG, offsetof(struct wa_pb_client_payload, pairing_data), &wa_pb_pairing_data_desc },
	{ 20, "product", WA_PB_UINT, offsetof(struct wa_pb_client_payload, product), NULL },
	{ 23, "oc", WA_PB_BOOL, offsetof(struct wa_pb_client_payload, oc), NULL },
	{ 24, "lc", WA_PB_UINT, offsetof(struct wa_pb_client_payload, lc), NULL },
	{ 33, "pull", WA_PB_BOOL, offsetof(struct wa_pb_client_payload, pull), NULL },
	{ 41, "lidDbMigrated", WA_PB_BOOL, offsetof(struct wa_pb_client_payload, lid_db_migrated), NULL },
};
const struct wa_pb_desc wa_pb_client_payload_desc = {
	"ClientPayload", sizeof(struct wa_pb_client_payload), client_payload_fields, N(client_payload_fields)
};

static const struct wa_pb_field history_sync_config_fields[] = {
	{ 1, "fullSyncDaysLimit", WA_PB_UINT, offsetof(struct wa_pb_history_sync_config, full_sync_days_limit), NULL },
	{ 2, "fullSyncSizeMbLimit", WA_PB_UINT, offsetof(struct wa_pb_history_sync_config, full_sync_size_mb_limit), NULL },
	{ 3, "storageQuotaMb", WA_PB_UINT, offsetof(struct wa_pb_history_sync_config, storage_quota_mb), NULL },
	{ 4, "inlineInitialPayloadInE2EeMsg", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, inline_initial_payload), NULL },
	{ 5, "recentSyncDaysLimit", WA_PB_UINT, offsetof(struct wa_pb_history_sync_config, recent_sync_days_limit), NULL },
	{ 6, "supportCallLogHistory", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_call_log_history), NULL },
	{ 7, "supportBotUserAgentChatHistory", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_bot_user_agent_history), NULL },
	{ 8, "supportCagReactionsAndPolls", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_cag_reactions_polls), NULL },
	{ 9, "supportBizHostedMsg", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_biz_hosted_msg), NULL },
	{ 10, "supportRecentSyncChunkMessageCountTuning", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_recent_sync_chunk), NULL },
	{ 11, "supportHostedGroupMsg", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_hosted_group_msg), NULL },
	{ 12, "supportFbidBotChatHistory", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_fbid_bot_history), NULL },
	{ 13, "supportAddOnHistorySyncMigration", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_add_on_migration), NULL },
	{ 14, "supportMessageAssociation", WA_PB_BOOL, offsetof(struct wa_pb_history_sync_config, support_message_association), NULL },
};
const struct wa_pb_desc wa_pb_history_sync_config_desc = {
	"DeviceProps.HistorySyncConfig", sizeof(struct wa_pb_history_sync_config), history_sync_config_fields, N(history_sync_config_fields)
};

static const struct wa_pb_field device_props_fields[] = {
	{ 1, "os", WA_PB_BYTES, offsetof(struct wa_pb_device_props, os), NULL },
	{ 2, "version", WA_PB_MSG, offsetof(struct wa_pb_device_props, version), &wa_pb_app_version_desc },
	{ 3, "platformType", WA_PB_UINT, offsetof(struct wa_pb_device_props, platform_type), NULL },
	{ 4, "requireFullSync", WA_PB_BOOL, offsetof(struct wa_pb_device_props, require_full_sync), NULL },
	{ 5, "historySyncConfig", WA_PB_MSG, offsetof(struct wa_pb_device_props, history_sync_config), &wa_pb_history_sync_config_desc },
};
const struct wa_pb_desc wa_pb_device_props_desc = {
	"DeviceProps", sizeof(struct wa_pb_device_props), device_props_fields, N(device_props_fields)
};

static const struct wa_pb_field adv_hmac_fields[] = {
	{ 1, "details", WA_PB_BYTES, offsetof(struct wa_pb_adv_hmac, details), NULL },
	{ 2, "hmac", WA_PB_BYTES, offsetof(struct wa_pb_adv_hmac, hmac), NULL },
	{ 3, "accountType", WA_PB_UINT, offsetof(struct wa_pb_adv_hmac, account_type), NULL },
};
const struct wa_pb_desc wa_pb_adv_hmac_desc = {
	"ADVSignedDeviceIdentityHMAC", sizeof(struct wa_pb_adv_hmac), adv_hmac_fields, N(adv_hmac_fields)
};

static const struct wa_pb_field adv_signed_identity_fields[] = {
	{ 1, "details", WA_PB_BYTES, offsetof(struct wa_pb_adv_signed_identity, details), NULL },
	{ 2, "accountSignatureKey", WA_PB_BYTES, offsetof(struct wa_pb_adv_signed_identity, account_signature_key), NULL },
	{ 3, "accountSignature", WA_PB_BYTES, offsetof(struct wa_pb_adv_signed_identity, account_signature), NULL },
	{ 4, "deviceSignature", WA_PB_BYTES, offsetof(struct wa_pb_adv_signed_identity, device_signature), NULL },
};
const struct wa_pb_desc wa_pb_adv_signed_identity_desc = {
	"ADVSignedDeviceIdentity", sizeof(struct wa_pb_adv_signed_identity), adv_signed_identity_fields, N(adv_signed_identity_fields)
};

static const struct wa_pb_field adv_identity_fields[] = {
	{ 1, "rawId", WA_PB_UINT, offsetof(struct wa_pb_adv_identity, raw_id), NULL },
	{ 2, "timestamp", WA_PB_UINT, offsetof(struct wa_pb_adv_identity, timestamp), NULL },
	{ 3, "keyIndex", WA_PB_UINT, offsetof(struct wa_pb_adv_identity, key_index), NULL },
	{ 4, "accountType", WA_PB_UINT, offsetof(struct wa_pb_adv_identity, account_type), NULL },
	{ 5, "deviceType", WA_PB_UINT, offsetof(struct wa_pb_adv_identity, device_type), NULL },
};
const struct wa_pb_desc wa_pb_adv_identity_desc = {
	"ADVDeviceIdentity", sizeof(struct wa_pb_adv_identity), adv_identity_fields, N(adv_identity_fields)
};

static const struct wa_pb_field vname_cert_fields[] = {
	{ 1, "details", WA_PB_BYTES, offsetof(struct wa_pb_vname_cert, details), NULL },
	{ 2, "signature", WA_PB_BYTES, offsetof(struct wa_pb_vname_cert, signature), NULL },
	{ 3, "serverSignature", WA_PB_BYTES, offsetof(struct wa_pb_vname_cert, server_signature), NULL },
};
const struct wa_pb_desc wa_pb_vname_cert_desc = {
	"VerifiedNameCertificate", sizeof(struct wa_pb_vname_cert), vname_cert_fields, N(vname_cert_fields)
};

static const struct wa_pb_field vname_details_fields[] = {
	{ 1, "serial", WA_PB_UINT, offsetof(struct wa_pb_vname_details, serial), NULL },
	{ 2, "issuer", WA_PB_BYTES, offsetof(struct wa_pb_vname_details, issuer), NULL },
	{ 4, "verifiedName", WA_PB_BYTES, offsetof(struct wa_pb_vname_details, verified_name), NULL },
	{ 10, "issueTime", WA_PB_UINT, offsetof(struct wa_pb_vname_details, issue_time), NULL },
};
const struct wa_pb_desc wa_pb_vname_details_desc = {
	"VerifiedNameCertificate.Details", sizeof(struct wa_pb_vname_details), vname_details_fields, N(vname_details_fields)
};

const struct wa_pb_desc *const wa_pb_all[] = {
	&wa_pb_hello_desc,
	&wa_pb_finish_desc,
	&wa_pb_handshake_desc,
	&wa_pb_cert_desc,
	&wa_pb_cert_details_desc,
	&wa_pb_cert_chain_desc,
	&wa_pb_app_version_desc,
	&wa_pb_user_agent_desc,
	&wa_pb_web_info_desc,
	&wa_pb_pairing_data_desc,
	&wa_pb_client_payload_desc,
	&wa_pb_history_sync_config_desc,
	&wa_pb_device_props_desc,
	&wa_pb_adv_hmac_desc,
	&wa_pb_adv_signed_identity_desc,
	&wa_pb_adv_identity_desc,
	&wa_pb_vname_cert_desc,
	&wa_pb_vname_details_desc,
	NULL
};

char *
wa_proto_verified_name(const void *cert, size_t len)
{
	struct wa_pb_vname_cert *c = NULL;
	struct wa_pb_vname_details *d = NULL;
	char *name = NULL;
	size_t n;

	if (wa_pb_decode(&wa_pb_vname_cert_desc, cert, len, (void **)&c) == 0 &&
	    c->details.has && wa_pb_decode(&wa_pb_vname_details_desc,
	    c->details.p, c->details.len, (void **)&d) == 0 &&
	    (n = d->verified_name.len) > 0 &&
	    memchr(d->verified_name.p, '\0', n) == NULL &&
	    (name = malloc(n + 1)) != NULL) {
		memcpy(name, d->verified_name.p, n);
		name[n] = '\0';
	}
	wa_pb_free(&wa_pb_vname_details_desc, d);
	wa_pb_free(&wa_pb_vname_cert_desc, c);
	return name;
}
