/*
 * scale_list: the list endpoint on a database of 10^6 contacts over
 * 1,000 sessions against the same requests on databases that each hold
 * one of those sessions alone (issue 14, item 2).  bench/scale drives it
 * (see bench/README.md, "Scale"):
 *
 *   scale_list fill DIR             makes DIR/all.db and DIR/only-S*.db
 *   scale_list time DIR ROUNDS N [LABEL]
 *                                   prints one line per round and shape
 *                                   (LABEL: only "S0004|q=77|" and such)
 *
 * The sessions: three huge (300,000, 200,000, and what the rest leave,
 * ~92,000) and 997 small ones of 9 to ~1,600 contacts.  They are stored
 * interleaved, as a daemon stores them: round after round, every session
 * with contacts left stores its next 100 (every fifth with a direct
 * chat, the others members of groups of 256), so a session's rows and ids
 * are spread over the whole database.  An only-S database stores the
 * same session's contacts in the same order, and nothing else.  Both
 * end with the search index merged, as the daemon leaves it.
 *
 * time: each request goes through dispatch() with an API key, the same
 * per-process setup as wagw.fcgi (as bench/profile_list).  For every
 * shape, N requests on all.db, then N on the only-S database, ROUNDS
 * times; each run's CPU time per request (CLOCK_THREAD_CPUTIME_ID: time
 * this thread ran, not time it waited for a busy machine's cores).
 * Both bodies are compared first, nextCursor aside: the same request
 * must give the same page.  Under callgrind each run is one dump of its
 * own (CALLGRIND_DUMP_STATS_AT), so bench/scale counts instructions too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_DUMP_STATS_AT
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label)	((void)(label))
#endif

#include "auth/auth.h"
#include "bench/bench_key.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/cursor.h"
#include "gateway/dispatch.h"
#include "gateway/gateway.h"
#include "gateway/request.h"
#include "gateway/response.h"

#define SCALE_SESSIONS	1000
#define SCALE_CONTACTS	1000000
#define SCALE_BURST	100	/* contacts a session stores per round */
#define SCALE_GROUP	256	/* members per group */
#define SCALE_MEASURED	5
#define SCALE_SHAPES	9

static int sizes[SCALE_SESSIONS];

/* Session k's contacts (k from 0); the same on every run. */
static void
scale_sizes(void)
{
	long rest = SCALE_CONTACTS - 300000 - 200000;
	int k;

	sizes[0] = 300000;
	sizes[1] = 200000;
	for (k = 3; k < SCALE_SESSIONS; k++) {
		double x = (double)(k - 3) / (SCALE_SESSIONS - 4);

		sizes[k] = 9 + (int)(1600 * x * x * x);
		rest -= sizes[k];
	}
	sizes[2] = (int)rest;
}

/*
 * The sessions measured: the largest and the smallest huge one, the
 * largest small one, the one nearest 1,000 and the smallest.
 */
static void
scale_measured(int out[SCALE_MEASURED])
{
	int k, best = 3;

	for (k = 3; k < SCALE_SESSIONS; k++)
		if (abs(sizes[k] - 1000) < abs(sizes[best] - 1000))
			best = k;
	out[0] = 0;
	out[1] = 2;
	out[2] = SCALE_SESSIONS - 1;
	out[3] = best;
	out[4] = 3;
}

struct scale_db {
	struct store	*st;
	int64_t		 sid[SCALE_SESSIONS];	/* 0: not in this database */
	int64_t		 group[SCALE_SESSIONS];	/* the current group's id */
};

