/*
 * wa_prekey: the Signal prekeys a companion keeps on the server (L6), so
 * that contacts can start sessions with it: the count query, the upload
 * of one-time prekeys and the signed prekey, and the server's "running
 * low" notification.  Keys come from wa_creds (derived, not stored).
 */
#ifndef WAGW_WA_PREKEY_H
#define WAGW_WA_PREKEY_H

#include <stdint.h>

#include "wa/wa_creds.h"
#include "wa/wa_node.h"

#define WA_PREKEY_MIN		5	/* upload below this (whatsmeow) */
#define WA_PREKEY_UPLOAD	30	/* keys per upload (Baileys 6.7.24) */

/* <iq id xmlns="encrypt" type="get" to><count/></iq>.  NULL: memory. */
struct wa_node *wa_prekey_count_query(const char *id);
/*
 * The count in the answer to that query (<count value=N/>).  Returns 0
 * with *n set, or -1 when the answer does not say.
 */
int wa_prekey_count_parse(const struct wa_node *reply, uint64_t *n);
/*
 * The upload of n one-time prekeys from ids c->next_prekey on (wrapping
 * past WA_PREKEY_ID_MAX to 1) and the signed prekey:
 * <iq xmlns="encrypt" type="set" to id><registration>BE32</registration>
 * <type>05</type><identity>pub</identity><list><key><id>BE24</id>
 * <value>pub</value></key>...</list><skey><id/><value/><signature/>
 * </skey></iq>.  *next gets the id to continue from once it is acked.
 */
struct wa_node *wa_prekey_upload(const struct wa_creds *c, const char *id,
    unsigned n, uint32_t *next);
/*
 * For <notification type="encrypt" from="s.whatsapp.net"><count value/>:
 * 1 when it says the server runs low (value < WA_PREKEY_MIN), else 0.
 */
int wa_prekey_low_notification(const struct wa_node *n);

#endif
