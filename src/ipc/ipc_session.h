/*
 * ipc_session: a session as the daemon's replies carry it, written by
 * the daemon and read by its clients from one definition:
 *   {"id", "organizationId", "gatewayId"?, "label", "link", "status",
 *    "statusReason"?, "waJid"?, "waLid"?, "phoneNumber"?, "pushName"?,
 *    "lastConnectedAt"?, "createdAt", "updatedAt"}
 * and what a session shows while pairing:
 *   {"kind": "qr"|"code", "code", "expiresAt"}
 */
#ifndef WAGW_IPC_SESSION_H
#define WAGW_IPC_SESSION_H

#include <stdint.h>

#include <json-c/json.h>

#include "common/store.h"

#define IPC_PAIR_CODE_MAX	511

struct ipc_pairing {
	int		 kind;		/* 0: none, 'q': QR, 'c': phone code */
	char		 code[IPC_PAIR_CODE_MAX + 1];
	int64_t		 expires_ms;
};

/* A new object for s; NULL when out of memory. */
struct json_object *ipc_session_to_json(const struct store_session *s);
/* Fills *out from obj; -1 when a member is missing, mistyped or too long. */
int ipc_session_from_json(struct json_object *obj, struct store_session *out);

struct json_object *ipc_pairing_to_json(const struct ipc_pairing *p);
int ipc_pairing_from_json(struct json_object *obj, struct ipc_pairing *out);

#endif
