/*
 * jid: WhatsApp addresses as CONTRACT.md names them.
 *   user by phone  <digits>[:<device>]@s.whatsapp.net
 *   user by LID    <digits>[:<device>]@lid
 *   group          <digits>-<digits>@g.us or <digits>@g.us
 *   channel        <digits>@newsletter
 * Parsing is strict: nothing else, no spaces, no case folding.
 */
#ifndef WAGW_JID_H
#define WAGW_JID_H

#include <stddef.h>

#define JID_USER_MAX	48	/* the part before '@' and ':' */
#define JID_STR_MAX	96	/* any formatted JID fits */

enum jid_kind { JID_PHONE, JID_LID, JID_GROUP, JID_NEWSLETTER };

struct jid {
	enum jid_kind	 kind;
	char		 user[JID_USER_MAX + 1];	/* digits, or digits-digits */
	int		 device;	/* -1: none */
};

/* Parses len bytes of s.  Returns 0, or -1 when s is not a JID. */
int jid_parse(const char *s, size_t len, struct jid *out);
/* Nonzero for JID_PHONE and JID_LID. */
int jid_is_user(const struct jid *j);
/* Writes the JID without its device part; buf of JID_STR_MAX bytes. */
void jid_format_bare(const struct jid *j, char buf[JID_STR_MAX]);

#endif
