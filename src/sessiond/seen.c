/*
 * What sessions see, written to the store.  A burst reported by the link
 * is copied into a batch and handed to the writer, which stores it in
 * transactions of SEEN_CHUNK rows, so that 10^5 contacts never hold the
 * database for long and the loop never waits for it.
 *
 * Every row of a batch carries the batch's one time stamp.  A group the
 * link reports complete (every member listed) ends with a prune: its
 * memberships not stamped by this batch are people who left.  Stamps are
 * strictly increasing in the process, so that no earlier batch's
 * memberships can pass for this one's.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define SEEN_CHUNK	2000	/* rows per transaction */
#define SEEN_LOG_ROWS	100	/* smaller batches are logged at debug level */

enum seen_kind { SEEN_CONTACT, SEEN_DM, SEEN_GROUP, SEEN_MEMBER, SEEN_LEFT, SEEN_PRUNE };

struct seen_item {
	enum seen_kind	 kind;
	/* CONTACT: a lid, b phone, c name, e business.  DM: a lid.
	 * GROUP: a jid, b subject, c description, e owner, and the numbers.
	 * MEMBER: a lid, b role, c tag.  LEFT: a lid.  PRUNE: nothing (the
	 * latest GROUP). */
	const char	*a, *b, *c, *e;
	int		 known_only;	/* CONTACT: update, never make */
	int64_t		 size, created_ms;	/* GROUP: -1, 0 unknown */
	int		 announce, locked;	/* GROUP: -1 unknown */
};

struct seen_batch {
	char		 session[STORE_ID_MAX + 1];
	int64_t		 rowid;
	struct seen_item *items;
	size_t		 n, next;
	char		*arena;
	size_t		 arena_len;
	struct hmap	*ids;		/* lid -> contact id */
	int64_t		 group_id;	/* of the latest GROUP item */
	int64_t		 stamp;		/* the time of every row (wall clock) */
	int64_t		 started_ms;
	size_t		 ncontacts;
};

/* The latest batch's stamp (loop thread only). */
static int64_t seen_last_stamp;

