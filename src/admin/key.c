#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "admin/admin.h"
#include "common/apikey.h"
#include "common/cap.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/store.h"

#define KEY_NAME_MAX	256
#define KEY_DAYS_MAX	36500

static int
key_days(const char *s, long *days)
{
	char *end;

	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	*days = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || *days < 1 || *days > KEY_DAYS_MAX)
		return -1;
	return 0;
}

static int
key_create(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "permissions", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "expires-in", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	char secret[APIKEY_SECRET_LEN + 1];
	const char *org = NULL, *perms = NULL;
	struct store_key k;
	struct store *st;
	long days = 0;
	int c, rc;

	memset(&k, 0, sizeof(k));
	k.name = "";
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'p': perms = optarg; break;
		case 'n': k.name = optarg; break;
		case 'e':
			if (key_days(optarg, &days) == -1)
				return admin_usage(USAGE_KEY_CREATE,
				    "--expires-in takes a whole number of days, 1 to %d",
				    KEY_DAYS_MAX);
			break;
		default:
			return admin_getopt_error(USAGE_KEY_CREATE, c, argv);
		}
	}
	if (optind != argc)
		return admin_usage(USAGE_KEY_CREATE, "unexpected argument %s", argv[optind]);
	if (org == NULL || perms == NULL)
		return admin_usage(USAGE_KEY_CREATE, "--org and --permissions are required");
	if (!ids_valid(org, strlen(org)))
		return admin_usage(USAGE_KEY_CREATE, "organization ids are 1-64 of A-Z a-z 0-9 _ -");
	if ((k.permissions = cap_parse_list(perms)) == 0)
		return admin_usage(USAGE_KEY_CREATE,
		    "--permissions is a comma-separated list of read, send, manage, events");
	if (!admin_text_ok(k.name, KEY_NAME_MAX))
		return admin_usage(USAGE_KEY_CREATE,
		    "--name is UTF-8 text without control characters, at most %d bytes",
		    KEY_NAME_MAX);
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	if (apikey_generate(secret, k.id) == -1)
		return admin_fail("the random number generator failed");
	snprintf(k.org, sizeof(k.org), "%s", org);
	memcpy(k.prefix, secret, APIKEY_PREFIX_LEN);
	k.prefix[APIKEY_PREFIX_LEN] = '\0';
	apikey_hash(secret, APIKEY_SECRET_LEN, k.hash);
	k.created_ms = clock_wall_ms();
	if (days)
		k.expires_ms = k.created_ms + days * 86400000LL;
	rc = store_key_add(st, &k);
	if (rc != STORE_OK) {
		OPENSSL_cleanse(secret, sizeof(secret));
		if (rc == STORE_NOREF)
			return admin_fail("unknown organization %s", org);
		return admin_fail("%s", store_rc_str(rc));
	}
	fprintf(stderr, "wagw-admin: created key %s (%s...) for %s; the secret "
	    "below is shown once\n", k.id, k.prefix, org);
	printf("%s\n", secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	return fflush(stdout) == 0 ? ADMIN_OK : admin_fail("cannot write the secret");
}

static struct json_object *
key_permissions(unsigned perms)
{
	struct json_object *arr = json_object_new_array();
	unsigned bit;

	for (bit = 1; bit <= CAP_EVENTS; bit <<= 1)
		if (perms & bit)
			json_object_array_add(arr, json_object_new_string(cap_name(bit)));
	return arr;
}

static void
key_time(struct json_object *obj, const char *name, int64_t ms)
{
	if (ms)
		json_object_object_add(obj, name, json_object_new_int64(ms));
}

/* A time of the key list: UTC to the second, or "-" when unset. */
static const char *
key_when(char buf[32], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return "-";
	return buf;
}

static int
key_print(const struct store_key *k, void *arg)
{
	struct json_object *list = arg, *obj;
	char expires[32], used[32];
	unsigned bit;
	int first = 1;

	if (list == NULL) {
		printf("%s\t%s\t%s...\t", k->id, k->org, k->prefix);
		for (bit = 1; bit <= CAP_EVENTS; bit <<= 1)
			if (k->permissions & bit) {
				printf("%s%s", first ? "" : ",", cap_name(bit));
				first = 0;
			}
		printf("\t%s\t%s\t%s\t%s\n", k->revoked_ms ? "revoked" :
		    k->expires_ms != 0 && clock_wall_ms() >= k->expires_ms ? "expired" :
		    "active", key_when(expires, k->expires_ms),
		    key_when(used, k->last_used_ms), k->name);
		return 0;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "id", json_object_new_string(k->id));
	json_object_object_add(obj, "name", json_object_new_string(k->name));
	json_object_object_add(obj, "org", json_object_new_string(k->org));
	json_object_object_add(obj, "permissions", key_permissions(k->permissions));
	json_object_object_add(obj, "prefix", json_object_new_string(k->prefix));
	key_time(obj, "createdAt", k->created_ms);
	key_time(obj, "expiresAt", k->expires_ms);
	key_time(obj, "revokedAt", k->revoked_ms);
	key_time(obj, "lastUsedAt", k->last_used_ms);
	json_object_array_add(list, obj);
	return 0;
}

static int
key_list(struct admin *a, int argc, char **argv)
{
	struct json_object *list;
	const char *org = NULL;
	struct store *st;
	int rc, json;

	if ((rc = admin_list_args(argc, argv, USAGE_KEY_LIST, &org, &json)) != ADMIN_OK ||
	    (rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	list = json ? json_object_new_array() : NULL;
	if (!json)
		puts("KEY\tORG\tPREFIX\tPERMISSIONS\tSTATE\tEXPIRES\tLAST USED\tNAME");
	return admin_list_done(store_key_list(st, org, key_print, list), list);
}

static int
key_revoke(struct admin *a, int argc, char **argv)
{
	struct store *st;
	int rc;

	if (argc != 2)
		return admin_usage(USAGE_KEY_REVOKE, "key revoke takes one key id");
	if (argv[1][0] == '-')
		return admin_usage(USAGE_KEY_REVOKE, "unknown option %s", argv[1]);
	if (!ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(USAGE_KEY_REVOKE, "key ids look like key_...");
	if ((rc = admin_store(a, &st)) != ADMIN_OK)
		return rc;
	rc = store_key_revoke(st, argv[1], clock_wall_ms());
	if (rc == STORE_NOTFOUND)
		return admin_fail("no key %s", argv[1]);
	if (rc == STORE_EXISTS)
		return admin_fail("key %s was revoked already", argv[1]);
	if (rc != STORE_OK)
		return admin_fail("%s", store_rc_str(rc));
	fprintf(stderr, "wagw-admin: key %s revoked\n", argv[1]);
	return ADMIN_OK;
}

int
admin_key(struct admin *a, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "create") == 0)
		return key_create(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return key_list(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "revoke") == 0)
		return key_revoke(a, argc, argv);
	return admin_verb_unknown("key", argc, argv);
}
