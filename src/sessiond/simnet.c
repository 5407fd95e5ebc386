#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/file.h"
#include "common/ids.h"
#include "common/jid.h"
#include "common/log.h"
#include "common/phone.h"
#include "sessiond/hmap.h"
#include "sessiond/simnet.h"

#define SIMNET_PATH_MAX	256

struct simnet_ctx {
	const char	*name;
	char		*err;
	size_t		 errlen;
	struct simnet	*net;
};

static int
simnet_fail(struct simnet_ctx *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
simnet_fail(struct simnet_ctx *x, const char *path, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s: %s: %s", x->name, path, what);
	return -1;
}

/* A JSON path for messages; a long one is cut (messages only). */
static void
simnet_path(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
simnet_path(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, SIMNET_PATH_MAX, fmt, ap);
	va_end(ap);
}

static const char *
simnet_type(struct json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* Every member of obj must be one of keys (NULL-terminated). */
static int
simnet_keys(struct simnet_ctx *x, struct json_object *obj, const char *path,
    const char *const *keys)
{
	const char *const *k;
	char safe[64];

	json_object_object_foreach(obj, key, val) {
		(void)val;
		for (k = keys; *k != NULL; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k == NULL)
			return simnet_fail(x, path, "unknown member \"%s\"",
			    log_sanitize(safe, sizeof(safe), key, strlen(key)));
	}
	return 0;
}

/* Optional string member: *out NULL when absent, else a copy. */
static int
simnet_str(struct simnet_ctx *x, struct json_object *obj, const char *path,
    const char *key, char **out)
{
	struct json_object *v;
	const char *s;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return simnet_fail(x, path, "\"%s\" must be a string, not %s",
		    key, simnet_type(v));
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return simnet_fail(x, path, "\"%s\" contains a NUL character", key);
	if ((*out = strdup(s)) == NULL)
		return simnet_fail(x, path, "out of memory");
	return 0;
}

static int
simnet_bool(struct simnet_ctx *x, struct json_object *obj, const char *path,
    const char *key, int dflt, int *out)
{
	struct json_object *v;

	*out = dflt;
	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return simnet_fail(x, path, "\"%s\" must be true or false, not %s",
		    key, simnet_type(v));
	*out = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

static int
simnet_digits(const char *s, size_t min, size_t max)
{
	size_t i, n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A phone: E.164 digits without '+'. */
static int
simnet_phone_ok(const char *s)
{
	char digits[PHONE_DIGITS_MAX + 1];

	return s[0] != '+' && phone_parse_e164(s, strlen(s), digits) == 0;
}

static const struct simnet_account *
simnet_lid_ref(struct simnet_ctx *x, struct json_object *v, const char *path)
{
	const struct simnet_account *a;
	const char *s;

	if (!json_object_is_type(v, json_type_string)) {
		simnet_fail(x, path, "must be a LID string, not %s", simnet_type(v));
		return NULL;
	}
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v) ||
	    (a = simnet_by_lid(x->net, s)) == NULL) {
		char safe[64];

		simnet_fail(x, path, "\"%s\" is not the lid of an account",
		    log_sanitize(safe, sizeof(safe), s, strlen(s)));
		return NULL;
	}
	return a;
}

static int
simnet_account(struct simnet_ctx *x, struct json_object *obj, const char *path,
    struct simnet_account *a)
{
	static const char *const keys[] = { "lid", "phone", "name",
	    "businessName", "about", "aboutHidden", NULL };

	if (!json_object_is_type(obj, json_type_object))
		return simnet_fail(x, path, "must be an object, not %s", simnet_type(obj));
	if (simnet_keys(x, obj, path, keys) == -1 ||
	    simnet_str(x, obj, path, "lid", &a->lid) == -1 ||
	    simnet_str(x, obj, path, "phone", &a->phone) == -1 ||
	    simnet_str(x, obj, path, "name", &a->name) == -1 ||
	    simnet_str(x, obj, path, "businessName", &a->business_name) == -1 ||
	    simnet_str(x, obj, path, "about", &a->about) == -1 ||
	    simnet_bool(x, obj, path, "aboutHidden", 0, &a->about_hidden) == -1)
		return -1;
	if (a->lid == NULL)
		return simnet_fail(x, path, "\"lid\" is missing");
	if (!simnet_digits(a->lid, 1, JID_USER_MAX))
		return simnet_fail(x, path, "\"lid\" must be 1-%d digits", JID_USER_MAX);
	if (a->phone != NULL && !simnet_phone_ok(a->phone))
		return simnet_fail(x, path, "\"phone\" must be 7-15 digits "
		    "without '+', the first 1-9");
	if (a->about == NULL && (a->about = strdup("")) == NULL)
		return simnet_fail(x, path, "out of memory");
	if (strlen(a->about) > 1024)
		return simnet_fail(x, path, "\"about\" is longer than 1024 bytes");
	if (hmap_get(x->net->by_lid, a->lid, strlen(a->lid)) != NULL)
		return simnet_fail(x, path, "lid %s appears twice", a->lid);
	if (a->phone != NULL &&
	    hmap_get(x->net->by_phone, a->phone, strlen(a->phone)) != NULL)
		return simnet_fail(x, path, "phone %s appears twice", a->phone);
	if (hmap_put(x->net->by_lid, a->lid, strlen(a->lid), a) == -1 ||
	    (a->phone != NULL &&
	    hmap_put(x->net->by_phone, a->phone, strlen(a->phone), a) == -1))
		return simnet_fail(x, path, "out of memory");
	return 0;
}

static int
simnet_member(struct simnet_ctx *x, struct json_object *obj, const char *path,
    struct simnet_member *m)
{
	static const char *const keys[] = { "lid", "role", "tag", "phoneHidden", NULL };
	char sub[SIMNET_PATH_MAX];
	struct json_object *v;
	char *role = NULL;
	int rc = -1;

	if (!json_object_is_type(obj, json_type_object))
		return simnet_fail(x, path, "must be an object, not %s", simnet_type(obj));
	if (simnet_keys(x, obj, path, keys) == -1)
		return -1;
	if (!json_object_object_get_ex(obj, "lid", &v))
		return simnet_fail(x, path, "\"lid\" is missing");
	simnet_path(sub, "%s.lid", path);
	if ((m->account = simnet_lid_ref(x, v, sub)) == NULL)
		return -1;
	if (simnet_str(x, obj, path, "role", &role) == -1 ||
	    simnet_str(x, obj, path, "tag", &m->tag) == -1 ||
	    simnet_bool(x, obj, path, "phoneHidden", 0, &m->phone_hidden) == -1)
		goto out;
	if (role == NULL || strcmp(role, "member") == 0)
		m->role = SIMNET_MEMBER;
	else if (strcmp(role, "admin") == 0)
		m->role = SIMNET_ADMIN;
	else if (strcmp(role, "superadmin") == 0)
		m->role = SIMNET_SUPERADMIN;
	else {
		simnet_fail(x, path, "\"role\" must be member, admin or superadmin");
		goto out;
	}
	rc = 0;
out:
	free(role);
	return rc;
}

static int
simnet_group(struct simnet_ctx *x, struct json_object *obj, const char *path,
    struct simnet_group *g)
{
	static const char *const keys[] = { "jid", "subject", "description",
	    "owner", "announce", "locked", "createdAt", "members", NULL };
	char sub[SIMNET_PATH_MAX];
	struct json_object *arr, *v;
	struct jid j;
	size_t i, n;

	if (!json_object_is_type(obj, json_type_object))
		return simnet_fail(x, path, "must be an object, not %s", simnet_type(obj));
	if (simnet_keys(x, obj, path, keys) == -1 ||
	    simnet_str(x, obj, path, "jid", &g->jid) == -1 ||
	    simnet_str(x, obj, path, "subject", &g->subject) == -1 ||
	    simnet_str(x, obj, path, "description", &g->description) == -1 ||
	    simnet_bool(x, obj, path, "announce", -1, &g->announce) == -1 ||
	    simnet_bool(x, obj, path, "locked", -1, &g->locked) == -1)
		return -1;
	if (g->jid == NULL)
		return simnet_fail(x, path, "\"jid\" is missing");
	if (jid_parse(g->jid, strlen(g->jid), &j) == -1 || j.kind != JID_GROUP)
		return simnet_fail(x, path, "\"jid\" must be a group JID "
		    "(<digits>-<digits>@g.us or <digits>@g.us)");
	if (json_object_object_get_ex(obj, "owner", &v)) {
		simnet_path(sub, "%s.owner", path);
		if ((g->owner = simnet_lid_ref(x, v, sub)) == NULL)
			return -1;
	}
	if (json_object_object_get_ex(obj, "createdAt", &v)) {
		/* json-c clamps what overflows: the range check catches that too. */
		if (!json_object_is_type(v, json_type_int))
			return simnet_fail(x, path, "\"createdAt\" must be an integer, "
			    "not %s", simnet_type(v));
		g->created_ms = json_object_get_int64(v);
		if (g->created_ms < 1 || g->created_ms > SIMNET_TIME_MAX)
			return simnet_fail(x, path, "\"createdAt\" must be ms since "
			    "the epoch, 1 to %lld", (long long)SIMNET_TIME_MAX);
	}
	if (!json_object_object_get_ex(obj, "members", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return simnet_fail(x, path, "\"members\" must be an array, not %s",
		    simnet_type(arr));
	n = json_object_array_length(arr);
	if (n > 0 && (g->members = calloc(n, sizeof(*g->members))) == NULL)
		return simnet_fail(x, path, "out of memory");
	for (i = 0; i < n; i++) {
		simnet_path(sub, "%s.members[%zu]", path, i);
		g->nmembers = i + 1;
		if (simnet_member(x, json_object_array_get_idx(arr, i), sub,
		    &g->members[i]) == -1)
			return -1;
	}
	return 0;
}

static int
simnet_session_parse(struct simnet_ctx *x, const char *id, struct json_object *obj,
    const char *path, struct simnet_session *s)
{
	static const char *const keys[] = { "account", "connected", "dms",
	    "groups", "rateOverlimit", NULL };
	char sub[SIMNET_PATH_MAX];
	struct json_object *arr;
	size_t i, n;

	if ((s->id = strdup(id)) == NULL)
		return simnet_fail(x, path, "out of memory");
	if (!ids_valid(id, strlen(id)))
		return simnet_fail(x, path, "a session id is 1-64 of [A-Za-z0-9_-]");
	if (!json_object_is_type(obj, json_type_object))
		return simnet_fail(x, path, "must be an object, not %s", simnet_type(obj));
	if (simnet_keys(x, obj, path, keys) == -1 ||
	    simnet_str(x, obj, path, "account", &s->account) == -1 ||
	    simnet_bool(x, obj, path, "connected", 1, &s->connected) == -1 ||
	    simnet_bool(x, obj, path, "rateOverlimit", 0, &s->rate_overlimit) == -1)
		return -1;
	if (s->account != NULL && !simnet_phone_ok(s->account))
		return simnet_fail(x, path, "\"account\" must be 7-15 digits "
		    "without '+', the first 1-9");
	if (json_object_object_get_ex(obj, "dms", &arr)) {
		if (!json_object_is_type(arr, json_type_array))
			return simnet_fail(x, path, "\"dms\" must be an array, not %s",
			    simnet_type(arr));
		n = json_object_array_length(arr);
		if (n > 0 && (s->dms = calloc(n, sizeof(*s->dms))) == NULL)
			return simnet_fail(x, path, "out of memory");
		for (i = 0; i < n; i++) {
			simnet_path(sub, "%s.dms[%zu]", path, i);
			if ((s->dms[i] = simnet_lid_ref(x,
			    json_object_array_get_idx(arr, i), sub)) == NULL)
				return -1;
			s->ndms = i + 1;
		}
	}
	if (json_object_object_get_ex(obj, "groups", &arr)) {
		if (!json_object_is_type(arr, json_type_array))
			return simnet_fail(x, path, "\"groups\" must be an array, not %s",
			    simnet_type(arr));
		n = json_object_array_length(arr);
		if (n > 0 && (s->groups = calloc(n, sizeof(*s->groups))) == NULL)
			return simnet_fail(x, path, "out of memory");
		for (i = 0; i < n; i++) {
			simnet_path(sub, "%s.groups[%zu]", path, i);
			s->ngroups = i + 1;
			if (simnet_group(x, json_object_array_get_idx(arr, i), sub,
			    &s->groups[i]) == -1)
				return -1;
		}
		for (i = 1; i < s->ngroups; i++) {
			size_t k;

			for (k = 0; k < i; k++)
				if (strcmp(s->groups[k].jid, s->groups[i].jid) == 0) {
					simnet_path(sub, "%s.groups[%zu]", path, i);
					return simnet_fail(x, sub, "group %s appears twice",
					    s->groups[i].jid);
				}
		}
	}
	return 0;
}

/* An optional integer member within lo..hi. */
static int
simnet_int(struct simnet_ctx *x, struct json_object *obj, const char *path,
    const char *key, int64_t lo, int64_t hi, int *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return simnet_fail(x, path, "\"%s\" must be an integer, not %s", key,
		    simnet_type(v));
	n = json_object_get_int64(v);
	if (n < lo || n > hi)
		return simnet_fail(x, path, "\"%s\" must be %lld-%lld", key,
		    (long long)lo, (long long)hi);
	*out = (int)n;
	return 0;
}

/* "pairing": how the simulated WhatsApp times QR codes and phone codes. */
static int
simnet_pairing(struct simnet_ctx *x, struct json_object *obj)
{
	static const char *const keys[] = { "qrFirstMs", "qrNextMs", "qrCount",
	    "codeMs", NULL };
	struct simnet *net = x->net;

	if (!json_object_is_type(obj, json_type_object))
		return simnet_fail(x, "$.pairing", "must be an object, not %s",
		    simnet_type(obj));
	return simnet_keys(x, obj, "$.pairing", keys) == -1 ||
	    simnet_int(x, obj, "$.pairing", "qrFirstMs", 1, SIMNET_PAIR_MS_MAX,
	    &net->qr_first_ms) == -1 ||
	    simnet_int(x, obj, "$.pairing", "qrNextMs", 1, SIMNET_PAIR_MS_MAX,
	    &net->qr_next_ms) == -1 ||
	    simnet_int(x, obj, "$.pairing", "qrCount", 1, 100, &net->qr_count) == -1 ||
	    simnet_int(x, obj, "$.pairing", "codeMs", 1, SIMNET_PAIR_MS_MAX,
	    &net->code_ms) == -1 ? -1 : 0;
}

static int
simnet_root(struct simnet_ctx *x, struct json_object *root)
{
	static const char *const keys[] = { "latencyMs", "pairing", "accounts",
	    "sessions", NULL };
	struct simnet *net = x->net;
	char path[SIMNET_PATH_MAX];
	struct json_object *v;
	int64_t lat;
	size_t i, n;

	if (!json_object_is_type(root, json_type_object))
		return simnet_fail(x, "$", "must be an object, not %s", simnet_type(root));
	if (simnet_keys(x, root, "$", keys) == -1)
		return -1;
	if (json_object_object_get_ex(root, "latencyMs", &v)) {
		if (!json_object_is_type(v, json_type_int))
			return simnet_fail(x, "$.latencyMs", "must be an integer, not %s",
			    simnet_type(v));
		lat = json_object_get_int64(v);
		if (lat < 0 || lat > SIMNET_LATENCY_MAX)
			return simnet_fail(x, "$.latencyMs", "must be 0-%d",
			    SIMNET_LATENCY_MAX);
		net->latency_ms = (int)lat;
	}
	if (json_object_object_get_ex(root, "pairing", &v) &&
	    simnet_pairing(x, v) == -1)
		return -1;
	if (json_object_object_get_ex(root, "accounts", &v)) {
		if (!json_object_is_type(v, json_type_array))
			return simnet_fail(x, "$.accounts", "must be an array, not %s",
			    simnet_type(v));
		n = json_object_array_length(v);
		if (n > 0 && (net->accounts = calloc(n, sizeof(*net->accounts))) == NULL)
			return simnet_fail(x, "$.accounts", "out of memory");
		for (i = 0; i < n; i++) {
			simnet_path(path, "$.accounts[%zu]", i);
			net->naccounts = i + 1;
			if (simnet_account(x, json_object_array_get_idx(v, i), path,
			    &net->accounts[i]) == -1)
				return -1;
		}
	}
	if (json_object_object_get_ex(root, "sessions", &v)) {
		if (!json_object_is_type(v, json_type_object))
			return simnet_fail(x, "$.sessions", "must be an object, not %s",
			    simnet_type(v));
		n = (size_t)json_object_object_length(v);
		if (n > 0 && (net->sessions = calloc(n, sizeof(*net->sessions))) == NULL)
			return simnet_fail(x, "$.sessions", "out of memory");
		i = 0;
		json_object_object_foreach(v, id, sobj) {
			char safe[80];

			simnet_path(path, "$.sessions.%s",
			    log_sanitize(safe, sizeof(safe), id, strlen(id)));
			net->nsessions = i + 1;
			if (simnet_session_parse(x, id, sobj, path,
			    &net->sessions[i]) == -1)
				return -1;
			if (hmap_put(net->by_session, id, strlen(id),
			    &net->sessions[i]) == -1)
				return simnet_fail(x, path, "out of memory");
			/* The first entry of an account is what it sees. */
			if (net->sessions[i].account != NULL &&
			    hmap_get(net->by_account, net->sessions[i].account,
			    strlen(net->sessions[i].account)) == NULL &&
			    hmap_put(net->by_account, net->sessions[i].account,
			    strlen(net->sessions[i].account), &net->sessions[i]) == -1)
				return simnet_fail(x, path, "out of memory");
			i++;
		}
	}
	return 0;
}

int
simnet_parse(struct simnet **out, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	struct simnet_ctx x = { name, err, errlen, NULL };
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	size_t i, line = 1, end;
	int rc = -1;

	*out = NULL;
	if (len > SIMNET_FILE_MAX || len > INT32_MAX) {
		snprintf(err, errlen, "%s: larger than %u bytes", name, SIMNET_FILE_MAX);
		return -1;
	}
	if ((x.net = calloc(1, sizeof(*x.net))) == NULL ||
	    (x.net->by_lid = hmap_new()) == NULL ||
	    (x.net->by_phone = hmap_new()) == NULL ||
	    (x.net->by_session = hmap_new()) == NULL ||
	    (x.net->by_account = hmap_new()) == NULL ||
	    (tok = json_tokener_new_ex(32)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto out;
	}
	x.net->qr_first_ms = 60000;
	x.net->qr_next_ms = 20000;
	x.net->qr_count = 6;
	x.net->code_ms = 180000;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    end != len) {
		for (i = 0; i < end && i < len; i++)
			line += buf[i] == '\n';
		snprintf(err, errlen, "%s: line %zu: not valid JSON: %s", name, line,
		    root == NULL || json_tokener_get_error(tok) != json_tokener_success ?
		    json_tokener_error_desc(json_tokener_get_error(tok)) :
		    "data after the document");
		goto out;
	}
	if (simnet_root(&x, root) == -1)
		goto out;
	*out = x.net;
	x.net = NULL;
	rc = 0;
out:
	json_object_put(root);
	json_tokener_free(tok);
	simnet_free(x.net);
	return rc;
}

int
simnet_load(struct simnet **out, const char *path, char *err, size_t errlen)
{
	char why[128], *buf;
	long len;
	int rc;

	*out = NULL;
	if ((len = file_read(path, SIMNET_FILE_MAX, &buf)) == -1) {
		snprintf(err, errlen, "%s: %s", path,
		    file_strerror(errno, SIMNET_FILE_MAX, why, sizeof(why)));
		return -1;
	}
	rc = simnet_parse(out, path, buf, (size_t)len, err, errlen);
	free(buf);
	return rc;
}

static void
simnet_group_free(struct simnet_group *g)
{
	size_t i;

	for (i = 0; i < g->nmembers; i++)
		free(g->members[i].tag);
	free(g->members);
	free(g->jid);
	free(g->subject);
	free(g->description);
}

void
simnet_free(struct simnet *net)
{
	size_t i, k;

	if (net == NULL)
		return;
	for (i = 0; i < net->naccounts; i++) {
		struct simnet_account *a = &net->accounts[i];

		free(a->lid);
		free(a->phone);
		free(a->name);
		free(a->business_name);
		free(a->about);
	}
	for (i = 0; i < net->nsessions; i++) {
		struct simnet_session *s = &net->sessions[i];

		for (k = 0; k < s->ngroups; k++)
			simnet_group_free(&s->groups[k]);
		free(s->groups);
		free(s->dms);
		free(s->id);
		free(s->account);
	}
	free(net->accounts);
	free(net->sessions);
	hmap_free(net->by_lid);
	hmap_free(net->by_phone);
	hmap_free(net->by_account);
	hmap_free(net->by_session);
	free(net);
}

const struct simnet_account *
simnet_by_lid(const struct simnet *net, const char *lid)
{
	return hmap_get(net->by_lid, lid, strlen(lid));
}

const struct simnet_account *
simnet_by_phone(const struct simnet *net, const char *phone)
{
	return hmap_get(net->by_phone, phone, strlen(phone));
}

const struct simnet_session *
simnet_by_account(const struct simnet *net, const char *phone)
{
	return hmap_get(net->by_account, phone, strlen(phone));
}

const struct simnet_session *
simnet_session(const struct simnet *net, const char *id)
{
	return hmap_get(net->by_session, id, strlen(id));
}

const char *
simnet_role_str(enum simnet_role role)
{
	switch (role) {
	case SIMNET_ADMIN:	return "admin";
	case SIMNET_SUPERADMIN:	return "superadmin";
	default:		return "member";
	}
}
