/*
 * store: the SQLite database.  All SQL of wagw lives in the store_*.c
 * files and nowhere else; every statement is prepared once per process
 * (on first use) and bound with parameters.
 *
 * One writer at a time (wagw-sessiond, wagw-admin) and any number of
 * readers (wagw.fcgi).  WAL mode lets readers run beside the writer.
 *
 * Return codes: every function returns one of enum store_rc.  Strings
 * passed in are borrowed for the call only.  Rows handed to callbacks
 * point into SQLite's memory and are valid only during the callback.
 */
#ifndef WAGW_STORE_H
#define WAGW_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION	7
#define STORE_ID_MAX		64	/* org, session, key ids: [A-Za-z0-9_-]{1,64} */
#define STORE_CURSOR_KEY_LEN	32

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,		/* no such row */
	STORE_EXISTS,		/* duplicate id */
	STORE_NOREF,		/* a referenced row (organization) is missing */
	STORE_INUSE,		/* still referenced (org with sessions or keys) */
	STORE_BUSY,		/* locked past busy_timeout: answer 503 */
	STORE_SCHEMA,		/* database not initialized or schema too new/old */
	STORE_ERROR		/* anything else; details were logged */
};

enum store_open_mode {
	STORE_READER,		/* wagw.fcgi: query_only, never migrates */
	STORE_WRITER		/* wagw-sessiond, wagw-admin */
};

struct store;

/*
 * Opens path.  A writer creates the file if needed but does not migrate;
 * call store_migrate.  A reader fails with STORE_SCHEMA unless the schema
 * is exactly STORE_SCHEMA_VERSION.  busy_ms bounds every wait for a lock.
 * On failure *out is NULL and err (errlen bytes) says why, once: for a
 * directory or file this process cannot use (missing, closed to it, not
 * writable where SQLite must make the database or its WAL files), which
 * one, its owner and mode, and the user.  A writer checks that before it
 * opens; a reader when SQLite fails.
 */
int store_open(struct store **out, const char *path, enum store_open_mode mode,
    int busy_ms, char *err, size_t errlen);
void store_close(struct store *st);

/* A new database, and so its WAL files: the owner's and its group's. */
#define STORE_FILE_MODE	0660
#define STORE_PATH_MAX	1024

/*
 * Whether this process may read and write the database at path and the
 * WAL files beside it (those that exist).  0, or -1 with err naming the
 * file, its owner, group and mode, and what it needs to be.
 */
int store_check_access(const char *path, char *err, size_t errlen);

/* Creates or upgrades the schema to STORE_SCHEMA_VERSION. */
int store_migrate(struct store *st);
/*
 * The same, but only up to version (1..STORE_SCHEMA_VERSION): tests
 * make a database as an older release left it, then migrate it.
 */
int store_migrate_to(struct store *st, int version);
int store_schema_version(struct store *st, int *version);

/* Transactions for a writer's burst of changes (BEGIN IMMEDIATE). */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);
/*
 * A nested unit inside a transaction: store_savepoint, then
 * store_release to keep its changes or store_rollback_to to undo only
 * them (the daemon's writer runs each job so).
 */
int store_savepoint(struct store *st);
int store_release(struct store *st);
int store_rollback_to(struct store *st);

/*
 * One read snapshot across several queries: one lock round trip instead
 * of one per statement.  Never hold it across a wait (a live lookup): an
 * open snapshot stops WAL checkpoints.  store_read_end after an error
 * that already ended the transaction is harmless.
 */
int store_read_begin(struct store *st);
int store_read_end(struct store *st);

/* A cheap read that proves the database answers (for /readyz). */
int store_ping(struct store *st);

/* The secret that authenticates list cursors; made once by migrate. */
int store_cursor_key(struct store *st, unsigned char key[STORE_CURSOR_KEY_LEN]);

/* ---- organizations ---- */
struct store_org {
	const char	*id;
	const char	*name;
	int64_t		 created_ms;
};
typedef int (*store_org_cb)(const struct store_org *, void *arg);	/* nonzero stops */

