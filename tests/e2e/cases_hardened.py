"""The own-user set-up (tests/e2e/run --hardened; README.md, "Deployment"):
the daemon runs as DAEMON_USER:DAEMON_GROUP, the responders as
servers.RESPONDER_USER (a member of that group, allowed_users in the
daemon's configuration), the web servers as www-data, which is in no
group of wagw's.  setup_users() makes the users; the cases show what
www-data cannot do, what the responders' user can, and that the shipped
own-user configurations route as the simple ones do.  The other groups
but daemon/ and auth/ then run through both servers (tests/e2e/run)."""

import grp
import json
import os
import pwd
import re
import subprocess
import time

import servers
from harness import case

DAEMON_USER = "wagw"
DAEMON_GROUP = "wagw"
SUEXEC_ID_MIN = 100     # Debian's suexec: AP_UID_MIN, AP_GID_MIN


def run_cmd(cmd, log):
    log("e2e: " + " ".join(cmd))
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def setup_users(log):
    """Creates the group DAEMON_GROUP and the system users DAEMON_USER and
    RESPONDER_USER (primary group DAEMON_GROUP) when missing; existing ones
    are used as they are.  Returns (daemon uid, daemon gid)."""
    nologin = ["--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"]
    try:
        grp.getgrnam(DAEMON_GROUP)
    except KeyError:
        run_cmd(["groupadd", "--system", DAEMON_GROUP], log)
    for user in (DAEMON_USER, servers.RESPONDER_USER):
        try:
            pwd.getpwnam(user)
        except KeyError:
            run_cmd(["useradd", "--system", "--gid", DAEMON_GROUP] + nologin + [user], log)
    gid = grp.getgrnam(DAEMON_GROUP).gr_gid
    uids = [pwd.getpwnam(u).pw_uid for u in (DAEMON_USER, servers.RESPONDER_USER)]
    if min(uids + [gid]) < SUEXEC_ID_MIN:
        raise RuntimeError("suexec runs no user or group below %d: %s %r, %s %d" %
                           (SUEXEC_ID_MIN, "users", uids, DAEMON_GROUP, gid))
    if "www-data" in grp.getgrnam(DAEMON_GROUP).gr_mem or \
            pwd.getpwnam("www-data").pw_gid == gid:
        raise RuntimeError("www-data is in group %s: the set-up needs it outside" %
                           DAEMON_GROUP)
    return uids[0], gid


# A probe run as another user: tries each path and the daemon's socket,
# prints what happened as JSON (errno names, or what the daemon answered).
PROBE = r"""
import errno, json, socket, sqlite3, struct, sys
paths, sock, db = json.loads(sys.argv[1])
out = {"open": {}, "sqlite": None, "connect": None, "answer": None}
for p in paths:
    try:
        open(p, "rb").close()
        out["open"][p] = "ok"
    except OSError as e:
        out["open"][p] = errno.errorcode.get(e.errno, str(e.errno))
try:
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=2)
    con.execute("SELECT count(*) FROM sessions").fetchall()
    out["sqlite"] = "ok"
except sqlite3.Error as e:
    out["sqlite"] = str(e)
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sock)
    out["connect"] = "ok"
    payload = json.dumps({"id": 1, "op": "ping"}).encode()
    s.sendall(b"WG\x01\x01" + struct.pack(">I", len(payload)) + payload)
    buf = s.recv(65536)
    out["answer"] = "answered" if buf else "closed"
except OSError as e:
    key = "answer" if out["connect"] == "ok" else "connect"
    out[key] = errno.errorcode.get(e.errno, str(e))
print(json.dumps(out))
"""


def probe(ctx, user, group, extra_groups=()):
    st = ctx.stack
    paths = [st.db, st.db + "-wal", st.db + "-shm", os.path.join(st.dbdir, "credentials.key"),
             st.config]
    p = subprocess.run(["/usr/bin/python3", "-c", PROBE, json.dumps([paths, st.socket, st.db])],
                       user=user, group=group, extra_groups=list(extra_groups),
                       capture_output=True, text=True, timeout=30, cwd="/")
    if p.returncode != 0:
        ctx.fatal("probe as %s: exit %d: %s" % (user, p.returncode, p.stderr[-500:]))
    return json.loads(p.stdout)


