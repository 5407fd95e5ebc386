/*
 * wa_usync: user lookups by usync (L11, L12): is a phone number on
 * WhatsApp (with its JID and LID), and a person's about text.  Many
 * numbers go in one query.  Queries are WhatsApp Web's as whatsapp-rust
 * mirrors them (contact, lid, business/verified_name for a check; status
 * for the about text) in Baileys' attribute order, so tests/wa compares
 * bytes with Baileys' USyncQuery for the parts Baileys builds.
 *
 * The reply parser reads both addressing forms (jid = PN with <lid val>,
 * or jid = LID with pn_jid = PN), per-user and per-protocol <error code
 * backoff>, the status text with its time stamp and the privacy code 401,
 * and business names from VerifiedNameCertificate.  Strings in a result
 * borrow from the reply node, except business names (owned by the result).
 */
#ifndef WAGW_WA_USYNC_H
#define WAGW_WA_USYNC_H

#include <stddef.h>
#include <stdint.h>

#include "wa/wa_node.h"

#define WA_USYNC_PHONE_MAX	15	/* E.164 digits */

/*
 * The check query for n phone numbers (E.164 digits, "+" optional; each
 * must be 1-15 digits without a leading 0):
 * <iq to type="get" xmlns="usync" id><usync context="interactive"
 * mode="query" sid last="true" index="0"><query><contact/><lid/>
 * <business><verified_name/></business></query><list><user><contact>
 * +E164</contact></user>...</list></usync></iq>.  NULL for a bad number
 * or memory.
 */
struct wa_node *wa_usync_check_query(const char *id, const char *sid,
    const char *const *phones, size_t n);
/*
 * The about query for one user JID (bare, PN or LID), with the privacy
 * token when one is held (token NULL: none): <user jid>[<tctoken>]</user>
 * under <query><status/></query>.  NULL: memory or an empty jid.
 */
struct wa_node *wa_usync_about_query(const char *id, const char *sid,
    const char *jid, const void *token, size_t tlen);

enum wa_usync_contact {
	WA_USYNC_UNKNOWN,	/* no <contact> for this user */
	WA_USYNC_IN,		/* on WhatsApp */
	WA_USYNC_OUT		/* not on WhatsApp */
};

enum wa_usync_about {
	WA_USYNC_ABOUT_NONE,	/* no <status> for this user */
	WA_USYNC_ABOUT_TEXT,	/* a non-empty about text */
	WA_USYNC_ABOUT_HIDDEN,	/* code 401: privacy settings hide it */
	WA_USYNC_ABOUT_UNSET	/* no text */
};

struct wa_usync_user {
	const char		*jid;		/* the user's jid attribute */
	const char		*pn;		/* wire PN JID, or NULL */
	const char		*lid;		/* wire LID JID, or NULL */
	const struct wa_str	*query;		/* <contact> content echoed */
	enum wa_usync_contact	 contact;
	enum wa_usync_about	 about;
	const struct wa_str	*about_text;	/* ABOUT_TEXT */
	int64_t			 about_t;	/* set at, s; 0 unknown */
	char			*business;	/* verified name, owned, or NULL */
	int			 error;		/* a protocol's error code, 0 none */
	int64_t			 backoff_s;	/* with error 429 */
};

struct wa_usync_result {
	struct wa_usync_user	*users;
	size_t			 n;
	int			 error;		/* a whole protocol failed (<result>) */
	int64_t			 backoff_s;
};

/*
 * Parses the <iq type="result"> answer to a usync query into *r (free
 * with wa_usync_result_free; r borrows from reply).  Users without any
 * usable JID are skipped.  Returns 0, or -1 when reply has no
 * <usync><list> or memory ran out (r empty).
 */
int wa_usync_parse(const struct wa_node *reply, struct wa_usync_result *r);
void wa_usync_result_free(struct wa_usync_result *r);

#endif