int store_org_add(struct store *st, const char *id, const char *name, int64_t now_ms);
/* Adds org (no name) unless it exists. */
int store_org_ensure(struct store *st, const char *id, int64_t now_ms);
int store_org_exists(struct store *st, const char *id);
int store_org_list(struct store *st, store_org_cb cb, void *arg);

/* ---- sessions ---- */
#define STORE_LINK_MAX		15	/* a link driver's name */
#define STORE_LABEL_MAX		400	/* bytes (100 code points of UTF-8 and more) */
#define STORE_REASON_MAX	127
#define STORE_NAME_MAX		255	/* a push name, bytes */
#define STORE_JID_MAX		95

/*
 * A session row.  Strings are copied into the struct (cut to their
 * buffers); "" means unset.  The status is one of status.h's names, as
 * the daemon last stored it.
 */
struct store_session {
	int64_t		 rowid;		/* internal key, used by contact queries */
	char		 id[STORE_ID_MAX + 1];
	char		 org[STORE_ID_MAX + 1];
	char		 link[STORE_LINK_MAX + 1];
	char		 label[STORE_LABEL_MAX + 1];
	char		 status[16];
	char		 reason[STORE_REASON_MAX + 1];
	char		 phone[16];		/* the paired account: digits */
	char		 jid[STORE_JID_MAX + 1];
	char		 lid[STORE_JID_MAX + 1];
	char		 push_name[STORE_NAME_MAX + 1];
	char		 gateway_id[STORE_ID_MAX + 1];
	int		 autostart;		/* -1 never set, 0 stay stopped, 1 run */
	int64_t		 last_connected_ms;	/* 0: never */
	int64_t		 created_ms;
	int64_t		 updated_ms;
};
typedef int (*store_session_cb)(const struct store_session *, void *arg);

/* What a new session starts with (the daemon's create). */
struct store_session_new {
	const char	*id;
	const char	*org;
	const char	*label;		/* NULL: "" */
	const char	*link;
	const char	*gateway_id;	/* NULL: unset */
	int		 autostart;	/* -1, 0 or 1 */
};

/* What the daemon records when a session's state changes. */
struct store_session_state {
	const char	*status;	/* status.h name */
	const char	*reason;	/* NULL or "": none */
	int		 autostart;	/* -1, 0 or 1 */
	const char	*gateway_id;
	int64_t		 last_connected_ms;	/* 0: never */
};

/* The paired account (all NULL: not paired any more). */
struct store_session_identity {
	const char	*phone;		/* digits */
	const char	*jid;
	const char	*lid;
	const char	*push_name;
};

/*
 * wagw-admin's add: link "sim", autostart never set.  STORE_NOREF when
 * org does not exist, STORE_EXISTS for a duplicate id.
 */
int store_session_add(struct store *st, const char *id, const char *org,
    const char *label, int64_t now_ms);
/* The same with everything chosen; *rowid (may be NULL) gets the new key. */
int store_session_create(struct store *st, const struct store_session_new *n,
    int64_t now_ms, int64_t *rowid);
/* Removes the session and everything stored for it.  STORE_NOTFOUND if absent. */
int store_session_rm(struct store *st, const char *id);
/* Fills rowid, id and org only (the per-request check); STORE_NOTFOUND if absent. */
int store_session_lookup(struct store *st, const char *id, struct store_session *out);
/* Fills the whole row; STORE_NOTFOUND if absent. */
int store_session_get(struct store *st, const char *id, struct store_session *out);
/* org NULL: all organizations.  Ordered by id. */
int store_session_list(struct store *st, const char *org, store_session_cb cb, void *arg);
/*
 * One page of org's sessions in creation (rowid) order after the rowid
 * after (0: from the start): at most limit rows, *more set to 1 when
 * further rows exist.
 */
int store_session_page(struct store *st, const char *org, int64_t after,
    int limit, store_session_cb cb, void *arg, int *more);
int store_session_set_state(struct store *st, int64_t session_rowid,
    const struct store_session_state *state, int64_t now_ms);
