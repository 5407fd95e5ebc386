#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "admin/admin.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/store.h"
#include "ipc/sessiond_client.h"

#define SESSION_ADD_USAGE	"session add SESSION --org ORG [--label TEXT]"
#define SESSION_LIST_USAGE	"session list [--org ORG] [--json]"
#define SESSION_RM_USAGE	"session rm SESSION"
#define SESSION_STATUS_USAGE	"session status [SESSION]"
#define SESSION_CONNECT_USAGE	"session connect SESSION"
#define SESSION_DISCONNECT_USAGE "session disconnect SESSION"
#define SESSION_LABEL_MAX	256
/* A connect may wait for the link; the daemon bounds it too. */
#define SESSION_DAEMON_MS	15000

static int
session_add(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *org = NULL, *label = "", *id;
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			org = optarg;
		else if (c == 'l')
			label = optarg;
		else
			return admin_usage(SESSION_ADD_USAGE, "unknown option");
	}
	if (optind != argc - 1 || org == NULL)
		return admin_usage(SESSION_ADD_USAGE, "session add takes a session id and --org");
	id = argv[optind];
	if (!ids_valid(id, strlen(id)))
		return admin_usage(SESSION_ADD_USAGE, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if (!ids_valid(org, strlen(org)))
		return admin_usage(SESSION_ADD_USAGE, "organization ids are 1-64 of A-Z a-z 0-9 _ -");
	if (!admin_text_ok(label, SESSION_LABEL_MAX))
		return admin_usage(SESSION_ADD_USAGE,
		    "--label is UTF-8 text without control characters, at most %d bytes",
		    SESSION_LABEL_MAX);
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	rc = store_session_add(st, id, org, label, clock_wall_ms());
	if (rc == STORE_NOREF)
		return admin_fail("unknown organization %s", org);
	if (rc == STORE_EXISTS)
		return admin_fail("session %s already exists", id);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	fprintf(stderr, "wagw-admin: session %s added; a running wagw-sessiond "
	    "picks it up on SIGHUP (systemctl reload wagw-sessiond)\n", id);
	return ADMIN_OK;
}

static void
session_opt(struct json_object *obj, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_object_add(obj, name, json_object_new_string(v));
}

static int
session_print(const struct store_session *s, void *arg)
{
	struct json_object *list = arg, *obj;

	if (list == NULL) {
		printf("%s\t%s\t%s\n", s->id, s->org, s->label ? s->label : "");
		return 0;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "id", json_object_new_string(s->id));
	json_object_object_add(obj, "org", json_object_new_string(s->org));
	json_object_object_add(obj, "label", json_object_new_string(s->label ? s->label : ""));
	session_opt(obj, "ownPhone", s->own_phone);
	session_opt(obj, "ownJid", s->own_jid);
	session_opt(obj, "ownLid", s->own_lid);
	json_object_object_add(obj, "createdAt", json_object_new_int64(s->created_ms));
	json_object_object_add(obj, "updatedAt", json_object_new_int64(s->updated_ms));
	json_object_array_add(list, obj);
	return 0;
}

