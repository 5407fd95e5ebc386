/*
 * wa_seen: the people a session sees without decrypting anything (L14):
 * the plaintext attributes of <message>, <receipt> and <notification>
 * stanzas (from, participant, notify = push name, the PN/LID pairs
 * participant_pn/_lid, sender_pn/_lid, peer_recipient_pn/_lid, the
 * <verified_name> business certificate), as whatsmeow's
 * parseMessageSource and Baileys' decode-wa-message read them.  JIDs are
 * folded to the gateway's bare form (common/jid: hosted -> s.whatsapp.net,
 * hosted.lid -> lid, c.us -> s.whatsapp.net, no device).
 */
#ifndef WAGW_WA_SEEN_H
#define WAGW_WA_SEEN_H

#include "common/jid.h"
#include "wa/wa_node.h"

/* Where a person was seen. */
enum wa_seen_where {
	WA_SEEN_ELSEWHERE,	/* a lookup, a notification, a call: no chat */
	WA_SEEN_DM,		/* a message or receipt of a direct chat */
	WA_SEEN_GROUP		/* a message or receipt in a group */
};

/* One person, known by phone number, LID or both. */
struct wa_person {
	char		 pn[JID_STR_MAX];	/* "<digits>@s.whatsapp.net" or "" */
	char		 lid[JID_STR_MAX];	/* "<digits>@lid" or "" */
	enum wa_seen_where where;
	const char	*push_name;	/* borrowed from the stanza, or NULL */
	char		*business;	/* verified name, owned, or NULL */
};

/*
 * Folds wire JID s (NULL allowed) into pn or lid of p by its server.
 * Returns 1 when it was a person's JID, else 0.
 */
int wa_seen_add_jid(struct wa_person *p, const char *s);

/*
 * The people stanza n shows, at most 2 (the sender, and for a message we
 * sent from the phone its recipient), leaving out ourselves (own_pn /
 * own_lid: our bare JIDs, may be NULL).  Returns how many were written to
 * out; free each with wa_person_clear.
 */
int wa_seen_stanza(const struct wa_node *n, const char *own_pn,
    const char *own_lid, struct wa_person out[2]);
void wa_person_clear(struct wa_person *p);

#endif
