/*
 * wa_stanza: the small fixed stanzas a session exchanges with the server
 * besides its lookups: acks for what the server delivers, IQ results and
 * errors, the keepalive ping, passive/active, the offline batch request
 * and logout.  Builders return a new node (caller frees) or NULL when
 * memory ran out or the input lacks what the stanza needs.  Attribute
 * order is Baileys 6.7.24's where Baileys sends the stanza, so tests/wa
 * can compare bytes with encodeBinaryNode.
 */
#ifndef WAGW_WA_STANZA_H
#define WAGW_WA_STANZA_H

#include "wa/wa_node.h"

/*
 * The server's JID: no user on s.whatsapp.net.  Written as JID_PAIR(empty,
 * "s.whatsapp.net") as Baileys' S_WHATSAPP_NET and whatsmeow's ServerJID
 * are; our decoder prints that as "@s.whatsapp.net".
 */
#define WA_SERVER_JID	"@s.whatsapp.net"

/*
 * The ack for a delivered message, receipt, notification or call (L5):
 * <ack id to=from class=tag [participant] [recipient] [type]> as Baileys
 * orders it; type is left out for class message as whatsmeow does (we do
 * not decrypt, so this is the plain server ack, no retry receipt).
 * NULL when in has no id or no from.
 */
struct wa_node *wa_stanza_ack(const struct wa_node *in);
/* Nonzero when a stanza with this tag must be acked. */
int wa_stanza_needs_ack(const struct wa_node *in);

/*
 * Nonzero when n's from is the server: "@s.whatsapp.net" (how it arrives
 * as a JID) or the bare token "s.whatsapp.net".
 */
int wa_stanza_from_server(const struct wa_node *n);

/* <iq to type="result" id> answering a server IQ (pair-device, ping). */
struct wa_node *wa_stanza_iq_result(const char *to, const struct wa_str *id);
/* <iq to type="error" id><error code text/></iq>. */
struct wa_node *wa_stanza_iq_error(const char *to, const struct wa_str *id,
    int code, const char *text);
/* Nonzero for the server's <iq type="get" xmlns="urn:xmpp:ping">. */
int wa_stanza_is_server_ping(const struct wa_node *n);

/*
 * Keepalive: <iq id to="s.whatsapp.net" type="get" xmlns="w:p"/>, without
 * the <ping/> child Baileys 6.7.24 adds (whatsmeow dropped it in 2024).
 */
struct wa_node *wa_stanza_ping(const char *id);
/* <iq to xmlns="passive" type="set" id><active/> or <passive/></iq>. */
struct wa_node *wa_stanza_passive(const char *id, int active);
/* <ib><offline_batch count=n/></ib>: let the offline queue flow. */
struct wa_node *wa_stanza_offline_batch(unsigned n);
/*
 * Logout (L2): <iq to type="set" id xmlns="md"><remove-companion-device
 * jid=own reason="user_initiated"/></iq>.
 */
struct wa_node *wa_stanza_logout(const char *id, const char *own_jid);

#endif
