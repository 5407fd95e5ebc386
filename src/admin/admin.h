/*
 * wagw-admin: the operator's CLI.  Each noun (org, session, key) has
 * its own file; this header is what they share.
 *
 * Exit status (README.md "Operating: wagw-admin"): 0 success, 1 usage
 * error (usage on stderr), 2 any other failure (reason on stderr).
 * stdout carries only results, and for `key create` only the new secret.
 */
#ifndef WAGW_ADMIN_H
#define WAGW_ADMIN_H

#include <stdio.h>

#include "common/config.h"

#define ADMIN_OK	0
#define ADMIN_USAGE	1
#define ADMIN_FAIL	2

/*
 * Each command's usage, after "wagw-admin [--config FILE] ": in its
 * errors, its --help (help.c) and wagw-admin(8), which must agree.
 */
#define USAGE_INIT		"init"
#define USAGE_ORG_ADD		"org add ORG [--name NAME]"
#define USAGE_ORG_LIST		"org list [--json]"
#define USAGE_SESSION_ADD	"session add SESSION --org ORG [--label TEXT] [--link sim|whatsapp]"
#define USAGE_SESSION_LIST	"session list [--org ORG] [--json]"
#define USAGE_SESSION_RM	"session rm SESSION"
#define USAGE_SESSION_STATUS	"session status [SESSION]"
#define USAGE_SESSION_CONNECT	"session connect SESSION"
#define USAGE_SESSION_DISCONNECT "session disconnect SESSION"
#define USAGE_SESSION_PAIR	"session pair SESSION [--phone PHONE] [--png FILE]"
#define USAGE_SESSION_LOGOUT	"session logout SESSION"
#define USAGE_KEY_CREATE	"key create --org ORG --permissions PERM[,PERM...] " \
	"[--name TEXT] [--expires-in DAYS]"
#define USAGE_KEY_LIST		"key list [--org ORG] [--json]"
#define USAGE_KEY_REVOKE	"key revoke KEY_ID"
#define USAGE_SIM_SCAN		"sim scan QR_TEXT --account PHONE"
#define USAGE_SIM_LINK_CODE	"sim link-code CODE"
#define USAGE_SIM_UNLINK	"sim unlink SESSION"
#define USAGE_SIM_DROP		"sim drop SESSION"

struct store;
struct json_object;
struct sessiond_client;

struct admin {
	const char	*config_file;	/* --config, or NULL */
	struct config	 cfg;
	int		 cfg_loaded;
	struct store	*st;		/* opened on demand */
	struct sessiond_client *sd;	/* made on demand */
};

/* Loads the configuration once; ADMIN_OK or ADMIN_FAIL (reported). */
int admin_config(struct admin *a);
/* Opens the database as its writer (migrating unless init is running it). */
int admin_store(struct admin *a, struct store **out);
/* The daemon client (it connects on first use); ADMIN_OK or ADMIN_FAIL. */
int admin_daemon(struct admin *a, struct sessiond_client **out);
/*
 * Turns a daemon answer about session id into an exit status, with the
 * reason (the daemon's own words where it gave some) on stderr.
 */
int admin_daemon_rc(struct admin *a, const char *id, int rc);
void admin_close(struct admin *a);

/* Reports a failure on stderr and returns ADMIN_FAIL. */
int admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a usage error with the command's usage line; returns ADMIN_USAGE. */
int admin_usage(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * The usage error of a getopt_long loop (optstring ":..." and opterr 0,
 * so that getopt says nothing itself) that returned c: an unknown option,
 * or one without its argument.  Returns ADMIN_USAGE.
 */
int admin_getopt_error(const char *usage, int c, char **argv);

/*
 * help.c: what --help prints.  Writes the help of noun and verb (each
 * NULL for less: all commands, one noun's) to f.  0, or -1 when there
 * is no such command (nothing written).
 */
int admin_help(FILE *f, const char *noun, const char *verb);
/* Whether noun is a command (init) or a family of them (org, ...). */
int admin_noun_known(const char *noun);
/* Whether argv asks for help (-h or --help before any "--"). */
int admin_help_wanted(int argc, char **argv);
/* A usage error for a noun without a verb it knows (argv[0], if any). */
int admin_verb_unknown(const char *noun, int argc, char **argv);
/* Prints a JSON value on stdout followed by a newline, and releases it. */
void admin_print_json(struct json_object *v);
/*
 * Parses what every list command takes: --json, and --org ORG when org
 * is not NULL (*org stays NULL without it).  ADMIN_OK or a usage error.
 */
int admin_list_args(int argc, char **argv, const char *usage, const char **org,
    int *json);
/*
 * Ends a list command whose store call returned rc: prints list (the
 * --json array, or NULL for text) and releases it.  Returns the exit status.
 */
int admin_list_done(int rc, struct json_object *list);
/* Nonzero when s is printable UTF-8 text of at most max bytes. */
int admin_text_ok(const char *s, size_t max);

int admin_init(struct admin *a, int argc, char **argv);
int admin_org(struct admin *a, int argc, char **argv);
int admin_session(struct admin *a, int argc, char **argv);
int admin_key(struct admin *a, int argc, char **argv);
int admin_sim(struct admin *a, int argc, char **argv);

#endif
