/*
 * wa_conn: one blocking connection to a WhatsApp chat server: TCP, TLS
 * (OpenSSL, peer and host name verified), the WebSocket upgrade, the
 * framing prologue, the Noise handshake with certificate verification,
 * then binary nodes both ways over the encrypted transport.  All of the
 * protocol is wa_stream's, which is I/O-free so that the daemon drives it
 * from its own event loop (through wa_client); this file only adds the
 * blocking socket and TLS, and is what the Baileys loopback test drives.  TLS writes go through
 * OpenSSL's socket BIO, so the process must ignore SIGPIPE (the daemon
 * does); plain writes use MSG_NOSIGNAL.
 */
#ifndef WAGW_WA_CONN_H
#define WAGW_WA_CONN_H

#include <stddef.h>

#include "wa/wa_curve.h"
#include "wa/wa_node.h"
#include "wa/wa_noise.h"

struct wa_conn_cfg {
	const char			*host;		/* "web.whatsapp.com" */
	const char			*port;		/* "443" */
	const char			*path;		/* "/ws/chat" */
	const char			*origin;	/* "https://web.whatsapp.com" */
	int				 tls;		/* 0 only for tests */
	const char			*ca_file;	/* NULL: system store */
	int				 timeout_ms;	/* per I/O wait */
	struct wa_noise_trust		 trust;
	const struct wa_keypair		*noise_key;	/* our static key */
	const struct wa_keypair		*ephemeral;	/* NULL: random */
	const void			*payload;	/* encoded ClientPayload */
	size_t				 payload_len;
};

enum wa_conn_err {
	WA_CONN_OK,
	WA_CONN_ECONNECT,	/* resolve or TCP connect failed */
	WA_CONN_ETLS,		/* TLS handshake or verification */
	WA_CONN_EWS,		/* WebSocket upgrade refused or malformed */
	WA_CONN_EIO,		/* read/write failed, timeout or peer closed */
	WA_CONN_EPROTO,		/* bad frame, WebSocket or node encoding */
	WA_CONN_EHANDSHAKE,	/* server hello malformed or undecryptable */
	WA_CONN_ECERT,		/* server certificate chain rejected */
	WA_CONN_EDECRYPT,	/* transport frame failed authentication */
	WA_CONN_EINTERNAL
};

/* A short English description of err (static). */
const char *wa_conn_strerror(enum wa_conn_err err);

/*
 * Connects and completes the handshake as cfg says (borrowed for the
 * call only).  Returns the connection, or NULL with *err set.
 */
struct wa_conn *wa_conn_open(const struct wa_conn_cfg *cfg,
    enum wa_conn_err *err);
/* Sends one node.  Returns WA_CONN_OK or an error (then close). */
enum wa_conn_err wa_conn_send(struct wa_conn *c, const struct wa_node *n);
/*
 * Waits for the next node (at most timeout_ms) and stores it in *out
 * (caller frees).  Returns WA_CONN_OK or an error (then close).
 */
enum wa_conn_err wa_conn_recv(struct wa_conn *c, struct wa_node **out);
/* Sends a WebSocket close, closes and frees; NULL is a no-op. */
void wa_conn_free(struct wa_conn *c);

#endif
