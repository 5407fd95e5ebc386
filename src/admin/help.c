/*
 * wagw-admin's help: every command's usage, a line of what it does and
 * the rest of what --help says about it.  wagw-admin(8) says the same at
 * more length; keep the two in step (check_admin compares their commands).
 */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"

struct help_cmd {
	const char	*noun;
	const char	*verb;		/* NULL: a command of one word (init) */
	const char	*usage;
	const char	*summary;	/* one line */
	const char	*text;		/* what --help adds; "" for nothing */
};

static const struct help_cmd help_cmds[] = {
	{ "init", NULL, USAGE_INIT, "create or migrate the database",
	  "Creates the database ([store] database), or migrates it to this version's\n"
	  "schema, and makes the credentials key (credentials_key_file, 32 random\n"
	  "bytes, mode 0600) when there is none; an existing key is never replaced.\n"
	  "Only init creates the database.  Run it as the daemon's user, who alone\n"
	  "may read the key.  Prints the schema version (and the key's path when it\n"
	  "made one) on stdout.\n" },
	{ "org", "add", USAGE_ORG_ADD, "add an organization",
	  "ORG is 1-64 of A-Z a-z 0-9 _ -.\n"
	  "  --name NAME   its display name (UTF-8 text, at most 256 bytes)\n" },
	{ "org", "list", USAGE_ORG_LIST, "list the organizations",
	  "Prints a header line, then ORG<TAB>NAME for each organization.\n"
	  "  --json        an array of {id, name, createdAt} instead\n" },
	{ "session", "add", USAGE_SESSION_ADD, "add a session to an organization",
	  "SESSION is 1-64 of A-Z a-z 0-9 _ -; a session that the simulated network\n"
	  "file names is paired with that entry's account.  A running wagw-sessiond\n"
	  "takes the session up on SIGHUP (systemctl reload wagw-sessiond).\n"
	  "  --org ORG          the organization it belongs to (required)\n"
	  "  --label TEXT       a label (UTF-8 text, at most 256 bytes)\n"
	  "  --link sim|whatsapp  its link (default: [sessiond] link)\n" },
	{ "session", "list", USAGE_SESSION_LIST, "list the sessions",
	  "Prints a header line, then SESSION<TAB>ORG<TAB>LINK<TAB>STATE<TAB>LABEL\n"
	  "for each session, with the state last stored.\n"
	  "  --org ORG     only this organization's\n"
	  "  --json        an array of session objects (as the API's) instead\n" },
	{ "session", "rm", USAGE_SESSION_RM, "remove a session and what it stored",
	  "Also removes its stored contacts and groups.  A running wagw-sessiond\n"
	  "drops its link on SIGHUP.\n" },
	{ "session", "status", USAGE_SESSION_STATUS, "ask the daemon for states",
	  "Asks the running wagw-sessiond; prints SESSION<TAB>STATE[<TAB>REASON]\n"
	  "for SESSION, or for every session.\n" },
	{ "session", "connect", USAGE_SESSION_CONNECT, "start a paired session",
	  "Starts it with its stored credentials and waits until it is working.\n" },
	{ "session", "disconnect", USAGE_SESSION_DISCONNECT, "stop a session",
	  "Stops it, keeping its credentials; it stays stopped across restarts.\n" },
	{ "session", "pair", USAGE_SESSION_PAIR, "pair a session with a phone",
	  "Shows the QR code in the terminal (redrawn as it rotates) and waits until\n"
	  "the session is paired (exit 0) or pairing ends (exit 2).\n"
	  "  --phone PHONE  pair by code instead: prints the code to type on the\n"
	  "                 phone of PHONE (E.164, +...)\n"
	  "  --png FILE     also write the QR code to FILE as a PNG image\n" },
	{ "session", "logout", USAGE_SESSION_LOGOUT, "unpair a session",
	  "Unpairs it (WhatsApp is told) and deletes its credentials; its stored\n"
	  "contacts stay.\n" },
	{ "key", "create", USAGE_KEY_CREATE, "make an API key",
	  "Prints the new secret alone on stdout, once; only its SHA-256 is kept.\n"
	  "  --org ORG          the organization the key acts for (required)\n"
	  "  --permissions PERM[,PERM...]  of read, send, manage, events (required)\n"
	  "  --name TEXT        a name to recognize it by (at most 256 bytes)\n"
	  "  --expires-in DAYS  it stops working after DAYS days (1-36500)\n" },
	{ "key", "list", USAGE_KEY_LIST, "list the API keys",
	  "Prints a header line, then for each key its id, organization, public\n"
	  "prefix, permissions, state (active, expired, revoked), expiry and last\n"
	  "use (UTC, or -) and name, separated by tabs.  Never a secret.\n"
	  "  --org ORG     only this organization's\n"
	  "  --json        an array of {id, name, org, permissions, prefix, createdAt,\n"
	  "                expiresAt, revokedAt, lastUsedAt} (ms; absent when unset)\n" },
	{ "key", "revoke", USAGE_KEY_REVOKE, "revoke an API key",
	  "The key stops working at once.  A key revoked already is an error (exit\n"
	  "2) and keeps its first revocation.\n" },
	{ "sim", "scan", USAGE_SIM_SCAN, "(link = sim) a phone scans the QR",
	  "The phone of PHONE (E.164), an account of the simulated network, scans\n"
	  "QR_TEXT, a QR code a session shows.\n" },
	{ "sim", "link-code", USAGE_SIM_LINK_CODE, "(link = sim) a phone enters the code",
	  "The user of the phone a pairing code was asked for types CODE.\n" },
	{ "sim", "unlink", USAGE_SIM_UNLINK, "(link = sim) the phone removes the device",
	  "The session's phone removes it from its linked devices: it is logged out.\n" },
	{ "sim", "drop", USAGE_SIM_DROP, "(link = sim) the network drops the link",
	  "The simulated network drops the session's connection; it reconnects.\n" },
};
#define HELP_NCMDS	(sizeof(help_cmds) / sizeof(help_cmds[0]))