static int
session_list(struct admin *a, int argc, char **argv)
{
	struct json_object *list;
	const char *org = NULL;
	struct store *st;
	int rc, json;

	if ((rc = admin_list_args(argc, argv, SESSION_LIST_USAGE, &org, &json)) != ADMIN_OK ||
	    (rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	list = json ? json_object_new_array() : NULL;
	return admin_list_done(store_session_list(st, org, session_print, list), list);
}

static int
session_rm(struct admin *a, int argc, char **argv)
{
	struct store *st;
	int rc;

	if (argc != 2)
		return admin_usage(SESSION_RM_USAGE, "session rm takes one session id");
	if (!ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(SESSION_RM_USAGE, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	rc = store_session_rm(st, argv[1]);
	if (rc == STORE_NOTFOUND)
		return admin_fail("no session %s", argv[1]);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	fprintf(stderr, "wagw-admin: session %s and its stored contacts removed; "
	    "a running wagw-sessiond drops its link on SIGHUP\n", argv[1]);
	return ADMIN_OK;
}

/* Turns a daemon answer into an exit status, with the reason on stderr. */
static int
session_daemon_rc(struct admin *a, const char *id, int rc)
{
	switch (rc) {
	case SESSIOND_OK:
		return ADMIN_OK;
	case SESSIOND_UNAVAILABLE:
		return admin_fail("wagw-sessiond does not answer on %s", a->cfg.socket);
	case SESSIOND_NOT_FOUND:
		return admin_fail("wagw-sessiond holds no session %s (added since it "
		    "started? send it SIGHUP)", id);
	default:
		return admin_fail("session %s: %s", id, sessiond_rc_str(rc));
	}
}

struct session_status_ctx {
	struct admin		*a;
	struct sessiond_client	*sd;
	int			 rc;
};

static int
session_status_one(const struct store_session *s, void *arg)
{
	struct session_status_ctx *ctx = arg;
	struct sessiond_status status;
	int rc;

	rc = sessiond_session_status(ctx->sd, s->id, SESSION_DAEMON_MS, &status);
	if (rc != SESSIOND_OK) {
		ctx->rc = session_daemon_rc(ctx->a, s->id, rc);
		/* Without a daemon, every other session would fail the same way. */
		return rc == SESSIOND_UNAVAILABLE;
	}
	if (status.connected)
		printf("%s\tconnected\n", s->id);
	else
		printf("%s\tdisconnected\t%s\n", s->id, status.reason);
	return 0;
}

static int
session_daemon(struct admin *a, int argc, char **argv)
{
	struct session_status_ctx ctx = { a, NULL, ADMIN_OK };
	const char *verb = argv[0], *usage;
	struct store_session s;
	int status = strcmp(verb, "status") == 0, rc;

	usage = status ? SESSION_STATUS_USAGE : strcmp(verb, "connect") == 0 ?
	    SESSION_CONNECT_USAGE : SESSION_DISCONNECT_USAGE;
	if (argc > 2 || (!status && argc != 2))
		return admin_usage(usage, "session %s takes %s session id", verb,
		    status ? "at most one" : "one");
	if (argc == 2 && !ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(usage, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if ((rc = admin_store(a, &a->st)) != ADMIN_OK)
		return rc;
	if (argc == 2) {
		rc = store_session_lookup(a->st, argv[1], &s);
		if (rc == STORE_NOTFOUND)
			return admin_fail("no session %s", argv[1]);
		if (rc != STORE_OK)
			return admin_fail("%s", store_rc_str(rc));
	}
	if ((ctx.sd = sessiond_client_new(a->cfg.socket)) == NULL)
		return admin_fail("out of memory");
	rc = STORE_OK;
	if (status && argc == 1)
		rc = store_session_list(a->st, NULL, session_status_one, &ctx);
	else if (status)
		session_status_one(&s, &ctx);
	else if (strcmp(verb, "connect") == 0)
		ctx.rc = session_daemon_rc(a, argv[1],
		    sessiond_session_connect(ctx.sd, argv[1], SESSION_DAEMON_MS));
	else
		ctx.rc = session_daemon_rc(a, argv[1],
		    sessiond_session_disconnect(ctx.sd, argv[1], SESSION_DAEMON_MS));
	sessiond_client_free(ctx.sd);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	return ctx.rc;
}

int
admin_session(struct admin *a, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return session_add(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return session_list(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "rm") == 0)
		return session_rm(a, argc, argv);
	if (argc >= 1 && (strcmp(argv[0], "status") == 0 ||
	    strcmp(argv[0], "connect") == 0 || strcmp(argv[0], "disconnect") == 0))
		return session_daemon(a, argc, argv);
	return admin_usage(SESSION_ADD_USAGE "\n       wagw-admin " SESSION_LIST_USAGE
	    "\n       wagw-admin " SESSION_RM_USAGE "\n       wagw-admin "
	    SESSION_STATUS_USAGE "\n       wagw-admin " SESSION_CONNECT_USAGE
	    "\n       wagw-admin " SESSION_DISCONNECT_USAGE, "unknown session command");
}
