/*
 * profile_list: the responder's own cost of one list request, without a
 * web server - for callgrind, which counts instructions and so gives the
 * same answer on a busy machine:
 *
 *   valgrind --tool=callgrind bench/profile_list DIR 2000 [QUERY]
 *   callgrind_annotate --inclusive=yes callgrind.out.*
 *
 * DIR gets a database of 100,000 contacts and 313 groups in one session
 * (made on the first run, reused after: remove DIR when this changes) and
 * an API key; each of the N requests is the contact list's first page
 * through dispatch(), with the same per-process setup as wagw.fcgi.
 * QUERY is the list's query string ("q=son%20777"), or a path below the
 * session with its own query: "/groups", "/groups/120363000000000000@g.us/members".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "bench/bench_key.h"
#include "common/config.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/dispatch.h"
#include "gateway/gateway.h"
#include "gateway/request.h"
#include "gateway/response.h"

#define PROFILE_CONTACTS 100000
/* As bench/run's simulated session: 313 groups, the first of 256 members. */
#define PROFILE_GROUPS	313
#define PROFILE_MEMBERS	256
#define PROFILE_GROUP0	120363000000000000LL

static int
profile_fill_groups(struct store *st, int64_t session_rowid, const int64_t *contact)
{
	struct store_seen_group g;
	char jid[48], subject[64];
	int64_t gid;
	int i, m;

	for (i = 0; i < PROFILE_GROUPS; i++) {
		snprintf(jid, sizeof(jid), "%lld@g.us", PROFILE_GROUP0 + i);
		snprintf(subject, sizeof(subject), "Team %d of the benchmark", i);
		g = (struct store_seen_group){ jid, subject, "A group the profile made",
		    "491500000000@s.whatsapp.net", PROFILE_MEMBERS, 0, 1, 1700000000000LL };
		if (store_group_seen(st, session_rowid, &g, 1, &gid) != STORE_OK)
			return -1;
		for (m = 0; m < (i == 0 ? PROFILE_MEMBERS : 8); m++) {
			if (store_member_upsert(st, gid, contact[(i * 37 + m * 101) % PROFILE_CONTACTS],
			    m == 0 ? "superadmin" : "member", NULL, 1) != STORE_OK)
				return -1;
		}
	}
	return 0;
}

static int
profile_fill(const char *db)
{
	struct store_seen_contact c;
	struct store_session s;
	struct store *st;
	char err[256], lid[32], phone[32], name[32];
	int64_t *ids;
	int i, rc;

	if ((ids = calloc(PROFILE_CONTACTS, sizeof(*ids))) == NULL)
		return -1;
	if (store_open(&st, db, STORE_WRITER, 5000, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "profile_list: %s\n", err);
		free(ids);
		return -1;
	}
	rc = store_migrate(st) != STORE_OK || store_org_add(st, "acme", "", 1) != STORE_OK ||
	    store_session_add(st, "S", "acme", "", 1) != STORE_OK ||
	    store_session_lookup(st, "S", &s) != STORE_OK || store_begin(st) != STORE_OK;
	for (i = 0; !rc && i < PROFILE_CONTACTS; i++) {
		snprintf(lid, sizeof(lid), "%d", 100000000 + i);
		snprintf(phone, sizeof(phone), "4915000%06d", i);
		snprintf(name, sizeof(name), "Person %d", i);
		c = (struct store_seen_contact){ lid, phone, name, NULL };
		rc = store_contact_upsert(st, s.rowid, &c, 1, &ids[i]) != STORE_OK ||
		    (i % 5 == 0 && store_dm_upsert(st, s.rowid, ids[i], 1) != STORE_OK);
	}
	rc = rc || profile_fill_groups(st, s.rowid, ids) != 0 ||
	    store_commit(st) != STORE_OK;
	store_close(st);
	free(ids);
	return rc ? -1 : 0;
}

int
main(int argc, char **argv)
{
	char secret[APIKEY_SECRET_LEN + 1], db[1024];
	const char *arg = argc > 3 ? argv[3] : "", *qs;
	struct gateway *gw;
	struct request req;
	struct config cfg;
	size_t bytes = 0;
	int i, n;

	if (argc < 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: profile_list DIR N [QUERY | /PATH[?QUERY]]\n");
		return 1;
	}
	log_init("profile_list", LOG_LEVEL_WARN);
	snprintf(db, sizeof(db), "%s/profile.db", argv[1]);
	if ((access(db, F_OK) == -1 && profile_fill(db) == -1) ||
	    bench_key_add(db, "acme", "profile", secret) == -1) {
		fprintf(stderr, "profile_list: cannot prepare %s\n", db);
		return 1;
	}
	config_defaults(&cfg);
	snprintf(cfg.database, sizeof(cfg.database), "%s", db);
	snprintf(cfg.socket, sizeof(cfg.socket), "%s/no.sock", argv[1]);
	snprintf(cfg.jwks_file, sizeof(cfg.jwks_file), "%s/no-jwks.json", argv[1]);
	if ((gw = gateway_new(&cfg)) == NULL)
		return 1;
	memset(&req, 0, sizeof(req));
	req.method = REQUEST_GET;
	req.method_name = "GET";
	if (arg[0] != '/') {
		req.path_len = (size_t)snprintf(req.path, sizeof(req.path),
		    "/api/v1/sessions/S/contacts");
		req.query = arg;
	} else {
		qs = strchr(arg, '?');
		req.path_len = (size_t)snprintf(req.path, sizeof(req.path),
		    "/api/v1/sessions/S%.*s", (int)(qs ? qs - arg : (long)strlen(arg)), arg);
		req.query = qs ? qs + 1 : "";
	}
	req.query_len = strlen(req.query);
	req.api_key.value = secret;
	req.api_key.len = APIKEY_SECRET_LEN;
	snprintf(req.id, sizeof(req.id), "000000000000000000000000");
	for (i = 0; i < n; i++) {
		struct auth_principal p;
		struct response r;
		size_t len;
		char *out;

		response_init(&r);
		dispatch(gw, &req, &r, &p);
		if (r.status != 200 || (out = response_format(&r, 0, &len)) == NULL) {
			fprintf(stderr, "profile_list: status %d\n", r.status);
			return 1;
		}
		bytes += len;
		free(out);
		response_free(&r);
	}
	printf("%d requests, %zu bytes each\n", n, bytes / (size_t)n);
	gateway_free(gw);
	return 0;
}
