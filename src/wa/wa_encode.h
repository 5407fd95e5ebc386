/*
 * wa_encode: binary node encoder (WhatsApp's token-compressed XML).
 * Strings go out as the first of: dictionary token, packed nibbles
 * ([0-9.-]), packed upper-case hex ([0-9A-F]), JID, raw bytes; this is
 * the order Baileys' encodeBinaryNode uses, so output is byte-identical
 * for the inputs docs/whatsapp-link.md lists.
 */
#ifndef WAGW_WA_ENCODE_H
#define WAGW_WA_ENCODE_H

#include "wa/wa_buf.h"
#include "wa/wa_node.h"

#define WA_NODE_MAX_DEPTH	64	/* encoder and decoder alike */

/*
 * Appends the node to out, without the frame's flag byte.  Returns 0, or
 * -1 when n is deeper than WA_NODE_MAX_DEPTH, has 65535 or more list
 * items, an empty tag, or out overflowed (out->err).  On -1 out->len is
 * restored (no partial output).
 */
int wa_encode_node(const struct wa_node *n, struct wa_buf *out);

/* Same, preceded by the 0x00 flag byte a transport frame carries. */
int wa_encode_stanza(const struct wa_node *n, struct wa_buf *out);

#endif
