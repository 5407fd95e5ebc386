/*
 * auth: credentials through auth_authenticate - login JWTs signed by
 * python3-cryptography with keys openssl made for this run, and API
 * keys in a real SQLite database opened read-only like wagw.fcgi does.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "auth/auth.h"
#include "auth_fixture.h"
#include "common/apikey.h"
#include "common/b64url.h"
#include "common/config.h"
#include "common/log.h"
#include "common/store.h"
#include "ipc/sessiond_client.h"

#define NOW_S		INT64_C(1800000000)
#define NOW		(NOW_S * 1000)

/* Claims of a good token; times relative to NOW_S, leeway 60. */
#define BASE	"\"sub\":\"user-1\",\"iss\":\"https://auth.example\"," \
		"\"aud\":\"wagw\",\"iat\":1799999990," \
		"\"activeOrganizationId\":\"acme\",\"orgRole\":\"admin\""
#define EXP	"\"exp\":1800000300"
#define GOOD	BASE "," EXP
#define R(key, alg, kid, claims) \
	"{\"key\":\"" key ".pem\",\"alg\":\"" alg "\",\"kid\":" kid \
	",\"claims\":{" claims "}}"
#define RX(key, alg, kid, extra) \
	"{\"key\":\"" key ".pem\",\"alg\":\"" alg "\",\"kid\":" kid "," extra "}"

