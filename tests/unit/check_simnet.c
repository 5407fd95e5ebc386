/* The simulated network file: what it means, and clear errors for bad files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sessiond/simnet.h"
#include "unit.h"

static const char example[] =
"{\"latencyMs\": 20,\n"
" \"accounts\": [\n"
"  {\"lid\": \"205227043110953\", \"phone\": \"6281234567890\", \"name\": \"Alice\",\n"
"   \"businessName\": \"Acme Corp\", \"about\": \"At work\"},\n"
"  {\"lid\": \"99887766554433\", \"phone\": \"14155550123\", \"name\": \"Bob\", \"aboutHidden\": true},\n"
"  {\"lid\": \"11112222333344\"}],\n"
" \"sessions\": {\"01HZX8K3M9SESSIONA\": {\"account\": \"6281200000001\", \"connected\": true,\n"
"   \"dms\": [\"205227043110953\"],\n"
"   \"groups\": [{\"jid\": \"120363021234567890@g.us\", \"subject\": \"Project Team\",\n"
"     \"description\": \"Weekly sync\", \"owner\": \"11112222333344\", \"announce\": false,\n"
"     \"locked\": true, \"createdAt\": 1700000000000,\n"
"     \"members\": [{\"lid\": \"205227043110953\", \"role\": \"admin\", \"tag\": \"~Alice\"},\n"
"                 {\"lid\": \"99887766554433\", \"role\": \"member\", \"phoneHidden\": true},\n"
"                 {\"lid\": \"11112222333344\", \"role\": \"superadmin\"}]}]},\n"
"  \"S2\": {\"connected\": false, \"rateOverlimit\": true}}}\n";

START_TEST(parses_the_documented_example)
{
	const struct simnet_session *s;
	const struct simnet_account *a;
	struct simnet *net;
	char err[512];

	ck_assert_int_eq(simnet_parse(&net, "net.json", example, strlen(example),
	    err, sizeof(err)), 0);
	ck_assert_int_eq(net->latency_ms, 20);
	ck_assert_uint_eq(net->naccounts, 3);
	ck_assert_ptr_nonnull(a = simnet_by_phone(net, "6281234567890"));
	ck_assert_str_eq(a->lid, "205227043110953");
	ck_assert_str_eq(a->business_name, "Acme Corp");
	ck_assert_str_eq(a->about, "At work");
	ck_assert_ptr_nonnull(a = simnet_by_lid(net, "99887766554433"));
	ck_assert_int_eq(a->about_hidden, 1);
	ck_assert_str_eq(a->about, "");
	ck_assert_ptr_nonnull(a = simnet_by_lid(net, "11112222333344"));
	ck_assert_ptr_null(a->phone);
	ck_assert_ptr_null(a->name);
	ck_assert_ptr_null(simnet_by_phone(net, "14155550124"));
	ck_assert_ptr_nonnull(s = simnet_session(net, "01HZX8K3M9SESSIONA"));
	ck_assert_str_eq(s->account, "6281200000001");
	ck_assert_int_eq(s->connected, 1);
	ck_assert_uint_eq(s->ndms, 1);
	ck_assert_uint_eq(s->ngroups, 1);
	ck_assert_uint_eq(s->groups[0].nmembers, 3);
	ck_assert_str_eq(s->groups[0].description, "Weekly sync");
	ck_assert_str_eq(s->groups[0].owner->lid, "11112222333344");
	ck_assert_int_eq(s->groups[0].announce, 0);
	ck_assert_int_eq(s->groups[0].locked, 1);
	ck_assert_int_eq(s->groups[0].created_ms, INT64_C(1700000000000));
	ck_assert_int_eq(s->groups[0].members[0].role, SIMNET_ADMIN);
	ck_assert_str_eq(s->groups[0].members[0].tag, "~Alice");
	ck_assert_int_eq(s->groups[0].members[1].phone_hidden, 1);
	ck_assert_int_eq(s->groups[0].members[2].role, SIMNET_SUPERADMIN);
	ck_assert_ptr_nonnull(s = simnet_session(net, "S2"));
	ck_assert_int_eq(s->connected, 0);
	ck_assert_int_eq(s->rate_overlimit, 1);
	ck_assert_ptr_null(simnet_session(net, "S3"));
	simnet_free(net);
	simnet_free(NULL);
}
END_TEST

START_TEST(defaults_of_an_empty_world)
{
	struct simnet *net;
	char err[512];

	ck_assert_int_eq(simnet_parse(&net, "n", "{}", 2, err, sizeof(err)), 0);
	ck_assert_int_eq(net->latency_ms, 0);
	ck_assert_uint_eq(net->naccounts, 0);
	ck_assert_uint_eq(net->nsessions, 0);
	simnet_free(net);
}
END_TEST

#define A1 "{\"lid\":\"1\",\"phone\":\"14155550123\"}"
static const struct {
	int		 line;
	const char	*json;
	const char	*want;		/* substring of the message */
} bad[] = {
	{ __LINE__, "", "n.json: line 1: not valid JSON" },
	{ __LINE__, "{\n\"latencyMs\": 1,\n}", "n.json: line 3: not valid JSON" },
	{ __LINE__, "{} {}", "n.json: line 1: not valid JSON" },
	{ __LINE__, "[]", "n.json: $: must be an object, not array" },
	{ __LINE__, "{\"latency\": 1}", "$: unknown member \"latency\"" },
	{ __LINE__, "{\"latencyMs\": \"20\"}", "$.latencyMs: must be an integer, not string" },
	{ __LINE__, "{\"latencyMs\": -1}", "$.latencyMs: must be 0-60000" },
	{ __LINE__, "{\"latencyMs\": 60001}", "$.latencyMs: must be 0-60000" },
	{ __LINE__, "{\"accounts\": {}}", "$.accounts: must be an array, not object" },
	{ __LINE__, "{\"accounts\": [1]}", "$.accounts[0]: must be an object, not int" },
	{ __LINE__, "{\"accounts\": [{}]}", "$.accounts[0]: \"lid\" is missing" },
	{ __LINE__, "{\"accounts\": [{\"lid\":\"12a\"}]}", "$.accounts[0]: \"lid\" must be 1-48 digits" },
	{ __LINE__, "{\"accounts\": [{\"lid\":12}]}", "$.accounts[0]: \"lid\" must be a string, not int" },
	{ __LINE__, "{\"accounts\": [" A1 ",{\"lid\":\"2\",\"phone\":\"+14155550124\"}]}",
	    "$.accounts[1]: \"phone\" must be 7-15 digits" },
	{ __LINE__, "{\"accounts\": [{\"lid\":\"2\",\"phone\":\"0123456789\"}]}", "\"phone\" must be" },
	{ __LINE__, "{\"accounts\": [" A1 "," A1 "]}", "$.accounts[1]: lid 1 appears twice" },
	{ __LINE__, "{\"accounts\": [" A1 ",{\"lid\":\"2\",\"phone\":\"14155550123\"}]}",
	    "$.accounts[1]: phone 14155550123 appears twice" },
	{ __LINE__, "{\"accounts\": [{\"lid\":\"1\",\"name\":\"a\\u0000b\"}]}", "\"name\" contains a NUL" },
	{ __LINE__, "{\"accounts\": [{\"lid\":\"1\",\"aboutHidden\":1}]}",
	    "$.accounts[0]: \"aboutHidden\" must be true or false, not int" },
	{ __LINE__, "{\"accounts\": [{\"lid\":\"1\",\"nick\":\"x\"}]}", "$.accounts[0]: unknown member \"nick\"" },
	{ __LINE__, "{\"sessions\": []}", "$.sessions: must be an object, not array" },
	{ __LINE__, "{\"sessions\": {\"bad id\": {}}}", "$.sessions.bad id: a session id is" },
	{ __LINE__, "{\"sessions\": {\"S\": 1}}", "$.sessions.S: must be an object" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"connected\": \"yes\"}}}",
	    "$.sessions.S: \"connected\" must be true or false, not string" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"account\": \"12\"}}}", "$.sessions.S: \"account\" must be" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"dms\": [\"7\"]}}}",
	    "$.sessions.S.dms[0]: \"7\" is not the lid of an account" },
	{ __LINE__, "{\"accounts\": [" A1 "], \"sessions\": {\"S\": {\"dms\": [\"1\", 1]}}}",
	    "$.sessions.S.dms[1]: must be a LID string, not int" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"subject\":\"x\"}]}}}",
	    "$.sessions.S.groups[0]: \"jid\" is missing" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@s.whatsapp.net\"}]}}}",
	    "$.sessions.S.groups[0]: \"jid\" must be a group JID" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\"},{\"jid\":\"1@g.us\"}]}}}",
	    "$.sessions.S.groups[1]: group 1@g.us appears twice" },
	{ __LINE__, "{\"accounts\": [" A1 "], \"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\","
	    "\"members\":[{\"lid\":\"1\",\"role\":\"owner\"}]}]}}}",
	    "$.sessions.S.groups[0].members[0]: \"role\" must be member, admin or superadmin" },
	{ __LINE__, "{\"accounts\": [" A1 "], \"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\","
	    "\"members\":[{\"lid\":\"1\"},{\"lid\":\"9\"}]}]}}}",
	    "$.sessions.S.groups[0].members[1].lid: \"9\" is not the lid of an account" },
	{ __LINE__, "{\"accounts\": [" A1 "], \"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\","
	    "\"members\":[{\"lid\":\"1\",\"phoneHidden\":\"no\"}]}]}}}",
	    "$.sessions.S.groups[0].members[0]: \"phoneHidden\" must be true or false" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"members\":{}}]}}}",
	    "$.sessions.S.groups[0]: \"members\" must be an array, not object" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"dm\": []}}}", "$.sessions.S: unknown member \"dm\"" },
	/* What a group says of itself (all optional). */
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"owner\":\"9\"}]}}}",
	    "$.sessions.S.groups[0].owner: \"9\" is not the lid of an account" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"owner\":9}]}}}",
	    "$.sessions.S.groups[0].owner: must be a LID string, not int" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"announce\":1}]}}}",
	    "$.sessions.S.groups[0]: \"announce\" must be true or false, not int" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"locked\":\"no\"}]}}}",
	    "$.sessions.S.groups[0]: \"locked\" must be true or false, not string" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"description\":[]}]}}}",
	    "$.sessions.S.groups[0]: \"description\" must be a string, not array" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"createdAt\":\"1\"}]}}}",
	    "$.sessions.S.groups[0]: \"createdAt\" must be an integer, not string" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"createdAt\":0}]}}}",
	    "$.sessions.S.groups[0]: \"createdAt\" must be ms since the epoch" },
	/* json-c clamps an overflow to INT64_MAX: still out of range. */
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\","
	    "\"createdAt\":99999999999999999999999}]}}}", "\"createdAt\" must be ms since the epoch" },
	{ __LINE__, "{\"sessions\": {\"S\": {\"groups\": [{\"jid\":\"1@g.us\",\"created\":1}]}}}",
	    "$.sessions.S.groups[0]: unknown member \"created\"" },
};

