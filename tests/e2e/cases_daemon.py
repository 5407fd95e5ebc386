"""Live lookups and the daemon through the whole stack (issue 5), the
process-class separation of the shipped configs (issue 3), and the
database staying busy.  These change the stack and put it back; they run
after the other groups."""

import os
import random
import signal
import sqlite3
import threading
import time

import model
from harness import case
from model import SESSION_A, SESSION_R

CHECK = "/api/v1/sessions/%s/contacts/check?phone=%%2B%s"
ABOUT = "/api/v1/sessions/%s/contacts/%s/about"
LIST = "/api/v1/sessions/%s/contacts" % SESSION_A


def fresh_phone():
    # never asked before, so the daemon's check cache cannot answer it
    return "1999%08d" % random.randrange(10 ** 8)


def until(fn, timeout=10.0, step=0.1):
    import harness
    end = time.monotonic() + timeout * (6 if harness.SLOW else 1)
    r = fn()
    while not r[0] and time.monotonic() < end:
        time.sleep(step)
        r = fn()
    return r


@case("disconnect -> 501 -> connect -> 200", "daemon")
def _(ctx):
    st = ctx.stack
    ctx.eq(ctx.json_ok(ctx.api(CHECK % (SESSION_A, "6281234567890")))["isOnWhatsApp"], True,
           "before")
    st.admin("session", "disconnect", SESSION_A)
    try:
        ctx.error(ctx.api(CHECK % (SESSION_A, "6281234567890")), 501, "not_implemented",
                  msg="cached check on a disconnected session")
        ctx.error(ctx.api(CHECK % (SESSION_A, fresh_phone())), 501, "not_implemented")
        ctx.error(ctx.api(ABOUT % (SESSION_A, model.ALICE + "@lid")), 501, "not_implemented")
        ctx.json_ok(ctx.api(LIST), "list while disconnected")
        st_out = st.admin("session", "status", SESSION_A).stdout.lower()
        ctx.check("not connected" in st_out or "disconnected" in st_out or "false" in st_out,
                  "session status says %r" % st_out)
    finally:
        st.admin("session", "connect", SESSION_A)
    ok, r = until(lambda: (lambda r: (r.status == 200, r))(
        ctx.api(ABOUT % (SESSION_A, model.ALICE + "@lid"))))
    ctx.eq(ctx.json_ok(r), {"about": "At work"}, "about after connect")
    ctx.json_ok(ctx.api(CHECK % (SESSION_A, fresh_phone())), "check after connect")


@case("SIGHUP: new contacts appear in the list", "daemon")
def _(ctx):
    st = ctx.stack
    idx = sorted(c.name for c in ctx.all_servers).index(ctx.server.name)
    lid = str(30000000000100 + idx)
    member = str(30000000000200 + idx)
    st.net["accounts"].append({"lid": lid, "phone": "4420794600%02d" % idx,
                               "name": "Newbie Ñandú %d" % idx})
    st.net["accounts"].append({"lid": member, "phone": "4420794601%02d" % idx,
                               "name": "Joiner %d" % idx})
    st.net["sessions"][SESSION_A]["dms"].append(lid)
    st.net["sessions"][SESSION_A]["groups"][1]["members"].append(
        {"lid": member, "role": "member"})
    st.write_network()
    st.daemon.send_signal(signal.SIGHUP)

    def seen():
        r = ctx.api(LIST + "?q=" + "newbie%20%C3%B1and%C3%BA%20" + str(idx))
        return (r.status == 200 and len(r.json().get("data", [])) == 1, r)
    ok, r = until(seen, timeout=10)
    ctx.check(ok, "the new direct chat did not appear: %r" % r)
    from cases_api import expect_list
    expect_list(ctx, "", {})
    expect_list(ctx, "group=" + model.GROUP2.replace("@", "%40"), {"group": model.GROUP2})
    ctx.check(st.daemon.poll() is None, "daemon died on SIGHUP")


@case("kill -9 of the daemon -> 503 -> restart -> 200", "daemon")
def _(ctx):
    st = ctx.stack
    ctx.json_ok(ctx.api(CHECK % (SESSION_A, fresh_phone())), "before")
    st.stop_daemon(signal.SIGKILL)
    try:
        ctx.check(os.path.exists(st.socket), "a killed daemon leaves its socket file")
        ctx.error(ctx.api(CHECK % (SESSION_A, fresh_phone())), 503, "gateway_unavailable")
        ctx.error(ctx.api(ABOUT % (SESSION_A, model.ALICE + "@lid")), 503,
                  "gateway_unavailable")
        ctx.status(ctx.get("/readyz"), 503, "readyz with the daemon down")
        ctx.status(ctx.get("/healthz"), 200, "healthz with the daemon down")
        ctx.json_ok(ctx.api(LIST), "stored data while the daemon is down")
        # still not found / unauthorized first
        ctx.error(ctx.api(CHECK % ("NOSUCH", "14155550123")), 404, "not_found")
    finally:
        st.start_daemon()       # removes the stale socket
    ok, r = until(lambda: (lambda r: (r.status == 200, r))(
        ctx.api(CHECK % (SESSION_A, "6281234567890"))))
    ctx.check(ok, "no 200 after the daemon restarted: %r" % r)
    ctx.status(ctx.get("/readyz"), 200, "readyz after restart")


