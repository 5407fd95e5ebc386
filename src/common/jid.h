/*
 * jid: WhatsApp addresses as the API names them.
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
/* Writes the JID with its device part when it has one (">= 0"). */
void jid_format(const struct jid *j, char buf[JID_STR_MAX]);

/*
 * The wire form the WhatsApp link sees (src/wa), looser than the above:
 *   [user][.agent|_agent][:device]@server   or a bare server
 * user: any bytes but '@' '.' '_' ':' (may be empty: "@s.whatsapp.net");
 * agent 0-255 (whatsmeow writes '.', Baileys '_'); device 0-65535;
 * server: 1-31 of [a-z.] (s.whatsapp.net, lid, g.us, c.us, broadcast,
 * newsletter, hosted, hosted.lid, bot, msgr, interop...).
 */
#define JID_SERVER_MAX	31

struct jid_wire {
	char		 user[JID_USER_MAX + 1];
	int		 agent;		/* -1: none */
	int		 device;	/* -1: none */
	char		 server[JID_SERVER_MAX + 1];
};

/* Parses len bytes of s.  Returns 0, or -1 when s is not of that form. */
int jid_wire_parse(const char *s, size_t len, struct jid_wire *out);
/*
 * Writes user[.agent][:device]@server (whatsmeow's spelling; device 0 and
 * agent 0 are omitted as both libraries do).  Returns 0, or -1 if it does
 * not fit JID_STR_MAX.
 */
int jid_wire_format(const struct jid_wire *w, char buf[JID_STR_MAX]);
/*
 * The gateway's JID for a wire JID: c.us and hosted count as
 * s.whatsapp.net, hosted.lid as lid (the same person, whatsmeow and
 * Baileys fold them alike); the result must pass jid_parse's strict
 * rules and carry no agent.
 * Returns 0 or -1.
 */
int jid_from_wire(const struct jid_wire *w, struct jid *out);

#endif