static struct fx_token toks[] = {
	/* every algorithm, good */
	{ "RS256", R("rsa", "RS256", "\"rsa\"", GOOD), NULL },
	{ "RS384", R("rsa", "RS384", "\"rsa\"", GOOD), NULL },
	{ "RS512", R("rsa", "RS512", "\"rsa\"", GOOD), NULL },
	{ "PS256", R("rsa", "PS256", "\"rsa\"", GOOD), NULL },
	{ "PS384", R("rsa", "PS384", "\"rsa\"", GOOD), NULL },
	{ "PS512", R("rsa", "PS512", "\"rsa\"", GOOD), NULL },
	{ "ES256", R("ec256", "ES256", "\"ec256\"", GOOD), NULL },
	{ "ES384", R("ec384", "ES384", "\"ec384\"", GOOD), NULL },
	{ "ES512", R("ec521", "ES512", "\"ec521\"", GOOD), NULL },
	{ "EdDSA", R("ed", "EdDSA", "\"ed\"", GOOD), NULL },
	/* signatures and keys */
	{ "es256_der", RX("ec256", "ES256", "\"ec256\"", "\"claims\":{" GOOD "},\"der\":true"), NULL },
	{ "none", R("rsa", "none", "\"rsa\"", GOOD), NULL },
	{ "none_nokid", R("rsa", "none", "null", GOOD), NULL },
	{ "hs256_pub", "{\"key\":\"rsa.pub.pem\",\"alg\":\"HS256\",\"kid\":\"rsa\",\"claims\":{" GOOD "}}", NULL },
	{ "hs256_pub_nokid", "{\"key\":\"rsa.pub.pem\",\"alg\":\"HS256\",\"kid\":null,\"claims\":{" GOOD "}}", NULL },
	{ "unknown_kid", R("rsa", "RS256", "\"nope\"", GOOD), NULL },
	{ "nokid_rs256", R("rsa", "RS256", "null", GOOD), NULL },
	{ "nokid_es384", R("ec384", "ES384", "null", GOOD), NULL },
	{ "kty_mismatch", R("ec256", "ES256", "\"rsa\"", GOOD), NULL },
	{ "crv_mismatch", R("ec384", "ES384", "\"ec256\"", GOOD), NULL },
	{ "eddsa_on_ec", R("ed", "EdDSA", "\"ec256\"", GOOD), NULL },
	{ "rs_on_ed", R("rsa", "RS256", "\"ed\"", GOOD), NULL },
	{ "wrong_key", R("rsa2", "RS256", "\"rsa\"", GOOD), NULL },
	/* times at the leeway's edges (leeway 60 s) */
	{ "exp_edge_out", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":1799999940"), NULL },
	{ "exp_edge_in", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":1799999941"), NULL },
	{ "nbf_edge_in", R("ed", "EdDSA", "\"ed\"", GOOD ",\"nbf\":1800000060"), NULL },
	{ "nbf_edge_out", R("ed", "EdDSA", "\"ed\"", GOOD ",\"nbf\":1800000061"), NULL },
	{ "iat_edge_in", R("ed", "EdDSA", "\"ed\"", "\"sub\":\"u\",\"iss\":\"https://auth.example\",\"aud\":\"wagw\"," EXP ",\"iat\":1800000060"), NULL },
	{ "iat_edge_out", R("ed", "EdDSA", "\"ed\"", "\"sub\":\"u\",\"iss\":\"https://auth.example\",\"aud\":\"wagw\"," EXP ",\"iat\":1800000061"), NULL },
	{ "exp_missing", R("ed", "EdDSA", "\"ed\"", BASE), NULL },
	{ "exp_string", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":\"1800000300\""), NULL },
	{ "exp_float", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":1800000300.5"), NULL },
	{ "exp_huge", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":99999999999999999999999}\""), NULL },
	{ "exp_neg", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":-1"), NULL },
	{ "exp_short", R("ed", "EdDSA", "\"ed\"", BASE ",\"exp\":1800000010"), NULL },
	/* iss and aud */
	{ "iss_wrong", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://evil.example\",\"aud\":\"wagw\""), NULL },
	{ "iss_missing", R("ed", "EdDSA", "\"ed\"", EXP ",\"aud\":\"wagw\""), NULL },
	{ "iss_prefix", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example/\",\"aud\":\"wagw\""), NULL },
	{ "aud_wrong", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"other\""), NULL },
	{ "aud_missing", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\""), NULL },
	{ "aud_array", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":[\"x\",\"wagw\"]"), NULL },
	{ "aud_array_wrong", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":[\"x\",1]"), NULL },
	{ "aud_number", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":1"), NULL },
	/* header */
	{ "crit", RX("ed", "EdDSA", "\"ed\"", "\"claims\":{" GOOD "},\"header\":{\"crit\":[\"exp\"],\"exp\":1}"), NULL },
	{ "crit_b64", RX("ed", "EdDSA", "\"ed\"", "\"claims\":{" GOOD "},\"header\":{\"crit\":[\"b64\"],\"b64\":false}"), NULL },
	{ "kid_number", RX("ed", "EdDSA", "null", "\"claims\":{" GOOD "},\"header\":{\"kid\":7}"), NULL },
	/* payload shapes */
	{ "payload_array", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"[1,2]\""), NULL },
	{ "payload_string", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"\\\"x\\\"\""), NULL },
	{ "payload_trailing", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":1800000300}x\""), NULL },
	{ "header_array", RX("ed", "EdDSA", "null", "\"header_raw\":\"[\\\"EdDSA\\\"]\",\"claims\":{" GOOD "}"), NULL },
	{ "dup_claim", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":1800000300,\\\"activeOrganizationId\\\":\\\"acme\\\",\\\"orgRole\\\":\\\"member\\\",\\\"orgRole\\\":\\\"owner\\\"}\""), NULL },
	{ "dup_exp", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":1,\\\"exp\\\":1800000300}\""), NULL },
	{ "dup_header", RX("ed", "EdDSA", "null", "\"header_raw\":\"{\\\"alg\\\":\\\"none\\\",\\\"alg\\\":\\\"EdDSA\\\",\\\"kid\\\":\\\"ed\\\"}\",\"claims\":{" GOOD "}"), NULL },
	{ "nul_key", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":1800000300,\\\"orgRole\\\\u0000x\\\":\\\"owner\\\"}\""), NULL },
	{ "nul_org", RX("ed", "EdDSA", "\"ed\"", "\"payload_raw\":\"{\\\"exp\\\":1800000300,\\\"orgRole\\\":\\\"owner\\\",\\\"activeOrganizationId\\\":\\\"acme\\\\u0000x\\\"}\""), NULL },
	{ "huge_claim", "{\"key\":\"rsa.pem\",\"alg\":\"RS256\",\"kid\":\"rsa\",\"claims\":{" GOOD "},\"length\":8192}", NULL },
	{ "too_long", "{\"key\":\"rsa.pem\",\"alg\":\"RS256\",\"kid\":\"rsa\",\"claims\":{" GOOD "},\"length\":8193}", NULL },
	/* claims -> principal */
	{ "member", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"sub\":\"m\",\"activeOrganizationId\":\"acme\",\"orgRole\":\"member\""), NULL },
	{ "owner", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"acme\",\"orgRole\":\"owner\""), NULL },
	{ "no_role", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"acme\""), NULL },
	{ "role_case", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"acme\",\"orgRole\":\"Owner\""), NULL },
	{ "role_array", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"acme\",\"orgRole\":[\"owner\"]"), NULL },
	{ "super", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"role\":\"super_admin\""), NULL },
	{ "bad_org", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"ac/me\",\"orgRole\":\"owner\""), NULL },
	{ "long_org", R("ed", "EdDSA", "\"ed\"", EXP ",\"iss\":\"https://auth.example\",\"aud\":\"wagw\",\"activeOrganizationId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"orgRole\":\"owner\""), NULL },
	{ "custom_claims", R("ed", "EdDSA", "\"ed\"", EXP ",\"org\":\"beta\",\"r\":\"owner\",\"activeOrganizationId\":\"acme\",\"orgRole\":\"member\""), NULL },
	/* rotation and file handling */
	{ "rot_old", R("ec256", "ES256", "\"old\"", GOOD), NULL },
	{ "rot_old2", R("ec256", "ES256", "\"old\"", GOOD ",\"n\":2"), NULL },
	{ "rot_old3", R("ec256", "ES256", "\"old\"", GOOD ",\"n\":3"), NULL },
	{ "rot_new", R("ed", "EdDSA", "\"new\"", GOOD), NULL },
};
#define NTOKS	(sizeof(toks) / sizeof(toks[0]))
#define TOK(name)	fx_tok(toks, NTOKS, name)

static struct config cfg;
static struct store *reader;
static char key_valid[APIKEY_SECRET_LEN + 1], key_revoked[APIKEY_SECRET_LEN + 1],
    key_expired[APIKEY_SECRET_LEN + 1], key_send[APIKEY_SECRET_LEN + 1],
    key_other[APIKEY_SECRET_LEN + 1], key_valid_id[APIKEY_ID_LEN + 1];

static struct auth *
new_auth(const char *jwks)
{
	struct auth *a;

	snprintf(cfg.jwks_file, sizeof(cfg.jwks_file), "%s", fx_path(jwks));
	a = auth_new(&cfg, reader, NULL);
	ck_assert_ptr_nonnull(a);
	return a;
}