/* Stores contacts [from, to) of session k, as a daemon's report would. */
static int
scale_store(struct scale_db *d, int k, long base, int from, int to)
{
	char lid[24], phone[24], name[32], biz[32], jid[40], subject[40];
	struct store_seen_contact c;
	int64_t id;
	int j;

	for (j = from; j < to; j++) {
		long a = base + j;

		snprintf(lid, sizeof(lid), "%ld", 100000000000000L + a);
		snprintf(phone, sizeof(phone), "%ld", 4915000000000L + a);
		snprintf(name, sizeof(name), "Person %ld", a);
		snprintf(biz, sizeof(biz), "Business %ld", a);
		c = (struct store_seen_contact){ lid, a % 20 == 7 ? NULL : phone, name,
		    a % 7 == 0 ? biz : NULL };
		if (store_contact_upsert(d->st, d->sid[k], &c, 1, &id) != STORE_OK)
			return -1;
		if (j % 5 == 0) {
			if (store_dm_upsert(d->st, d->sid[k], id, 1) != STORE_OK)
				return -1;
			continue;
		}
		/* The others, in order, fill groups of SCALE_GROUP. */
		if ((j - j / 5 - 1) % SCALE_GROUP == 0) {
			snprintf(jid, sizeof(jid), "1203630%06d%06d@g.us", k,
			    (j - j / 5 - 1) / SCALE_GROUP);
			snprintf(subject, sizeof(subject), "Group %d of S%04d",
			    (j - j / 5 - 1) / SCALE_GROUP, k + 1);
			if (store_group_upsert(d->st, d->sid[k], jid, subject, 1,
			    &d->group[k]) != STORE_OK)
				return -1;
		}
		if (store_member_upsert(d->st, d->group[k], id, "member", NULL, 1) != STORE_OK)
			return -1;
	}
	return 0;
}

/* Makes path with the sessions in[k] != 0, stored round by round. */
static int
scale_fill_db(const char *path, const int *in)
{
	struct scale_db d;
	struct store_session s;
	char err[256], id[16];
	long base[SCALE_SESSIONS], b = 0;
	int k, round, left = 1, done;

	memset(&d, 0, sizeof(d));
	if (store_open(&d.st, path, STORE_WRITER, 5000, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "scale_list: %s\n", err);
		return -1;
	}
	if (store_migrate(d.st) != STORE_OK || store_org_add(d.st, "acme", "", 1) != STORE_OK)
		goto fail;
	for (k = 0; k < SCALE_SESSIONS; k++) {
		base[k] = b;
		b += sizes[k];
		if (!in[k])
			continue;
		snprintf(id, sizeof(id), "S%04d", k + 1);
		if (store_session_add(d.st, id, "acme", "", 1) != STORE_OK ||
		    store_session_lookup(d.st, id, &s) != STORE_OK)
			goto fail;
		d.sid[k] = s.rowid;
	}
	for (round = 0; left; round++) {
		left = 0;
		if (store_begin(d.st) != STORE_OK)
			goto fail;
		for (k = 0; k < SCALE_SESSIONS; k++) {
			int from = round * SCALE_BURST, to = from + SCALE_BURST;

			if (!in[k] || from >= sizes[k])
				continue;
			if (to > sizes[k])
				to = sizes[k];
			if (scale_store(&d, k, base[k], from, to) == -1)
				goto fail;
			left = 1;
		}
		if (store_commit(d.st) != STORE_OK)
			goto fail;
	}
	/* The search index as the daemon leaves it once contacts stop
	 * arriving (src/sessiond/tidy.c): merged. */
	for (round = 0, done = 0; !done; round++)
		if (store_begin(d.st) != STORE_OK ||
		    store_search_tidy(d.st, 200, round == 0, &done) != STORE_OK ||
		    store_commit(d.st) != STORE_OK)
			goto fail;
	store_close(d.st);
	return 0;
fail:
	fprintf(stderr, "scale_list: cannot fill %s\n", path);
	store_close(d.st);
	return -1;
}

static int
scale_fill(const char *dir)
{
	int in[SCALE_SESSIONS], m[SCALE_MEASURED], i, k;
	char path[1024];

	for (k = 0; k < SCALE_SESSIONS; k++)
		in[k] = 1;
	snprintf(path, sizeof(path), "%s/all.db", dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "scale_list: %s exists\n", path);
		return -1;
	}
	if (scale_fill_db(path, in) == -1)
		return -1;
	scale_measured(m);
	for (i = 0; i < SCALE_MEASURED; i++) {
		memset(in, 0, sizeof(in));
		in[m[i]] = 1;
		snprintf(path, sizeof(path), "%s/only-S%04d.db", dir, m[i] + 1);
		if (scale_fill_db(path, in) == -1)
			return -1;
	}
	return 0;
}

struct scale_gw {
	char		 db[1024];
	char		 secret[APIKEY_SECRET_LEN + 1];
	struct gateway	*gw;
	struct request	 req;
	char		 query[256];
};

