/*
 * wa_proto: the protobuf messages of the Noise handshake and of pairing,
 * as C structs with wa_pb descriptors (field numbers from WhatsApp's
 * WAProto.proto; only the fields a WhatsApp Web client sends or reads).
 * Encode a struct you filled (bytes borrowed, sub-messages pointed to);
 * free only what wa_pb_decode returned, with wa_pb_free.
 */
#ifndef WAGW_WA_PROTO_H
#define WAGW_WA_PROTO_H

#include <stddef.h>

#include "wa/wa_pb.h"

/* HandshakeMessage.ClientHello / ServerHello (same fields). */
struct wa_pb_hello {
	struct wa_pb_bytes	ephemeral;	/* 1 */
	struct wa_pb_bytes	static_;	/* 2 */
	struct wa_pb_bytes	payload;	/* 3 */
};

struct wa_pb_finish {
	struct wa_pb_bytes	static_;	/* 1 */
	struct wa_pb_bytes	payload;	/* 2 */
};

struct wa_pb_handshake {
	struct wa_pb_hello	*client_hello;	/* 2 */
	struct wa_pb_hello	*server_hello;	/* 3 */
	struct wa_pb_finish	*client_finish;	/* 4 */
};

/* CertChain.NoiseCertificate and its Details. */
struct wa_pb_cert {
	struct wa_pb_bytes	details;	/* 1 */
	struct wa_pb_bytes	signature;	/* 2 */
};

struct wa_pb_cert_details {
	struct wa_pb_uint	serial;		/* 1 */
	struct wa_pb_uint	issuer_serial;	/* 2 */
	struct wa_pb_bytes	key;		/* 3 */
	struct wa_pb_uint	not_before;	/* 4 */
	struct wa_pb_uint	not_after;	/* 5 */
};

struct wa_pb_cert_chain {
	struct wa_pb_cert	*leaf;		/* 1 */
	struct wa_pb_cert	*intermediate;	/* 2 */
};

struct wa_pb_app_version {
	struct wa_pb_uint	primary;	/* 1 */
	struct wa_pb_uint	secondary;	/* 2 */
	struct wa_pb_uint	tertiary;	/* 3 */
	struct wa_pb_uint	quaternary;	/* 4 */
	struct wa_pb_uint	quinary;	/* 5 */
};

struct wa_pb_user_agent {
	struct wa_pb_uint	 platform;		/* 1, 14 = WEB */
	struct wa_pb_app_version *app_version;		/* 2 */
	struct wa_pb_bytes	 mcc;			/* 3 */
	struct wa_pb_bytes	 mnc;			/* 4 */
	struct wa_pb_bytes	 os_version;		/* 5 */
	struct wa_pb_bytes	 manufacturer;		/* 6 */
	struct wa_pb_bytes	 device;		/* 7 */
	struct wa_pb_bytes	 os_build_number;	/* 8 */
	struct wa_pb_bytes	 phone_id;		/* 9 */
	struct wa_pb_uint	 release_channel;	/* 10 */
	struct wa_pb_bytes	 locale_language;	/* 11 */
	struct wa_pb_bytes	 locale_country;	/* 12 */
};

struct wa_pb_web_info {
	struct wa_pb_bytes	ref_token;		/* 1 */
	struct wa_pb_bytes	version;		/* 2 */
	struct wa_pb_uint	web_sub_platform;	/* 4 */
};

struct wa_pb_pairing_data {
	struct wa_pb_bytes	e_regid;	/* 1: BE32 registration id */
	struct wa_pb_bytes	e_keytype;	/* 2: 0x05 */
	struct wa_pb_bytes	e_ident;	/* 3: identity public key */
	struct wa_pb_bytes	e_skey_id;	/* 4: BE24 signed prekey id */
	struct wa_pb_bytes	e_skey_val;	/* 5 */
	struct wa_pb_bytes	e_skey_sig;	/* 6 */
	struct wa_pb_bytes	build_hash;	/* 7: MD5 of the version */
	struct wa_pb_bytes	device_props;	/* 8: encoded DeviceProps */
};

struct wa_pb_client_payload {
	struct wa_pb_uint	   username;		/* 1: phone number */
	struct wa_pb_uint	   passive;		/* 3 */
	struct wa_pb_user_agent	  *user_agent;		/* 5 */
	struct wa_pb_web_info	  *web_info;		/* 6 */
	struct wa_pb_bytes	   push_name;		/* 7 */
	struct wa_pb_uint	   session_id;		/* 9, sfixed32 */
	struct wa_pb_uint	   short_connect;	/* 10 */
	struct wa_pb_uint	   connect_type;	/* 12 */
	struct wa_pb_uint	   connect_reason;	/* 13 */
	struct wa_pb_uint	   connect_attempt_count; /* 16 */
	struct wa_pb_uint	   device;		/* 18 */
	struct wa_pb_pairing_data *pairing_data;	/* 19 */
	struct wa_pb_uint	   product;		/* 20 */
	struct wa_pb_uint	   oc;			/* 23 */
	struct wa_pb_uint	   lc;			/* 24 */
	struct wa_pb_uint	   pull;		/* 33 */
	struct wa_pb_uint	   lid_db_migrated;	/* 41 */
};