int store_session_set_identity(struct store *st, int64_t session_rowid,
    const struct store_session_identity *id, int64_t now_ms);
/* The query plan of store_session_page (tests). */
int store_session_page_plan(struct store *st, char *buf, size_t buflen);

/*
 * A session's link credentials, as the daemon sealed them (credseal.h):
 * opaque bytes, never read by anything but the daemon.  get returns a
 * malloc'd copy in *blob (caller frees) or STORE_NOTFOUND.
 */
int store_creds_get(struct store *st, int64_t session_rowid, unsigned char **blob,
    size_t *len);
int store_creds_put(struct store *st, int64_t session_rowid,
    const unsigned char *blob, size_t len, int64_t now_ms);
int store_creds_delete(struct store *st, int64_t session_rowid);

/* ---- API keys ---- */
#define STORE_KEY_PREFIX_MAX	16
#define STORE_KEY_HASH_LEN	32

struct store_key {
	char		 id[STORE_ID_MAX + 1];
	char		 org[STORE_ID_MAX + 1];
	const char	*name;		/* borrowed */
	char		 prefix[STORE_KEY_PREFIX_MAX + 1];	/* public, unique */
	unsigned char	 hash[STORE_KEY_HASH_LEN];	/* of the whole secret */
	unsigned	 permissions;	/* bit set of enum cap (cap.h) */
	int64_t		 created_ms;
	int64_t		 expires_ms;	/* 0: never */
	int64_t		 revoked_ms;	/* 0: not revoked */
	int64_t		 last_used_ms;	/* 0: never */
};
typedef int (*store_key_cb)(const struct store_key *, void *arg);

int store_key_add(struct store *st, const struct store_key *key);
/* By public prefix; fills everything but name (NULL).  STORE_NOTFOUND if absent. */
int store_key_by_prefix(struct store *st, const char *prefix, struct store_key *out);
/* org NULL: all.  Ordered by creation. */
int store_key_list(struct store *st, const char *org, store_key_cb cb, void *arg);
/*
 * STORE_NOTFOUND if no such key; STORE_EXISTS if it was revoked already
 * (the first time is kept).
 */
int store_key_revoke(struct store *st, const char *id, int64_t now_ms);
int store_key_touch(struct store *st, const char *id, int64_t now_ms);

/* ---- contacts: the list endpoint ---- */
enum store_source { STORE_SOURCE_ANY, STORE_SOURCE_DM, STORE_SOURCE_GROUP };

struct store_contact_query {
	int64_t		 session_rowid;
	enum store_source source;
	const char	*group_jid;	/* NULL: any group (already validated) */
	const char	*q;		/* NULL: no search; valid UTF-8, no NUL */
	int64_t		 after;		/* keyset position from the cursor; 0 = start */
	int		 limit;		/* 1..200 */
};

struct store_contact {
	int64_t		 key;		/* keyset position of this row */
	const char	*lid;		/* digits */
	const char	*phone;		/* digits or NULL */
	const char	*name;		/* or NULL */
	const char	*business_name;	/* or NULL */
	int		 has_dm;
};
typedef int (*store_contact_cb)(const struct store_contact *, void *arg);

/*
 * Calls cb for at most q->limit matching contacts in keyset order and
 * sets *more to 1 when further matches exist after the last one.
 */
int store_contacts_page(struct store *st, const struct store_contact_query *q,
    store_contact_cb cb, void *arg, int *more);

/* The query plan SQLite chose for the statement q would use (tests). */
int store_contacts_plan(struct store *st, const struct store_contact_query *q,
    char *buf, size_t buflen);

/*
 * One step of merging the search index into a single segment: at most
 * pages leaf pages (> 0) written.  start begins a pass, the steps after
 * it continue; *done is set when a step found nothing left to do.  The
 * index grows by segments as contacts arrive, and every search looks up
 * each of its trigrams in every segment: merged, a search does ~40% less
 * work (store_schema.c).  The writer only, in a transaction.
 */