static int
scale_gw_open(struct scale_gw *g, const char *dir, const char *name)
{
	struct config cfg;

	snprintf(g->db, sizeof(g->db), "%s/%s", dir, name);
	if (bench_key_add(g->db, "acme", "scale", g->secret) == -1)
		return -1;
	config_defaults(&cfg);
	snprintf(cfg.database, sizeof(cfg.database), "%s", g->db);
	snprintf(cfg.socket, sizeof(cfg.socket), "%s/no.sock", dir);
	snprintf(cfg.jwks_file, sizeof(cfg.jwks_file), "%s/no-jwks.json", dir);
	if ((g->gw = gateway_new(&cfg)) == NULL)
		return -1;
	memset(&g->req, 0, sizeof(g->req));
	g->req.method = REQUEST_GET;
	g->req.method_name = "GET";
	g->req.api_key.value = g->secret;
	g->req.api_key.len = APIKEY_SECRET_LEN;
	snprintf(g->req.id, sizeof(g->req.id), "000000000000000000000000");
	return 0;
}

/* Answers session k's list request query; the body in *out (caller frees) if out. */
static int
scale_request(struct scale_gw *g, int k, const char *query, char **out)
{
	struct auth_principal p;
	struct response r;
	size_t len;
	char *text;
	int rc = 0;

	g->req.path_len = (size_t)snprintf(g->req.path, sizeof(g->req.path),
	    "/api/v1/sessions/S%04d/contacts", k + 1);
	g->req.query = query;
	g->req.query_len = strlen(query);
	response_init(&r);
	dispatch(g->gw, &g->req, &r, &p);
	if (r.status != 200 || (text = response_format(&r, 0, &len)) == NULL)
		rc = -1;
	else if (out != NULL)
		*out = text;
	else
		free(text);
	response_free(&r);
	return rc;
}

/* The body without its nextCursor (each database has its own cursor key). */
static void
scale_strip_cursor(char *body)
{
	char *c = strstr(body, "\"nextCursor\":\""), *e;

	if (c != NULL && (e = strchr(c + 14, '"')) != NULL)
		memmove(c + 14, e, strlen(e) + 1);
}

/* The cursor of session k's contact at 90% of its keyset, read from db. */
static int
scale_deep_cursor(struct scale_gw *g, int k, char *query, size_t len)
{
	char *body, *c, *e;
	char q[128];
	int seen = 0;

	snprintf(q, sizeof(q), "limit=%d", 1);
	for (;;) {
		int step = sizes[k] * 9 / 10 - seen;

		if (step > 200)
			step = 200;
		if (step < 1)
			break;
		/* The cursor so far, after this page's limit. */
		c = strstr(q, "&cursor=");
		snprintf(q, sizeof(q), "limit=%d%s", step, c ? c : "");
		if (scale_request(g, k, q, &body) == -1)
			return -1;
		if ((c = strstr(body, "\"nextCursor\":\"")) == NULL ||
		    (e = strchr(c + 14, '"')) == NULL) {
			free(body);
			return -1;
		}
		snprintf(q, sizeof(q), "limit=%d&cursor=%.*s", step, (int)(e - c - 14),
		    c + 14);
		seen += step;
		free(body);
	}
	if ((c = strstr(q, "cursor=")) == NULL)
		return -1;
	snprintf(query, len, "%s", c);
	return 0;
}

static double
scale_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Items on a page. */
static int
scale_items(const char *body)
{
	int n = 0;

	while ((body = strstr(body, "\"lid\":")) != NULL) {
		n++;
		body++;
	}
	return n;
}

