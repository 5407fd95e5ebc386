#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/log.h"
#include "common/store_impl.h"
#include "common/text.h"

/*
 * Searching names: `q` is a case-insensitive substring over names in
 * every script.  Names are folded once, when stored (text_fold:
 * libunistring full case folding + NFC), into contacts.name_folded, and
 * `q` is folded the same way, so matching is a byte-exact substring test.
 *
 * For 3 or more characters an FTS5 trigram index over name_folded and
 * phone finds candidate rows of the caller's session (the index is keyed
 * by session: version 5), and instr() keeps the exact substrings; a
 * session of at most STORE_SCAN_MAX contacts is scanned instead.
 * The index is asked for a few trigrams that cover the needle (AND),
 * not for the needle as a phrase: a phrase needs detail=full position
 * lists and walks them for every candidate, ~3x slower at 10^5
 * contacts, with a larger index.  Trigrams cannot answer 1-2
 * characters, so those scan the session's contacts with instr() alone
 * (no LIKE: '%' and '_' in q stay ordinary characters).  The index is
 * case_sensitive because its input is already folded: it must not fold
 * again differently from libunistring.
 *
 * Known cost: a trigram found in most rows (every name "Person N", every
 * phone with the same country prefix) makes the AND walk its long list;
 * such a search costs up to a scan of the session.
 */
static const char store_schema_v1[] =
"CREATE TABLE meta ("
"  key TEXT PRIMARY KEY,"
"  value BLOB NOT NULL"
") WITHOUT ROWID;"
"CREATE TABLE organizations ("
"  id TEXT PRIMARY KEY,"
"  name TEXT NOT NULL DEFAULT '',"
"  created_ms INTEGER NOT NULL"
");"
"CREATE TABLE sessions ("
"  sid INTEGER PRIMARY KEY,"
"  id TEXT NOT NULL UNIQUE,"
"  org_id TEXT NOT NULL REFERENCES organizations(id),"
"  label TEXT NOT NULL DEFAULT '',"
"  own_phone TEXT,"
"  own_jid TEXT,"
"  own_lid TEXT,"
"  created_ms INTEGER NOT NULL,"
"  updated_ms INTEGER NOT NULL"
");"
"CREATE INDEX sessions_org ON sessions(org_id, id);"
"CREATE TABLE api_keys ("
"  id TEXT PRIMARY KEY,"
"  org_id TEXT NOT NULL REFERENCES organizations(id),"
"  name TEXT NOT NULL DEFAULT '',"
"  prefix TEXT NOT NULL UNIQUE,"
"  secret_hash BLOB NOT NULL,"
"  permissions INTEGER NOT NULL,"
"  created_ms INTEGER NOT NULL,"
"  expires_ms INTEGER,"
"  revoked_ms INTEGER,"
"  last_used_ms INTEGER"
");"
"CREATE INDEX api_keys_org ON api_keys(org_id, created_ms);"
/* A contact's id is its keyset position: immutable, and never reused. */
"CREATE TABLE contacts ("
"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
"  session INTEGER NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,"
"  lid TEXT NOT NULL,"
"  phone TEXT,"
"  phone_jid TEXT,"
"  push_name TEXT,"
"  business_name TEXT,"
"  name_folded TEXT,"
"  first_seen_ms INTEGER NOT NULL,"
"  updated_ms INTEGER NOT NULL,"
"  UNIQUE (session, lid)"
");"
/* (session, rowid): a page is one index range seek, flat with depth. */
"CREATE INDEX contacts_session ON contacts(session);"
"CREATE TABLE direct_chats ("
"  contact INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,"
"  session INTEGER NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,"
"  first_seen_ms INTEGER NOT NULL,"
"  last_seen_ms INTEGER NOT NULL"
");"
"CREATE INDEX direct_chats_session ON direct_chats(session);"
"CREATE TABLE groups ("
"  id INTEGER PRIMARY KEY,"
"  session INTEGER NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,"
"  jid TEXT NOT NULL,"
"  subject TEXT,"
"  first_seen_ms INTEGER NOT NULL,"
"  updated_ms INTEGER NOT NULL,"
"  UNIQUE (session, jid)"
");"
"CREATE TABLE group_members ("
"  grp INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
"  contact INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
"  role TEXT NOT NULL CHECK (role IN ('member', 'admin', 'superadmin')),"
"  tag TEXT,"
"  first_seen_ms INTEGER NOT NULL,"
"  last_seen_ms INTEGER NOT NULL,"
"  PRIMARY KEY (grp, contact)"
") WITHOUT ROWID;"
"CREATE INDEX group_members_contact ON group_members(contact);"
"CREATE TABLE check_cache ("
"  session INTEGER NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,"
"  phone TEXT NOT NULL,"
"  on_whatsapp INTEGER NOT NULL,"
"  jid TEXT,"
"  checked_ms INTEGER NOT NULL,"
"  PRIMARY KEY (session, phone)"
") WITHOUT ROWID;"
"CREATE VIRTUAL TABLE contacts_fts USING fts5("
"  name_folded, phone, content='contacts', content_rowid='id',"
"  tokenize='trigram case_sensitive 1', detail=column"
");"
"CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN"
"  INSERT INTO contacts_fts(rowid, name_folded, phone)"
"    VALUES (new.id, new.name_folded, new.phone);"
"END;"
"CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN"
"  INSERT INTO contacts_fts(contacts_fts, rowid, name_folded, phone)"
"    VALUES ('delete', old.id, old.name_folded, old.phone);"
"END;"
"CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name_folded, phone ON contacts"
"  WHEN old.name_folded IS NOT new.name_folded OR old.phone IS NOT new.phone BEGIN"
"  INSERT INTO contacts_fts(contacts_fts, rowid, name_folded, phone)"
"    VALUES ('delete', old.id, old.name_folded, old.phone);"
"  INSERT INTO contacts_fts(rowid, name_folded, phone)"
"    VALUES (new.id, new.name_folded, new.phone);"
"END;"
"PRAGMA user_version = 1;";