@case("www-data can neither reach the daemon's socket nor open the database", "hardened")
def _(ctx):
    st = ctx.stack
    out = probe(ctx, "www-data", "www-data")
    ctx.eq(out["connect"], "EACCES", "www-data connects to the socket")
    for p, got in out["open"].items():
        ctx.eq(got, "EACCES", "www-data opens %s" % os.path.basename(p))
    ctx.check(out["sqlite"] != "ok" and "unable to open" in out["sqlite"],
              "www-data opens the database with SQLite: %r" % out["sqlite"])
    # The layout that makes it so.
    for d in (st.dbdir, st.rundir):
        sb = os.stat(d)
        ctx.eq((sb.st_uid, sb.st_gid, sb.st_mode & 0o777), (st.uid, st.gid, 0o750),
               "%s: owner, group, mode" % d)
    for p in (st.db, st.db + "-wal", st.db + "-shm", st.socket):
        sb = os.stat(p)
        ctx.eq((sb.st_uid, sb.st_gid, sb.st_mode & 0o777), (st.uid, st.gid, 0o660),
               "%s: owner, group, mode" % os.path.basename(p))


@case("the daemon refuses www-data even where the socket is within reach", "hardened")
def _(ctx):
    st = ctx.stack
    # In the daemon's group, www-data gets past the file modes; the daemon
    # then closes the connection without an answer (SO_PEERCRED).
    out = probe(ctx, "www-data", "www-data", [st.gid])
    ctx.eq(out["connect"], "ok", "www-data in group %s connects" % DAEMON_GROUP)
    ctx.check(out["answer"] in ("closed", "ECONNRESET", "EPIPE"),
              "the daemon answers www-data: %r" % out["answer"])
    end = time.monotonic() + 5
    while "refusing connections from uid %d" % servers.WWW_UID not in st.logs():
        if time.monotonic() > end:
            ctx.fatal("no refusal of uid %d in %s" % (servers.WWW_UID, st.daemon_log))
        time.sleep(0.1)
    # The responders' user, with the same group, is served.
    out = probe(ctx, servers.RESPONDER_USER, DAEMON_GROUP)
    ctx.eq((out["connect"], out["answer"]), ("ok", "answered"),
           "%s pings the daemon" % servers.RESPONDER_USER)


@case("the responders' user opens the database but not the credentials key", "hardened")
def _(ctx):
    out = probe(ctx, servers.RESPONDER_USER, DAEMON_GROUP)
    for p, got in out["open"].items():
        want = "EACCES" if p.endswith("credentials.key") else "ok"
        ctx.eq(got, want, "%s opens %s" % (servers.RESPONDER_USER, os.path.basename(p)))
    ctx.eq(out["sqlite"], "ok", "%s reads the database" % servers.RESPONDER_USER)


@case("the responders run as their own user, not as the web server's", "hardened")
def _(ctx):
    ctx.json_ok(ctx.get("/healthz"))         # at least one responder is up
    uid = pwd.getpwnam(servers.RESPONDER_USER).pw_uid
    gid = grp.getgrnam(servers.RESPONDER_GROUP).gr_gid
    pids = ctx.server.responder_pids()
    ctx.check(pids, "no responder of %s found" % ctx.server.name)
    for pid in pids:
        ids = {}
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Uid", "Gid", "Groups"):
                    ids[k] = [int(x) for x in v.split()]
        ctx.eq(ids["Uid"], [uid] * 4, "responder %d: real, effective, saved, fs uid" % pid)
        ctx.eq(ids["Gid"], [gid] * 4, "responder %d: gids" % pid)
        ctx.check(servers.WWW_GID not in ids["Groups"],
                  "responder %d is in www-data's group: %r" % (pid, ids["Groups"]))


def alias_lines(path):
    """(directive, pattern, target file) of each ScriptAlias(Match)."""
    with open(path) as f:
        text = f.read()
    return re.findall(r'^\s*(ScriptAlias(?:Match)?)\s+("[^"]*"|\S+)\s+"\$\{WAGW_\w+\}/([^"]+)"',
                      text, re.M)


@case("the own-user configuration routes as the simple one", "hardened")
def _(ctx):
    src = ctx.stack.srcdir
    if ctx.server.name == "lighttpd":
        def conds(name):
            with open(os.path.join(src, "lighttpd", name)) as f:
                text = f.read()
            return (re.findall(r'\$HTTP\["url"\] =~ "([^"]*)"', text),
                    re.findall(r'"socket" => var\.wagw_sockdir \+ "/([^"]+)"', text))
        simple, own = conds("wagw.conf"), conds("wagw-own-user.conf")
        ctx.check(len(simple[0]) == 2, "wagw.conf: %r" % (simple,))
        ctx.eq(own[0], simple[0], "lighttpd: the URL conditions of both configurations")
        ctx.eq(own[1], ["wagw-fcgi-live.sock", "wagw-fcgi.sock"],
               "wagw-own-user.conf: the pools' sockets (those of the units)")
    else:
        simple = alias_lines(os.path.join(src, "apache", "wagw.conf"))
        own = alias_lines(os.path.join(src, "apache", "wagw-suexec.conf"))
        ctx.check(len(simple) == 4, "wagw.conf: %r" % simple)
        ctx.eq(own, simple, "apache: the ScriptAlias lines of both configurations")