int store_search_tidy(struct store *st, int pages, int start, int *done);

/* ---- what a session sees (the daemon writes these in a transaction) ---- */
struct store_seen_contact {
	const char	*lid;		/* digits; NULL: known by phone only (kept aside
					 * until a report pairs the phone with a LID) */
	const char	*phone;		/* digits or NULL: NULL keeps a known phone */
	const char	*name;		/* NULL keeps */
	const char	*business_name;	/* NULL keeps */
};

/*
 * Upserts by (session, LID); *contact_id gets the contact's id (0 for a
 * person known by phone only).  A LID reported with a phone takes over
 * what was kept for that phone alone.
 */
int store_contact_upsert(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms, int64_t *contact_id);
/*
 * What the session learnt of a person it has already seen (a lookup's
 * answer, say): updates the contact with c's LID, or what is kept for
 * c's phone alone, and never makes a new contact.  A phone kept alone
 * that c pairs with a LID becomes a contact, as with
 * store_contact_upsert.
 */
int store_contact_update(struct store *st, int64_t session_rowid,
    const struct store_seen_contact *c, int64_t now_ms);
int store_dm_upsert(struct store *st, int64_t session_rowid, int64_t contact_id,
    int64_t now_ms);
/* What a link reports of a group; every unknown field keeps what is stored. */
struct store_seen_group {
	const char	*jid;
	const char	*subject;	/* NULL keeps */
	const char	*description;	/* NULL keeps; "" says it was removed */
	const char	*owner_jid;	/* NULL keeps */
	int64_t		 size;		/* participants; -1 keeps */
	int		 announce;	/* 0/1; -1 keeps */
	int		 locked;	/* 0/1; -1 keeps */
	int64_t		 created_ms;	/* WhatsApp's creation time; 0 keeps */
};
/*
 * Upserts by (session, JID); *group_id (may be NULL) gets the group's id.
 * updated_ms moves only when a stored field changes.
 */
int store_group_seen(struct store *st, int64_t session_rowid,
    const struct store_seen_group *g, int64_t now_ms, int64_t *group_id);
/* store_group_seen with the JID and subject alone. */
int store_group_upsert(struct store *st, int64_t session_rowid, const char *jid,
    const char *subject, int64_t now_ms, int64_t *group_id);
/*
 * role: member|admin|superadmin; tag may be NULL (keeps).  The
 * membership's last_seen_ms becomes now_ms.
 */
int store_member_upsert(struct store *st, int64_t group_id, int64_t contact_id,
    const char *role, const char *tag, int64_t now_ms);
/* The session's contact lid is no longer a member of group_id. */
int store_member_remove(struct store *st, int64_t group_id, int64_t session_rowid,
    const char *lid);
/*
 * A report listed every member of group_id, each upserted with
 * seen_ms: the others have left.  seen_ms must differ from every earlier
 * report's (the daemon makes its stamps strictly increasing).
 */
int store_members_prune(struct store *st, int64_t group_id, int64_t seen_ms);

/* ---- groups, members and one contact: the read endpoints ---- */

/* A group row; strings borrowed for the callback, NULL when unknown. */
struct store_group {
	int64_t		 key;		/* keyset position (internal id) */
	const char	*jid;
	const char	*subject;
	const char	*description;
	const char	*owner_jid;
	int64_t		 size;		/* -1 unknown */
	int		 announce;	/* -1 unknown */
	int		 locked;	/* -1 unknown */
	int64_t		 created_ms;	/* 0 unknown */
	int64_t		 first_seen_ms;
	int64_t		 updated_ms;
};
typedef int (*store_group_cb)(const struct store_group *, void *arg);

struct store_group_query {
	int64_t		 session_rowid;
	const char	*q;		/* NULL: all; else valid UTF-8 without NUL */
	int64_t		 after;		/* keyset position; 0 = start */
	int		 limit;		/* 1..200 */
};

/*
 * Calls cb for at most q->limit groups of the session whose folded
 * subject contains the folded q (text_fold, as contact names), in keyset
 * order; *more is 1 when further matches exist.
 */