static enum auth_result
bearer(struct auth *a, const char *tok, int64_t now, struct auth_principal *p)
{
	char h[20000];

	snprintf(h, sizeof(h), "Bearer %s", tok);
	return auth_authenticate(a, h, NULL, now, p);
}

static void
expect(struct auth *a, const char *name, enum auth_result want, int line)
{
	struct auth_principal p;
	enum auth_result got = bearer(a, TOK(name), NOW, &p);

	ck_assert_msg(got == want, "line %d: token %s: got %d, want %d", line,
	    name, got, want);
	if (want != AUTH_OK)
		ck_assert_msg(p.kind == AUTH_KIND_NONE && p.org[0] == '\0' &&
		    p.caps == 0, "line %d: %s: principal filled on failure",
		    line, name);
}
#define EXPECT(a, name, want) expect(a, name, want, __LINE__)

START_TEST(every_alg_good)
{
	static const char *algs[] = { "RS256", "RS384", "RS512", "PS256",
	    "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA" };
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		ck_assert_msg(bearer(a, TOK(algs[i]), NOW, &p) == AUTH_OK, "%s", algs[i]);
		ck_assert_int_eq(p.kind, AUTH_KIND_JWT);
		ck_assert_str_eq(p.org, "acme");
		ck_assert_uint_eq(p.caps, CAP_ALL);
		ck_assert_int_eq(p.super_admin, 0);
		ck_assert_str_eq(p.subject, "user-1");
	}
	auth_free(a);
}
END_TEST

/* Re-encodes the token with its signature changed by f. */
static void
mangle_sig(const char *tok, char *out, size_t outlen, int how)
{
	unsigned char sig[2048];
	char enc[4096];
	const char *dot = strrchr(tok, '.');
	long n;

	n = b64url_decode(dot + 1, strlen(dot + 1), sig);
	ck_assert_int_gt(n, 0);
	switch (how) {
	case 0:	/* one bit */
		sig[n / 2] ^= 0x01;
		break;
	case 1:	/* one byte short */
		n--;
		break;
	case 2:	/* one zero byte more, at the front */
		memmove(sig + 1, sig, (size_t)n);
		sig[0] = 0;
		n++;
		break;
	}
	b64url_encode(sig, (size_t)n, enc);
	snprintf(out, outlen, "%.*s.%s", (int)(dot - tok), tok, enc);
}

