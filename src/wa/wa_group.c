#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_group.h"

struct wa_node *
wa_group_all_query(const char *id)
{
	struct wa_node *n, *p;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", "@g.us") == -1 ||
	    wa_node_attr(n, "xmlns", "w:g2") == -1 ||
	    wa_node_attr(n, "type", "get") == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    (p = wa_node_add_new(n, "participating")) == NULL ||
	    wa_node_add_new(p, "participants") == NULL ||
	    wa_node_add_new(p, "description") == NULL) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_group_one_query(const char *id, const char *group)
{
	struct jid_wire w;
	struct wa_node *n, *q;

	if (jid_wire_parse(group, strlen(group), &w) == -1 ||
	    strcmp(w.server, "g.us") != 0 || w.user[0] == '\0' ||
	    (n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "type", "get") == -1 ||
	    wa_node_attr(n, "xmlns", "w:g2") == -1 ||
	    wa_node_attr(n, "to", group) == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    (q = wa_node_add_new(n, "query")) == NULL ||
	    wa_node_attr(q, "request", "interactive") == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

static int64_t
wa_group_time(const struct wa_node *n, const char *key)
{
	uint64_t v;

	return wa_node_uint(n, key, INT64_MAX, &v) == 0 ? (int64_t)v : 0;
}

static int
wa_group_server_is(const char *jid, const char *server)
{
	const char *at;

	return jid != NULL && (at = strrchr(jid, '@')) != NULL &&
	    strcmp(at + 1, server) == 0;
}

/*
 * A <participant jid type phone_number lid display_name>: a LID jid may
 * bring its PN in phone_number, a PN jid its LID in lid (group.go
 * parseParticipant).  Returns 0, or -1 when it has no jid.
 */
static int
wa_group_member(const struct wa_node *p, struct wa_group_member *m)
{
	memset(m, 0, sizeof(*m));
	if ((m->jid = wa_node_cstr(p, "jid")) == NULL)
		return -1;
	if (wa_group_server_is(m->jid, "lid") ||
	    wa_group_server_is(m->jid, "hosted.lid")) {
		m->lid = m->jid;
		m->pn = wa_node_cstr(p, "phone_number");
	} else if (wa_group_server_is(m->jid, "s.whatsapp.net") ||
	    wa_group_server_is(m->jid, "hosted")) {
		m->pn = m->jid;
		m->lid = wa_node_cstr(p, "lid");
	}
	if (wa_node_attr_is(p, "type", "superadmin"))
		m->role = WA_GROUP_SUPERADMIN;
	else if (wa_node_attr_is(p, "type", "admin"))
		m->role = WA_GROUP_ADMIN;
	m->display_name = wa_node_cstr(p, "display_name");
	return 0;
}

/* The <participant> children of n as members (*out owned, may be NULL). */
static int
wa_group_members(const struct wa_node *n, struct wa_group_member **out,
    size_t *nout)
{
	size_t i;

	*out = NULL;
	*nout = 0;
	if (n == NULL || n->ctype != WA_CONTENT_LIST || n->nkids == 0)
		return 0;
	if ((*out = calloc(n->nkids, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < n->nkids; i++)
		if (wa_node_is(n->kids[i], "participant") &&
		    wa_group_member(n->kids[i], &(*out)[*nout]) == 0)
			(*nout)++;
	return 0;
}

int
wa_group_parse(const struct wa_node *n, struct wa_group *g)
{
	const struct wa_node *d, *k;
	const char *id;
	uint64_t v;
	size_t i;
	int len;

	memset(g, 0, sizeof(*g));
	if (!wa_node_is(n, "group") || (id = wa_node_cstr(n, "id")) == NULL ||
	    id[0] == '\0')
		return -1;
	/* Baileys: an id without '@' is on g.us. */
	if (strchr(id, '@') != NULL)
		len = snprintf(g->jid, sizeof(g->jid), "%s", id);
	else
		len = snprintf(g->jid, sizeof(g->jid), "%s@g.us", id);
	if (len < 0 || (size_t)len >= sizeof(g->jid))
		return -1;
	g->subject = wa_node_cstr(n, "subject");
	g->subject_t = wa_group_time(n, "s_t");
	g->subject_owner = wa_node_cstr(n, "s_o");
	g->subject_owner_pn = wa_node_cstr(n, "s_o_pn");
	g->owner = wa_node_cstr(n, "creator");
	g->owner_pn = wa_node_cstr(n, "creator_pn");
	g->creation = wa_group_time(n, "creation");
	g->addressing_mode = wa_node_cstr(n, "addressing_mode");
	if (wa_group_members(n, &g->members, &g->nmembers) == -1)
		return -1;
	g->size = wa_node_uint(n, "size", UINT32_MAX, &v) == 0 ? v :
	    g->nmembers;
	if ((d = wa_node_child(n, "description")) != NULL) {
		g->description = wa_node_child_content(d, "body");
		g->description_id = wa_node_cstr(d, "id");
	}
	for (i = 0; n->ctype == WA_CONTENT_LIST && i < n->nkids; i++) {
		k = n->kids[i];
		if (wa_node_is(k, "announcement"))
			g->announce = 1;
		else if (wa_node_is(k, "locked"))
			g->locked = 1;
		else if (wa_node_is(k, "ephemeral") &&
		    wa_node_uint(k, "expiration", UINT32_MAX, &v) == 0)
			g->ephemeral = (uint32_t)v;
	}
	return 0;
}

void
wa_group_clear(struct wa_group *g)
{
	free(g->members);
	memset(g, 0, sizeof(*g));
}

void
wa_group_list_free(struct wa_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wa_group_clear(&g[i]);
	free(g);
}

int
wa_group_parse_answer(const struct wa_node *reply, struct wa_group **out,
    size_t *n)
{
	const struct wa_node *list;
	size_t i, cap;

	*out = NULL;
	*n = 0;
	if ((list = wa_node_child(reply, "groups")) != NULL) {
		if (list->ctype != WA_CONTENT_LIST || list->nkids == 0)
			return 0;
		cap = list->nkids;
	} else if (wa_node_child(reply, "group") != NULL) {
		list = reply;
		cap = 1;
	} else
		return -1;
	if ((*out = calloc(cap, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < list->nkids && *n < cap; i++) {
		if (!wa_node_is(list->kids[i], "group"))
			continue;
		if (wa_group_parse(list->kids[i], &(*out)[*n]) == 0)
			(*n)++;
		else
			wa_group_clear(&(*out)[*n]);
	}
	return 0;
}

/* One child of a w:gp2 notification; 1 when it is a change we know. */
static int
wa_group_change(const struct wa_node *k, struct wa_group_change *c)
{
	static const struct {
		const char		 *tag;
		enum wa_group_change_kind kind;
		int			  flag;
	} tags[] = {
		{ "add", WA_GROUP_ADD, 0 }, { "remove", WA_GROUP_REMOVE, 0 },
		{ "promote", WA_GROUP_PROMOTE, 0 },
		{ "demote", WA_GROUP_DEMOTE, 0 },
		{ "subject", WA_GROUP_SUBJECT, 0 },
		{ "description", WA_GROUP_DESCRIPTION, 0 },
		{ "announcement", WA_GROUP_ANNOUNCE, 1 },
		{ "not_announcement", WA_GROUP_ANNOUNCE, 0 },
		{ "locked", WA_GROUP_LOCKED, 1 },
		{ "unlocked", WA_GROUP_LOCKED, 0 },
		{ "ephemeral", WA_GROUP_EPHEMERAL, 1 },
		{ "not_ephemeral", WA_GROUP_EPHEMERAL, 0 },
		{ "create", WA_GROUP_CREATE, 0 },
		{ "delete", WA_GROUP_DELETE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (wa_node_is(k, tags[i].tag))
			break;
	if (i == sizeof(tags) / sizeof(tags[0]))
		return 0;
	c->kind = tags[i].kind;
	c->flag = tags[i].flag;
	switch (c->kind) {
	case WA_GROUP_ADD:
	case WA_GROUP_REMOVE:
	case WA_GROUP_PROMOTE:
	case WA_GROUP_DEMOTE:
		c->reason = wa_node_cstr(k, "reason");
		return wa_group_members(k, &c->members, &c->nmembers) == -1 ?
		    -1 : 1;
	case WA_GROUP_SUBJECT:
		return (c->subject = wa_node_cstr(k, "subject")) != NULL;
	case WA_GROUP_DESCRIPTION:
		/* <description id><body>text</body></description>, or <delete/>. */
		if (wa_node_child(k, "delete") == NULL &&
		    (c->text = wa_node_child_content(k, "body")) == NULL)
			return 0;
		return 1;
	case WA_GROUP_EPHEMERAL:
		if (c->flag && wa_node_uint(k, "expiration", UINT32_MAX,
		    &c->value) == -1)
			return 0;
		return 1;
	case WA_GROUP_CREATE:
		if ((c->created = calloc(1, sizeof(*c->created))) == NULL)
			return -1;
		if (wa_group_parse(wa_node_child(k, "group"), c->created) == -1) {
			free(c->created);
			c->created = NULL;
			return 0;
		}
		return 1;
	case WA_GROUP_DELETE:
		c->reason = wa_node_cstr(k, "reason");
		return 1;
	default:
		return 1;
	}
}

int
wa_group_changes(const struct wa_node *n, struct wa_group_change **out,
    size_t *nout)
{
	struct wa_group_change *c;
	const char *group;
	size_t i;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!wa_node_is(n, "notification") || !wa_node_attr_is(n, "type",
	    "w:gp2") || (group = wa_node_cstr(n, "from")) == NULL)
		return -1;
	if (n->ctype != WA_CONTENT_LIST || n->nkids == 0)
		return 0;
	if ((*out = calloc(n->nkids, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < n->nkids; i++) {
		c = &(*out)[*nout];
		c->group = group;
		c->author = wa_node_cstr(n, "participant");
		c->author_pn = wa_node_cstr(n, "participant_pn");
		c->t = wa_group_time(n, "t");
		if ((rc = wa_group_change(n->kids[i], c)) == -1) {
			wa_group_changes_free(*out, *nout + 1);
			*out = NULL;
			*nout = 0;
			return -1;
		}
		if (rc == 1)
			(*nout)++;
		else
			memset(c, 0, sizeof(*c));
	}
	return 0;
}

void
wa_group_changes_free(struct wa_group_change *c, size_t n)
{
	size_t i;

	for (i = 0; c != NULL && i < n; i++) {
		free(c[i].members);
		if (c[i].created != NULL) {
			wa_group_clear(c[i].created);
			free(c[i].created);
		}
	}
	free(c);
}
