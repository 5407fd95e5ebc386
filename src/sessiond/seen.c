/*
 * What sessions see, written to the store.  A burst reported by the link
 * is copied into a batch and written in one transaction per loop round
 * that lasts about SEEN_ROUND_MS, so that 10^5 contacts are stored in
 * seconds while requests keep being served in between.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

enum seen_kind { SEEN_SELF, SEEN_CONTACT, SEEN_DM, SEEN_GROUP, SEEN_MEMBER };

struct seen_item {
	enum seen_kind	 kind;
	/* SELF: a phone.  CONTACT: a lid, b phone, c name, e business.
	 * DM: a lid.  GROUP: a jid, b subject.  MEMBER: a lid, b role, c tag. */
	const char	*a, *b, *c, *e;
};

struct seen_batch {
	char		 session[STORE_ID_MAX + 1];
	struct seen_item *items;
	size_t		 n, next;
	char		*arena;
	size_t		 arena_len;
	struct hmap	*ids;		/* lid -> contact id */
	int64_t		 group_id;	/* of the latest GROUP item */
	int64_t		 started_ms;
	size_t		 ncontacts;
	struct seen_batch *next_batch;
};

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

static void seen_step(void *arg);

static void
seen_schedule(struct daemon *d, int64_t ms)
{
	if (d->seen_timer == NULL && d->seen_head != NULL)
		d->seen_timer = loop_timer_add(d->loop, ms, seen_step, d);
}

void
seen_ev(void *arg, const char *session, const struct link_seen *seen)
{
	struct daemon *d = arg;
	struct seen_batch *b;
	size_t i, k, n = 1, bytes = seen_len(seen->self_phone);

	for (i = 0; i < seen->ncontacts; i++)
		bytes += seen_len(seen->contacts[i].lid) +
		    seen_len(seen->contacts[i].phone) +
		    seen_len(seen->contacts[i].name) +
		    seen_len(seen->contacts[i].business_name);
	for (i = 0; i < seen->ndms; i++)
		bytes += seen_len(seen->dms[i]);
	for (i = 0; i < seen->ngroups; i++) {
		const struct link_group *g = &seen->groups[i];

		bytes += seen_len(g->jid) + seen_len(g->subject);
		for (k = 0; k < g->nmembers; k++)
			bytes += seen_len(g->members[k].lid) +
			    seen_len(g->members[k].role) + seen_len(g->members[k].tag);
		n += g->nmembers;
	}
	n += seen->ncontacts + seen->ndms + seen->ngroups;
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->items = calloc(n, sizeof(*b->items))) == NULL ||
	    (b->arena = malloc(bytes + 1)) == NULL ||
	    (b->ids = hmap_new()) == NULL) {
		log_warnx("session %s: out of memory queueing what it sees", session);
		seen_batch_free(b);
		return;
	}
	snprintf(b->session, sizeof(b->session), "%s", session);
	b->items[b->n].kind = SEEN_SELF;
	b->items[b->n++].a = seen_copy(b, seen->self_phone);
	for (i = 0; i < seen->ncontacts; i++) {
		struct seen_item *it = &b->items[b->n++];

		it->kind = SEEN_CONTACT;
		it->a = seen_copy(b, seen->contacts[i].lid);
		it->b = seen_copy(b, seen->contacts[i].phone);
		it->c = seen_copy(b, seen->contacts[i].name);
		it->e = seen_copy(b, seen->contacts[i].business_name);
	}
	b->ncontacts = seen->ncontacts;
	for (i = 0; i < seen->ndms; i++) {
		b->items[b->n].kind = SEEN_DM;
		b->items[b->n++].a = seen_copy(b, seen->dms[i]);
	}
	for (i = 0; i < seen->ngroups; i++) {
		const struct link_group *g = &seen->groups[i];

		b->items[b->n].kind = SEEN_GROUP;
		b->items[b->n].a = seen_copy(b, g->jid);
		b->items[b->n++].b = seen_copy(b, g->subject);
		for (k = 0; k < g->nmembers; k++) {
			struct seen_item *it = &b->items[b->n++];

			it->kind = SEEN_MEMBER;
			it->a = seen_copy(b, g->members[k].lid);
			it->b = seen_copy(b, g->members[k].role);
			it->c = seen_copy(b, g->members[k].tag);
		}
	}
	b->started_ms = clock_mono_ms();
	if (d->seen_tail != NULL)
		d->seen_tail->next_batch = b;
	else
		d->seen_head = b;
	d->seen_tail = b;
	seen_schedule(d, 0);
}