START_TEST(bad_signatures)
{
	static const char *algs[] = { "RS256", "PS384", "ES256", "ES512", "EdDSA" };
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	char t[16384];
	size_t i;
	int how;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		for (how = 0; how < 3; how++) {
			mangle_sig(TOK(algs[i]), t, sizeof(t), how);
			ck_assert_msg(bearer(a, t, NOW, &p) == AUTH_INVALID,
			    "%s mangled %d", algs[i], how);
		}
	/* Signature of the right shape but by another key. */
	EXPECT(a, "wrong_key", AUTH_INVALID);
	/* The signature of one token on another's header and payload. */
	snprintf(t, sizeof(t), "%.*s%s", (int)(strrchr(TOK("RS256"), '.') - TOK("RS256")),
	    TOK("RS256"), strrchr(TOK("RS384"), '.'));
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(forbidden_algs)
{
	struct auth *a = new_auth("main.json");

	EXPECT(a, "es256_der", AUTH_INVALID);
	EXPECT(a, "none", AUTH_INVALID);
	EXPECT(a, "none_nokid", AUTH_INVALID);
	EXPECT(a, "hs256_pub", AUTH_INVALID);
	EXPECT(a, "hs256_pub_nokid", AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(key_selection)
{
	struct auth *a = new_auth("main.json"), *m;

	EXPECT(a, "unknown_kid", AUTH_INVALID);
	/* Without kid: fine when exactly one key fits the alg. */
	EXPECT(a, "nokid_rs256", AUTH_OK);
	EXPECT(a, "nokid_es384", AUTH_OK);
	EXPECT(a, "kty_mismatch", AUTH_INVALID);
	EXPECT(a, "crv_mismatch", AUTH_INVALID);
	EXPECT(a, "eddsa_on_ec", AUTH_INVALID);
	EXPECT(a, "rs_on_ed", AUTH_INVALID);
	/* The JWK's own alg (ES256 on ec256) is honoured. */
	EXPECT(a, "ES256", AUTH_OK);
	auth_free(a);
	/* Two RSA keys: a token without kid is ambiguous. */
	m = new_auth("multi.json");
	EXPECT(m, "nokid_rs256", AUTH_INVALID);
	EXPECT(m, "RS256", AUTH_INVALID);	/* kid "rsa" is not in it */
	auth_free(m);
}
END_TEST

START_TEST(times)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;

	EXPECT(a, "exp_edge_out", AUTH_INVALID);
	EXPECT(a, "exp_edge_in", AUTH_OK);
	EXPECT(a, "nbf_edge_in", AUTH_OK);
	EXPECT(a, "nbf_edge_out", AUTH_INVALID);
	EXPECT(a, "iat_edge_in", AUTH_OK);
	EXPECT(a, "iat_edge_out", AUTH_INVALID);
	EXPECT(a, "exp_missing", AUTH_INVALID);
	EXPECT(a, "exp_string", AUTH_INVALID);
	EXPECT(a, "exp_huge", AUTH_INVALID);
	EXPECT(a, "exp_neg", AUTH_INVALID);
	EXPECT(a, "exp_float", AUTH_OK);
	/* exp 1800000010 + leeway 60: fine until the 1800000069th second. */
	ck_assert_int_eq(bearer(a, TOK("exp_short"), NOW, &p), AUTH_OK);
	ck_assert_int_eq(bearer(a, TOK("exp_short"), NOW + 69999, &p), AUTH_OK);
	/* ... the cached verdict too expires. */
	ck_assert_int_eq(bearer(a, TOK("exp_short"), NOW + 70000, &p), AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(issuer_audience)
{
	struct auth *a = new_auth("main.json");

	EXPECT(a, "iss_wrong", AUTH_INVALID);
	EXPECT(a, "iss_missing", AUTH_INVALID);
	EXPECT(a, "iss_prefix", AUTH_INVALID);
	EXPECT(a, "aud_wrong", AUTH_INVALID);
	EXPECT(a, "aud_missing", AUTH_INVALID);
	EXPECT(a, "aud_array", AUTH_OK);
	EXPECT(a, "aud_array_wrong", AUTH_INVALID);
	EXPECT(a, "aud_number", AUTH_INVALID);
	auth_free(a);
	/* Not configured: not checked. */
	cfg.jwt_issuer[0] = cfg.jwt_audience[0] = '\0';
	a = new_auth("main.json");
	EXPECT(a, "iss_wrong", AUTH_OK);
	EXPECT(a, "aud_missing", AUTH_OK);
	auth_free(a);
}
END_TEST

START_TEST(malformed)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	const char *good = TOK("EdDSA");
	char t[16384];

	EXPECT(a, "crit", AUTH_INVALID);
	EXPECT(a, "crit_b64", AUTH_INVALID);
	EXPECT(a, "kid_number", AUTH_INVALID);
	EXPECT(a, "payload_array", AUTH_INVALID);
	EXPECT(a, "payload_string", AUTH_INVALID);
	EXPECT(a, "payload_trailing", AUTH_INVALID);
	EXPECT(a, "header_array", AUTH_INVALID);
	EXPECT(a, "dup_claim", AUTH_INVALID);
	EXPECT(a, "dup_exp", AUTH_INVALID);
	EXPECT(a, "dup_header", AUTH_INVALID);
	EXPECT(a, "nul_key", AUTH_INVALID);
	EXPECT(a, "nul_org", AUTH_INVALID);
	/* Exactly 8 KiB is fine, one byte more is not. */
	ck_assert_uint_eq(strlen(TOK("huge_claim")), 8192);
	ck_assert_uint_eq(strlen(TOK("too_long")), 8193);
	EXPECT(a, "huge_claim", AUTH_OK);
	EXPECT(a, "too_long", AUTH_INVALID);
	/* base64url: padding, alphabet, segments */
	snprintf(t, sizeof(t), "%s=", good);
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	snprintf(t, sizeof(t), "%s", good);
	t[3] = '+';
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	snprintf(t, sizeof(t), "%s", good);
	t[strchr(t, '.') - t + 2] = '/';
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	snprintf(t, sizeof(t), "%s.%s", good, strrchr(good, '.') + 1);
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	snprintf(t, sizeof(t), "%.*s", (int)(strrchr(good, '.') - good), good);
	ck_assert_int_eq(bearer(a, t, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(bearer(a, "..", NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(bearer(a, "e30.e30.", NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(bearer(a, "garbage", NOW, &p), AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(claims_to_principal)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;

	ck_assert_int_eq(bearer(a, TOK("member"), NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "acme");
	ck_assert_uint_eq(p.caps, CAP_READ | CAP_SEND | CAP_EVENTS);
	ck_assert_str_eq(p.subject, "m");
	ck_assert_int_eq(bearer(a, TOK("owner"), NOW, &p), AUTH_OK);
	ck_assert_uint_eq(p.caps, CAP_ALL);
	ck_assert_int_eq(bearer(a, TOK("no_role"), NOW, &p), AUTH_OK);
	ck_assert_uint_eq(p.caps, 0);
	ck_assert_int_eq(bearer(a, TOK("role_case"), NOW, &p), AUTH_OK);
	ck_assert_uint_eq(p.caps, 0);
	ck_assert_int_eq(bearer(a, TOK("role_array"), NOW, &p), AUTH_OK);
	ck_assert_uint_eq(p.caps, 0);
	ck_assert_int_eq(bearer(a, TOK("super"), NOW, &p), AUTH_OK);
	ck_assert_int_eq(p.super_admin, 1);
	ck_assert_uint_eq(p.caps, CAP_ALL);
	ck_assert_str_eq(p.org, "");
	/* An organization that is not a valid id matches nothing. */
	ck_assert_int_eq(bearer(a, TOK("bad_org"), NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "");
	ck_assert_int_eq(bearer(a, TOK("long_org"), NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "");
	auth_free(a);
	/* Claim names come from the configuration. */
	cfg.jwt_issuer[0] = cfg.jwt_audience[0] = '\0';
	snprintf(cfg.org_claim, sizeof(cfg.org_claim), "org");
	snprintf(cfg.org_role_claim, sizeof(cfg.org_role_claim), "r");
	a = new_auth("main.json");
	ck_assert_int_eq(bearer(a, TOK("custom_claims"), NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "beta");
	ck_assert_uint_eq(p.caps, CAP_ALL);
	auth_free(a);
}
END_TEST

START_TEST(headers)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	char h[20000];

	ck_assert_int_eq(auth_authenticate(a, NULL, NULL, NOW, &p), AUTH_MISSING);
	ck_assert_int_eq(auth_authenticate(a, "", "", NOW, &p), AUTH_MISSING);
	ck_assert_int_eq(auth_authenticate(a, "Basic dXNlcjpwYXNz", NULL, NOW, &p),
	    AUTH_MISSING);
	ck_assert_int_eq(auth_authenticate(a, "Bearer", NULL, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(auth_authenticate(a, "Bearer   ", NULL, NOW, &p), AUTH_INVALID);
	snprintf(h, sizeof(h), "bearer %s", TOK("EdDSA"));
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_OK);
	snprintf(h, sizeof(h), "BEARER  %s ", TOK("EdDSA"));
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_OK);
	snprintf(h, sizeof(h), "Bearer %s x", TOK("EdDSA"));
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_INVALID);
	snprintf(h, sizeof(h), "Bearer%s", TOK("EdDSA"));
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_MISSING);
	/* Two credentials are refused. */
	snprintf(h, sizeof(h), "Bearer %s", TOK("EdDSA"));
	ck_assert_int_eq(auth_authenticate(a, h, key_valid, NOW, &p), AUTH_INVALID);
	/* A JWT is not an API key. */
	ck_assert_int_eq(auth_authenticate(a, NULL, TOK("EdDSA"), NOW, &p), AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(cache)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p1, p2;
	int i;

	ck_assert_int_eq(bearer(a, TOK("ES512"), NOW, &p1), AUTH_OK);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(bearer(a, TOK("ES512"), NOW + i, &p2), AUTH_OK);
		ck_assert_int_eq(memcmp(&p1, &p2, sizeof(p1)), 0);
	}
	/* Failures are not cached as successes, successes do not leak. */
	EXPECT(a, "wrong_key", AUTH_INVALID);
	EXPECT(a, "wrong_key", AUTH_INVALID);
	auth_free(a);
}
END_TEST

START_TEST(rotation)
{
	struct auth *a;
	struct auth_principal p;
	char *log;

	fx_jwks("rot.json", "old=ec256.pem");
	a = new_auth("rot.json");
	ck_assert_int_eq(bearer(a, TOK("rot_old"), NOW, &p), AUTH_OK);
	ck_assert_int_eq(bearer(a, TOK("rot_new"), NOW, &p), AUTH_INVALID);
	/* Old key removed, new key added, no restart. */
	fx_jwks("rot.json.new", "new=ed.pem");
	ck_assert_int_eq(rename(fx_path("rot.json.new"), fx_path("rot.json")), 0);
	/* Looked at no more than once a second. */
	ck_assert_int_eq(bearer(a, TOK("rot_new"), NOW + 500, &p), AUTH_INVALID);
	ck_assert_int_eq(bearer(a, TOK("rot_new"), NOW + 1000, &p), AUTH_OK);
	/* The cached verdict of the old key's token is gone too. */
	ck_assert_int_eq(bearer(a, TOK("rot_old"), NOW + 1000, &p), AUTH_INVALID);

	/* Back to the old key; then the file goes missing: keys stay. */
	fx_jwks("rot.json.new", "old=ec256.pem");
	ck_assert_int_eq(rename(fx_path("rot.json.new"), fx_path("rot.json")), 0);
	ck_assert_int_eq(bearer(a, TOK("rot_old"), NOW + 2000, &p), AUTH_OK);
	ck_assert_int_eq(unlink(fx_path("rot.json")), 0);
	fx_capture_begin();
	ck_assert_int_eq(bearer(a, TOK("rot_old2"), NOW + 3000, &p), AUTH_OK);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "rot.json") && strstr(log, "keeping the current keys"),
	    "log: %s", log);
	free(log);
	/* A broken file: keys stay, one log line. */
	fx_replace("rot.json", "{\"keys\": [");
	fx_capture_begin();
	ck_assert_int_eq(bearer(a, TOK("rot_old3"), NOW + 4000, &p), AUTH_OK);
	ck_assert_int_eq(bearer(a, TOK("rot_old"), NOW + 5000, &p), AUTH_OK);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "not JSON, keeping the current keys") != NULL,
	    "log: %s", log);
	ck_assert_ptr_null(strstr(strstr(log, "keeping") + 1, "keeping"));
	free(log);
	/* A JWKS without a usable key counts as broken, too. */
	fx_replace("rot.json", "{\"keys\": [{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
	fx_capture_begin();
	ck_assert_int_eq(bearer(a, TOK("rot_old2"), NOW + 6000, &p), AUTH_OK);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "no usable key, keeping the current keys") != NULL,
	    "log: %s", log);
	free(log);
	auth_free(a);
}
END_TEST

/*
 * Issue 15: every responder logged the missing JWKS file at start (eight
 * times as lighttpd started), though a set-up with API keys alone needs
 * none.  It is read, and its absence logged once, when a JWT arrives.
 */
START_TEST(no_jwks_at_start)
{
	struct auth *a;
	struct auth_principal p;
	char *log;

	fx_capture_begin();
	a = new_auth("absent.json");
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "jwks") == NULL, "log: %s", log);
	free(log);
	fx_capture_begin();
	ck_assert_int_eq(bearer(a, TOK("EdDSA"), NOW, &p), AUTH_INVALID);
	ck_assert_msg(strstr(p.reject, "JWT: no JWT keys loaded from") != NULL, "%s",
	    p.reject);
	EXPECT(a, "EdDSA", AUTH_INVALID);
	log = fx_capture_end();
	ck_assert_msg(strstr(log, "no JWT keys loaded") != NULL, "log: %s", log);
	ck_assert_msg(strstr(strstr(log, "no JWT keys loaded") + 1, "no JWT keys loaded") == NULL,
	    "logged more than once: %s", log);
	free(log);
	/* API keys still work. */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	/* The file appears: picked up. */
	fx_jwks("absent.json", "ed=ed.pem");
	ck_assert_int_eq(bearer(a, TOK("EdDSA"), NOW + 1000, &p), AUTH_OK);
	auth_free(a);
	/* No jwks_file at all: no JWT is valid, API keys are. */
	cfg.jwks_file[0] = '\0';
	a = auth_new(&cfg, reader, NULL);
	ck_assert_ptr_nonnull(a);
	EXPECT(a, "EdDSA", AUTH_INVALID);
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	auth_free(a);
}
END_TEST

START_TEST(api_keys)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	char h[256], unknown[APIKEY_SECRET_LEN + 1];

	snprintf(h, sizeof(h), "Bearer %s", key_valid);
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_OK);
	ck_assert_int_eq(p.kind, AUTH_KIND_APIKEY);
	ck_assert_str_eq(p.org, "acme");
	ck_assert_uint_eq(p.caps, CAP_READ);
	ck_assert_int_eq(p.super_admin, 0);
	ck_assert_str_eq(p.subject, key_valid_id);
	/* x-api-key header */
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "acme");
	/* A non-Bearer Authorization does not hide x-api-key. */
	ck_assert_int_eq(auth_authenticate(a, "Basic eDp5", key_valid, NOW, &p), AUTH_OK);
	/* permissions exactly as created */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_send, NOW, &p), AUTH_OK);
	ck_assert_uint_eq(p.caps, CAP_SEND | CAP_EVENTS);
	/* another organization's key authenticates as that organization */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_other, NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.org, "other");
	ck_assert_int_eq(auth_authenticate(a, NULL, key_revoked, NOW, &p), AUTH_INVALID);
	snprintf(h, sizeof(h), "Bearer %s", key_revoked);
	ck_assert_int_eq(auth_authenticate(a, h, NULL, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(auth_authenticate(a, NULL, key_expired, NOW, &p), AUTH_INVALID);
	/* expired at NOW: valid one millisecond before */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_expired, NOW - 1, &p), AUTH_OK);
	/* unknown prefix; known prefix with a wrong secret; malformed */
	snprintf(unknown, sizeof(unknown), "%s", key_valid);
	unknown[5] = unknown[5] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(auth_authenticate(a, NULL, unknown, NOW, &p), AUTH_INVALID);
	snprintf(unknown, sizeof(unknown), "%s", key_valid);
	unknown[40] = unknown[40] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(auth_authenticate(a, NULL, unknown, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(auth_authenticate(a, NULL, "wa_short", NOW, &p), AUTH_INVALID);
	snprintf(h, sizeof(h), "%sx", key_valid);
	ck_assert_int_eq(auth_authenticate(a, NULL, h, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(auth_authenticate(a, "Bearer wa_", NULL, NOW, &p), AUTH_INVALID);
	ck_assert_int_eq(p.kind, AUTH_KIND_NONE);
	auth_free(a);
}
END_TEST

/*
 * Issue 15: a 401's log line gave no reason.  out->reject says what was
 * sent (an API key's public prefix, never more of it) and what is wrong.
 */
START_TEST(reject_says_why)
{
	struct auth *a = new_auth("main.json");
	struct auth_principal p;
	char unknown[APIKEY_SECRET_LEN + 1], bad[APIKEY_SECRET_LEN + 1], h[256];
	const struct {
		int		 line;
		const char	*authorization, *api_key;
		enum auth_result want;
		const char	*reject;	/* a substring */
		const char	*prefix_of;	/* its first 11 bytes must show */
	} cases[] = {
		{ __LINE__, NULL, key_revoked, AUTH_INVALID, "): revoked", key_revoked },
		{ __LINE__, NULL, key_expired, AUTH_INVALID, "): expired", key_expired },
		{ __LINE__, NULL, bad, AUTH_INVALID, "): wrong secret", bad },
		{ __LINE__, NULL, unknown, AUTH_INVALID, ": no such key", unknown },
		{ __LINE__, NULL, "wa_short", AUTH_INVALID, "API key: malformed", NULL },
		{ __LINE__, "Bearer", NULL, AUTH_INVALID, "Bearer without a usable token", NULL },
		{ __LINE__, h, key_valid, AUTH_INVALID, "both Authorization: Bearer and x-api-key",
		    NULL },
		{ __LINE__, NULL, NULL, AUTH_MISSING, "no credential", NULL },
		{ __LINE__, "Basic eDp5", NULL, AUTH_MISSING,
		    "no credential (Authorization of another scheme)", NULL },
		{ __LINE__, "Bearer eyJ.x.y", NULL, AUTH_INVALID, "JWT: malformed token", NULL },
	};
	char want[APIKEY_PREFIX_LEN + 1];
	size_t i;

	snprintf(unknown, sizeof(unknown), "%s", key_valid);
	unknown[5] = unknown[5] == 'A' ? 'B' : 'A';
	snprintf(bad, sizeof(bad), "%s", key_valid);
	bad[40] = bad[40] == 'A' ? 'B' : 'A';
	snprintf(h, sizeof(h), "Bearer %s", key_valid);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(auth_authenticate(a, cases[i].authorization, cases[i].api_key,
		    NOW, &p) == cases[i].want, "line %d", cases[i].line);
		ck_assert_msg(strstr(p.reject, cases[i].reject) != NULL, "line %d: \"%s\"",
		    cases[i].line, p.reject);
		ck_assert_int_eq(p.kind, AUTH_KIND_NONE);
		if (cases[i].prefix_of == NULL)
			continue;
		snprintf(want, sizeof(want), "%s", cases[i].prefix_of);
		ck_assert_msg(strstr(p.reject, want) != NULL, "line %d: \"%s\"",
		    cases[i].line, p.reject);
		/* Not a byte of the secret beyond the public prefix. */
		ck_assert_ptr_null(strstr(p.reject, cases[i].prefix_of + APIKEY_PREFIX_LEN));
	}
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	ck_assert_str_eq(p.reject, "");
	auth_free(a);
}
END_TEST

/*
 * What reaches the daemon's socket: a listener that reads everything
 * and answers nothing (each call then ends at its 100 ms deadline) and
 * counts the requests by name.
 */
static int listen_fd = -1;
static int n_key_used, n_refresh;
static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;

static int
count_of(const char *buf, size_t len, const char *what)
{
	size_t wl = strlen(what), i;
	int n = 0;

	for (i = 0; i + wl <= len; i++)
		if (memcmp(buf + i, what, wl) == 0)
			n++;
	return n;
}

static void *
listener(void *arg)
{
	struct pollfd pf[17];
	int nfd = 1, i;
	char buf[4096];
	ssize_t n;

	(void)arg;
	pf[0].fd = listen_fd;
	pf[0].events = POLLIN;
	for (;;) {
		if (poll(pf, (nfds_t)nfd, -1) <= 0)
			continue;
		if ((pf[0].revents & POLLIN) && nfd < 17) {
			pf[nfd].fd = accept(listen_fd, NULL, NULL);
			pf[nfd].events = POLLIN;
			if (pf[nfd].fd != -1)
				nfd++;
		}
		for (i = 1; i < nfd; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP)))
				continue;
			if ((n = read(pf[i].fd, buf, sizeof(buf))) <= 0) {
				close(pf[i].fd);
				pf[i--] = pf[--nfd];
				continue;
			}
			pthread_mutex_lock(&count_mu);
			n_key_used += count_of(buf, (size_t)n, "\"key_used\"");
			n_refresh += count_of(buf, (size_t)n, "\"jwks_refresh\"");
			pthread_mutex_unlock(&count_mu);
		}
	}
	return NULL;
}

