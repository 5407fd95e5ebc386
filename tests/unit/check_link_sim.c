/*
 * The sim driver's reports of groups (docs/simulated-network.md): the
 * first report of a group lists every member (complete) with what the
 * file says of the group; a SIGHUP (link_reload) reports only what
 * changed - a renamed group, a role or tag that changed, a member who
 * left, a member who joined, a description removed - and nothing for a
 * group that did not change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "sessiond/link.h"
#include "sessiond/loop.h"
#include "unit.h"

#define GROUPS_MAX	4
#define MEMBERS_MAX	8

/* One group of the latest seen event, copied. */
struct rgroup {
	char		 jid[64], subject[64], description[64], owner[64];
	int		 has_subject, has_description, has_owner;
	int64_t		 size, created_ms;
	int		 announce, locked, complete;
	char		 member[MEMBERS_MAX][96];	/* "lid role tag" */
	size_t		 nmembers;
	char		 left[MEMBERS_MAX][32];
	size_t		 nleft;
};

static struct {
	int		 nseen, up;
	struct rgroup	 g[GROUPS_MAX];
	size_t		 ng;
} rec;

static struct loop *lp;
static struct link *lk;
static struct config cfg;
static char dir[128], path[200];

static void
ev_state(void *cookie, enum link_state st, const char *reason)
{
	(void)cookie;
	(void)reason;
	rec.up = st == LINK_UP;
}

static void ev_pairing(void *c, const struct link_pairing *p) { (void)c; (void)p; }
static void ev_paired(void *c, const struct link_identity *id) { (void)c; (void)id; }
static void ev_creds(void *c, const void *b, size_t n) { (void)c; (void)b; (void)n; }
static void ev_check(void *q, const struct link_check_answer *a) { (void)q; (void)a; }
static void ev_about(void *q, enum link_rc rc, int64_t ra, const char *t)
{ (void)q; (void)rc; (void)ra; (void)t; }

static void
copy(char *dst, size_t size, const char *s, int *has)
{
	*has = s != NULL;
	snprintf(dst, size, "%s", s != NULL ? s : "");
}

static void
ev_seen(void *cookie, const struct link_seen *seen)
{
	size_t i, k;

	(void)cookie;
	rec.nseen++;
	ck_assert_uint_le(seen->ngroups, GROUPS_MAX);
	rec.ng = seen->ngroups;
	for (i = 0; i < seen->ngroups; i++) {
		const struct link_group *g = &seen->groups[i];
		struct rgroup *r = &rec.g[i];
		int has;

		memset(r, 0, sizeof(*r));
		copy(r->jid, sizeof(r->jid), g->jid, &has);
		copy(r->subject, sizeof(r->subject), g->subject, &r->has_subject);
		copy(r->description, sizeof(r->description), g->description,
		    &r->has_description);
		copy(r->owner, sizeof(r->owner), g->owner_jid, &r->has_owner);
		r->size = g->size;
		r->created_ms = g->created_ms;
		r->announce = g->announce;
		r->locked = g->locked;
		r->complete = g->complete;
		ck_assert_uint_le(g->nmembers, MEMBERS_MAX);
		for (k = 0; k < g->nmembers; k++)
			snprintf(r->member[k], sizeof(r->member[k]), "%s %s %s",
			    g->members[k].lid, g->members[k].role,
			    g->members[k].tag ? g->members[k].tag : "-");
		r->nmembers = g->nmembers;
		ck_assert_uint_le(g->nleft, MEMBERS_MAX);
		for (k = 0; k < g->nleft; k++)
			snprintf(r->left[k], sizeof(r->left[k]), "%s", g->left[k]);
		r->nleft = g->nleft;
	}
}

static const struct link_events events = {
	ev_state, ev_pairing, ev_paired, ev_creds, ev_seen, ev_check, ev_about
};

static void
write_net(const char *groups)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "{\"latencyMs\": 1, \"accounts\": ["
	    "{\"lid\": \"100\", \"phone\": \"14155550100\", \"name\": \"A\"},"
	    "{\"lid\": \"101\", \"phone\": \"14155550101\", \"name\": \"B\"},"
	    "{\"lid\": \"102\", \"name\": \"C\"}, {\"lid\": \"103\", \"name\": \"D\"}],"
	    " \"sessions\": {\"S\": {\"account\": \"14155550999\", \"groups\": [%s]}}}",
	    groups);
	fclose(f);
}

static void
stop_cb(void *arg)
{
	(void)arg;
	loop_stop(lp);
}

/* Runs the loop for ms. */
static void
run_for(int64_t ms)
{
	loop_timer_add(lp, ms, stop_cb, NULL);
	loop_run(lp);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/wagw-linksim-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/net.json", dir);
	memset(&rec, 0, sizeof(rec));
	config_defaults(&cfg);
	snprintf(cfg.link, sizeof(cfg.link), "sim");
	snprintf(cfg.sim_network, sizeof(cfg.sim_network), "%s", path);
	ck_assert_ptr_nonnull(lp = loop_new());
}

