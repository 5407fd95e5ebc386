#include <stdlib.h>
#include <string.h>

#include "common/jid.h"
#include "wa/wa_proto.h"
#include "wa/wa_stanza.h"
#include "wa/wa_usync.h"

/*
 * <iq to type="get" xmlns="usync" id><usync context mode sid last index>
 * <query/><list/></usync></iq>, in the attribute order of Baileys'
 * executeUSyncQuery; *query and *list point into it.
 */
static struct wa_node *
wa_usync_iq(const char *id, const char *sid, struct wa_node **query,
    struct wa_node **list)
{
	struct wa_node *n, *u;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "type", "get") == -1 ||
	    wa_node_attr(n, "xmlns", "usync") == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    (u = wa_node_add_new(n, "usync")) == NULL ||
	    wa_node_attr(u, "context", "interactive") == -1 ||
	    wa_node_attr(u, "mode", "query") == -1 ||
	    wa_node_attr(u, "sid", sid) == -1 ||
	    wa_node_attr(u, "last", "true") == -1 ||
	    wa_node_attr(u, "index", "0") == -1 ||
	    (*query = wa_node_add_new(u, "query")) == NULL ||
	    wa_node_set_list(*query) == -1 ||
	    (*list = wa_node_add_new(u, "list")) == NULL ||
	    wa_node_set_list(*list) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_usync_check_query(const char *id, const char *sid,
    const char *const *phones, size_t n)
{
	struct wa_node *iq, *query, *list, *user, *b;
	char e164[WA_USYNC_PHONE_MAX + 2];
	const char *p;
	size_t i, len, k;

	if ((iq = wa_usync_iq(id, sid, &query, &list)) == NULL)
		return NULL;
	if (wa_node_add_new(query, "contact") == NULL ||
	    wa_node_add_new(query, "lid") == NULL ||
	    (b = wa_node_add_new(query, "business")) == NULL ||
	    wa_node_add_new(b, "verified_name") == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		p = phones[i][0] == '+' ? phones[i] + 1 : phones[i];
		len = strlen(p);
		/* Always "+" then E.164 digits (research notes A.4). */
		if (len == 0 || len > WA_USYNC_PHONE_MAX || p[0] == '0')
			goto fail;
		for (k = 0; k < len; k++)
			if (p[k] < '0' || p[k] > '9')
				goto fail;
		e164[0] = '+';
		memcpy(e164 + 1, p, len + 1);
		if ((user = wa_node_add_new(list, "user")) == NULL ||
		    wa_node_add_string(user, "contact", e164) == NULL)
			goto fail;
	}
	return iq;
fail:
	wa_node_free(iq);
	return NULL;
}

struct wa_node *
wa_usync_about_query(const char *id, const char *sid, const char *jid,
    const void *token, size_t tlen)
{
	struct wa_node *iq, *query, *list, *user;

	if (jid[0] == '\0' || (iq = wa_usync_iq(id, sid, &query, &list)) == NULL)
		return NULL;
	/* An empty child list without a token, as Baileys sends it. */
	if (wa_node_add_new(query, "status") == NULL ||
	    (user = wa_node_add_new(list, "user")) == NULL ||
	    wa_node_attr(user, "jid", jid) == -1 ||
	    wa_node_set_list(user) == -1 || (token != NULL &&
	    wa_node_add_bytes(user, "tctoken", token, tlen) == NULL)) {
		wa_node_free(iq);
		return NULL;
	}
	return iq;
}

/* The code (and backoff) of an <error> child of protocol node p. */
static int
wa_usync_error(const struct wa_node *p, int64_t *backoff_s)
{
	const struct wa_node *e = wa_node_child(p, "error");
	uint64_t v;

	if (e == NULL)
		return 0;
	if (wa_node_uint(e, "backoff", INT32_MAX, &v) == 0 && backoff_s != NULL)
		*backoff_s = (int64_t)v;
	return wa_node_uint(e, "code", 999, &v) == 0 && v > 0 ? (int)v : 500;
}