struct wa_pb_history_sync_config {
	struct wa_pb_uint	full_sync_days_limit;		/* 1 */
	struct wa_pb_uint	full_sync_size_mb_limit;	/* 2 */
	struct wa_pb_uint	storage_quota_mb;		/* 3 */
	struct wa_pb_uint	inline_initial_payload;		/* 4 */
	struct wa_pb_uint	recent_sync_days_limit;		/* 5 */
	struct wa_pb_uint	support_call_log_history;	/* 6 */
	struct wa_pb_uint	support_bot_user_agent_history;	/* 7 */
	struct wa_pb_uint	support_cag_reactions_polls;	/* 8 */
	struct wa_pb_uint	support_biz_hosted_msg;		/* 9 */
	struct wa_pb_uint	support_recent_sync_chunk;	/* 10 */
	struct wa_pb_uint	support_hosted_group_msg;	/* 11 */
	struct wa_pb_uint	support_fbid_bot_history;	/* 12 */
	struct wa_pb_uint	support_add_on_migration;	/* 13 */
	struct wa_pb_uint	support_message_association;	/* 14 */
};

struct wa_pb_device_props {
	struct wa_pb_bytes		  os;			/* 1 */
	struct wa_pb_app_version	 *version;		/* 2 */
	struct wa_pb_uint		  platform_type;	/* 3 */
	struct wa_pb_uint		  require_full_sync;	/* 4 */
	struct wa_pb_history_sync_config *history_sync_config;	/* 5 */
};

struct wa_pb_adv_hmac {
	struct wa_pb_bytes	details;	/* 1 */
	struct wa_pb_bytes	hmac;		/* 2 */
	struct wa_pb_uint	account_type;	/* 3: 1 = hosted */
};

struct wa_pb_adv_signed_identity {
	struct wa_pb_bytes	details;		/* 1 */
	struct wa_pb_bytes	account_signature_key;	/* 2 */
	struct wa_pb_bytes	account_signature;	/* 3 */
	struct wa_pb_bytes	device_signature;	/* 4 */
};

struct wa_pb_adv_identity {
	struct wa_pb_uint	raw_id;		/* 1 */
	struct wa_pb_uint	timestamp;	/* 2 */
	struct wa_pb_uint	key_index;	/* 3 */
	struct wa_pb_uint	account_type;	/* 4 */
	struct wa_pb_uint	device_type;	/* 5 */
};

/* VerifiedNameCertificate: a business's name, signed (usync, messages). */
struct wa_pb_vname_cert {
	struct wa_pb_bytes	details;		/* 1 */
	struct wa_pb_bytes	signature;		/* 2 */
	struct wa_pb_bytes	server_signature;	/* 3 */
};

struct wa_pb_vname_details {
	struct wa_pb_uint	serial;		/* 1 */
	struct wa_pb_bytes	issuer;		/* 2 */
	struct wa_pb_bytes	verified_name;	/* 4 */
	struct wa_pb_uint	issue_time;	/* 10 */
};

extern const struct wa_pb_desc wa_pb_handshake_desc;
extern const struct wa_pb_desc wa_pb_hello_desc;
extern const struct wa_pb_desc wa_pb_finish_desc;
extern const struct wa_pb_desc wa_pb_cert_chain_desc;
extern const struct wa_pb_desc wa_pb_cert_desc;
extern const struct wa_pb_desc wa_pb_cert_details_desc;
extern const struct wa_pb_desc wa_pb_client_payload_desc;
extern const struct wa_pb_desc wa_pb_user_agent_desc;
extern const struct wa_pb_desc wa_pb_app_version_desc;
extern const struct wa_pb_desc wa_pb_web_info_desc;
extern const struct wa_pb_desc wa_pb_pairing_data_desc;
extern const struct wa_pb_desc wa_pb_device_props_desc;
extern const struct wa_pb_desc wa_pb_history_sync_config_desc;
extern const struct wa_pb_desc wa_pb_adv_hmac_desc;
extern const struct wa_pb_desc wa_pb_adv_signed_identity_desc;
extern const struct wa_pb_desc wa_pb_adv_identity_desc;
extern const struct wa_pb_desc wa_pb_vname_cert_desc;
extern const struct wa_pb_desc wa_pb_vname_details_desc;

/*
 * The business name in an encoded VerifiedNameCertificate (what a
 * <verified_name> node holds), as a new string without NUL bytes (caller
 * frees), or NULL when there is none or it is malformed.
 */
char *wa_proto_verified_name(const void *cert, size_t len);

/* Every descriptor above, NULL-terminated (for tests and tools). */
extern const struct wa_pb_desc *const wa_pb_all[];

#endif