/*
 * Version 2: sessions that live.  A session remembers its link driver,
 * the state the daemon last stored, whether it should run (autostart:
 * NULL for rows made before sessions had a life of their own, which the
 * driver may provision) and the paired account.  Credentials are a table
 * of their own, which no statement of the responder ever reads; they are
 * sealed by the daemon (credseal.h).  People known by phone only wait in
 * pn_contacts until a report pairs the phone with a LID.
 */
static const char store_schema_v2[] =
"ALTER TABLE sessions ADD COLUMN link TEXT NOT NULL DEFAULT 'sim';"
"ALTER TABLE sessions ADD COLUMN status TEXT NOT NULL DEFAULT 'stopped';"
"ALTER TABLE sessions ADD COLUMN status_reason TEXT;"
"ALTER TABLE sessions ADD COLUMN autostart INTEGER;"
"ALTER TABLE sessions ADD COLUMN push_name TEXT;"
"ALTER TABLE sessions ADD COLUMN gateway_id TEXT;"
"ALTER TABLE sessions ADD COLUMN last_connected_ms INTEGER;"
/* (org_id, rowid): the Sessions list is one index range seek per page. */
"CREATE INDEX sessions_org_sid ON sessions(org_id);"
"CREATE TABLE session_credentials ("
"  session INTEGER PRIMARY KEY REFERENCES sessions(sid) ON DELETE CASCADE,"
"  blob BLOB NOT NULL,"
"  updated_ms INTEGER NOT NULL"
");"
"CREATE TABLE pn_contacts ("
"  session INTEGER NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,"
"  phone TEXT NOT NULL,"
"  push_name TEXT,"
"  business_name TEXT,"
"  first_seen_ms INTEGER NOT NULL,"
"  updated_ms INTEGER NOT NULL,"
"  PRIMARY KEY (session, phone)"
") WITHOUT ROWID;"
"PRAGMA user_version = 2;";

/*
 * Version 3: a session's live-lookup limits (the token bucket, the day's
 * count, WhatsApp's back-off) survive a daemon restart, so that a crash or
 * a deploy hands no session a fresh budget.
 */