/* Nonzero when wire JID s is on a LID server (hosted.lid included). */
static int
wa_usync_is_lid(const char *s)
{
	struct jid_wire w;

	return s != NULL && jid_wire_parse(s, strlen(s), &w) == 0 &&
	    (strcmp(w.server, "lid") == 0 || strcmp(w.server, "hosted.lid") == 0);
}

static void
wa_usync_user(const struct wa_node *un, struct wa_usync_user *u)
{
	const struct wa_node *c, *l, *s, *b;
	const struct wa_str *v;
	uint64_t t;
	int e;

	memset(u, 0, sizeof(*u));
	u->jid = wa_node_cstr(un, "jid");
	if (wa_usync_is_lid(u->jid)) {
		u->lid = u->jid;
		u->pn = wa_node_cstr(un, "pn_jid");
	} else {
		u->pn = u->jid != NULL ? u->jid : wa_node_cstr(un, "pn_jid");
		l = wa_node_child(un, "lid");
		u->lid = wa_node_cstr(l, "val");
		if ((e = wa_usync_error(l, &u->backoff_s)) != 0)
			u->error = e;
	}
	if ((c = wa_node_child(un, "contact")) != NULL) {
		u->query = wa_node_content(c);
		if (wa_node_attr_is(c, "type", "in"))
			u->contact = WA_USYNC_IN;
		else if (wa_node_attr_is(c, "type", "out"))
			u->contact = WA_USYNC_OUT;
		if ((e = wa_usync_error(c, &u->backoff_s)) != 0)
			u->error = e;
	}
	if ((s = wa_node_child(un, "status")) != NULL) {
		if (wa_node_uint(s, "t", INT64_MAX, &t) == 0)
			u->about_t = (int64_t)t;
		e = wa_usync_error(s, &u->backoff_s);
		v = wa_node_content(s);
		/* Baileys' USyncStatusProtocol: code 401 = hidden by privacy. */
		if (wa_node_attr_is(s, "code", "401") || e == 401)
			u->about = WA_USYNC_ABOUT_HIDDEN;
		else if (e != 0)
			u->error = e;
		else if (v != NULL && v->len > 0) {
			u->about = WA_USYNC_ABOUT_TEXT;
			u->about_text = v;
		} else
			u->about = WA_USYNC_ABOUT_UNSET;
	}
	if ((b = wa_node_child(un, "business")) != NULL &&
	    (v = wa_node_child_content(b, "verified_name")) != NULL)
		u->business = wa_proto_verified_name(v->p, v->len);
}

int
wa_usync_parse(const struct wa_node *reply, struct wa_usync_result *r)
{
	const struct wa_node *us, *list, *res;
	struct wa_usync_user *u;
	size_t i;
	int e;

	memset(r, 0, sizeof(*r));
	us = wa_node_child(reply, "usync");
	if ((list = wa_node_child(us, "list")) == NULL)
		return -1;
	if ((res = wa_node_child(us, "result")) != NULL &&
	    res->ctype == WA_CONTENT_LIST)
		for (i = 0; i < res->nkids && r->error == 0; i++)
			if ((e = wa_usync_error(res->kids[i], &r->backoff_s)) != 0)
				r->error = e;
	if (list->ctype != WA_CONTENT_LIST || list->nkids == 0)
		return 0;
	if ((r->users = calloc(list->nkids, sizeof(*r->users))) == NULL)
		return -1;
	for (i = 0; i < list->nkids; i++) {
		if (!wa_node_is(list->kids[i], "user"))
			continue;
		u = &r->users[r->n];
		wa_usync_user(list->kids[i], u);
		if (u->pn == NULL && u->lid == NULL && u->query == NULL) {
			free(u->business);
			continue;
		}
		r->n++;
	}
	return 0;
}

void
wa_usync_result_free(struct wa_usync_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->users[i].business);
	free(r->users);
	memset(r, 0, sizeof(*r));
}
