#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth/auth.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/store.h"
#include "gateway/cursor.h"
#include "gateway/gateway.h"
#include "ipc/sessiond_client.h"

struct gateway *
gateway_new(const struct config *cfg)
{
	struct gateway *gw;

	if ((gw = calloc(1, sizeof(*gw))) == NULL)
		return NULL;
	gw->cfg = *cfg;
	if ((gw->sd = sessiond_client_new(gw->cfg.socket)) == NULL) {
		free(gw);
		return NULL;
	}
	return gw;
}

static void
gateway_close_backend(struct gateway *gw)
{
	auth_free(gw->auth);
	cursor_key_free(gw->ck);
	store_close(gw->st);
	gw->auth = NULL;
	gw->ck = NULL;
	gw->st = NULL;
}

void
gateway_free(struct gateway *gw)
{
	if (gw == NULL)
		return;
	gateway_close_backend(gw);
	sessiond_client_free(gw->sd);
	free(gw);
}

int
gateway_backend(struct gateway *gw)
{
	unsigned char key[STORE_CURSOR_KEY_LEN];
	char err[512];
	int64_t now;
	int rc;

	if (gw->st != NULL)
		return 0;
	now = clock_mono_ms();
	if (gw->next_try_ms != 0 && now < gw->next_try_ms)
		return -1;
	gw->next_try_ms = now + GATEWAY_RETRY_MS;
	if ((rc = store_open(&gw->st, gw->cfg.database, STORE_READER,
	    GATEWAY_BUSY_MS, err, sizeof(err))) != STORE_OK) {
		log_warnx("database not available (retrying): %s", err);
		return -1;
	}
	if ((rc = store_cursor_key(gw->st, key)) != STORE_OK) {
		log_warnx("%s: cursor key: %s", gw->cfg.database, store_rc_str(rc));
		goto fail;
	}
	gw->ck = cursor_key_new(key);
	OPENSSL_cleanse(key, sizeof(key));
	if (gw->ck == NULL) {
		log_warnx("cannot prepare the cursor key");
		goto fail;
	}
	if ((gw->auth = auth_new(&gw->cfg, gw->st, gw->sd)) == NULL) {
		log_warnx("cannot set up authentication");
		goto fail;
	}
	log_info("database %s open", gw->cfg.database);
	return 0;
fail:
	gateway_close_backend(gw);
	return -1;
}

void
gateway_after_request(struct gateway *gw)
{
	if (gw->auth != NULL)
		auth_report(gw->auth);
}
