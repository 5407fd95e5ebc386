/*
 * wa_server: WhatsApp's side of one connection, for unit tests of
 * wa_client: the WebSocket upgrade (server side: masked client frames
 * in, plain frames out), the framing, a Noise XX responder with a test
 * certificate chain under a test root, then binary nodes both ways.  It
 * is written separately from wa_stream/wa_noise (only the crypto and
 * codec primitives are shared), so a wrong turn in either shows.
 * Byte-level protocol of the real server: docs/whatsapp-link.md.
 */
#ifndef WAGW_TEST_WA_SERVER_H
#define WAGW_TEST_WA_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "wa/wa_buf.h"
#include "wa/wa_curve.h"
#include "wa/wa_node.h"
#include "wa/wa_noise.h"
#include "wa/wa_proto.h"

struct wa_server;

enum wa_server_cert { WA_SERVER_CERT_OK, WA_SERVER_CERT_NO_NOT_AFTER,
    WA_SERVER_CERT_BAD_SIG };

/*
 * A server whose chain is valid at time now (seconds) and signed by a
 * fresh root; wa_server_trust gives the client what to trust.
 */
struct wa_server *wa_server_new(int64_t now, enum wa_server_cert cert);
void wa_server_free(struct wa_server *s);
/* Forgets the connection (the same keys serve the next one). */
void wa_server_reconnect(struct wa_server *s);
void wa_server_trust(const struct wa_server *s, struct wa_noise_trust *t);

/* Bytes the client wrote.  Returns 0, or -1 on a protocol error. */
int wa_server_input(struct wa_server *s, const void *p, size_t n);
/*
 * The next node the client sent (1, caller frees), 0 when none yet, -1
 * on a protocol error or a WebSocket close (wa_server_closed then 1).
 */
int wa_server_next(struct wa_server *s, struct wa_node **out);
int wa_server_closed(const struct wa_server *s);
/* The decoded ClientPayload once the handshake is done, else NULL. */
const struct wa_pb_client_payload *wa_server_payload(const struct wa_server *s);
/* The client's static (Noise) public key once known. */
const unsigned char *wa_server_client_static(const struct wa_server *s);
/* Sends a node (0 or -1); raw: a frame's plaintext as is (for garbage). */
int wa_server_send(struct wa_server *s, const struct wa_node *n);
int wa_server_send_raw(struct wa_server *s, const void *p, size_t n);
/* Bytes for the client (borrowed) and how many it took. */
const unsigned char *wa_server_output(struct wa_server *s, size_t *len);
void wa_server_consume(struct wa_server *s, size_t n);

#endif