static size_t
seen_len(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

static const char *
seen_copy(struct seen_batch *b, const char *s)
{
	char *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = b->arena + b->arena_len;
	memcpy(p, s, n);
	b->arena_len += n;
	return p;
}

static void
seen_batch_free(struct seen_batch *b)
{
	if (b == NULL)
		return;
	free(b->items);
	free(b->arena);
	hmap_free(b->ids);
	free(b);
}

/* The id of the contact lid in this batch; upserts a bare one if unseen. */
static int
seen_contact_id(struct store *st, struct seen_batch *b, const char *lid,
    int64_t now, int64_t *id)
{
	struct store_seen_contact sc = { lid, NULL, NULL, NULL };
	void *v = hmap_get(b->ids, lid, strlen(lid));
	int rc;

	if (v != NULL) {
		*id = (int64_t)(intptr_t)v;
		return STORE_OK;
	}
	if ((rc = store_contact_upsert(st, b->rowid, &sc, now, id)) == STORE_OK &&
	    hmap_put(b->ids, lid, strlen(lid), (void *)(intptr_t)*id) == -1)
		rc = STORE_ERROR;
	return rc;
}

static int
seen_item(struct store *st, struct seen_batch *b, const struct seen_item *it,
    int64_t now)
{
	struct store_seen_contact sc;
	struct store_seen_group sg;
	int64_t id;
	int rc = STORE_OK;

	if ((it->kind == SEEN_MEMBER || it->kind == SEEN_LEFT ||
	    it->kind == SEEN_PRUNE) && b->group_id == 0)
		return STORE_OK;
	switch (it->kind) {
	case SEEN_CONTACT:
		sc.lid = it->a;
		sc.phone = it->b;
		sc.name = it->c;
		sc.business_name = it->e;
		if (it->known_only) {
			rc = store_contact_update(st, b->rowid, &sc, now);
			break;
		}
		if ((rc = store_contact_upsert(st, b->rowid, &sc, now, &id)) ==
		    STORE_OK && it->a != NULL && hmap_put(b->ids, it->a, strlen(it->a),
		    (void *)(intptr_t)id) == -1)
			rc = STORE_ERROR;
		break;
	case SEEN_DM:
		if ((rc = seen_contact_id(st, b, it->a, now, &id)) == STORE_OK)
			rc = store_dm_upsert(st, b->rowid, id, now);
		break;
	case SEEN_GROUP:
		sg.jid = it->a;
		sg.subject = it->b;
		sg.description = it->c;
		sg.owner_jid = it->e;
		sg.size = it->size;
		sg.announce = it->announce;
		sg.locked = it->locked;
		sg.created_ms = it->created_ms;
		/* A group that could not be stored takes its members along. */
		if ((rc = store_group_seen(st, b->rowid, &sg, now, &b->group_id)) !=
		    STORE_OK)
			b->group_id = 0;
		break;
	case SEEN_MEMBER:
		if ((rc = seen_contact_id(st, b, it->a, now, &id)) == STORE_OK)
			rc = store_member_upsert(st, b->group_id, id, it->b, it->c, now);
		break;
	case SEEN_LEFT:
		rc = store_member_remove(st, b->group_id, b->rowid, it->a);
		break;
	case SEEN_PRUNE:
		rc = store_members_prune(st, b->group_id, now);
		break;
	}
	return rc;
}

/* On the writer: the next SEEN_CHUNK items. */
static int
seen_write(struct store *st, void *arg)
{
	struct seen_batch *b = arg;
	int64_t now = b->stamp;
	size_t end = b->next + SEEN_CHUNK;
	int rc;

	for (; b->next < b->n && b->next < end; b->next++) {
		rc = seen_item(st, b, &b->items[b->next], now);
		/* A session deleted meanwhile: nothing of it to keep. */
		if (rc == STORE_NOREF)
			return STORE_NOREF;
		if (rc != STORE_OK)
			log_warnx("session %s: storing what it sees: %s", b->session,
			    store_rc_str(rc));
	}
	return b->next < b->n ? WRITER_AGAIN : STORE_OK;
}

static void
seen_done(void *arg, int rc)
{
	struct seen_batch *b = arg;

	/* A burst is worth a line; a message's sender or a lookup is not. */
	if (rc == STORE_OK && b->n >= SEEN_LOG_ROWS)
		log_info("session %s: stored %zu contacts (%zu rows) in %lld ms",
		    b->session, b->ncontacts, b->n,
		    (long long)(clock_mono_ms() - b->started_ms));
	else if (rc == STORE_OK)
		log_debug("session %s: stored %zu contacts (%zu rows)", b->session,
		    b->ncontacts, b->n);
	seen_batch_free(b);
	/* A burst can be large (10^5 contacts): give its memory back. */
	malloc_trim(0);
}

void
seen_ev(void *cookie, const struct link_seen *seen)
{
	struct session *s = cookie;
	struct seen_batch *b;
	size_t i, k, n = 0, bytes = 0;

	for (i = 0; i < seen->ncontacts; i++)
		bytes += seen_len(seen->contacts[i].lid) +
		    seen_len(seen->contacts[i].phone) +
		    seen_len(seen->contacts[i].name) +
		    seen_len(seen->contacts[i].business_name);
	for (i = 0; i < seen->ndms; i++)
		bytes += seen_len(seen->dms[i]);
	for (i = 0; i < seen->ngroups; i++) {
		const struct link_group *g = &seen->groups[i];

		bytes += seen_len(g->jid) + seen_len(g->subject) +
		    seen_len(g->description) + seen_len(g->owner_jid);
		for (k = 0; k < g->nmembers; k++)
			bytes += seen_len(g->members[k].lid) +
			    seen_len(g->members[k].role) + seen_len(g->members[k].tag);
		for (k = 0; k < g->nleft; k++)
			bytes += seen_len(g->left[k]);
		n += g->nmembers + g->nleft + (g->complete != 0);
	}
	n += seen->ncontacts + seen->ndms + seen->ngroups;
	if (n == 0)
		return;
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->items = calloc(n, sizeof(*b->items))) == NULL ||
	    (b->arena = malloc(bytes + 1)) == NULL ||
	    (b->ids = hmap_new()) == NULL) {
		log_warnx("session %s: out of memory queueing what it sees", s->row.id);
		seen_batch_free(b);
		return;
	}
	snprintf(b->session, sizeof(b->session), "%s", s->row.id);
	b->rowid = s->row.rowid;
	for (i = 0; i < seen->ncontacts; i++) {
		struct seen_item *it = &b->items[b->n++];

		it->kind = SEEN_CONTACT;
		it->a = seen_copy(b, seen->contacts[i].lid);
		it->b = seen_copy(b, seen->contacts[i].phone);
		it->c = seen_copy(b, seen->contacts[i].name);
		it->e = seen_copy(b, seen->contacts[i].business_name);
		it->known_only = seen->contacts[i].known_only;
	}
	b->ncontacts = seen->ncontacts;
	for (i = 0; i < seen->ndms; i++) {
		b->items[b->n].kind = SEEN_DM;
		b->items[b->n++].a = seen_copy(b, seen->dms[i]);
	}
	for (i = 0; i < seen->ngroups; i++) {
		const struct link_group *g = &seen->groups[i];

		struct seen_item *gi = &b->items[b->n++];

		gi->kind = SEEN_GROUP;
		gi->a = seen_copy(b, g->jid);
		gi->b = seen_copy(b, g->subject);
		gi->c = seen_copy(b, g->description);
		gi->e = seen_copy(b, g->owner_jid);
		gi->size = g->size < 0 ? -1 : g->size;
		gi->announce = g->announce;
		gi->locked = g->locked;
		gi->created_ms = g->created_ms > 0 ? g->created_ms : 0;
		for (k = 0; k < g->nmembers; k++) {
			struct seen_item *it = &b->items[b->n++];

			it->kind = SEEN_MEMBER;
			it->a = seen_copy(b, g->members[k].lid);
			it->b = seen_copy(b, g->members[k].role);
			it->c = seen_copy(b, g->members[k].tag);
		}
		for (k = 0; k < g->nleft; k++) {
			b->items[b->n].kind = SEEN_LEFT;
			b->items[b->n++].a = seen_copy(b, g->left[k]);
		}
		if (g->complete)
			b->items[b->n++].kind = SEEN_PRUNE;
	}
	b->stamp = clock_wall_ms();
	if (b->stamp <= seen_last_stamp)
		b->stamp = seen_last_stamp + 1;
	seen_last_stamp = b->stamp;
	b->started_ms = clock_mono_ms();
	daemon_write(s->d, seen_write, seen_done, b);
	tidy_note(s->d);
}