START_TEST(bad_files_name_path_and_problem)
{
	struct simnet *net = (void *)1;
	char err[512];

	ck_assert_msg(simnet_parse(&net, "n.json", bad[_i].json, strlen(bad[_i].json),
	    err, sizeof(err)) == -1, "line %d parsed", bad[_i].line);
	ck_assert_ptr_null(net);
	ck_assert_msg(strstr(err, bad[_i].want) != NULL && strncmp(err, "n.json: ", 8) == 0,
	    "line %d: got \"%s\"", bad[_i].line, err);
}
END_TEST

START_TEST(load_names_the_file)
{
	char path[256], err[512];
	struct simnet *net;
	FILE *f;

	snprintf(path, sizeof(path), "%s/wagw-simnet-%d.json",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	ck_assert_int_eq(simnet_load(&net, path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) && strstr(err, "No such file"), "%s", err);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(example, f);
	fclose(f);
	ck_assert_int_eq(simnet_load(&net, path, err, sizeof(err)), 0);
	ck_assert_uint_eq(net->nsessions, 2);
	simnet_free(net);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{\"accounts\": [{\"lid\": \"x\"}]}", f);
	fclose(f);
	ck_assert_int_eq(simnet_load(&net, path, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, ": $.accounts[0]: "), "%s", err);
	unlink(path);
}
END_TEST

static Suite *
simnet_suite(void)
{
	Suite *s = suite_create("simnet");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, parses_the_documented_example);
	tcase_add_test(tc, defaults_of_an_empty_world);
	tcase_add_loop_test(tc, bad_files_name_path_and_problem, 0, N_ELEM(bad));
	tcase_add_test(tc, load_names_the_file);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_simnet", simnet_suite)
