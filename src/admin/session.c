#include <sys/ioctl.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "admin/admin.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/phone.h"
#include "common/qr.h"
#include "common/status.h"
#include "common/store.h"
#include "ipc/ipc_session.h"
#include "ipc/sessiond_client.h"

#define SESSION_LABEL_MAX	256
/* A connect may wait for the link; the daemon bounds it too. */
#define SESSION_DAEMON_MS	15000
#define SESSION_WAIT_MS		30000	/* one long poll while pairing */
#define SESSION_TICK_MS		1000	/* on a terminal: the countdown's step */
#define SESSION_STATUS_MAX	512	/* bytes of the pairing status line */

static int
session_add(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ "link", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_session_new n = { NULL, NULL, "", NULL, NULL, -1 };
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'o')
			n.org = optarg;
		else if (c == 'l')
			n.label = optarg;
		else if (c == 'k')
			n.link = optarg;
		else
			return admin_getopt_error(USAGE_SESSION_ADD, c, argv);
	}
	if (optind != argc - 1 || n.org == NULL)
		return admin_usage(USAGE_SESSION_ADD, "session add takes a session id and --org");
	n.id = argv[optind];
	if (!ids_valid(n.id, strlen(n.id)))
		return admin_usage(USAGE_SESSION_ADD, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if (!ids_valid(n.org, strlen(n.org)))
		return admin_usage(USAGE_SESSION_ADD, "organization ids are 1-64 of A-Z a-z 0-9 _ -");
	if (!admin_text_ok(n.label, SESSION_LABEL_MAX))
		return admin_usage(USAGE_SESSION_ADD,
		    "--label is UTF-8 text without control characters, at most %d bytes",
		    SESSION_LABEL_MAX);
	if (n.link != NULL && !config_link_known(n.link))
		return admin_usage(USAGE_SESSION_ADD, "--link is sim or whatsapp");
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	if (n.link == NULL)
		n.link = a->cfg.link;
	rc = store_session_create(st, &n, clock_wall_ms(), NULL);
	if (rc == STORE_NOREF)
		return admin_fail("unknown organization %s", n.org);
	if (rc == STORE_EXISTS)
		return admin_fail("session %s already exists", n.id);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	fprintf(stderr, "wagw-admin: session %s added (%s link); a running "
	    "wagw-sessiond picks it up on SIGHUP (systemctl reload wagw-sessiond)\n",
	    n.id, n.link);
	return ADMIN_OK;
}

static int
session_print(const struct store_session *s, void *arg)
{
	struct json_object *list = arg;

	if (list == NULL) {
		printf("%s\t%s\t%s\t%s\t%s\n", s->id, s->org, s->link, s->status,
		    s->label);
		return 0;
	}
	json_object_array_add(list, ipc_session_to_json(s));
	return 0;
}