int store_groups_page(struct store *st, const struct store_group_query *q,
    store_group_cb cb, void *arg, int *more);
int store_groups_plan(struct store *st, const struct store_group_query *q,
    char *buf, size_t buflen);
/* The session's group jid (bare, as stored); STORE_NOTFOUND if unseen. */
int store_group_get(struct store *st, int64_t session_rowid, const char *jid,
    store_group_cb cb, void *arg);

/* A membership row; strings borrowed for the callback. */
struct store_member {
	int64_t		 key;		/* keyset position (the contact's id) */
	const char	*lid;		/* digits */
	const char	*phone;		/* digits or NULL */
	const char	*name;		/* or NULL */
	const char	*role;		/* member|admin|superadmin */
	const char	*tag;		/* or NULL */
	int64_t		 first_seen_ms;
	int64_t		 last_seen_ms;
};
typedef int (*store_member_cb)(const struct store_member *, void *arg);

struct store_member_query {
	int64_t		 group_id;	/* store_group.key of the session's group */
	const char	*role;		/* NULL: any */
	int64_t		 after;
	int		 limit;		/* 1..200 */
};

int store_members_page(struct store *st, const struct store_member_query *q,
    store_member_cb cb, void *arg, int *more);
int store_members_plan(struct store *st, const struct store_member_query *q,
    char *buf, size_t buflen);

/* Everything stored of one person; strings borrowed for the callback. */
struct store_contact_detail {
	int64_t		 id;
	const char	*lid;		/* digits */
	const char	*phone;		/* digits or NULL */
	const char	*phone_jid;	/* or NULL */
	const char	*name;
	const char	*business_name;
	int64_t		 first_seen_ms;
	int64_t		 updated_ms;
	int		 has_dm;
};
/* One of the groups a contact is in. */
struct store_contact_group {
	const char	*jid;
	const char	*subject;	/* or NULL */
	const char	*role;
	const char	*tag;		/* or NULL */
	int64_t		 last_seen_ms;
};
typedef int (*store_contact_detail_cb)(const struct store_contact_detail *, void *arg);
typedef int (*store_contact_group_cb)(const struct store_contact_group *, void *arg);

/* The session's contact lid (digits); STORE_NOTFOUND if it has not seen it. */
int store_contact_get(struct store *st, int64_t session_rowid, const char *lid,
    store_contact_detail_cb cb, void *arg);
/* The groups contact_id (store_contact_detail.id) is in, oldest group first. */
int store_contact_groups(struct store *st, int64_t contact_id,
    store_contact_group_cb cb, void *arg);

/* ---- a session's live-lookup limits, kept across daemon restarts ---- */
struct store_limits {
	int64_t		 bucket_debt;	/* the token bucket's debt at bucket_at_ms,
					 * in 1/60000 tokens (ratelimit_save) */
	int64_t		 bucket_at_ms;	/* wall clock */
	int64_t		 day;		/* UTC day number of day_count */
	int64_t		 day_count;	/* lookups spent that day */
	int64_t		 backoff_until_ms;	/* wall clock; 0: no back-off */
	int64_t		 backoff_ms;	/* the last back-off's length */
};
/* STORE_NOTFOUND when nothing was kept for the session. */
int store_limits_get(struct store *st, int64_t session_rowid, struct store_limits *out);
int store_limits_put(struct store *st, int64_t session_rowid,
    const struct store_limits *l, int64_t now_ms);

/* ---- check cache ---- */
struct store_check {
	int		 on_whatsapp;
	char		 jid[96];	/* empty when not on WhatsApp */
	int64_t		 checked_ms;
};
/* STORE_NOTFOUND when absent or older than max_age_ms. phone: digits. */
int store_check_get(struct store *st, int64_t session_rowid, const char *phone,
    int64_t now_ms, int64_t max_age_ms, struct store_check *out);
int store_check_put(struct store *st, int64_t session_rowid, const char *phone,
    const struct store_check *c);

const char *store_rc_str(int rc);

#endif
