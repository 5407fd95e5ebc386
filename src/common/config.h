/*
 * config: the one INI file (README.md "Configuration"), parsed into a
 * typed struct.
 * Every program calls config_load once at start-up; the struct is then
 * read-only.  Unknown sections or keys and malformed values are errors
 * reported as "file:line: key: what is wrong".
 */
#ifndef WAGW_CONFIG_H
#define WAGW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_PATH_MAX		4096
#define CONFIG_VALUE_MAX	1024
#define CONFIG_CORS_MAX		16
#define CONFIG_USERS_MAX	16

struct config {
	/* [store] */
	char	 database[CONFIG_PATH_MAX];
	/* [sessiond] */
	char	 socket[CONFIG_PATH_MAX];
	char	 id[65];		/* gatewayId; "" = the host name */
	char	 link[16];		/* the link a new session gets */
	char	 credentials_key_file[CONFIG_PATH_MAX];
	char	 sim_network[CONFIG_PATH_MAX];
	/* who may use the socket, besides root and the daemon's own user */
	char	 allowed_users[CONFIG_VALUE_MAX];
	int	 lookup_timeout_ms;
	int	 lookups_per_minute;
	int	 lookup_burst;
	int	 lookups_per_day;
	int	 check_cache_s;
	/* [whatsapp]: the whatsapp link driver's own section */
	struct config_whatsapp {
		char	 url[CONFIG_VALUE_MAX];		/* wss://host[:port]/path */
		char	 ca_file[CONFIG_PATH_MAX];	/* "" = the system's */
		char	 noise_root_key[65];		/* hex; "" = WhatsApp's */
		char	 version[32];			/* "2.3000.N"; "" = built in */
		char	 version_url[CONFIG_VALUE_MAX];	/* "" = never refreshed */
	} wa;
	/* [auth] */
	char	 jwks_file[CONFIG_PATH_MAX];
	char	 jwks_url[CONFIG_VALUE_MAX];
	char	 jwt_issuer[CONFIG_VALUE_MAX];
	char	 jwt_audience[CONFIG_VALUE_MAX];
	int	 jwt_leeway_s;
	char	 org_claim[128];
	char	 org_role_claim[128];
	char	 platform_role_claim[128];
	/* [http] */
	char	 cors_origins[CONFIG_CORS_MAX][256];
	size_t	 cors_origins_n;
	/* Where it was read from, for messages. */
	char	 path[CONFIG_PATH_MAX];
};

/*
 * Fills cfg with the documented defaults; the paths are those configure
 * was given (WAGW_STATEDIR = LOCALSTATEDIR/lib/wagw, WAGW_RUNDIR =
 * RUNSTATEDIR/wagw, SYSCONFDIR/wagw), as in the generated example.
 */
void config_defaults(struct config *cfg);

/*
 * The path to read: explicit (from --config) if not NULL, else
 * $WAGW_CONFIG, else SYSCONFDIR/wagw/wagw.conf.  Borrowed string.
 */
const char *config_path(const char *explicit_path);

/*
 * Loads defaults, then the file at path.  Returns 0, or -1 with a
 * message "path:line: key: problem" in err (errlen bytes).
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/*
 * Parses an INI document held in memory, named name in messages.
 * Same contract as config_load; used by config_load and the fuzzer.
 */
int config_parse_buffer(struct config *cfg, const char *name,
    const char *buf, size_t len, char *err, size_t errlen);

/* The link drivers a session may use ("sim", "whatsapp"). */
int config_link_known(const char *name);

/* Nonzero when origin (len bytes) is one of [http] cors_origins. */
int config_cors_allowed(const struct config *cfg, const char *origin, size_t len);

#endif
