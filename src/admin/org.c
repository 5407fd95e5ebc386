#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "admin/admin.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/store.h"

#define ORG_NAME_MAX	256

static int
org_add(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "";
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'n')
			return admin_getopt_error(USAGE_ORG_ADD, c, argv);
		name = optarg;
	}
	if (optind != argc - 1)
		return admin_usage(USAGE_ORG_ADD, "org add takes one organization id");
	if (!ids_valid(argv[optind], strlen(argv[optind])))
		return admin_usage(USAGE_ORG_ADD,
		    "organization ids are 1-64 of A-Z a-z 0-9 _ -");
	if (!admin_text_ok(name, ORG_NAME_MAX))
		return admin_usage(USAGE_ORG_ADD,
		    "--name is UTF-8 text without control characters, at most %d bytes",
		    ORG_NAME_MAX);
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	rc = store_org_add(st, argv[optind], name, clock_wall_ms());
	if (rc == STORE_EXISTS)
		return admin_fail("organization %s already exists", argv[optind]);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	fprintf(stderr, "wagw-admin: organization %s added\n", argv[optind]);
	return ADMIN_OK;
}

static int
org_print(const struct store_org *o, void *arg)
{
	struct json_object *list = arg, *obj;

	if (list == NULL) {
		printf("%s\t%s\n", o->id, o->name);
		return 0;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "id", json_object_new_string(o->id));
	json_object_object_add(obj, "name", json_object_new_string(o->name));
	json_object_object_add(obj, "createdAt", json_object_new_int64(o->created_ms));
	json_object_array_add(list, obj);
	return 0;
}

static int
org_list(struct admin *a, int argc, char **argv)
{
	struct json_object *list;
	struct store *st;
	int rc, json;

	if ((rc = admin_list_args(argc, argv, USAGE_ORG_LIST, NULL, &json)) != ADMIN_OK ||
	    (rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	list = json ? json_object_new_array() : NULL;
	if (!json)
		puts("ORG\tNAME");
	return admin_list_done(store_org_list(st, org_print, list), list);
}

int
admin_org(struct admin *a, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return org_add(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return org_list(a, argc, argv);
	return admin_verb_unknown("org", argc, argv);
}