static void
counts(int *key_used, int *refresh)
{
	struct timespec ts = { 0, 50 * 1000000L };

	nanosleep(&ts, NULL);	/* let the listener read what was sent */
	pthread_mutex_lock(&count_mu);
	*key_used = n_key_used;
	*refresh = n_refresh;
	pthread_mutex_unlock(&count_mu);
}

START_TEST(daemon_reports)
{
	struct sockaddr_un sa;
	struct sessiond_client *sd;
	struct auth *a;
	struct auth_principal p;
	pthread_t t;
	int ku, rf;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx_path("sd.sock"));
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(listen_fd, 0);
	ck_assert_int_eq(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(listen_fd, 16), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, listener, NULL), 0);
	sd = sessiond_client_new(sa.sun_path);
	ck_assert_ptr_nonnull(sd);
	snprintf(cfg.jwks_url, sizeof(cfg.jwks_url), "http://127.0.0.1:1/jwks.json");
	snprintf(cfg.jwks_file, sizeof(cfg.jwks_file), "%s", fx_path("main.json"));
	a = auth_new(&cfg, reader, sd);
	ck_assert_ptr_nonnull(a);

	/*
	 * API key use: reported once a minute per key, not per request, and
	 * only by auth_report (the responder calls it once the answer is
	 * out): authenticating never waits on the daemon.
	 */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW, &p), AUTH_OK);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 0);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 1);
	auth_report(a);		/* sent once */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW + 1, &p), AUTH_OK);
	auth_report(a);
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW + 59999, &p), AUTH_OK);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 1);
	ck_assert_int_eq(auth_authenticate(a, NULL, key_valid, NOW + 60000, &p), AUTH_OK);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 2);
	/* A refused key is not reported. */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_revoked, NOW, &p), AUTH_INVALID);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 2);
	/* Another key has its own minute. */
	ck_assert_int_eq(auth_authenticate(a, NULL, key_send, NOW + 60001, &p), AUTH_OK);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(ku, 3);

	/* Unknown kids ask for a JWKS refresh at most every 30 s. */
	ck_assert_int_eq(rf, 0);
	EXPECT(a, "unknown_kid", AUTH_INVALID);
	counts(&ku, &rf);
	ck_assert_int_eq(rf, 0);
	auth_report(a);
	ck_assert_int_eq(bearer(a, TOK("unknown_kid"), NOW + 29999, &p), AUTH_INVALID);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(rf, 1);
	ck_assert_int_eq(bearer(a, TOK("unknown_kid"), NOW + 30000, &p), AUTH_INVALID);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(rf, 2);
	/* Other failures do not. */
	ck_assert_int_eq(bearer(a, TOK("wrong_key"), NOW + 70000, &p), AUTH_INVALID);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(rf, 2);
	auth_free(a);

	/* Without jwks_url there is nothing to refresh. */
	cfg.jwks_url[0] = '\0';
	a = auth_new(&cfg, reader, sd);
	ck_assert_int_eq(bearer(a, TOK("unknown_kid"), NOW, &p), AUTH_INVALID);
	auth_report(a);
	counts(&ku, &rf);
	ck_assert_int_eq(rf, 2);
	auth_free(a);
	sessiond_client_free(sd);
}
END_TEST