static const char store_schema_v3[] =
"CREATE TABLE session_limits ("
"  session INTEGER PRIMARY KEY REFERENCES sessions(sid) ON DELETE CASCADE,"
"  bucket_debt INTEGER NOT NULL,"
"  bucket_at_ms INTEGER NOT NULL,"
"  day INTEGER NOT NULL,"
"  day_count INTEGER NOT NULL,"
"  backoff_until_ms INTEGER NOT NULL,"
"  backoff_ms INTEGER NOT NULL,"
"  updated_ms INTEGER NOT NULL"
");"
"PRAGMA user_version = 3;";

/*
 * Version 4: what a session knows of its groups (description, owner,
 * size, who may send and edit, WhatsApp's creation time) and their
 * subjects folded for search, as contacts' names are (text_fold; filled
 * for the groups already stored by store_fold_subjects below).  Every
 * row, id and the cursor key stay: cursors issued before still work.
 * (session, rowid) is the groups list's keyset index.
 */
static const char store_schema_v4[] =
"ALTER TABLE groups ADD COLUMN subject_folded TEXT;"
"ALTER TABLE groups ADD COLUMN description TEXT;"
"ALTER TABLE groups ADD COLUMN owner_jid TEXT;"
"ALTER TABLE groups ADD COLUMN size INTEGER;"
"ALTER TABLE groups ADD COLUMN announce INTEGER;"
"ALTER TABLE groups ADD COLUMN locked INTEGER;"
"ALTER TABLE groups ADD COLUMN created_wa_ms INTEGER;"
"CREATE INDEX groups_session ON groups(session);"
"PRAGMA user_version = 4;";

/*
 * Version 5: a search costs what the caller's session holds, not what
 * the database holds (issue 14).  Before, the trigram index's rowid was
 * the contact id: a search walked the matches of every session and
 * dropped the others' afterwards, so a session of 9 contacts beside one
 * of 300,000 paid for the 300,000.  Two changes:
 *
 * - The index is keyed by session: its rowid is (session << 40) +
 *   contact id, so each trigram's list holds a session's rows together,
 *   in keyset order, and a search asks FTS5 for its session's range
 *   (store_sql.c, SQL_LIST_FTS).  Contact ids stay below 2^40 and
 *   session rowids below 2^22: the key fits in 62 bits.
 * - Each session counts its contacts (sessions.contact_count, kept by
 *   triggers), and a session of at most STORE_SCAN_MAX contacts is
 *   searched by a scan of its own rows (store_contacts.c).  Even keyed
 *   by session, the index costs what the database holds for a small
 *   session: every trigram is looked up in every segment of the index
 *   and sought to the session's place in lists as long as the whole
 *   database (~100 us at 10^6 contacts, where the session's own
 *   database answers in ~10 us); a scan of 1,000 rows costs about that,
 *   in any database.  bench/README.md, "Scale", has the figures.
 * - A contact says whether it has a direct chat (contacts.has_dm, kept
 *   by triggers on direct_chats): a page reads it with the row instead
 *   of looking each row up in direct_chats, a lookup that costs more the
 *   more direct chats the database holds.
 *
 * The index is contentless (content=''): the text is in contacts, the
 * index only finds rowids; the triggers give the old values to FTS5's
 * 'delete' command, as before.  Contacts, their ids and the cursor key
 * stay, so cursors issued before still work; the index is rebuilt from
 * contacts (about 5 s per 10^6 contacts).
 */