/* The id of the contact lid in this batch; upserts a bare one if unseen. */
static int
seen_contact_id(struct daemon *d, struct seen_batch *b, struct session *s,
    const char *lid, int64_t now, int64_t *id)
{
	struct store_seen_contact sc = { lid, NULL, NULL, NULL };
	void *v = hmap_get(b->ids, lid, strlen(lid));
	int rc;

	if (v != NULL) {
		*id = (int64_t)(intptr_t)v;
		return STORE_OK;
	}
	if ((rc = store_contact_upsert(d->st, s->rowid, &sc, now, id)) == STORE_OK &&
	    hmap_put(b->ids, lid, strlen(lid), (void *)(intptr_t)*id) == -1)
		rc = STORE_ERROR;
	return rc;
}

static int
seen_item(struct daemon *d, struct seen_batch *b, struct session *s,
    const struct seen_item *it, int64_t now)
{
	struct store_seen_contact sc;
	char jid[JID_STR_MAX];
	int64_t id;
	int rc = STORE_OK;

	switch (it->kind) {
	case SEEN_SELF:
		if (it->a != NULL) {
			snprintf(jid, sizeof(jid), "%s@s.whatsapp.net", it->a);
			rc = store_session_set_self(d->st, s->rowid, it->a, jid, NULL, now);
		}
		break;
	case SEEN_CONTACT:
		sc.lid = it->a;
		sc.phone = it->b;
		sc.name = it->c;
		sc.business_name = it->e;
		if ((rc = store_contact_upsert(d->st, s->rowid, &sc, now, &id)) ==
		    STORE_OK && hmap_put(b->ids, it->a, strlen(it->a),
		    (void *)(intptr_t)id) == -1)
			rc = STORE_ERROR;
		break;
	case SEEN_DM:
		if ((rc = seen_contact_id(d, b, s, it->a, now, &id)) == STORE_OK)
			rc = store_dm_upsert(d->st, s->rowid, id, now);
		break;
	case SEEN_GROUP:
		rc = store_group_upsert(d->st, s->rowid, it->a, it->b, now, &b->group_id);
		break;
	case SEEN_MEMBER:
		if ((rc = seen_contact_id(d, b, s, it->a, now, &id)) == STORE_OK)
			rc = store_member_upsert(d->st, b->group_id, id, it->b, it->c, now);
		break;
	}
	return rc;
}

/*
 * Writes queued items in one transaction for about budget_ms (all of them
 * when budget_ms is 0).  -1 when the store was busy.
 */
static int
seen_write(struct daemon *d, int64_t budget_ms)
{
	struct seen_batch *b;
	struct session *s;
	int64_t now = clock_wall_ms(), end = clock_mono_ms() + budget_ms;
	size_t done = 0;
	int rc, more = 1;

	if ((rc = store_begin(d->st)) != STORE_OK)
		return rc == STORE_BUSY ? -1 : 0;
	while ((b = d->seen_head) != NULL && more) {
		/* A session dropped from the database meanwhile: nothing to store. */
		if ((s = session_get(d, b->session)) != NULL) {
			while (b->next < b->n && more) {
				if ((rc = seen_item(d, b, s, &b->items[b->next], now)) != STORE_OK)
					log_warnx("session %s: storing what it sees: %s",
					    s->id, store_rc_str(rc));
				b->next++;
				/* The clock is read every 64 rows only. */
				if (++done % 64 == 0 && budget_ms > 0 &&
				    clock_mono_ms() >= end)
					more = 0;
			}
			if (b->next < b->n)
				break;
			log_info("session %s: stored %zu contacts (%zu rows) in %lld ms",
			    b->session, b->ncontacts, b->n,
			    (long long)(clock_mono_ms() - b->started_ms));
		}
		d->seen_head = b->next_batch;
		if (d->seen_head == NULL)
			d->seen_tail = NULL;
		seen_batch_free(b);
	}
	if ((rc = store_commit(d->st)) != STORE_OK) {
		log_warnx("storing what sessions see: commit: %s", store_rc_str(rc));
		store_rollback(d->st);
	}
	return 0;
}

static void
seen_step(void *arg)
{
	struct daemon *d = arg;

	d->seen_timer = NULL;
	/* Busy (wagw-admin writing): try again shortly. */
	seen_schedule(d, seen_write(d, SEEN_ROUND_MS) == -1 ? 100 : 0);
	/* A burst can be large (10^5 contacts): give its memory back. */
	if (d->seen_head == NULL)
		malloc_trim(0);
}

void
seen_flush(struct daemon *d)
{
	int tries = 0;

	loop_timer_cancel(d->seen_timer);
	d->seen_timer = NULL;
	while (d->seen_head != NULL && tries < 3)
		if (seen_write(d, 0) == -1)
			tries++;
}

void
seen_free_all(struct daemon *d)
{
	struct seen_batch *b;

	while ((b = d->seen_head) != NULL) {
		d->seen_head = b->next_batch;
		seen_batch_free(b);
	}
	d->seen_tail = NULL;
}
