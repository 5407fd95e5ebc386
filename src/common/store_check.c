#include <stdio.h>
#include <string.h>

#include "common/store_impl.h"

int
store_check_get(struct store *st, int64_t session_rowid, const char *phone,
    int64_t now_ms, int64_t max_age_ms, struct store_check *out)
{
	sqlite3_stmt *s = store_stmt(st, SS_CHECK_GET);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, phone);
	if ((rc = store_step_row(st, s)) == STORE_OK) {
		const unsigned char *jid = sqlite3_column_text(s, 1);

		out->on_whatsapp = sqlite3_column_int(s, 0);
		snprintf(out->jid, sizeof(out->jid), "%s", jid ? (const char *)jid : "");
		out->checked_ms = sqlite3_column_int64(s, 2);
		if (now_ms - out->checked_ms >= max_age_ms)
			rc = STORE_NOTFOUND;
	}
	sqlite3_reset(s);
	return rc;
}

int
store_check_put(struct store *st, int64_t session_rowid, const char *phone,
    const struct store_check *c)
{
	sqlite3_stmt *s = store_stmt(st, SS_CHECK_PUT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, session_rowid);
	store_bind_text(s, 2, phone);
	sqlite3_bind_int(s, 3, c->on_whatsapp ? 1 : 0);
	store_bind_text(s, 4, c->on_whatsapp ? c->jid : NULL);
	sqlite3_bind_int64(s, 5, c->checked_ms);
	return store_exec_stmt(st, s);
}
