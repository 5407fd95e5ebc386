/*
 * auth_bench: per-operation cost of the auth module (not run by the
 * tests).  Keys come from openssl, tokens from jwt_sign.py, as in the
 * unit tests.  Run from the build tree:
 *   srcdir=/path/to/source ./tests/tools/auth_bench [iterations]
 * Prints microseconds per operation: fresh verification per algorithm
 * (jwt_verify, no cache), a repeated token through auth_authenticate
 * (cache hit), an API key (SQLite lookup + hash), building a JWKS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/jwks.h"
#include "auth/jwt.h"
#include "auth_fixture.h"
#include "common/apikey.h"
#include "common/config.h"
#include "common/log.h"
#include "common/store.h"

#define CLAIMS	"\"sub\":\"u\",\"exp\":1900000000,\"activeOrganizationId\":\"acme\",\"orgRole\":\"owner\""

static struct fx_token toks[] = {
	{ "RS256", "{\"key\":\"rsa.pem\",\"alg\":\"RS256\",\"kid\":\"rsa\",\"claims\":{" CLAIMS "}}", NULL },
	{ "PS256", "{\"key\":\"rsa.pem\",\"alg\":\"PS256\",\"kid\":\"rsa\",\"claims\":{" CLAIMS "}}", NULL },
	{ "ES256", "{\"key\":\"ec256.pem\",\"alg\":\"ES256\",\"kid\":\"ec256\",\"claims\":{" CLAIMS "}}", NULL },
	{ "ES384", "{\"key\":\"ec384.pem\",\"alg\":\"ES384\",\"kid\":\"ec384\",\"claims\":{" CLAIMS "}}", NULL },
	{ "ES512", "{\"key\":\"ec521.pem\",\"alg\":\"ES512\",\"kid\":\"ec521\",\"claims\":{" CLAIMS "}}", NULL },
	{ "EdDSA", "{\"key\":\"ed.pem\",\"alg\":\"EdDSA\",\"kid\":\"ed\",\"claims\":{" CLAIMS "}}", NULL },
};
#define NTOKS	(sizeof(toks) / sizeof(toks[0]))

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);

	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

int
main(int argc, char *argv[])
{
	int iters = argc > 1 ? atoi(argv[1]) : 2000, i;
	struct config cfg;
	struct jwt_policy pol;
	struct jwks *set;
	struct store *st;
	struct store_key k;
	struct auth *a;
	struct auth_principal p;
	char err[256], secret[APIKEY_SECRET_LEN + 1], id[APIKEY_ID_LEN + 1], h[9000];
	const char *why;
	int64_t until, now = INT64_C(1800000000000);
	double t0;
	size_t n, len;
	char *doc;

	log_init("auth_bench", LOG_LEVEL_WARN);
	fx_init();
	fx_keygen("rsa", "rsa2048");
	fx_keygen("ec256", "P-256");
	fx_keygen("ec384", "P-384");
	fx_keygen("ec521", "P-521");
	fx_keygen("ed", "ed25519");
	fx_jwks("jwks.json", "rsa=rsa.pem ec256=ec256.pem ec384=ec384.pem ec521=ec521.pem ed=ed.pem");
	fx_sign(toks, NTOKS);

	doc = slurp(fx_path("jwks.json"), &len);
	t0 = now_us();
	for (i = 0; i < iters / 10; i++)
		jwks_free(jwks_parse(doc, len, "bench", err, sizeof(err)));
	printf("%-28s %8.2f us\n", "build JWKS of 5 keys", (now_us() - t0) / (iters / 10));
	set = jwks_parse(doc, len, "bench", err, sizeof(err));
	free(doc);

	config_defaults(&cfg);
	memset(&pol, 0, sizeof(pol));
	pol.leeway_s = 60;
	pol.org_claim = cfg.org_claim;
	pol.org_role_claim = cfg.org_role_claim;
	pol.platform_role_claim = cfg.platform_role_claim;
	for (n = 0; n < NTOKS; n++) {
		t0 = now_us();
		for (i = 0; i < iters; i++)
			if (jwt_verify(&pol, set, toks[n].token, strlen(toks[n].token), now,
			    &p, &until, &why) != JWT_OK) {
				fprintf(stderr, "%s: %s\n", toks[n].name, why);
				return 1;
			}
		printf("fresh %-22s %8.2f us\n", toks[n].name, (now_us() - t0) / iters);
	}
	jwks_free(set);

	if (store_open(&st, fx_path("wagw.db"), STORE_WRITER, 1000, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st) != STORE_OK || store_org_add(st, "acme", "A", 1) != STORE_OK)
		return 1;
	memset(&k, 0, sizeof(k));
	apikey_generate(secret, id);
	snprintf(k.id, sizeof(k.id), "%s", id);
	snprintf(k.org, sizeof(k.org), "acme");
	apikey_parse(secret, strlen(secret), k.prefix);
	apikey_hash(secret, strlen(secret), k.hash);
	k.permissions = CAP_READ;
	if (store_key_add(st, &k) != STORE_OK)
		return 1;
	store_close(st);
	if (store_open(&st, fx_path("wagw.db"), STORE_READER, 1000, err, sizeof(err)) != STORE_OK)
		return 1;
	snprintf(cfg.jwks_file, sizeof(cfg.jwks_file), "%s", fx_path("jwks.json"));
	a = auth_new(&cfg, st, NULL);
	for (n = 0; n < NTOKS; n += NTOKS - 1) {
		snprintf(h, sizeof(h), "Bearer %s", toks[n].token);
		auth_authenticate(a, h, NULL, now, &p);
		t0 = now_us();
		for (i = 0; i < iters * 10; i++)
			if (auth_authenticate(a, h, NULL, now, &p) != AUTH_OK)
				return 1;
		printf("repeated %-19s %8.2f us\n", toks[n].name, (now_us() - t0) / (iters * 10));
	}
	t0 = now_us();
	for (i = 0; i < iters * 10; i++)
		if (auth_authenticate(a, NULL, secret, now, &p) != AUTH_OK)
			return 1;
	printf("%-28s %8.2f us\n", "API key", (now_us() - t0) / (iters * 10));
	auth_free(a);
	store_close(st);
	fx_done();
	return 0;
}
