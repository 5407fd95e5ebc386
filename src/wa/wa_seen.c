#include <stdlib.h>
#include <string.h>

#include "wa/wa_proto.h"
#include "wa/wa_seen.h"

int
wa_seen_add_jid(struct wa_person *p, const char *s)
{
	struct jid_wire w;
	struct jid j;

	if (s == NULL || jid_wire_parse(s, strlen(s), &w) == -1 ||
	    jid_from_wire(&w, &j) == -1 || !jid_is_user(&j))
		return 0;
	j.device = -1;
	jid_format_bare(&j, j.kind == JID_PHONE ? p->pn : p->lid);
	return 1;
}

void
wa_person_clear(struct wa_person *p)
{
	free(p->business);
	memset(p, 0, sizeof(*p));
}

/* Whether p is us. */
static int
wa_seen_is_own(const struct wa_person *p, const char *own_pn,
    const char *own_lid)
{
	return (own_pn != NULL && p->pn[0] != '\0' && strcmp(p->pn, own_pn) == 0) ||
	    (own_lid != NULL && p->lid[0] != '\0' && strcmp(p->lid, own_lid) == 0);
}

static int
wa_seen_server(const char *s, const char *server)
{
	const char *at;

	return s != NULL && (at = strrchr(s, '@')) != NULL &&
	    strcmp(at + 1, server) == 0;
}

int
wa_seen_stanza(const struct wa_node *n, const char *own_pn,
    const char *own_lid, struct wa_person out[2])
{
	const char *from = wa_node_cstr(n, "from"), *notify;
	const struct wa_str *vn;
	struct wa_person *p = &out[0], *r = &out[1];
	enum wa_seen_where where = WA_SEEN_ELSEWHERE;
	int k = 0;

	memset(out, 0, 2 * sizeof(*out));
	if (from == NULL)
		return 0;
	/* Messages and receipts belong to a chat: a group's, or a person's. */
	if (wa_node_is(n, "message") || wa_node_is(n, "receipt"))
		where = wa_seen_server(from, "g.us") ? WA_SEEN_GROUP :
		    wa_seen_server(from, "broadcast") ? WA_SEEN_ELSEWHERE : WA_SEEN_DM;
	if (wa_seen_server(from, "g.us") || wa_seen_server(from, "broadcast")) {
		/* A group or broadcast: the sender is the participant. */
		wa_seen_add_jid(p, wa_node_cstr(n, "participant"));
		wa_seen_add_jid(p, wa_node_cstr(n, "participant_pn"));
		wa_seen_add_jid(p, wa_node_cstr(n, "participant_lid"));
	} else {
		wa_seen_add_jid(p, from);
		wa_seen_add_jid(p, wa_node_cstr(n, "sender_pn"));
		wa_seen_add_jid(p, wa_node_cstr(n, "sender_lid"));
	}
	if (wa_seen_is_own(p, own_pn, own_lid)) {
		/* Sent from our phone: the chat partner is the recipient. */
		memset(p, 0, sizeof(*p));
		if (wa_node_is(n, "message")) {
			wa_seen_add_jid(r, wa_node_cstr(n, "recipient"));
			wa_seen_add_jid(r, wa_node_cstr(n, "peer_recipient_pn"));
			wa_seen_add_jid(r, wa_node_cstr(n, "peer_recipient_lid"));
			r->where = where;
			if ((r->pn[0] || r->lid[0]) &&
			    !wa_seen_is_own(r, own_pn, own_lid))
				out[k++] = *r;
			memset(r, 0, sizeof(*r));
		}
		return k;
	}
	if (p->pn[0] == '\0' && p->lid[0] == '\0')
		return 0;
	p->where = where;
	/* "-" stands for no name (whatsmeow message.go). */
	notify = wa_node_cstr(n, "notify");
	if (notify != NULL && notify[0] != '\0' && strcmp(notify, "-") != 0 &&
	    !wa_node_is(n, "receipt"))
		p->push_name = notify;
	if ((vn = wa_node_content(wa_node_child(n, "verified_name"))) != NULL)
		p->business = wa_proto_verified_name(vn->p, vn->len);
	return 1;
}
