/*
 * simnet: the simulated WhatsApp network file (docs/simulated-network.md), parsed
 * strictly into an immutable in-memory world (see link_sim.c for how a
 * session sees it).  Unknown members, wrong types, malformed numbers,
 * LIDs or JIDs, duplicate accounts and references to unknown accounts are
 * errors naming the file and the JSON path.
 */
#ifndef WAGW_SESSIOND_SIMNET_H
#define WAGW_SESSIOND_SIMNET_H

#include <stddef.h>
#include <stdint.h>

#define SIMNET_FILE_MAX		(512u * 1024 * 1024)
#define SIMNET_LATENCY_MAX	60000
#define SIMNET_PAIR_MS_MAX	3600000
#define SIMNET_TIME_MAX		INT64_C(253402300799999)	/* 9999-12-31, in ms */

enum simnet_role { SIMNET_MEMBER, SIMNET_ADMIN, SIMNET_SUPERADMIN };

struct simnet_account {
	char		*lid;		/* digits */
	char		*phone;		/* digits or NULL: never visible */
	char		*name;		/* or NULL */
	char		*business_name;	/* or NULL */
	char		*about;		/* "" by default */
	int		 about_hidden;
};

struct simnet_member {
	const struct simnet_account *account;
	enum simnet_role role;
	int		 phone_hidden;
	char		*tag;		/* or NULL */
};

struct simnet_group {
	char		*jid;
	char		*subject;	/* or NULL */
	char		*description;	/* or NULL */
	const struct simnet_account *owner;	/* or NULL */
	int		 announce;	/* -1 not said */
	int		 locked;	/* -1 not said */
	int64_t		 created_ms;	/* 0 not said */
	struct simnet_member *members;
	size_t		 nmembers;
};

struct simnet_session {
	char		*id;
	char		*account;	/* own phone digits, or NULL */
	int		 connected;	/* state at daemon start */
	int		 rate_overlimit;	/* every lookup answers rate-overlimit */
	const struct simnet_account **dms;
	size_t		 ndms;
	struct simnet_group *groups;
	size_t		 ngroups;
};

struct simnet {
	int		 latency_ms;
	/* "pairing": a QR lasts qr_first_ms, then each of the following
	 * qr_count - 1 lasts qr_next_ms; a phone code lasts code_ms. */
	int		 qr_first_ms, qr_next_ms, qr_count, code_ms;
	struct simnet_account *accounts;
	size_t		 naccounts;
	struct simnet_session *sessions;
	size_t		 nsessions;
	struct hmap	*by_lid, *by_phone, *by_session, *by_account;
};

/*
 * Reads and parses the file at path.  Returns 0 and *out (caller frees
 * with simnet_free), or -1 with "path: $.json.path: what is wrong" in err.
 */
int simnet_load(struct simnet **out, const char *path, char *err, size_t errlen);
/* The same for len bytes of buf, named name in messages. */
int simnet_parse(struct simnet **out, const char *name, const char *buf,
    size_t len, char *err, size_t errlen);
void simnet_free(struct simnet *net);

/* Lookups; NULL when absent.  Results are owned by net. */
const struct simnet_account *simnet_by_lid(const struct simnet *net, const char *lid);
const struct simnet_account *simnet_by_phone(const struct simnet *net, const char *phone);
const struct simnet_session *simnet_session(const struct simnet *net, const char *id);
/* The first session entry whose "account" is phone: what that account sees. */
const struct simnet_session *simnet_by_account(const struct simnet *net,
    const char *phone);

/* "member", "admin" or "superadmin". */
const char *simnet_role_str(enum simnet_role role);

#endif
