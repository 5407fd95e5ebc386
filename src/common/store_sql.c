/*
 * Every SQL statement of wagw.  Parameters are always bound, never
 * pasted in.  Each list shape has one statement so that SQLite plans it
 * once for its driving index (see store_contacts.c).
 */
#include "common/store_impl.h"

/* Columns and filters shared by the list statements.
 * ?1 session  ?2 after (keyset)  ?3 rows to fetch
 * ?4 source (0 any, 1 dm, 2 group)  ?5 folded name needle or NULL
 * ?6 phone needle or NULL  ?7 group JID  ?8 FTS5 expression */
#define LIST_COLUMNS \
	"SELECT c.id, c.lid, c.phone, c.push_name, c.business_name, c.has_dm"
#define LIST_FILTERS \
	" AND (?4 <> 1 OR c.has_dm)" \
	" AND (?4 <> 2 OR c.in_group)" \
	" AND (?5 IS NULL OR instr(c.name_folded, ?5) > 0" \
	"      OR (?6 IS NOT NULL AND instr(c.phone, ?6) > 0))"

#define SQL_LIST_ALL LIST_COLUMNS \
	" FROM contacts c WHERE c.session = ?1 AND c.id > ?2" LIST_FILTERS \
	" ORDER BY c.id LIMIT ?3"
#define SQL_LIST_DM LIST_COLUMNS \
	" FROM direct_chats d JOIN contacts c ON c.id = d.contact" \
	" WHERE d.session = ?1 AND d.contact > ?2" LIST_FILTERS \
	" ORDER BY d.contact LIMIT ?3"
#define SQL_LIST_GROUP LIST_COLUMNS \
	" FROM groups g JOIN group_members m ON m.grp = g.id" \
	" JOIN contacts c ON c.id = m.contact" \
	" WHERE g.session = ?1 AND g.jid = ?7 AND m.contact > ?2" LIST_FILTERS \
	" ORDER BY m.contact LIMIT ?3"
/* The index's rowid is (session << 40) + contact id (store_schema.c,
 * version 5): the bounds keep the search inside the session's range. */
#define SQL_LIST_FTS LIST_COLUMNS \
	" FROM contacts_fts f JOIN contacts c ON c.id = f.rowid - (?1 << 40)" \
	" WHERE contacts_fts MATCH ?8 AND f.rowid > (?1 << 40) + ?2" \
	" AND f.rowid < ((?1 + 1) << 40) AND c.session = ?1" \
	LIST_FILTERS " ORDER BY f.rowid LIMIT ?3"

/* The groups list (store_groups.c).  ?1 session  ?2 after  ?3 rows
 * ?4 folded subject needle or NULL */
#define GROUP_COLUMNS \
	"SELECT g.id, g.jid, g.subject, g.description, g.owner_jid, g.size," \
	" g.announce, g.locked, g.created_wa_ms, g.first_seen_ms, g.updated_ms" \
	" FROM groups g"
#define SQL_GROUPS_PAGE GROUP_COLUMNS \
	" WHERE g.session = ?1 AND g.id > ?2" \
	" AND (?4 IS NULL OR instr(g.subject_folded, ?4) > 0)" \
	" ORDER BY g.id LIMIT ?3"
/* A group's members.  ?1 group  ?2 after (contact id)  ?3 rows  ?4 role */
#define SQL_MEMBERS_PAGE \
	"SELECT m.contact, c.lid, c.phone, c.push_name, m.role, m.tag," \
	" m.first_seen_ms, m.last_seen_ms" \
	" FROM group_members m JOIN contacts c ON c.id = m.contact" \
	" WHERE m.grp = ?1 AND m.contact > ?2 AND (?4 IS NULL OR m.role = ?4)" \
	" ORDER BY m.contact LIMIT ?3"

/* Every column of a session row, in store_session_row's order. */
#define SESSION_COLUMNS \
	"SELECT sid, id, org_id, link, label, status, status_reason, own_phone," \
	" own_jid, own_lid, push_name, gateway_id, autostart, last_connected_ms," \
	" created_ms, updated_ms FROM sessions"
#define SQL_SESSION_PAGE SESSION_COLUMNS \
	" WHERE org_id = ?1 AND sid > ?2 ORDER BY sid LIMIT ?3"