/* Outside of a test, a failure ends the program (automake: hard error). */
#define MUST_EQ(x, y) do {						\
	if ((x) != (y)) {						\
		fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #x); \
		exit(99);						\
	}								\
} while (0)

static void
add_key(struct store *w, const char *org, unsigned perms, int64_t expires,
    int revoke, char secret[APIKEY_SECRET_LEN + 1], char *id_out)
{
	struct store_key k;
	char id[APIKEY_ID_LEN + 1];

	memset(&k, 0, sizeof(k));
	MUST_EQ(apikey_generate(secret, id), 0);
	snprintf(k.id, sizeof(k.id), "%s", id);
	snprintf(k.org, sizeof(k.org), "%s", org);
	k.name = "test";
	MUST_EQ(!!apikey_parse(secret, strlen(secret), k.prefix), 1);
	apikey_hash(secret, strlen(secret), k.hash);
	k.permissions = perms;
	k.created_ms = NOW - 100000;
	k.expires_ms = expires;
	MUST_EQ(store_key_add(w, &k), STORE_OK);
	if (revoke)
		MUST_EQ(store_key_revoke(w, id, NOW - 10), STORE_OK);
	if (id_out != NULL)
		snprintf(id_out, APIKEY_ID_LEN + 1, "%s", id);
}

