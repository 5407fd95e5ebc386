/*
 * The session state machine (session.c), in process: a real daemon on a
 * temporary database, its sessions driven by link events as a driver
 * would send them, and every transition checked together with what the
 * daemon stores and whether it will reconnect.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "unit.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/credkey.h"
#include "common/store.h"
#include "sessiond/daemon.h"
#include "sessiond/daemon_impl.h"

static char dir[128];
static struct config cfg;
static struct daemon *d;

static void
setup(void)
{
	struct store *st;
	char err[256];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/wagw-session-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_defaults(&cfg);
	snprintf(cfg.database, sizeof(cfg.database), "%s/wagw.db", dir);
	snprintf(cfg.socket, sizeof(cfg.socket), "%s/s.sock", dir);
	snprintf(cfg.sim_network, sizeof(cfg.sim_network), "%s/net.json", dir);
	snprintf(cfg.credentials_key_file, sizeof(cfg.credentials_key_file),
	    "%s/c.key", dir);
	ck_assert_ptr_nonnull(f = fopen(cfg.sim_network, "w"));
	/* The sim takes a minute for anything: the events are the test's. */
	fputs("{\"latencyMs\": 60000, \"accounts\": [], \"sessions\": {}}", f);
	fclose(f);
	ck_assert_int_eq(credkey_create(cfg.credentials_key_file, err, sizeof(err)), 0);
	ck_assert_int_eq(store_open(&st, cfg.database, STORE_WRITER, 2000, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_migrate(st), STORE_OK);
	ck_assert_int_eq(store_org_add(st, "o1", "", 1), STORE_OK);
	ck_assert_int_eq(store_session_add(st, "S1", "o1", NULL, 1), STORE_OK);
	store_close(st);
	ck_assert_msg(daemon_new(&d, &cfg, err, sizeof(err)) == 0, "%s", err);
}

