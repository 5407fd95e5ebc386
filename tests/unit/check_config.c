#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "unit.h"

static int
parse(struct config *cfg, const char *text, char *err, size_t errlen)
{
	return config_parse_buffer(cfg, "t.conf", text, strlen(text), err, errlen);
}

START_TEST(config_defaults_when_empty)
{
	struct config cfg;
	char err[256];

	ck_assert_int_eq(parse(&cfg, "", err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.database, TEST_LOCALSTATEDIR "/lib/wagw/wagw.db");
	ck_assert_str_eq(cfg.socket, TEST_RUNSTATEDIR "/wagw/sessiond.sock");
	ck_assert_str_eq(cfg.link, "sim");
	ck_assert_str_eq(cfg.sim_network, TEST_SYSCONFDIR "/wagw/network.json");
	ck_assert_str_eq(cfg.allowed_users, "www-data");
	ck_assert_int_eq(cfg.lookup_timeout_ms, 10000);
	ck_assert_int_eq(cfg.lookups_per_minute, 30);
	ck_assert_int_eq(cfg.lookup_burst, 10);
	ck_assert_int_eq(cfg.lookups_per_day, 5000);
	ck_assert_int_eq(cfg.check_cache_s, 86400);
	ck_assert_str_eq(cfg.jwks_file, TEST_LOCALSTATEDIR "/lib/wagw/jwks.json");
	ck_assert_str_eq(cfg.credentials_key_file,
	    TEST_LOCALSTATEDIR "/lib/wagw/credentials.key");
	ck_assert_str_eq(cfg.jwks_url, "");
	ck_assert_int_eq(cfg.jwt_leeway_s, 60);
	ck_assert_str_eq(cfg.org_claim, "activeOrganizationId");
	ck_assert_str_eq(cfg.org_role_claim, "orgRole");
	ck_assert_str_eq(cfg.platform_role_claim, "role");
	ck_assert_uint_eq(cfg.cors_origins_n, 0);
}
END_TEST

START_TEST(config_full_file)
{
	static const char text[] =
	    "# comment\n"
	    "; another\n"
	    "[store]\n"
	    "database = /tmp/x.db\n"
	    "\n"
	    "[sessiond]\n"
	    "socket=/tmp/s.sock\n"
	    "link = sim\n"
	    "sim_network = /tmp/n.json\n"
	    "lookup_timeout_ms = 2500\n"
	    "lookups_per_minute = 60\n"
	    "lookup_burst = 5\n"
	    "lookups_per_day = 100\n"
	    "check_cache_s = 0\n"
	    "id = gw-1\n"
	    "credentials_key_file = /tmp/c.key\n"
	    "[whatsapp]\n"
	    "url = ws://127.0.0.1:9443/ws/chat\n"
	    "ca_file = /tmp/ca.pem\n"
	    "noise_root_key = 142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b\n"
	    "version = 2.3000.1023456789\n"
	    "version_url = http://localhost:8000/sw.js\n"
	    "[auth]\n"
	    "jwks_file = /tmp/jwks.json\n"
	    "jwks_url = https://auth.example.com/.well-known/jwks.json\n"
	    "jwt_issuer = https://auth.example.com\n"
	    "jwt_audience = wagw\n"
	    "jwt_leeway_s = 0\n"
	    "org_claim = org\n"
	    "org_role_claim = org_role\n"
	    "platform_role_claim = platform_role\n"
	    "[http]\n"
	    "cors_origins = https://app.example.com  http://localhost:3000\r\n";
	struct config cfg;
	char err[256];

	ck_assert_msg(parse(&cfg, text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(cfg.database, "/tmp/x.db");
	ck_assert_str_eq(cfg.socket, "/tmp/s.sock");
	ck_assert_int_eq(cfg.lookup_timeout_ms, 2500);
	ck_assert_int_eq(cfg.check_cache_s, 0);
	ck_assert_str_eq(cfg.jwt_audience, "wagw");
	ck_assert_int_eq(cfg.jwt_leeway_s, 0);
	ck_assert_str_eq(cfg.platform_role_claim, "platform_role");
	ck_assert_str_eq(cfg.id, "gw-1");
	ck_assert_str_eq(cfg.credentials_key_file, "/tmp/c.key");
	ck_assert_str_eq(cfg.wa.url, "ws://127.0.0.1:9443/ws/chat");
	ck_assert_str_eq(cfg.wa.ca_file, "/tmp/ca.pem");
	ck_assert_str_eq(cfg.wa.version, "2.3000.1023456789");
	ck_assert_str_eq(cfg.wa.version_url, "http://localhost:8000/sw.js");
	ck_assert_uint_eq(cfg.cors_origins_n, 2);
	ck_assert_int_eq(config_cors_allowed(&cfg, "https://app.example.com", 23), 1);
	ck_assert_int_eq(config_cors_allowed(&cfg, "http://localhost:3000", 21), 1);
	ck_assert_int_eq(config_cors_allowed(&cfg, "https://app.example.co", 22), 0);
	ck_assert_int_eq(config_cors_allowed(&cfg, "https://evil.example.com", 24), 0);
}
END_TEST

START_TEST(config_errors)
{
	static const struct {
		int		 line;
		const char	*text, *want;
	} cases[] = {
		{ __LINE__, "[store]\ndatabse = /x\n", "t.conf:2: databse: unknown key in [store]" },
		{ __LINE__, "[stor]\ndatabase = /x\n", "t.conf:2: database: unknown section [stor]" },
		{ __LINE__, "database = /x\n", "t.conf:1: database: unknown section (key before any section)" },
		{ __LINE__, "[sessiond]\nlookup_timeout_ms = ten\n",
		    "t.conf:2: lookup_timeout_ms: \"ten\" is not a whole number" },
		{ __LINE__, "[sessiond]\nlookup_timeout_ms = 10s\n",
		    "t.conf:2: lookup_timeout_ms: \"10s\" is not a whole number" },
		{ __LINE__, "[sessiond]\nlookup_timeout_ms = -5\n",
		    "t.conf:2: lookup_timeout_ms: \"-5\" is not a whole number" },
		{ __LINE__, "[sessiond]\nlookup_burst = 0\n",
		    "t.conf:2: lookup_burst: must be between 1 and 1000000" },
		{ __LINE__, "[sessiond]\nlookups_per_day = 99999999999999999999\n",
		    "t.conf:2: lookups_per_day: must be between 1 and 100000000" },
		{ __LINE__, "[sessiond]\nlookup_burst =\n",
		    "t.conf:2: lookup_burst: \"\" is not a whole number" },
		{ __LINE__, "[sessiond]\nlink = telegram\n",
		    "t.conf:2: link: unknown link driver \"telegram\" (known: sim, whatsapp)" },
		{ __LINE__, "[sessiond]\nallowed_users = www-data, wagw\n",
		    "t.conf:2: allowed_users: must be at most 16 user names or numeric ids, "
		    "separated by spaces" },
		{ __LINE__, "[sessiond]\nallowed_users = -u\n",
		    "t.conf:2: allowed_users: must be at most 16 user names or numeric ids, "
		    "separated by spaces" },
		{ __LINE__, "[sessiond]\nallowed_users = a b c d e f g h i j k l m n o p q\n",
		    "t.conf:2: allowed_users: must be at most 16 user names or numeric ids, "
		    "separated by spaces" },
		{ __LINE__, "[sessiond]\nid = gw.1\n",
		    "t.conf:2: id: must be 1-64 of A-Z a-z 0-9 _ - (or empty: the host name)" },
		{ __LINE__, "[sessiond]\ncredentials_key_file =\n",
		    "t.conf:2: credentials_key_file: must not be empty" },
		{ __LINE__, "[whatsapp]\nurl = https://web.whatsapp.com/ws/chat\n",
		    "t.conf:2: url: must be a wss://host[:port]/path URL (ws:// only to localhost)" },
		{ __LINE__, "[whatsapp]\nurl = ws://example.com/ws\n",
		    "t.conf:2: url: must be a wss://host[:port]/path URL (ws:// only to localhost)" },
		{ __LINE__, "[whatsapp]\nurl = wss://host\n",
		    "t.conf:2: url: must be a wss://host[:port]/path URL (ws:// only to localhost)" },
		{ __LINE__, "[whatsapp]\nnoise_root_key = abc\n",
		    "t.conf:2: noise_root_key: must be 64 hex digits (or empty)" },
		{ __LINE__, "[whatsapp]\nversion = 2.3000\n",
		    "t.conf:2: version: must be a version like 2.3000.1023456789 (or empty: built in)" },
		{ __LINE__, "[whatsapp]\nversion = 2..3\n",
		    "t.conf:2: version: must be a version like 2.3000.1023456789 (or empty: built in)" },
		{ __LINE__, "[whatsapp]\nversion_url = http://example.com/sw.js\n",
		    "t.conf:2: version_url: must be an https:// URL (http:// only to localhost)" },
		{ __LINE__, "[store]\ndatabase =\n", "t.conf:2: database: must not be empty" },
		{ __LINE__, "[store]\ndatabase = /a\ndatabase = /b\n", "t.conf:3: database: given twice" },
		{ __LINE__, "[store]\ndatabase = /a ; old\n",
		    "t.conf:2: database: comments must be on their own line, not after a value" },
		/* Issue 15: a "#" comment used to become part of the path. */
		{ __LINE__, "[store]\ndatabase = /var/lib/wagw/wagw.db     # SQLite file\n",
		    "t.conf:2: database: comments must be on their own line, not after a value" },
		{ __LINE__, "[sessiond]\nsim_network = /etc/net.json\t#x\n",
		    "t.conf:2: sim_network: comments must be on their own line, not after a value" },
		{ __LINE__, "[auth]\njwt_issuer = # the issuer\n",
		    "t.conf:2: jwt_issuer: comments must be on their own line, not after a value" },
		{ __LINE__, "[store]\ndatabase: /a\n", "t.conf:2: database: expected \"key = value\"" },
		{ __LINE__, "[store]\ndatabase = /a\n  /b\n",
		    "t.conf:3: database: expected \"key = value\"" },
		{ __LINE__, "[store]\njunk\n", "t.conf:2: syntax error (expected [section] or key = value)" },
		{ __LINE__, "[store\n", "t.conf:1: syntax error (expected [section] or key = value)" },
		{ __LINE__, "[auth]\njwks_url = http://auth.example.com/jwks\n",
		    "t.conf:2: jwks_url: must be an https:// URL (http:// only to localhost)" },
		{ __LINE__, "[auth]\njwks_url = ftp://x\n",
		    "t.conf:2: jwks_url: must be an https:// URL (http:// only to localhost)" },
		{ __LINE__, "[auth]\njwt_leeway_s = 3601\n",
		    "t.conf:2: jwt_leeway_s: must be between 0 and 3600" },
		{ __LINE__, "[auth]\norg_claim =\n", "t.conf:2: org_claim: must not be empty" },
		{ __LINE__, "[http]\ncors_origins = https://a.example/path\n",
		    "t.conf:2: cors_origins: origins are scheme://host[:port], separated by spaces" },
		{ __LINE__, "[http]\ncors_origins = *\n",
		    "t.conf:2: cors_origins: origins are scheme://host[:port], separated by spaces" },
		{ __LINE__, "[sessiond]\nsocket = /tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n",
		    "t.conf:2: socket: Unix socket paths are limited to 107 bytes" },
		{ __LINE__, "[store]\ndatabase = /a\x01\n",
		    "t.conf:2: database: control characters are not allowed" },
	};
	struct config cfg;
	char err[256];
	size_t i;

	for (i = 0; i < N_ELEM(cases); i++) {
		ck_assert_msg(parse(&cfg, cases[i].text, err, sizeof(err)) == -1,
		    "line %d: accepted", cases[i].line);
		ck_assert_msg(strcmp(err, cases[i].want) == 0, "line %d: got \"%s\"",
		    cases[i].line, err);
	}
}
END_TEST

/* A "#" inside a value (not after a blank) is part of it. */
START_TEST(config_hash_inside_a_value)
{
	struct config cfg;
	char err[256];

	ck_assert_msg(parse(&cfg, "[auth]\njwt_audience = app#1\n", err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_str_eq(cfg.jwt_audience, "app#1");
}
END_TEST

START_TEST(config_long_line_and_nul)
{
	char text[512];
	struct config cfg;
	char err[256];

	snprintf(text, sizeof(text), "[store]\ndatabase = /%0300d\n", 0);
	ck_assert_int_eq(parse(&cfg, text, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: line longer than 198 bytes");
	ck_assert_int_eq(config_parse_buffer(&cfg, "t.conf", "[store]\ndatabase = /a\0b\n",
	    24, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: NUL byte in line");
}
END_TEST

START_TEST(config_files)
{
	char dir[] = "/tmp/wagw-config-XXXXXX", path[64], err[512];
	struct config cfg;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "missing.conf: cannot open: No such file"));
	ck_assert_int_eq(config_load(&cfg, dir, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/wagw.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("[store]\ndatabase = /srv/w.db\n[sessiond]\nlookup_burst = x\n", f);
	fclose(f);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/wagw.conf:4: lookup_burst:"));
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("[store]\ndatabase = /srv/w.db\n", f);
	fclose(f);
	ck_assert_msg(config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(cfg.database, "/srv/w.db");
	ck_assert_str_eq(cfg.path, path);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(config_path_order)
{
	unsetenv("WAGW_CONFIG");
	ck_assert_str_eq(config_path("/x.conf"), "/x.conf");
	ck_assert_str_eq(config_path(NULL), TEST_SYSCONFDIR "/wagw/wagw.conf");
	setenv("WAGW_CONFIG", "/env.conf", 1);
	ck_assert_str_eq(config_path(NULL), "/env.conf");
	ck_assert_str_eq(config_path("/x.conf"), "/x.conf");
	setenv("WAGW_CONFIG", "", 1);
	ck_assert_str_eq(config_path(NULL), TEST_SYSCONFDIR "/wagw/wagw.conf");
	unsetenv("WAGW_CONFIG");
}
END_TEST

/* The example as installed is valid and says exactly the defaults. */
START_TEST(config_example_is_the_defaults)
{
	struct config cfg, def;
	char err[512];

	ck_assert_msg(config_load(&cfg, TOP_BUILDDIR "/etc/wagw.conf.example", err,
	    sizeof(err)) == 0, "%s", err);
	config_defaults(&def);
	memset(cfg.path, 0, sizeof(cfg.path));
	ck_assert_mem_eq(&cfg, &def, sizeof(cfg));
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, config_defaults_when_empty);
	tcase_add_test(tc, config_full_file);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, config_hash_inside_a_value);
	tcase_add_test(tc, config_long_line_and_nul);
	tcase_add_test(tc, config_files);
	tcase_add_test(tc, config_path_order);
	tcase_add_test(tc, config_example_is_the_defaults);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_config", config_suite)