static void
setup_world(void)
{
	struct store *w;
	char err[256];

	fx_keygen("rsa", "rsa2048");
	fx_keygen("rsa2", "rsa2048");
	fx_keygen("ec256", "P-256");
	fx_keygen("ec384", "P-384");
	fx_keygen("ec521", "P-521");
	fx_keygen("ed", "ed25519");
	fx_jwks("main.json", "rsa=rsa.pem ec256=ec256.pem@ES256 ec384=ec384.pem "
	    "ec521=ec521.pem ed=ed.pem");
	fx_jwks("multi.json", "a=rsa.pem b=rsa2.pem");
	fx_sign(toks, NTOKS);

	MUST_EQ(store_open(&w, fx_path("wagw.db"), STORE_WRITER, 1000,
	    err, sizeof(err)), STORE_OK);
	MUST_EQ(store_migrate(w), STORE_OK);
	MUST_EQ(store_org_add(w, "acme", "Acme", NOW), STORE_OK);
	MUST_EQ(store_org_add(w, "other", "Other", NOW), STORE_OK);
	add_key(w, "acme", CAP_READ, 0, 0, key_valid, key_valid_id);
	add_key(w, "acme", CAP_READ, 0, 1, key_revoked, NULL);
	add_key(w, "acme", CAP_READ, NOW, 0, key_expired, NULL);
	add_key(w, "acme", CAP_SEND | CAP_EVENTS, 0, 0, key_send, NULL);
	add_key(w, "other", CAP_ALL, 0, 0, key_other, NULL);
	store_close(w);
}