static const char store_schema_v5[] =
"ALTER TABLE sessions ADD COLUMN contact_count INTEGER NOT NULL DEFAULT 0;"
"UPDATE sessions SET contact_count ="
"  (SELECT count(*) FROM contacts WHERE contacts.session = sessions.sid);"
"ALTER TABLE contacts ADD COLUMN has_dm INTEGER NOT NULL DEFAULT 0;"
"UPDATE contacts SET has_dm = 1 WHERE id IN (SELECT contact FROM direct_chats);"
"CREATE TRIGGER direct_chats_inserted AFTER INSERT ON direct_chats BEGIN"
"  UPDATE contacts SET has_dm = 1 WHERE id = new.contact;"
"END;"
"CREATE TRIGGER direct_chats_deleted AFTER DELETE ON direct_chats BEGIN"
"  UPDATE contacts SET has_dm = 0 WHERE id = old.contact;"
"END;"
"DROP TRIGGER contacts_fts_insert;"
"DROP TRIGGER contacts_fts_delete;"
"DROP TRIGGER contacts_fts_update;"
"DROP TABLE contacts_fts;"
"CREATE VIRTUAL TABLE contacts_fts USING fts5("
"  name_folded, phone, content='',"
"  tokenize='trigram case_sensitive 1', detail=column"
");"
"INSERT INTO contacts_fts(rowid, name_folded, phone)"
"  SELECT (session << 40) + id, name_folded, phone FROM contacts"
"  ORDER BY session, id;"
"CREATE TRIGGER contacts_inserted AFTER INSERT ON contacts BEGIN"
"  INSERT INTO contacts_fts(rowid, name_folded, phone)"
"    VALUES ((new.session << 40) + new.id, new.name_folded, new.phone);"
"  UPDATE sessions SET contact_count = contact_count + 1 WHERE sid = new.session;"
"END;"
"CREATE TRIGGER contacts_deleted AFTER DELETE ON contacts BEGIN"
"  INSERT INTO contacts_fts(contacts_fts, rowid, name_folded, phone)"
"    VALUES ('delete', (old.session << 40) + old.id, old.name_folded, old.phone);"
"  UPDATE sessions SET contact_count = contact_count - 1 WHERE sid = old.session;"
"END;"
"CREATE TRIGGER contacts_renamed AFTER UPDATE OF name_folded, phone ON contacts"
"  WHEN old.name_folded IS NOT new.name_folded OR old.phone IS NOT new.phone BEGIN"
"  INSERT INTO contacts_fts(contacts_fts, rowid, name_folded, phone)"
"    VALUES ('delete', (old.session << 40) + old.id, old.name_folded, old.phone);"
"  INSERT INTO contacts_fts(rowid, name_folded, phone)"
"    VALUES ((new.session << 40) + new.id, new.name_folded, new.phone);"
"END;"
"PRAGMA user_version = 5;";

/*
 * Version 6: a first page is one range of one index.  With an index on
 * (session) alone, each row of a page cost a seek into the contacts
 * table for its columns, ~40% of SQLite's work for a page of 50
 * (bench/profile_list under callgrind).  contacts_page holds, in keyset
 * order within the session, every column the list reads or filters on,
 * so the plain list and the scans of small sessions and short q never
 * touch the table.  It replaces contacts_session (its prefix serves
 * every lookup by session) and costs the width of those columns again:
 * +28% for the 100,000 contacts of bench/run.
 */
static const char store_schema_v6[] =
"DROP INDEX contacts_session;"
"CREATE INDEX contacts_page ON contacts(session, id, has_dm, lid, phone,"
"  push_name, business_name, name_folded);"
"PRAGMA user_version = 6;";

/*
 * Version 7: the source filters read the page's index alone.  source=group
 * asked, for every row, whether the contact is in a group (a probe of
 * group_members_contact, an index as large as every session's
 * memberships): in_group now says so in the contact's row, kept by
 * triggers on group_members and held in contacts_page.  source=dm went
 * through direct_chats and a seek into contacts per row; a session that
 * is small, or whose contacts are often in direct chats, now scans its
 * range of contacts_page instead, for which it counts its direct chats
 * (dm_count).  The bigger the database, the deeper those seeks and
 * probes went (bench/scale: +10-16% in small sessions of 10^6 contacts).
 */
