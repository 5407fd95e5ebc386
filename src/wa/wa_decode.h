/*
 * wa_decode: binary node decoder.  Every length is checked against the
 * bytes left before anything is allocated; nesting stops at
 * WA_NODE_MAX_DEPTH; a compressed stanza may inflate to at most
 * WA_STANZA_MAX bytes.  JIDs come back as strings: JID_PAIR as
 * "user@server", AD_JID as "user[:device]@server" (device 0 omitted, as
 * Baileys and whatsmeow print it).
 */
#ifndef WAGW_WA_DECODE_H
#define WAGW_WA_DECODE_H

#include <stddef.h>

#include "wa/wa_node.h"

#define WA_STANZA_MAX	(16u * 1024 * 1024)	/* = the frame limit */

/*
 * Decodes exactly len bytes at p as one node (no flag byte).  On success
 * stores a new tree in *out (caller frees with wa_node_free) and returns
 * 0; returns -1 on malformed input, trailing bytes or allocation failure,
 * with *out untouched.
 */
int wa_decode_node(const unsigned char *p, size_t len, struct wa_node **out);

/*
 * Decodes a transport frame's plaintext: a flag byte (bit 0x02: the rest
 * is zlib-deflated) then one node.  Same returns as wa_decode_node.
 */
int wa_decode_stanza(const unsigned char *p, size_t len,
    struct wa_node **out);

#endif
