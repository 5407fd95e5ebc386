/*
 * wa_group: group metadata (L13): the w:g2 queries for all groups the
 * account takes part in and for one group, the <group> nodes their
 * answers hold (subject, description, owner, size, announce/locked,
 * members with roles and PN/LID pairs), and the w:gp2 notifications that
 * say what changed.  Shapes follow whatsmeow's group.go and Baileys'
 * extractGroupMetadata; strings borrow from the node parsed.
 */
#ifndef WAGW_WA_GROUP_H
#define WAGW_WA_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "common/jid.h"
#include "wa/wa_node.h"

enum wa_group_role { WA_GROUP_MEMBER, WA_GROUP_ADMIN, WA_GROUP_SUPERADMIN };

struct wa_group_member {
	const char		*jid;	/* as sent: PN or LID */
	const char		*pn;	/* the PN JID when known, or NULL */
	const char		*lid;	/* the LID JID when known, or NULL */
	enum wa_group_role	 role;
	const char		*display_name;	/* or NULL */
};

struct wa_group {
	char			 jid[JID_STR_MAX];	/* "<id>@g.us" */
	const char		*subject;	/* or NULL */
	int64_t			 subject_t;
	const char		*subject_owner, *subject_owner_pn;
	const char		*owner, *owner_pn;	/* the creator */
	int64_t			 creation;
	uint64_t		 size;	/* "size", else the members listed */
	const struct wa_str	*description;	/* <description><body> */
	const char		*description_id;
	int			 announce;	/* only admins send */
	int			 locked;	/* only admins edit the info */
	uint32_t		 ephemeral;	/* disappearing timer, s; 0 off */
	const char		*addressing_mode;	/* "pn", "lid" or NULL */
	struct wa_group_member	*members;	/* owned */
	size_t			 nmembers;
};

/*
 * <iq to="@g.us" xmlns="w:g2" type="get" id><participating><participants/>
 * <description/></participating></iq>.
 */
struct wa_node *wa_group_all_query(const char *id);
/*
 * <iq type="get" xmlns="w:g2" to=group id><query request="interactive"/>
 * </iq> for one group JID ("...@g.us").  NULL for another server.
 */
struct wa_node *wa_group_one_query(const char *id, const char *group);

/*
 * Parses one <group> node.  Returns 0, or -1 when it has no id or memory
 * ran out (g empty).  Free with wa_group_clear.
 */
int wa_group_parse(const struct wa_node *n, struct wa_group *g);
void wa_group_clear(struct wa_group *g);
/*
 * The groups in an answer: <groups><group/>...</groups> or a single
 * <group>.  Unreadable <group> children are skipped.  Returns 0 with
 * *out (free with wa_group_list_free) and *n, or -1 when reply holds no
 * group list at all, or memory ran out.
 */
int wa_group_parse_answer(const struct wa_node *reply, struct wa_group **out,
    size_t *n);
void wa_group_list_free(struct wa_group *g, size_t n);

enum wa_group_change_kind {
	WA_GROUP_ADD,		/* members joined or were added */
	WA_GROUP_REMOVE,	/* members left or were removed */
	WA_GROUP_PROMOTE,	/* members became admins */
	WA_GROUP_DEMOTE,	/* admins became members */
	WA_GROUP_SUBJECT,
	WA_GROUP_DESCRIPTION,	/* text NULL: deleted */
	WA_GROUP_ANNOUNCE,	/* flag */
	WA_GROUP_LOCKED,	/* flag */
	WA_GROUP_EPHEMERAL,	/* timer in value, 0 off */
	WA_GROUP_CREATE,	/* we were added to a new group: group */
	WA_GROUP_DELETE
};

struct wa_group_change {
	enum wa_group_change_kind kind;
	const char		*group;		/* the notification's from */
	const char		*author;	/* participant, or NULL */
	const char		*author_pn;	/* participant_pn, or NULL */
	int64_t			 t;
	struct wa_group_member	*members;	/* ADD..DEMOTE; owned */
	size_t			 nmembers;
	const char		*reason;	/* ADD, DELETE; or NULL */
	const char		*subject;	/* SUBJECT */
	const struct wa_str	*text;		/* DESCRIPTION */
	int			 flag;		/* ANNOUNCE, LOCKED */
	uint64_t		 value;		/* EPHEMERAL */
	struct wa_group		*created;	/* CREATE; owned */
};

/*
 * The changes in a <notification type="w:gp2" from=group>, one per child
 * it understands (others are skipped).  Returns 0 with *out (free with
 * wa_group_changes_free) and *n, or -1 when it is not such a
 * notification or memory ran out.
 */
int wa_group_changes(const struct wa_node *n, struct wa_group_change **out,
    size_t *nout);
void wa_group_changes_free(struct wa_group_change *c, size_t n);

#endif