static void
teardown(void)
{
	char cmd[200];

	daemon_free(d);
	d = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
stop_loop(void *arg)
{
	loop_stop(arg);
}

/* Lets the loop run ms (the writer's completions land). */
static void
run_for(int64_t ms)
{
	loop_timer_add(d->loop, ms, stop_loop, d->loop);
	loop_run(d->loop);
}

/* The daemon's back-off reconnects s (its timer fires). */
static void
reconnect(struct session *s)
{
	int64_t end = clock_mono_ms() + 10000;

	while (!s->running && clock_mono_ms() < end)
		run_for(50);
	ck_assert(s->running);
	ck_assert_int_eq(s->status, STATUS_STARTING);
}

/* The status the store holds for S1 once the writer is through. */
static const char *
stored_status(char *reason, size_t len)
{
	static char status[32];
	struct store_session row;
	struct store *st;
	char err[256];

	run_for(100);
	ck_assert_int_eq(store_open(&st, cfg.database, STORE_READER, 2000, err,
	    sizeof(err)), STORE_OK);
	ck_assert_int_eq(store_session_get(st, "S1", &row), STORE_OK);
	store_close(st);
	snprintf(status, sizeof(status), "%s", row.status);
	if (reason != NULL)
		snprintf(reason, len, "%s", row.reason);
	return status;
}

START_TEST(a_whole_life)
{
	struct session *s;
	struct link_identity id = { "14155550001@s.whatsapp.net", "100@lid",
	    "14155550001", "Ann" };
	/* What the sim driver would hand over (its own format). */
	static const char blob[] = "wagw-sim 1\naccount=14155550001\nentry=\n"
	    "secret=0123456789abcdef0123456789abcdef\n";
	char reason[128];
	int64_t t0;

	ck_assert_ptr_nonnull(s = session_get(d, "S1"));
	ck_assert_int_eq(s->status, STATUS_STOPPED);
	ck_assert(!session_paired(s));
	/* Start: pairing begins. */
	ck_assert_int_eq(session_start(s), 0);
	ck_assert_int_eq(s->status, STATUS_STARTING);
	ck_assert(s->running);
	session_ev_state(s, LINK_PAIRING, "");
	ck_assert_int_eq(s->status, STATUS_SCAN_QR_CODE);
	/* Paired: identity and credentials, sealed; then up. */
	session_ev_paired(s, &id);
	session_ev_credentials(s, blob, sizeof(blob) - 1);
	ck_assert_ptr_nonnull(s->creds);
	ck_assert(memmem(s->creds, s->creds_len, blob, sizeof(blob) - 1) == NULL);
	ck_assert(session_paired(s));
	t0 = clock_wall_ms();
	session_ev_state(s, LINK_UP, "");
	ck_assert_int_eq(s->status, STATUS_WORKING);
	ck_assert_int_ge(s->row.last_connected_ms, t0);
	ck_assert_str_eq(stored_status(NULL, 0), "working");
	/* A transient drop: starting, with the reason and a reconnect due. */
	session_ev_state(s, LINK_DOWN, "the server went away");
	ck_assert_int_eq(s->status, STATUS_STARTING);
	ck_assert_str_eq(s->row.reason, "the server went away");
	ck_assert_ptr_nonnull(s->retry_timer);
	ck_assert_int_eq(s->bo.attempts, 1);
	ck_assert_str_eq(stored_status(reason, sizeof(reason)), "starting");
	ck_assert_str_eq(reason, "the server went away");
	/* Another drop soon after: the back-off grows. */
	reconnect(s);
	session_ev_state(s, LINK_UP, "");
	session_ev_state(s, LINK_DOWN, "again");
	ck_assert_int_eq(s->bo.attempts, 2);
	/* A permanent end: failed, with why; no reconnect, not after a restart. */
	reconnect(s);
	session_ev_state(s, LINK_FAILED, LINK_REASON_REPLACED);
	ck_assert_int_eq(s->status, STATUS_FAILED);
	ck_assert_str_eq(s->row.reason, "replaced");
	ck_assert_ptr_null(s->retry_timer);
	ck_assert_int_eq(s->row.autostart, 0);
	ck_assert(session_paired(s));	/* credentials kept */
	ck_assert_str_eq(stored_status(reason, sizeof(reason)), "failed");
	ck_assert_str_eq(reason, "replaced");
	/* Started again, then the phone removes the device: logged out. */
	ck_assert_int_eq(session_start(s), 0);
	ck_assert_int_eq(s->status, STATUS_STARTING);
	session_ev_state(s, LINK_LOGGED_OUT, "the phone removed this linked device");
	ck_assert_int_eq(s->status, STATUS_LOGGED_OUT);
	ck_assert_ptr_null(s->creds);
	ck_assert(!session_paired(s));
	ck_assert_str_eq(s->row.phone, "");
	ck_assert_ptr_null(s->retry_timer);
	ck_assert_str_eq(stored_status(NULL, 0), "logged_out");
	/* Events after a stop are not the session's any more. */
	ck_assert_int_eq(session_start(s), 0);
	session_stop(s, "");
	ck_assert_int_eq(s->status, STATUS_STOPPED);
	session_ev_state(s, LINK_UP, "");
	ck_assert_int_eq(s->status, STATUS_STOPPED);
}
END_TEST

/* A stable connection resets the back-off. */
START_TEST(stable_resets_back_off)
{
	struct session *s;

	ck_assert_ptr_nonnull(s = session_get(d, "S1"));
	ck_assert_int_eq(session_start(s), 0);
	session_ev_state(s, LINK_UP, "");
	session_ev_state(s, LINK_DOWN, "one");
	reconnect(s);
	session_ev_state(s, LINK_UP, "");
	session_ev_state(s, LINK_DOWN, "two");
	ck_assert_int_eq(s->bo.attempts, 2);
	reconnect(s);
	session_ev_state(s, LINK_UP, "");
	s->up_since -= d->boc.stable_ms;	/* up long enough */
	session_ev_state(s, LINK_DOWN, "three");
	ck_assert_int_eq(s->bo.attempts, 1);
}
END_TEST

static Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_whole_life);
	tcase_add_test(tc, stable_resets_back_off);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_session", session_suite)