@case("rate limit -> 429 with Retry-After", "daemon")
def _(ctx):
    st = ctx.stack
    st.write_config(lookups_per_minute=1, lookup_burst=2, lookups_per_day=1000)
    # The limits outlive restarts: start from a full bucket each time this runs.
    st.restart_daemon(forget_limits=True)
    try:
        got = [ctx.api(CHECK % (SESSION_R, fresh_phone())) for _ in range(4)]
        ctx.eq([r.status for r in got[:2]], [200, 200], "within the burst")
        err = ctx.error(got[2], 429, "rate_limited")
        if err is not None:
            ra = int(got[2].header("retry-after") or 0)
            ctx.check(1 <= ra <= 60, "Retry-After %d for 1 lookup/minute" % ra)
        ctx.error(got[3], 429, "rate_limited")
        # another session has its own budget
        ctx.json_ok(ctx.api(CHECK % (SESSION_A, fresh_phone())), "session A unaffected")
        # the list spends no budget
        ctx.json_ok(ctx.api("/api/v1/sessions/%s/contacts" % SESSION_R), "list")
    finally:
        st.write_config(lookups_per_minute=6000, lookup_burst=1000, lookups_per_day=100000)
        st.restart_daemon()


def slow_network(st, latency_ms):
    st.net["latencyMs"] = latency_ms
    st.write_network()
    st.restart_daemon()


@case("WhatsApp too slow -> 504", "daemon")
def _(ctx):
    st = ctx.stack
    deadline = st.lookup_timeout_ms()
    slow_network(st, 2 * deadline)
    try:
        t = time.monotonic()
        ctx.error(ctx.api(CHECK % (SESSION_A, fresh_phone())), 504, "gateway_timeout")
        took = time.monotonic() - t
        ctx.check(took < 2 * deadline / 1000.0 - 0.1, "504 only after %.1fs" % took)
        ctx.error(ctx.api(ABOUT % (SESSION_A, model.ALICE + "@lid")), 504, "gateway_timeout")
    finally:
        slow_network(st, 0)


@case("slow live lookups do not starve the list (process classes)", "daemon")
def _(ctx):
    import harness
    if harness.SLOW:
        raise harness.Skip("measures time; not meaningful under valgrind")
    st = ctx.stack
    latency = 1500
    slow_network(st, latency)
    try:
        n = ctx.server.procs * 2 + 2        # more than the live class can hold
        results = []

        def live():
            results.append(ctx.api(CHECK % (SESSION_A, fresh_phone()), timeout=30))
        threads = [threading.Thread(target=live) for _ in range(n)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(0.3)                     # the live class is now saturated
        times = []
        while time.monotonic() - t0 < latency / 1000.0 * 1.8:
            r = ctx.api(LIST + "?limit=5")
            ctx.status(r, 200, "list while live lookups are slow")
            times.append(r.elapsed)
        for t in threads:
            t.join()
        ctx.check(len(times) >= 5, "only %d list requests" % len(times))
        worst = max(times) if times else None
        ctx.check(worst is not None and worst < 1.0,
                  "a list request took %.2fs while the live class was busy (times %r)" %
                  (worst or -1, [round(x, 3) for x in times]))
        ctx.eq(sorted(set(r.status for r in results)), [200], "the slow lookups themselves")
        ctx.check(max(r.elapsed for r in results) >= latency / 1000.0 * 1.5,
                  "the live class was never saturated (slowest %.2fs)" %
                  max(r.elapsed for r in results))
    finally:
        slow_network(st, 0)


@case("database stays busy -> 503 with Retry-After", "daemon")
def _(ctx):
    # In WAL mode a writer never blocks readers that already have the
    # database open, so another process's BEGIN EXCLUSIVE cannot make a
    # running responder wait.  What can: a process that holds the file in
    # exclusive locking mode (an operator's sqlite3 shell, a migration gone
    # wrong) while responders (re)open it.  Stop everything that has the
    # database open, take the lock, start the web servers again.
    st = ctx.stack
    for s in ctx.all_servers:
        s.stop()
    st.stop_daemon()
    con = sqlite3.connect(st.db, timeout=5, isolation_level=None)
    try:
        con.execute("PRAGMA locking_mode=EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("UPDATE organizations SET name = name WHERE id = 'org1'")
        for s in ctx.all_servers:
            s.start()
        t = time.monotonic()
        r = ctx.api(LIST)
        ctx.error(r, 503, "gateway_unavailable", msg="list, database locked")
        import harness
        ctx.check(harness.SLOW or time.monotonic() - t < 15,
                  "503 only after %.1fs" % (time.monotonic() - t))
        ctx.status(ctx.get("/readyz"), 503, "readyz, database locked")
        r = ctx.api(LIST)
        ctx.error(r, 503, "gateway_unavailable", msg="list again")
    finally:
        con.execute("COMMIT")
        con.close()
        st.start_daemon()
        for s in ctx.all_servers:
            if s.proc is None:
                s.start()
    ok, r = until(lambda: (lambda r: (r.status == 200, r))(ctx.api(LIST)), timeout=15)
    ctx.check(ok, "no 200 after the lock was released: %r" % r)