static int
scale_time(const char *dir, int rounds, int n, const char *only_label)
{
	static const char *const shape_name[SCALE_SHAPES] = {
		"page 1", "deep page (90%)", "q=son 777", "q=son 999999", "q=+49150",
		"q=77", "source=dm", "source=group", "group=first",
	};
	struct scale_gw all, only[SCALE_MEASURED], *g;
	/* [shape][0]: the request on all.db, [1] on the only-S database
	 * (a deep page's cursor is each database's own). */
	char query[SCALE_SHAPES][2][256], name[64], label[128], *body[2];
	int m[SCALE_MEASURED], i, s, r, j, w;
	double t[2];

	scale_measured(m);
	if (scale_gw_open(&all, dir, "all.db") == -1)
		return -1;
	for (i = 0; i < SCALE_MEASURED; i++) {
		snprintf(name, sizeof(name), "only-S%04d.db", m[i] + 1);
		if (scale_gw_open(&only[i], dir, name) == -1)
			return -1;
	}
	for (i = 0; i < SCALE_MEASURED; i++) {
		int k = m[i];

		int want[SCALE_SHAPES], any = 0;

		for (s = 0; s < SCALE_SHAPES; s++) {
			snprintf(label, sizeof(label), "S%04d|%s|", k + 1, shape_name[s]);
			any |= want[s] = only_label == NULL || strstr(label, only_label) != NULL;
		}
		if (!any)
			continue;
		for (w = 0; w < 2; w++) {
			g = w == 0 ? &all : &only[i];
			snprintf(query[0][w], sizeof(query[0][w]), "%s", "");
			if (want[1] &&
			    scale_deep_cursor(g, k, query[1][w], sizeof(query[1][w])) == -1) {
				fprintf(stderr, "scale_list: no deep cursor in S%04d\n", k + 1);
				return -1;
			}
			snprintf(query[2][w], sizeof(query[2][w]), "q=son%%20777");
			snprintf(query[3][w], sizeof(query[3][w]), "q=son%%20999999");
			snprintf(query[4][w], sizeof(query[4][w]), "q=%%2B49150");
			snprintf(query[5][w], sizeof(query[5][w]), "q=77");
			snprintf(query[6][w], sizeof(query[6][w]), "source=dm");
			snprintf(query[7][w], sizeof(query[7][w]), "source=group");
			snprintf(query[8][w], sizeof(query[8][w]),
			    "group=1203630%06d000000%%40g.us", k);
		}
		for (s = 0; s < SCALE_SHAPES; s++) {
			if (!want[s])
				continue;
			/* The same request gives the same page on both. */
			for (w = 0; w < 2; w++) {
				g = w == 0 ? &all : &only[i];
				if (scale_request(g, k, query[s][w], &body[w]) == -1) {
					fprintf(stderr, "scale_list: S%04d %s failed\n", k + 1,
					    shape_name[s]);
					return -1;
				}
				scale_strip_cursor(body[w]);
			}
			if (strcmp(body[0], body[1]) != 0) {
				fprintf(stderr, "scale_list: S%04d %s: the pages differ\n",
				    k + 1, shape_name[s]);
				return -1;
			}
			printf("S%04d\t%d\t%s\titems\t%d\n", k + 1, sizes[k], shape_name[s],
			    scale_items(body[0]));
			free(body[0]);
			free(body[1]);
			for (r = 0; r < rounds; r++) {
				for (w = 0; w < 2; w++) {
					g = w == 0 ? &all : &only[i];
					for (j = 0; j < 3; j++)		/* warm */
						scale_request(g, k, query[s][w], NULL);
					CALLGRIND_ZERO_STATS;
					t[w] = scale_now_us();
					for (j = 0; j < n; j++)
						scale_request(g, k, query[s][w], NULL);
					t[w] = (scale_now_us() - t[w]) / n;
					snprintf(label, sizeof(label), "S%04d|%s|%s", k + 1,
					    shape_name[s], w == 0 ? "all" : "only");
					CALLGRIND_DUMP_STATS_AT(label);
				}
				printf("S%04d\t%d\t%s\tround\t%d\t%.2f\t%.2f\n", k + 1,
				    sizes[k], shape_name[s], r, t[0], t[1]);
				fflush(stdout);
			}
		}
	}
	gateway_free(all.gw);
	for (i = 0; i < SCALE_MEASURED; i++)
		gateway_free(only[i].gw);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init("scale_list", LOG_LEVEL_WARN);
	scale_sizes();
	if (argc == 3 && strcmp(argv[1], "fill") == 0)
		return scale_fill(argv[2]) == 0 ? 0 : 1;
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "time") == 0 &&
	    atoi(argv[3]) > 0 && atoi(argv[4]) > 0)
		return scale_time(argv[2], atoi(argv[3]), atoi(argv[4]),
		    argc == 6 ? argv[5] : NULL) == 0 ? 0 : 1;
	fprintf(stderr, "usage: scale_list fill DIR | time DIR ROUNDS N [LABEL]\n");
	return 1;
}