/* Every test starts from the same configuration. */
static void
setup_cfg(void)
{
	char err[256];

	ck_assert_int_eq(store_open(&reader, fx_path("wagw.db"), STORE_READER,
	    1000, err, sizeof(err)), STORE_OK);
	config_defaults(&cfg);
	snprintf(cfg.jwt_issuer, sizeof(cfg.jwt_issuer), "https://auth.example");
	snprintf(cfg.jwt_audience, sizeof(cfg.jwt_audience), "wagw");
	cfg.jwt_leeway_s = 60;
}

static void
teardown_cfg(void)
{
	store_close(reader);
	reader = NULL;
}

int
main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");
	SRunner *sr;
	int failed;

	log_init("check_auth", LOG_LEVEL_DEBUG);
	fx_init();
	setup_world();
	tcase_add_checked_fixture(tc, setup_cfg, teardown_cfg);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, every_alg_good);
	tcase_add_test(tc, bad_signatures);
	tcase_add_test(tc, forbidden_algs);
	tcase_add_test(tc, key_selection);
	tcase_add_test(tc, times);
	tcase_add_test(tc, issuer_audience);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, claims_to_principal);
	tcase_add_test(tc, headers);
	tcase_add_test(tc, cache);
	tcase_add_test(tc, rotation);
	tcase_add_test(tc, no_jwks_at_start);
	tcase_add_test(tc, api_keys);
	tcase_add_test(tc, reject_says_why);
	tcase_add_test(tc, daemon_reports);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fx_done();
	return failed == 0 ? 0 : 1;
}
