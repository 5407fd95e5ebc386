#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "admin/admin.h"
#include "common/credkey.h"
#include "common/ids.h"
#include "common/store.h"
#include "common/text.h"
#include "ipc/sessiond_client.h"

/* Long enough for a writer that is busy with a burst of contacts. */
#define ADMIN_BUSY_MS 10000

int
admin_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("wagw-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ADMIN_FAIL;
}

int
admin_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("wagw-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: wagw-admin [--config FILE] %s\n", usage);
	return ADMIN_USAGE;
}

int
admin_getopt_error(const char *usage, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	const char *eq;

	if (c == ':')
		return admin_usage(usage, "%s needs an argument", arg);
	/* optopt: a short option, or a long one given an argument it does not take. */
	if (optopt != 0 && strncmp(arg, "--", 2) == 0 && (eq = strchr(arg, '=')) != NULL)
		return admin_usage(usage, "%.*s takes no argument", (int)(eq - arg), arg);
	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		return admin_usage(usage, "unknown option -%c", optopt);
	return admin_usage(usage, "unknown option %s", arg);
}

int
admin_config(struct admin *a)
{
	const char *path = config_path(a->config_file);
	char err[1024];

	if (a->cfg_loaded)
		return ADMIN_OK;
	if (config_load(&a->cfg, path, err, sizeof(err)) == -1)
		return admin_fail("%s", err);
	a->cfg_loaded = 1;
	return ADMIN_OK;
}

int
admin_store(struct admin *a, struct store **out)
{
	char err[1024];
	int rc, version;

	if (a->st != NULL) {
		*out = a->st;
		return ADMIN_OK;
	}
	if ((rc = admin_config(a)) != ADMIN_OK)
		return rc;
	/* Only init creates the database; a typo in the path must not. */
	if (access(a->cfg.database, F_OK) == -1)
		return admin_fail("%s: no database (run wagw-admin init)",
		    a->cfg.database);
	if (store_open(&a->st, a->cfg.database, STORE_WRITER, ADMIN_BUSY_MS, err,
	    sizeof(err)) != STORE_OK)
		return admin_fail("%s", err);
	if (store_schema_version(a->st, &version) != STORE_OK)
		return admin_fail("%s: not a wagw database", a->cfg.database);
	if (version == 0)
		return admin_fail("%s: not initialized (run wagw-admin init)",
		    a->cfg.database);
	if ((rc = store_migrate(a->st)) != STORE_OK)
		return admin_fail("%s: %s", a->cfg.database, store_rc_str(rc));
	*out = a->st;
	return ADMIN_OK;
}

int
admin_daemon(struct admin *a, struct sessiond_client **out)
{
	int rc;

	if (a->sd == NULL) {
		if ((rc = admin_config(a)) != ADMIN_OK)
			return rc;
		if ((a->sd = sessiond_client_new(a->cfg.socket)) == NULL)
			return admin_fail("out of memory");
	}
	*out = a->sd;
	return ADMIN_OK;
}

int
admin_daemon_rc(struct admin *a, const char *id, int rc)
{
	const char *msg = a->sd != NULL ? sessiond_message(a->sd) : "";

	switch (rc) {
	case SESSIOND_OK:
		return ADMIN_OK;
	case SESSIOND_UNAVAILABLE:
		return admin_fail("wagw-sessiond does not answer on %s", a->cfg.socket);
	case SESSIOND_NOT_FOUND:
		return admin_fail("wagw-sessiond holds no session %s (added since it "
		    "started? send it SIGHUP)", id);
	default:
		if (*msg != '\0')
			return admin_fail("%s: %s", id, msg);
		return admin_fail("%s: %s", id, sessiond_rc_str(rc));
	}
}

void
admin_close(struct admin *a)
{
	store_close(a->st);
	a->st = NULL;
	sessiond_client_free(a->sd);
	a->sd = NULL;
}

void
admin_print_json(struct json_object *v)
{
	puts(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(v);
}

int
admin_list_args(int argc, char **argv, const char *usage, const char **org,
    int *json)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			*json = 1;
		else if (c == 'o' && org != NULL)
			*org = optarg;
		else if (c == 'o')
			return admin_usage(usage, "unknown option --org");
		else
			return admin_getopt_error(usage, c, argv);
	}
	if (optind != argc)
		return admin_usage(usage, "unexpected argument %s", argv[optind]);
	if (org != NULL && *org != NULL && !ids_valid(*org, strlen(*org)))
		return admin_usage(usage, "organization ids are 1-64 of A-Z a-z 0-9 _ -");
	return ADMIN_OK;
}

int
admin_list_done(int rc, struct json_object *list)
{
	if (rc != STORE_OK) {
		json_object_put(list);
		return admin_fail("%s", store_rc_str(rc));
	}
	if (list != NULL)
		admin_print_json(list);
	return ADMIN_OK;
}

int
admin_text_ok(const char *s, size_t max)
{
	size_t len = strlen(s), i;

	if (len > max || !text_utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
admin_init(struct admin *a, int argc, char **argv)
{
	char err[1024];
	int rc, version;

	(void)argv;
	if (argc != 1)
		return admin_usage("init", "init takes no arguments");
	if ((rc = admin_config(a)) != ADMIN_OK)
		return rc;
	if (store_open(&a->st, a->cfg.database, STORE_WRITER, ADMIN_BUSY_MS, err,
	    sizeof(err)) != STORE_OK)
		return admin_fail("%s", err);
	if ((rc = store_migrate(a->st)) != STORE_OK)
		return admin_fail("%s: %s", a->cfg.database, store_rc_str(rc));
	if (store_schema_version(a->st, &version) != STORE_OK)
		return admin_fail("%s: cannot read the schema version", a->cfg.database);
	printf("%s: schema version %d\n", a->cfg.database, version);
	switch (credkey_create(a->cfg.credentials_key_file, err, sizeof(err))) {
	case 0:
		printf("%s: credentials key created\n", a->cfg.credentials_key_file);
		break;
	case 1:
		break;		/* kept: a new key would make every session unreadable */
	default:
		return admin_fail("%s", err);
	}
	return ADMIN_OK;
}