static int
session_list(struct admin *a, int argc, char **argv)
{
	struct json_object *list;
	const char *org = NULL;
	struct store *st;
	int rc, json;

	if ((rc = admin_list_args(argc, argv, USAGE_SESSION_LIST, &org, &json)) != ADMIN_OK ||
	    (rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	list = json ? json_object_new_array() : NULL;
	if (!json)
		puts("SESSION\tORG\tLINK\tSTATE\tLABEL");
	return admin_list_done(store_session_list(st, org, session_print, list), list);
}

static int
session_rm(struct admin *a, int argc, char **argv)
{
	struct store *st;
	int rc;

	if (argc != 2)
		return admin_usage(USAGE_SESSION_RM, "session rm takes one session id");
	if (argv[1][0] == '-')
		return admin_usage(USAGE_SESSION_RM, "unknown option %s", argv[1]);
	if (!ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(USAGE_SESSION_RM, "session ids are 1-64 of A-Z a-z 0-9 _ -");
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

struct session_status_ctx {
	struct admin	*a;
	int		 rc;
};

static int
session_status_one(const struct store_session *s, void *arg)
{
	struct session_status_ctx *ctx = arg;
	struct sessiond_status status;
	int rc;

	rc = sessiond_session_status(ctx->a->sd, s->id, SESSION_DAEMON_MS, &status);
	if (rc != SESSIOND_OK) {
		ctx->rc = admin_daemon_rc(ctx->a, s->id, rc);
		/* Without a daemon, every other session would fail the same way. */
		return rc == SESSIOND_UNAVAILABLE;
	}
	if (status.reason[0] != '\0')
		printf("%s\t%s\t%s\n", s->id, status.state, status.reason);
	else
		printf("%s\t%s\n", s->id, status.state);
	return 0;
}

/* The session id argument of a daemon command, checked against the store. */
static int
session_arg(struct admin *a, int argc, char **argv, const char *usage,
    struct store_session *s)
{
	int rc;

	if (argc < 2)
		return admin_usage(usage, "session %s takes a session id", argv[0]);
	if (argv[1][0] == '-')
		return admin_usage(usage, "unknown option %s", argv[1]);
	if (!ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(usage, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if ((rc = admin_store(a, &a->st)) != ADMIN_OK)
		return rc;
	rc = store_session_lookup(a->st, argv[1], s);
	if (rc == STORE_NOTFOUND)
		return admin_fail("no session %s", argv[1]);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	return ADMIN_OK;
}

static int
session_status(struct admin *a, int argc, char **argv)
{
	struct session_status_ctx ctx = { a, ADMIN_OK };
	struct sessiond_client *sd;
	struct store_session s;
	int rc;

	if (argc > 2)
		return admin_usage(USAGE_SESSION_STATUS,
		    "session status takes at most one session id");
	if ((argc == 2 && (rc = session_arg(a, argc, argv, USAGE_SESSION_STATUS,
	    &s)) != ADMIN_OK) || (rc = admin_store(a, &a->st)) != ADMIN_OK ||
	    (rc = admin_daemon(a, &sd)) != ADMIN_OK)
		return rc;
	if (argc == 2) {
		session_status_one(&s, &ctx);
		return ctx.rc;
	}
	if ((rc = store_session_list(a->st, NULL, session_status_one, &ctx)) != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	return ctx.rc;
}

static int
session_simple(struct admin *a, int argc, char **argv)
{
	const char *verb = argv[0], *usage;
	struct sessiond_client *sd;
	struct store_session s;
	int rc;

	usage = strcmp(verb, "connect") == 0 ? USAGE_SESSION_CONNECT :
	    strcmp(verb, "disconnect") == 0 ? USAGE_SESSION_DISCONNECT :
	    USAGE_SESSION_LOGOUT;
	if (argc != 2)
		return admin_usage(usage, "session %s takes one session id", verb);
	if ((rc = session_arg(a, argc, argv, usage, &s)) != ADMIN_OK ||
	    (rc = admin_daemon(a, &sd)) != ADMIN_OK)
		return rc;
	if (strcmp(verb, "connect") == 0)
		rc = sessiond_session_connect(sd, s.id, SESSION_DAEMON_MS);
	else if (strcmp(verb, "disconnect") == 0)
		rc = sessiond_session_disconnect(sd, s.id, SESSION_DAEMON_MS);
	else
		rc = sessiond_session_call(sd, "session_logout", s.id,
		    SESSION_DAEMON_MS, NULL);
	if ((rc = admin_daemon_rc(a, s.id, rc)) == ADMIN_OK && strcmp(verb, "logout") == 0)
		fprintf(stderr, "wagw-admin: session %s logged out; its credentials "
		    "are deleted\n", s.id);
	return rc;
}

/*
 * The pairing status: one line on stderr.  On a terminal it is rewritten
 * in place (CR, then EL "erase to the end of the line", ECMA-48 8.3.41),
 * cut to the terminal's width so that it never wraps; elsewhere each new
 * text is a line of its own.
 */
struct pair_status {
	int		 tty;
	int		 open;		/* a line without its newline is shown */
	char		 last[SESSION_STATUS_MAX];
};

static void pair_status(struct pair_status *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pair_status(struct pair_status *ps, const char *fmt, ...)
{
	char line[SESSION_STATUS_MAX];
	struct winsize ws;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!ps->tty) {
		if (strcmp(line, ps->last) != 0)
			fprintf(stderr, "%s\n", line);
	} else {
		n = strlen(line);
		if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
		    n >= ws.ws_col) {
			n = ws.ws_col - 1;
			while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
				n--;
			line[n] = '\0';
		}
		fprintf(stderr, "\r\033[K%s", line);
		ps->open = 1;
	}
	fflush(stderr);
	snprintf(ps->last, sizeof(ps->last), "%s", line);
}

/* Ends the status line, so that what follows starts a line of its own. */
static void
pair_status_end(struct pair_status *ps)
{
	if (ps->open)
		fputc('\n', stderr);
	ps->open = 0;
}

/* Shows what pairing needs, once per code: the QR (terminal, --png) or the code. */
static int
session_pair_show(const struct sessiond_session *ss, const char *png, int tty)
{
	unsigned char *img;
	char *term;
	size_t len;
	FILE *f;

	if (ss->pairing.kind == 'c') {
		printf("%s\n", ss->pairing.code);
		fflush(stdout);
		return ADMIN_OK;
	}
	if (png != NULL) {
		if ((img = qr_png(ss->pairing.code, 8, &len)) == NULL)
			return admin_fail("cannot draw the QR code");
		if ((f = fopen(png, "wb")) == NULL ||
		    fwrite(img, 1, len, f) != len || fclose(f) != 0) {
			free(img);
			return admin_fail("%s: cannot write the QR code", png);
		}
		free(img);
	}
	if ((term = qr_terminal(ss->pairing.code, &len)) == NULL)
		return admin_fail("cannot draw the QR code");
	/* A terminal shows the current code only; a pipe gets each in turn. */
	if (tty)
		fputs("\033[H\033[J", stdout);
	fwrite(term, 1, len, stdout);
	fflush(stdout);
	free(term);
	return ADMIN_OK;
}

/* The status line for ss: what to do now, and for how long it holds. */
static void
session_pair_status(struct pair_status *ps, const struct sessiond_session *ss,
    const char *png)
{
	long left = (long)((ss->pairing.expires_ms - clock_wall_ms() + 999) / 1000);

	if (left < 0)
		left = 0;
	if (ss->pairing.kind == 'c')
		pair_status(ps, "wagw-admin: session %s: on the phone: WhatsApp > "
		    "Linked devices > Link with phone number, enter %s (valid %ld s)",
		    ss->s.id, ss->pairing.code, left);
	else if (ss->pairing.kind != 0)
		pair_status(ps, "wagw-admin: session %s: scan with WhatsApp > Linked "
		    "devices > Link a device (this code is valid %ld s)%s%s", ss->s.id,
		    left, png ? "; also in " : "", png ? png : "");
	else
		pair_status(ps, "wagw-admin: session %s: %s...", ss->s.id, ss->s.status);
}

static int
session_pair(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phone", required_argument, NULL, 'p' },
		{ "png", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	char digits[PHONE_DIGITS_MAX + 1], shown[IPC_PAIR_CODE_MAX + 1] = "";
	const char *phone = NULL, *png = NULL;
	struct pair_status ps;
	struct sessiond_client *sd;
	struct sessiond_session ss;
	struct store_session s;
	int c, rc, st, tty = isatty(STDOUT_FILENO);

	memset(&ps, 0, sizeof(ps));
	ps.tty = isatty(STDERR_FILENO);
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'p')
			phone = optarg;
		else if (c == 'g')
			png = optarg;
		else
			return admin_getopt_error(USAGE_SESSION_PAIR, c, argv);
	}
	if (optind != argc - 1)
		return admin_usage(USAGE_SESSION_PAIR, "session pair takes one session id");
	argv[1] = argv[optind];
	if (phone != NULL && phone_parse_e164(phone, strlen(phone), digits) == -1)
		return admin_usage(USAGE_SESSION_PAIR, "--phone is an E.164 number");
	if ((rc = session_arg(a, 2, argv, USAGE_SESSION_PAIR, &s)) != ADMIN_OK ||
	    (rc = admin_daemon(a, &sd)) != ADMIN_OK)
		return rc;
	rc = phone != NULL ?
	    sessiond_session_pair_code(sd, s.id, digits, SESSION_DAEMON_MS, &ss) :
	    sessiond_session_call(sd, "session_qr", s.id, SESSION_DAEMON_MS, &ss);
	if (rc != SESSIOND_OK)
		return admin_daemon_rc(a, s.id, rc);
	for (;;) {
		st = status_parse(ss.s.status, strlen(ss.s.status));
		if (st == STATUS_WORKING) {
			pair_status_end(&ps);
			fprintf(stderr, "wagw-admin: session %s is paired%s%s and working\n",
			    s.id, ss.s.phone[0] ? " with +" : "", ss.s.phone);
			return ADMIN_OK;
		}
		if (st == STATUS_FAILED || st == STATUS_STOPPED || st == STATUS_LOGGED_OUT) {
			pair_status_end(&ps);
			return admin_fail("session %s: pairing ended: %s%s%s", s.id,
			    ss.s.status, ss.s.reason[0] ? ": " : "", ss.s.reason);
		}
		if (ss.pairing.kind != 0 && strcmp(shown, ss.pairing.code) != 0) {
			/* A new code on the terminal: the status line ends
			 * before the QR (or code) is drawn below it. */
			if (tty)
				pair_status_end(&ps);
			if ((rc = session_pair_show(&ss, png, tty)) != ADMIN_OK) {
				pair_status_end(&ps);
				return rc;
			}
			snprintf(shown, sizeof(shown), "%s", ss.pairing.code);
		}
		session_pair_status(&ps, &ss, png);
		/* On a terminal the countdown moves each second; elsewhere
		 * only a change ends the wait. */
		rc = sessiond_session_wait(sd, s.id, ss.seq, ps.tty ? SESSION_TICK_MS :
		    SESSION_WAIT_MS, SESSION_WAIT_MS + SESSION_DAEMON_MS, &ss);
		if (rc != SESSIOND_OK) {
			pair_status_end(&ps);
			return admin_daemon_rc(a, s.id, rc);
		}
	}
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
	if (argc >= 1 && strcmp(argv[0], "status") == 0)
		return session_status(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "pair") == 0)
		return session_pair(a, argc, argv);
	if (argc >= 1 && (strcmp(argv[0], "connect") == 0 ||
	    strcmp(argv[0], "disconnect") == 0 || strcmp(argv[0], "logout") == 0))
		return session_simple(a, argc, argv);
	return admin_verb_unknown("session", argc, argv);
}