static const char store_schema_v7[] =
"ALTER TABLE contacts ADD COLUMN in_group INTEGER NOT NULL DEFAULT 0;"
"UPDATE contacts SET in_group = 1 WHERE id IN (SELECT contact FROM group_members);"
"CREATE TRIGGER group_members_inserted AFTER INSERT ON group_members BEGIN"
"  UPDATE contacts SET in_group = 1 WHERE id = new.contact AND in_group = 0;"
"END;"
"CREATE TRIGGER group_members_deleted AFTER DELETE ON group_members BEGIN"
"  UPDATE contacts SET in_group ="
"    EXISTS (SELECT 1 FROM group_members WHERE contact = old.contact)"
"    WHERE id = old.contact;"
"END;"
"ALTER TABLE sessions ADD COLUMN dm_count INTEGER NOT NULL DEFAULT 0;"
"UPDATE sessions SET dm_count ="
"  (SELECT count(*) FROM direct_chats WHERE direct_chats.session = sessions.sid);"
"DROP TRIGGER direct_chats_inserted;"
"DROP TRIGGER direct_chats_deleted;"
"CREATE TRIGGER direct_chats_inserted AFTER INSERT ON direct_chats BEGIN"
"  UPDATE contacts SET has_dm = 1 WHERE id = new.contact;"
"  UPDATE sessions SET dm_count = dm_count + 1 WHERE sid = new.session;"
"END;"
"CREATE TRIGGER direct_chats_deleted AFTER DELETE ON direct_chats BEGIN"
"  UPDATE contacts SET has_dm = 0 WHERE id = old.contact;"
"  UPDATE sessions SET dm_count = dm_count - 1 WHERE sid = old.session;"
"END;"
"DROP INDEX contacts_page;"
"CREATE INDEX contacts_page ON contacts(session, id, has_dm, in_group, lid, phone,"
"  push_name, business_name, name_folded);"
"PRAGMA user_version = 7;";

/* migrations[v] takes a database from user_version v to v + 1 and says so. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	store_schema_v1,
	store_schema_v2,
	store_schema_v3,
	store_schema_v4,
	store_schema_v5,
	store_schema_v6,
	store_schema_v7,
};

/*
 * Folds the subjects of the groups stored before version 4, in the
 * migration's transaction.  One-off statements: the schema just changed
 * under the cache.
 */
static int
store_fold_subjects(struct store *st)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char *folded;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "SELECT id, subject FROM groups"
	    " WHERE subject IS NOT NULL", -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, "UPDATE groups SET subject_folded = ?2"
		    " WHERE id = ?1", -1, &upd, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *subject = (const char *)sqlite3_column_text(sel, 1);

		/* Stored text that is not UTF-8 is never found by q. */
		if ((folded = text_fold(subject, strlen(subject))) == NULL) {
			rc = SQLITE_OK;
			continue;
		}
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_text(upd, 2, folded, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(upd);
		free(folded);
		sqlite3_reset(upd);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return store_rc_from_sqlite(st, rc == SQLITE_DONE ? SQLITE_OK : rc);
}

static int
store_make_cursor_key(struct store *st)
{
	unsigned char key[STORE_CURSOR_KEY_LEN];
	sqlite3_stmt *s = NULL;
	int rc;

	if (RAND_bytes(key, sizeof(key)) != 1) {
		log_warnx("store: no random bytes for the cursor key");
		return STORE_ERROR;
	}
	rc = sqlite3_prepare_v2(st->db,
	    "INSERT INTO meta (key, value) VALUES ('cursor_key', ?1)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_TRANSIENT);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return store_rc_from_sqlite(st, rc);
}

int
store_migrate(struct store *st)
{
	return store_migrate_to(st, STORE_SCHEMA_VERSION);
}

int
store_migrate_to(struct store *st, int target)
{
	int rc, version;

	if (st->mode != STORE_WRITER || target < 1 || target > STORE_SCHEMA_VERSION)
		return STORE_ERROR;
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	if ((rc = store_schema_version(st, &version)) != STORE_OK)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		log_warnx("store: schema version %d is newer than this build (%d)",
		    version, STORE_SCHEMA_VERSION);
		rc = STORE_SCHEMA;
		goto fail;
	}
	for (; version < target; version++) {
		if ((rc = store_exec(st, store_migrations[version])) != STORE_OK)
			goto fail;
		if (version == 0 && (rc = store_make_cursor_key(st)) != STORE_OK)
			goto fail;
		if (version == 3 && (rc = store_fold_subjects(st)) != STORE_OK)
			goto fail;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return rc;
}