static void
teardown(void)
{
	char cmd[200];

	link_close(lk);
	lk = NULL;
	loop_free(lp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const struct rgroup *
group(const char *jid)
{
	size_t i;

	for (i = 0; i < rec.ng; i++)
		if (strcmp(rec.g[i].jid, jid) == 0)
			return &rec.g[i];
	return NULL;
}

#define G1 "120363000000000001@g.us"
#define G2 "120363000000000002@g.us"

START_TEST(groups_first_whole_then_what_changed)
{
	const struct rgroup *g;
	struct link_sess *ls;
	char err[512];

	write_net("{\"jid\": \"" G1 "\", \"subject\": \"Team\", \"description\": \"Sync\","
	    " \"owner\": \"100\", \"announce\": true, \"locked\": false,"
	    " \"createdAt\": 1700000000000, \"members\": ["
	    "{\"lid\": \"100\", \"role\": \"superadmin\", \"tag\": \"~A\"},"
	    "{\"lid\": \"101\", \"role\": \"member\"}, {\"lid\": \"102\", \"role\": \"admin\"}]},"
	    "{\"jid\": \"" G2 "\", \"members\": [{\"lid\": \"103\"}]}");
	ck_assert_msg(link_open(&lk, &cfg, lp, &events, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(ls = link_sess_new(lk, "sim", "S", &rec, err, sizeof(err)));
	ck_assert_int_eq(link_start(ls, NULL, 0), 0);
	run_for(100);
	ck_assert(rec.up);
	ck_assert_int_eq(rec.nseen, 1);
	ck_assert_uint_eq(rec.ng, 2);
	/* The first report: everything the file says, every member. */
	ck_assert_ptr_nonnull(g = group(G1));
	ck_assert_str_eq(g->subject, "Team");
	ck_assert_str_eq(g->description, "Sync");
	ck_assert_str_eq(g->owner, "100@lid");
	ck_assert_int_eq(g->announce, 1);
	ck_assert_int_eq(g->locked, 0);
	ck_assert_int_eq(g->created_ms, INT64_C(1700000000000));
	ck_assert_int_eq(g->size, 3);
	ck_assert_int_eq(g->complete, 1);
	ck_assert_uint_eq(g->nmembers, 3);
	ck_assert_str_eq(g->member[0], "100 superadmin ~A");
	ck_assert_str_eq(g->member[1], "101 member -");
	ck_assert_str_eq(g->member[2], "102 admin -");
	ck_assert_uint_eq(g->nleft, 0);
	/* What the file does not say is unknown. */
	ck_assert_ptr_nonnull(g = group(G2));
	ck_assert(!g->has_subject && !g->has_description && !g->has_owner);
	ck_assert_int_eq(g->announce, -1);
	ck_assert_int_eq(g->locked, -1);
	ck_assert_int_eq(g->created_ms, 0);
	ck_assert_int_eq(g->complete, 1);
	ck_assert_str_eq(g->member[0], "103 member -");

	/* SIGHUP: G1 renamed, its description removed, 101 left, 102 is a
	 * member now, A's tag changed, 103 joined; G2 did not change. */
	write_net("{\"jid\": \"" G1 "\", \"subject\": \"Team 2\","
	    " \"owner\": \"100\", \"announce\": true, \"locked\": false,"
	    " \"createdAt\": 1700000000000, \"members\": ["
	    "{\"lid\": \"100\", \"role\": \"superadmin\", \"tag\": \"~Anna\"},"
	    "{\"lid\": \"102\", \"role\": \"member\"}, {\"lid\": \"103\", \"role\": \"member\"}]},"
	    "{\"jid\": \"" G2 "\", \"members\": [{\"lid\": \"103\"}]}");
	ck_assert_msg(link_reload(lk, err, sizeof(err)) == 0, "%s", err);
	run_for(50);
	ck_assert_int_eq(rec.nseen, 2);
	ck_assert_uint_eq(rec.ng, 1);
	ck_assert_ptr_nonnull(g = group(G1));
	ck_assert_str_eq(g->subject, "Team 2");
	ck_assert_msg(g->has_description && g->description[0] == '\0',
	    "a removed description is reported as \"\"");
	ck_assert_int_eq(g->complete, 0);
	ck_assert_int_eq(g->size, 3);
	ck_assert_uint_eq(g->nmembers, 3);
	ck_assert_str_eq(g->member[0], "100 superadmin ~Anna");
	ck_assert_str_eq(g->member[1], "102 member -");
	ck_assert_str_eq(g->member[2], "103 member -");
	ck_assert_uint_eq(g->nleft, 1);
	ck_assert_str_eq(g->left[0], "101");

	/* The same file again: nothing to report. */
	ck_assert_msg(link_reload(lk, err, sizeof(err)) == 0, "%s", err);
	run_for(50);
	ck_assert_int_eq(rec.nseen, 2);

	/* Only G2 changes.  Regression: G2 came with the owner and the
	 * description of G1, whose report it took the place of. */
	write_net("{\"jid\": \"" G1 "\", \"subject\": \"Team 2\","
	    " \"owner\": \"100\", \"announce\": true, \"locked\": false,"
	    " \"createdAt\": 1700000000000, \"members\": ["
	    "{\"lid\": \"100\", \"role\": \"superadmin\", \"tag\": \"~Anna\"},"
	    "{\"lid\": \"102\", \"role\": \"member\"}, {\"lid\": \"103\", \"role\": \"member\"}]},"
	    "{\"jid\": \"" G2 "\", \"subject\": \"Now named\", \"members\": [{\"lid\": \"103\"}]}");
	ck_assert_msg(link_reload(lk, err, sizeof(err)) == 0, "%s", err);
	run_for(50);
	ck_assert_int_eq(rec.nseen, 3);
	ck_assert_uint_eq(rec.ng, 1);
	ck_assert_ptr_nonnull(g = group(G2));
	ck_assert_str_eq(g->subject, "Now named");
	ck_assert(!g->has_description && !g->has_owner);
	ck_assert_int_eq(g->created_ms, 0);
	ck_assert_int_eq(g->announce, -1);
	ck_assert_uint_eq(g->nmembers, 0);
	ck_assert_uint_eq(g->nleft, 0);
	link_sess_free(ls);
}
END_TEST

static Suite *
link_sim_suite(void)
{
	Suite *s = suite_create("link_sim");
	TCase *tc = tcase_create("groups");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, groups_first_whole_then_what_changed);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_link_sim", link_sim_suite)
