#include <stdio.h>
#include <string.h>

#include "wa/wa_stanza.h"

static int
wa_stanza_copy(struct wa_node *to, const char *key, const struct wa_node *from,
    const char *fkey)
{
	const struct wa_str *v = wa_node_get(from, fkey);

	/* Baileys leaves out empty values too. */
	return v == NULL || v->len == 0 ? 0 :
	    wa_node_attrn(to, key, strlen(key), v->p, v->len);
}

int
wa_stanza_from_server(const struct wa_node *n)
{
	return wa_node_attr_is(n, "from", WA_SERVER_JID) ||
	    wa_node_attr_is(n, "from", &WA_SERVER_JID[1]);
}

int
wa_stanza_needs_ack(const struct wa_node *in)
{
	return wa_node_is(in, "message") || wa_node_is(in, "receipt") ||
	    wa_node_is(in, "notification") || wa_node_is(in, "call");
}

struct wa_node *
wa_stanza_ack(const struct wa_node *in)
{
	struct wa_node *n;

	const struct wa_str *id = wa_node_get(in, "id");
	const struct wa_str *from = wa_node_get(in, "from");

	if (id == NULL || id->len == 0 || from == NULL || from->len == 0 ||
	    (n = wa_node_new("ack")) == NULL)
		return NULL;
	if (wa_stanza_copy(n, "id", in, "id") == -1 ||
	    wa_stanza_copy(n, "to", in, "from") == -1 ||
	    wa_node_attrn(n, "class", 5, in->tag.p, in->tag.len) == -1 ||
	    wa_stanza_copy(n, "participant", in, "participant") == -1 ||
	    wa_stanza_copy(n, "recipient", in, "recipient") == -1 ||
	    (!wa_node_is(in, "message") &&
	    wa_stanza_copy(n, "type", in, "type") == -1)) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_stanza_iq_result(const char *to, const struct wa_str *id)
{
	struct wa_node *n;

	if (id == NULL || (n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", to) == -1 ||
	    wa_node_attr(n, "type", "result") == -1 ||
	    wa_node_attrn(n, "id", 2, id->p, id->len) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_stanza_iq_error(const char *to, const struct wa_str *id, int code,
    const char *text)
{
	struct wa_node *n, *e;
	char num[12];

	if (id == NULL || (n = wa_node_new("iq")) == NULL)
		return NULL;
	snprintf(num, sizeof(num), "%d", code);
	if (wa_node_attr(n, "to", to) == -1 ||
	    wa_node_attr(n, "type", "error") == -1 ||
	    wa_node_attrn(n, "id", 2, id->p, id->len) == -1 ||
	    (e = wa_node_add_new(n, "error")) == NULL ||
	    wa_node_attr(e, "code", num) == -1 ||
	    wa_node_attr(e, "text", text) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

int
wa_stanza_is_server_ping(const struct wa_node *n)
{
	return wa_node_is(n, "iq") && wa_node_attr_is(n, "type", "get") &&
	    wa_node_attr_is(n, "xmlns", "urn:xmpp:ping") &&
	    wa_node_get(n, "id") != NULL;
}

struct wa_node *
wa_stanza_ping(const char *id)
{
	struct wa_node *n;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "id", id) == -1 ||
	    wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "type", "get") == -1 ||
	    wa_node_attr(n, "xmlns", "w:p") == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_stanza_passive(const char *id, int active)
{
	struct wa_node *n;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "xmlns", "passive") == -1 ||
	    wa_node_attr(n, "type", "set") == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    wa_node_add_new(n, active ? "active" : "passive") == NULL) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_stanza_offline_batch(unsigned count)
{
	struct wa_node *n, *b;
	char num[12];

	if ((n = wa_node_new("ib")) == NULL)
		return NULL;
	snprintf(num, sizeof(num), "%u", count);
	if ((b = wa_node_add_new(n, "offline_batch")) == NULL ||
	    wa_node_attr(b, "count", num) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_stanza_logout(const char *id, const char *own_jid)
{
	struct wa_node *n, *r;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "type", "set") == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    wa_node_attr(n, "xmlns", "md") == -1 ||
	    (r = wa_node_add_new(n, "remove-companion-device")) == NULL ||
	    wa_node_attr(r, "jid", own_jid) == -1 ||
	    wa_node_attr(r, "reason", "user_initiated") == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}
