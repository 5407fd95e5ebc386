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

#include "common/config.h"

#define ADMIN_OK	0
#define ADMIN_USAGE	1
#define ADMIN_FAIL	2

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