static const char help_options[] =
"Options, before the command:\n"
"  -c, --config FILE  the configuration (else $WAGW_CONFIG, else\n"
"                     " WAGW_SYSCONFDIR "/wagw/wagw.conf)\n"
"  -h, --help         this text (COMMAND --help, or help COMMAND: that command's)\n"
"  -V, --version      the version\n"
"Exit status: 0 success, 1 usage error, 2 any other failure (the reason on\n"
"stderr).  Ids are 1-64 of A-Z a-z 0-9 _ -.  See wagw-admin(8).\n";

int
admin_noun_known(const char *noun)
{
	size_t i;

	for (i = 0; i < HELP_NCMDS; i++)
		if (strcmp(help_cmds[i].noun, noun) == 0)
			return 1;
	return 0;
}

static void
help_line(FILE *f, const struct help_cmd *c, int width)
{
	/* A usage too long for the column gets the summary on its own line. */
	if ((int)strlen(c->usage) < width)
		fprintf(f, "  %-*s %s\n", width, c->usage, c->summary);
	else
		fprintf(f, "  %s\n  %-*s %s\n", c->usage, width, "", c->summary);
}

static void
help_one(FILE *f, const struct help_cmd *c)
{
	fprintf(f, "wagw-admin %s%s%s - %s\n", c->noun, c->verb ? " " : "",
	    c->verb ? c->verb : "", c->summary);
	fprintf(f, "usage: wagw-admin [--config FILE] %s\n", c->usage);
	fputs(c->text, f);
}

int
admin_help(FILE *f, const char *noun, const char *verb)
{
	size_t i;

	if (noun == NULL) {
		fputs("usage: wagw-admin [--config FILE] COMMAND [ARGUMENTS]\n"
		    "       wagw-admin --help | --version | help [COMMAND]\n"
		    "The operator's tool of the wagw gateway: the database, organizations,\n"
		    "sessions, pairing and API keys.  Commands:\n", f);
		for (i = 0; i < HELP_NCMDS; i++)
			help_line(f, &help_cmds[i], 36);
		fputs(help_options, f);
		return 0;
	}
	for (i = 0; i < HELP_NCMDS; i++) {
		const struct help_cmd *c = &help_cmds[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		/* A command of one word (init): arguments do not matter. */
		if (c->verb == NULL || (verb != NULL && strcmp(c->verb, verb) == 0)) {
			help_one(f, c);
			return 0;
		}
	}
	if (verb != NULL || !admin_noun_known(noun))
		return -1;
	fprintf(f, "usage: wagw-admin [--config FILE] %s COMMAND [ARGUMENTS]\n", noun);
	for (i = 0; i < HELP_NCMDS; i++)
		if (strcmp(help_cmds[i].noun, noun) == 0)
			help_line(f, &help_cmds[i], 36);
	fprintf(f, "wagw-admin %s COMMAND --help says more.\n", noun);
	return 0;
}

int
admin_help_wanted(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int
admin_verb_unknown(const char *noun, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		fprintf(stderr, "wagw-admin: %s needs a command\n", noun);
	else
		fprintf(stderr, "wagw-admin: unknown %s command %s\n", noun, argv[0]);
	for (i = 0; i < HELP_NCMDS; i++)
		if (strcmp(help_cmds[i].noun, noun) == 0)
			fprintf(stderr, "%s wagw-admin [--config FILE] %s\n",
			    i == 0 || strcmp(help_cmds[i - 1].noun, noun) != 0 ?
			    "usage:" : "      ", help_cmds[i].usage);
	return ADMIN_USAGE;
}
