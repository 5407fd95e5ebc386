/*
 * profile_list: the responder's own cost of one list request, without a
 * web server - for callgrind, which counts instructions and so gives the
 * same answer on a busy machine:
 *
 *   valgrind --tool=callgrind bench/profile_list DIR 2000 [QUERY]
 *   callgrind_annotate --inclusive=yes callgrind.out.*
 *
 * DIR gets a database of 100,000 contacts in one session (made on the
 * first run, reused after) and an API key; each of the N requests is a
 * first page (or QUERY, e.g. "q=son%20777") through dispatch(), with the
 * same per-process setup as wagw.fcgi.
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

static int
profile_fill(const char *db)
{
	struct store_seen_contact c;
	struct store_session s;
	struct store *st;
	char err[256], lid[32], phone[32], name[32];
	int64_t id;
	int i, rc;

	if (store_open(&st, db, STORE_WRITER, 5000, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "profile_list: %s\n", err);
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
		rc = store_contact_upsert(st, s.rowid, &c, 1, &id) != STORE_OK ||
		    (i % 5 == 0 && store_dm_upsert(st, s.rowid, id, 1) != STORE_OK);
	}
	rc = rc || store_commit(st) != STORE_OK;
	store_close(st);
	return rc ? -1 : 0;
}

int
main(int argc, char **argv)
{
	char secret[APIKEY_SECRET_LEN + 1], db[1024];
	struct gateway *gw;
	struct request req;
	struct config cfg;
	size_t bytes = 0;
	int i, n;

	if (argc < 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: profile_list DIR N [QUERY]\n");
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
	req.path_len = (size_t)snprintf(req.path, sizeof(req.path), "/api/v1/sessions/S/contacts");
	req.query = argc > 3 ? argv[3] : "";
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
