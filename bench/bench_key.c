#include <stdio.h>
#include <string.h>

#include "bench/bench_key.h"
#include "common/cap.h"
#include "common/clock.h"
#include "common/store.h"

int
bench_key_add(const char *db, const char *org, const char *name,
    char secret[APIKEY_SECRET_LEN + 1])
{
	struct store_key k;
	struct store *st;
	char err[256];
	int rc;

	memset(&k, 0, sizeof(k));
	if (apikey_generate(secret, k.id) == -1 ||
	    store_open(&st, db, STORE_WRITER, 5000, err, sizeof(err)) != STORE_OK)
		return -1;
	snprintf(k.org, sizeof(k.org), "%s", org);
	memcpy(k.prefix, secret, APIKEY_PREFIX_LEN);
	apikey_hash(secret, APIKEY_SECRET_LEN, k.hash);
	k.name = name;
	k.permissions = CAP_READ;
	k.created_ms = clock_wall_ms();
	rc = store_key_add(st, &k) == STORE_OK ? 0 : -1;
	store_close(st);
	return rc;
}