const char *const store_sql[SS_COUNT] = {
	[SS_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[SS_PING] = "SELECT count(*) FROM organizations",
	[SS_READ_BEGIN] = "BEGIN",
	[SS_READ_END] = "COMMIT",

	[SS_ORG_ADD] = "INSERT INTO organizations (id, name, created_ms)"
	    " VALUES (?1, ?2, ?3)",
	[SS_ORG_ENSURE] = "INSERT INTO organizations (id, created_ms) VALUES (?1, ?2)"
	    " ON CONFLICT (id) DO NOTHING",
	[SS_ORG_EXISTS] = "SELECT 1 FROM organizations WHERE id = ?1",
	[SS_ORG_LIST] = "SELECT id, name, created_ms FROM organizations ORDER BY id",

	[SS_SESSION_ADD] = "INSERT INTO sessions (id, org_id, label, link, autostart,"
	    " gateway_id, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
	[SS_SESSION_RM] = "DELETE FROM sessions WHERE id = ?1",
	[SS_SESSION_LOOKUP] = "SELECT sid, id, org_id FROM sessions WHERE id = ?1",
	[SS_SESSION_GET] = SESSION_COLUMNS " WHERE id = ?1",
	[SS_SESSION_LIST_ALL] = SESSION_COLUMNS " ORDER BY id",
	[SS_SESSION_LIST_ORG] = SESSION_COLUMNS " WHERE org_id = ?1 ORDER BY id",
	[SS_SESSION_PAGE] = SQL_SESSION_PAGE,
	[SS_SESSION_PAGE_PLAN] = "EXPLAIN QUERY PLAN " SQL_SESSION_PAGE,
	[SS_SESSION_SET_STATE] = "UPDATE sessions SET status = ?2, status_reason = ?3,"
	    " autostart = ?4, gateway_id = coalesce(?5, gateway_id),"
	    " last_connected_ms = coalesce(?6, last_connected_ms), updated_ms = ?7"
	    " WHERE sid = ?1",
	[SS_SESSION_SET_IDENTITY] = "UPDATE sessions SET own_phone = ?2, own_jid = ?3,"
	    " own_lid = ?4, push_name = ?5, updated_ms = ?6 WHERE sid = ?1",
	[SS_CREDS_GET] = "SELECT blob FROM session_credentials WHERE session = ?1",
	[SS_CREDS_PUT] = "INSERT INTO session_credentials (session, blob, updated_ms)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (session) DO UPDATE SET"
	    " blob = excluded.blob, updated_ms = excluded.updated_ms",
	[SS_CREDS_DELETE] = "DELETE FROM session_credentials WHERE session = ?1",

	[SS_KEY_ADD] = "INSERT INTO api_keys (id, org_id, name, prefix, secret_hash,"
	    " permissions, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8)",
	[SS_KEY_BY_PREFIX] = "SELECT id, org_id, prefix, secret_hash, permissions,"
	    " created_ms, expires_ms, revoked_ms, last_used_ms FROM api_keys"
	    " WHERE prefix = ?1",
	[SS_KEY_LIST_ALL] = "SELECT id, org_id, prefix, secret_hash, permissions,"
	    " created_ms, expires_ms, revoked_ms, last_used_ms, name FROM api_keys"
	    " ORDER BY created_ms, id",
	[SS_KEY_LIST_ORG] = "SELECT id, org_id, prefix, secret_hash, permissions,"
	    " created_ms, expires_ms, revoked_ms, last_used_ms, name FROM api_keys"
	    " WHERE org_id = ?1 ORDER BY created_ms, id",
	/* The first revocation stays; the time says whether this was it. */
	[SS_KEY_REVOKE] = "UPDATE api_keys SET revoked_ms = coalesce(revoked_ms, ?2)"
	    " WHERE id = ?1 RETURNING revoked_ms",
	/* Reports may arrive out of order: last use only moves forward. */
	[SS_KEY_TOUCH] = "UPDATE api_keys SET last_used_ms ="
	    " max(coalesce(last_used_ms, 0), ?2) WHERE id = ?1",

	[SS_LIST_ALL] = SQL_LIST_ALL,
	[SS_LIST_DM] = SQL_LIST_DM,
	[SS_LIST_GROUP] = SQL_LIST_GROUP,
	[SS_LIST_FTS] = SQL_LIST_FTS,
	[SS_CONTACT_COUNT] = "SELECT contact_count, dm_count FROM sessions WHERE sid = ?1",
	/* ?1 < 0 starts a pass that merges every segment (FTS5's incremental
	 * optimize), ?1 > 0 continues it: at most |?1| leaf pages a step. */
	[SS_SEARCH_MERGE] = "INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('merge', ?1)",
	[SS_PLAN_ALL] = "EXPLAIN QUERY PLAN " SQL_LIST_ALL,
	[SS_PLAN_DM] = "EXPLAIN QUERY PLAN " SQL_LIST_DM,
	[SS_PLAN_GROUP] = "EXPLAIN QUERY PLAN " SQL_LIST_GROUP,
	[SS_PLAN_FTS] = "EXPLAIN QUERY PLAN " SQL_LIST_FTS,

	/* A NULL field keeps what is known; updated_ms moves only on change. */
	[SS_CONTACT_UPSERT] = "INSERT INTO contacts (session, lid, phone, phone_jid,"
	    " push_name, business_name, name_folded, first_seen_ms, updated_ms)"
	    " VALUES (?1, ?2, ?3, ?3 || '@s.whatsapp.net', ?4, ?5, ?6, ?7, ?7)"
	    " ON CONFLICT (session, lid) DO UPDATE SET"
	    " phone = coalesce(excluded.phone, phone),"
	    " phone_jid = coalesce(excluded.phone_jid, phone_jid),"
	    " push_name = coalesce(excluded.push_name, push_name),"
	    " business_name = coalesce(excluded.business_name, business_name),"
	    " name_folded = coalesce(excluded.name_folded, name_folded),"
	    " updated_ms = CASE WHEN"
	    "  phone IS NOT coalesce(excluded.phone, phone) OR"
	    "  push_name IS NOT coalesce(excluded.push_name, push_name) OR"
	    "  business_name IS NOT coalesce(excluded.business_name, business_name)"
	    "  THEN excluded.updated_ms ELSE updated_ms END"
	    " RETURNING id",
	[SS_CONTACT_UPDATE] = "UPDATE contacts SET"
	    " phone = coalesce(?3, phone),"
	    " phone_jid = coalesce(?3 || '@s.whatsapp.net', phone_jid),"
	    " push_name = coalesce(?4, push_name),"
	    " business_name = coalesce(?5, business_name),"
	    " name_folded = coalesce(?6, name_folded),"
	    " updated_ms = CASE WHEN"
	    "  phone IS NOT coalesce(?3, phone) OR"
	    "  push_name IS NOT coalesce(?4, push_name) OR"
	    "  business_name IS NOT coalesce(?5, business_name)"
	    "  THEN ?7 ELSE updated_ms END"
	    " WHERE session = ?1 AND lid = ?2",
	[SS_PN_UPDATE] = "UPDATE pn_contacts SET"
	    " push_name = coalesce(?3, push_name),"
	    " business_name = coalesce(?4, business_name),"
	    " updated_ms = ?5 WHERE session = ?1 AND phone = ?2",
	[SS_PN_EXISTS] = "SELECT 1 FROM pn_contacts WHERE session = ?1 AND phone = ?2",
	[SS_PN_UPSERT] = "INSERT INTO pn_contacts (session, phone, push_name,"
	    " business_name, first_seen_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (session, phone) DO UPDATE SET"
	    " push_name = coalesce(excluded.push_name, push_name),"
	    " business_name = coalesce(excluded.business_name, business_name),"
	    " updated_ms = excluded.updated_ms",
	[SS_PN_TAKE] = "DELETE FROM pn_contacts WHERE session = ?1 AND phone = ?2"
	    " RETURNING push_name, business_name",
	[SS_DM_UPSERT] = "INSERT INTO direct_chats (contact, session, first_seen_ms,"
	    " last_seen_ms) VALUES (?2, ?1, ?3, ?3) ON CONFLICT (contact) DO UPDATE"
	    " SET last_seen_ms = excluded.last_seen_ms",
	/* A NULL field keeps what is known; updated_ms moves only on change. */
	[SS_GROUP_UPSERT] = "INSERT INTO groups (session, jid, subject, subject_folded,"
	    " description, owner_jid, size, announce, locked, created_wa_ms,"
	    " first_seen_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10, ?11, ?11) ON CONFLICT (session, jid) DO UPDATE SET"
	    " subject = coalesce(excluded.subject, subject),"
	    " subject_folded = coalesce(excluded.subject_folded, subject_folded),"
	    " description = coalesce(excluded.description, description),"
	    " owner_jid = coalesce(excluded.owner_jid, owner_jid),"
	    " size = coalesce(excluded.size, size),"
	    " announce = coalesce(excluded.announce, announce),"
	    " locked = coalesce(excluded.locked, locked),"
	    " created_wa_ms = coalesce(excluded.created_wa_ms, created_wa_ms),"
	    " updated_ms = CASE WHEN"
	    "  subject IS NOT coalesce(excluded.subject, subject) OR"
	    "  description IS NOT coalesce(excluded.description, description) OR"
	    "  owner_jid IS NOT coalesce(excluded.owner_jid, owner_jid) OR"
	    "  size IS NOT coalesce(excluded.size, size) OR"
	    "  announce IS NOT coalesce(excluded.announce, announce) OR"
	    "  locked IS NOT coalesce(excluded.locked, locked) OR"
	    "  created_wa_ms IS NOT coalesce(excluded.created_wa_ms, created_wa_ms)"
	    "  THEN excluded.updated_ms ELSE updated_ms END"
	    " RETURNING id",
	[SS_MEMBER_UPSERT] = "INSERT INTO group_members (grp, contact, role, tag,"
	    " first_seen_ms, last_seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (grp, contact) DO UPDATE SET role = excluded.role,"
	    " tag = coalesce(excluded.tag, tag), last_seen_ms = excluded.last_seen_ms",

	[SS_MEMBER_REMOVE] = "DELETE FROM group_members WHERE grp = ?1 AND contact ="
	    " (SELECT id FROM contacts WHERE session = ?2 AND lid = ?3)",
	[SS_MEMBERS_PRUNE] = "DELETE FROM group_members WHERE grp = ?1"
	    " AND last_seen_ms <> ?2",

	[SS_GROUPS_PAGE] = SQL_GROUPS_PAGE,
	[SS_GROUPS_PLAN] = "EXPLAIN QUERY PLAN " SQL_GROUPS_PAGE,
	[SS_GROUP_GET] = GROUP_COLUMNS " WHERE g.session = ?1 AND g.jid = ?2",
	[SS_MEMBERS_PAGE] = SQL_MEMBERS_PAGE,
	[SS_MEMBERS_PLAN] = "EXPLAIN QUERY PLAN " SQL_MEMBERS_PAGE,
	[SS_CONTACT_GET] = "SELECT c.id, c.lid, c.phone, c.phone_jid, c.push_name,"
	    " c.business_name, c.first_seen_ms, c.updated_ms, c.has_dm"
	    " FROM contacts c WHERE c.session = ?1 AND c.lid = ?2",
	/* group_members_contact holds (contact, grp): no sort. */
	[SS_CONTACT_GROUPS] = "SELECT g.jid, g.subject, m.role, m.tag, m.last_seen_ms"
	    " FROM group_members m JOIN groups g ON g.id = m.grp"
	    " WHERE m.contact = ?1 ORDER BY m.grp",

	[SS_LIMITS_GET] = "SELECT bucket_debt, bucket_at_ms, day, day_count,"
	    " backoff_until_ms, backoff_ms FROM session_limits WHERE session = ?1",
	[SS_LIMITS_PUT] = "INSERT INTO session_limits (session, bucket_debt,"
	    " bucket_at_ms, day, day_count, backoff_until_ms, backoff_ms, updated_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (session) DO UPDATE SET"
	    " bucket_debt = excluded.bucket_debt, bucket_at_ms = excluded.bucket_at_ms,"
	    " day = excluded.day, day_count = excluded.day_count,"
	    " backoff_until_ms = excluded.backoff_until_ms,"
	    " backoff_ms = excluded.backoff_ms, updated_ms = excluded.updated_ms",
	[SS_CHECK_GET] = "SELECT on_whatsapp, jid, checked_ms FROM check_cache"
	    " WHERE session = ?1 AND phone = ?2",
	[SS_CHECK_PUT] = "INSERT INTO check_cache (session, phone, on_whatsapp, jid,"
	    " checked_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (session, phone)"
	    " DO UPDATE SET on_whatsapp = excluded.on_whatsapp, jid = excluded.jid,"
	    " checked_ms = excluded.checked_ms",
};
