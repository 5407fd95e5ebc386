"""The Sessions API through the whole stack: a session's life (create, QR,
pairing by the simulated phone, working, stop, start, unlink, logout,
delete), pairing by phone code, the QR as PNG (decoded by zbarimg) and
SVG, rotation and running out, a daemon killed while sessions work, and
the bad input every route must refuse.  Sessions made here are deleted
again; the daemon-restart case puts the daemon back."""

import json
import os
import signal
import subprocess
import tempfile
import time

import harness
import model
from harness import case

SESSIONS = "/api/v1/sessions"
JSON = "Content-Type: application/json"


def post(ctx, path, body=None, key="all", ctype=JSON, **kw):
    headers = [ctype] if ctype else []
    data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
    if data is None:
        data = ""
    return ctx.api(path, key=key, method="POST", data=data, headers=headers, **kw)


def until(fn, timeout=10.0, step=0.1):
    end = time.monotonic() + timeout * (6 if harness.SLOW else 1)
    r = fn()
    while not r[0] and time.monotonic() < end:
        time.sleep(step)
        r = fn()
    return r


def wa_session(ctx, doc, msg):
    """Checks a WASession object's shape exactly."""
    required = {"id", "organizationId", "label", "status", "createdAt", "updatedAt"}
    optional = {"gatewayId", "statusReason", "waJid", "waLid", "phoneNumber", "pushName",
                "lastConnectedAt"}
    ctx.check(isinstance(doc, dict) and required <= set(doc) and
              set(doc) <= required | optional, "%s: WASession members %r" %
              (msg, sorted(doc) if isinstance(doc, dict) else doc))
    ctx.check(doc.get("status") in ("stopped", "starting", "scan_qr_code", "working",
                                    "failed", "logged_out"), "%s: status %r" %
              (msg, doc.get("status")))
    for k in ("createdAt", "updatedAt", "lastConnectedAt"):
        if k in doc:
            ctx.check(isinstance(doc[k], int) and doc[k] > 1_600_000_000_000,
                      "%s: %s %r" % (msg, k, doc[k]))
    return doc


def create(ctx, body=None, key="all"):
    r = post(ctx, SESSIONS, body if body is not None else {"label": "e2e"}, key=key)
    ctx.status(r, 201, "create")
    doc = wa_session(ctx, r.json(), "create")
    ctx.eq(r.header("location"), SESSIONS + "/" + doc["id"], "Location")
    return doc["id"]


def get(ctx, sid, key="all"):
    return ctx.api(SESSIONS + "/" + sid, key=key)


def status_of(ctx, sid):
    r = get(ctx, sid)
    return r.json().get("status") if r.status == 200 else None


def wait_status(ctx, sid, want, timeout=10):
    ok, st = until(lambda: (lambda s: (s == want, s))(status_of(ctx, sid)), timeout)
    ctx.check(ok, "session %s: status %r, want %r" % (sid, st, want))
    return ok


def qr_code(ctx, sid):
    """Polls /qr through its 202s until the QR text is out."""
    def one():
        r = ctx.api(SESSIONS + "/%s/qr" % sid, key="all")
        if r.status == 202:
            ctx.eq(r.json(), {"status": "starting"}, "202 body")
            ctx.eq(r.header("retry-after"), "1", "202 Retry-After")
            return False, r
        return True, r
    ok, r = until(one)
    doc = ctx.json_ok(r, "qr")
    ctx.check(set(doc) == {"code", "expiresAt"}, "qr members %r" % sorted(doc))
    ctx.check(doc["expiresAt"] > time.time() * 1000, "qr expiresAt in the past")
    return doc["code"]


def sim(ctx, *args, check=True):
    return ctx.stack.admin("sim", *args, check=check)


def delete(ctx, sid):
    ctx.status(ctx.api(SESSIONS + "/" + sid, key="all", method="DELETE"), 204, "delete")
    ctx.error(get(ctx, sid), 404, "not_found", msg="after delete")


def zbar(ctx, png):
    fd, path = tempfile.mkstemp(suffix=".png", dir=ctx.http.tmp)
    with os.fdopen(fd, "wb") as f:
        f.write(png)
    try:
        p = subprocess.run(["zbarimg", "--quiet", "--raw", path], capture_output=True)
        return p.stdout.decode().strip() if p.returncode == 0 else None
    finally:
        os.unlink(path)


@case("a session's life: create, QR, scan, working, stop, start, unlink, pair again, "
      "logout, delete", "sessions")
def _(ctx):
    sid = create(ctx, {"label": "Support line ✓"})
    doc = get(ctx, sid).json()
    ctx.eq(doc["status"], "stopped", "a new session")
    ctx.eq(doc["label"], "Support line ✓", "label")
    ctx.eq(doc["organizationId"], "org1", "organization")
    # The QR: 202 while pairing begins, then the code; as PNG it decodes to it.
    code = qr_code(ctx, sid)
    ctx.eq(status_of(ctx, sid), "scan_qr_code", "while the QR is out")
    png = ctx.api(SESSIONS + "/%s/qr?format=png" % sid, key="all")
    ctx.status(png, 200, "png")
    ctx.eq(png.header("content-type"), "image/png", "png type")
    ctx.eq(zbar(ctx, png.body), code, "the PNG decodes to the QR text")
    svg = ctx.api(SESSIONS + "/%s/qr?format=svg" % sid, key="all")
    ctx.status(svg, 200, "svg")
    ctx.eq(svg.header("content-type"), "image/svg+xml", "svg type")
    ctx.check(svg.body.startswith(b"<svg") and b"</svg>" in svg.body, "an SVG document")
    # The phone scans it: paired with the account, working.
    sim(ctx, "scan", code, "--account", "+" + model.PAIR_ACCOUNT)
    wait_status(ctx, sid, "working")
    doc = wa_session(ctx, get(ctx, sid).json(), "working")
    ctx.eq(doc.get("phoneNumber"), model.PAIR_ACCOUNT, "paired number")
    ctx.eq(doc.get("waJid"), model.PAIR_ACCOUNT + "@s.whatsapp.net", "paired JID")
    ctx.check("lastConnectedAt" in doc, "lastConnectedAt once connected")
    me = ctx.json_ok(ctx.api(SESSIONS + "/%s/me" % sid, key="all"))
    ctx.eq(me, {"sessionId": sid, "status": "working", "connected": True,
                "waJid": model.PAIR_ACCOUNT + "@s.whatsapp.net",
                "phoneNumber": model.PAIR_ACCOUNT}, "/me")
    ctx.error(ctx.api(SESSIONS + "/%s/qr" % sid, key="all"), 409, "conflict",
              msg="qr of a paired session")
    # What the paired account sees is listed; lookups work.
    want = model.expected(ctx.stack.net, model.PAIR_VIEW)
    ok, r = until(lambda: (lambda r: (len(r.json().get("data", [])) == len(want), r))(
        ctx.api(SESSIONS + "/%s/contacts" % sid)))
    ctx.eq({i["lid"]: i for i in ctx.json_ok(r)["data"]}, want, "contacts of the pairing")
    chk = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B6281234567890" % sid))
    ctx.eq(chk["isOnWhatsApp"], True, "check while working")
    # Stop: 501; start: working again with the stored credentials.
    r = post(ctx, SESSIONS + "/%s:stop" % sid)
    ctx.eq(wa_session(ctx, ctx.json_ok(r), "stop")["status"], "stopped", "stop answer")
    ctx.eq(status_of(ctx, sid), "stopped", "stored after stop")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
              "not_implemented", msg="check while stopped")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:stop" % sid), "stop is idempotent")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:start" % sid, ""), "start (empty body)")
    wait_status(ctx, sid, "working")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:start" % sid), "start while working")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:restart" % sid), "restart")
    wait_status(ctx, sid, "working")
    # The phone removes the device: logged_out, credentials gone.
    sim(ctx, "unlink", sid)
    wait_status(ctx, sid, "logged_out")
    doc = get(ctx, sid).json()
    ctx.check("phoneNumber" not in doc and "waJid" not in doc, "no account once logged out")
    ctx.eq(ctx.json_ok(ctx.api(SESSIONS + "/%s/me" % sid, key="all"))["connected"], False,
           "/me when logged out")
    # Stored contacts are kept.
    ctx.check(len(ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts" % sid))["data"]) > 0,
              "contacts kept after logout")
    # It pairs again, then :logout unpairs it.
    sim(ctx, "scan", qr_code(ctx, sid), "--account", "+" + model.PAIR_ACCOUNT)
    wait_status(ctx, sid, "working")
    r = post(ctx, SESSIONS + "/%s:logout" % sid)
    ctx.eq(ctx.json_ok(r)["status"], "logged_out", "logout answer")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
              "not_implemented", msg="check after logout")
    delete(ctx, sid)
    ctx.error(ctx.api(SESSIONS + "/%s/contacts" % sid), 404, "not_found",
              msg="contacts of a deleted session")


@case("pairing by phone code; a code nobody waits for; deleting a working session",
      "sessions")
def _(ctx):
    sid = create(ctx, {"start": False})
    r = post(ctx, SESSIONS + "/%s/pairing-code" % sid, {"phone": "+" + model.PAIR_ACCOUNT})
    doc = ctx.json_ok(r, "pairing-code")
    ctx.check(set(doc) == {"code", "expiresAt"}, "pairing-code members %r" % sorted(doc))
    code = doc["code"]
    ctx.check(len(code) == 9 and code[4] == "-", "code form %r" % code)
    ctx.eq(status_of(ctx, sid), "scan_qr_code", "while the code is out")
    ctx.error(ctx.api(SESSIONS + "/%s/qr" % sid, key="all"), 409, "conflict",
              msg="qr while pairing by code")
    # Asked again for the same phone: the same code.
    ctx.eq(ctx.json_ok(post(ctx, SESSIONS + "/%s/pairing-code" % sid,
                            {"phone": model.PAIR_ACCOUNT}))["code"], code, "same code")
    p = sim(ctx, "link-code", "WXYZ-2345", check=False)
    ctx.eq(p.returncode, 2, "an unknown code")
    sim(ctx, "link-code", code.replace("-", "").lower())
    wait_status(ctx, sid, "working")
    ctx.eq(get(ctx, sid).json().get("phoneNumber"), model.PAIR_ACCOUNT, "paired by code")
    ctx.error(post(ctx, SESSIONS + "/%s/pairing-code" % sid, {"phone": "+14155550100"}),
              409, "conflict", msg="pairing-code on a paired session")
    delete(ctx, sid)


@case("QR codes rotate, then pairing runs out", "sessions")
def _(ctx):
    sid = create(ctx, {"start": True})
    first = qr_code(ctx, sid)
    pairing = ctx.stack.net["pairing"]
    ok, r = until(lambda: (lambda c: (c != first, c))(qr_code(ctx, sid)),
                  timeout=pairing["qrFirstMs"] / 1000 + 3)
    ctx.check(ok, "the QR rotated")
    p = sim(ctx, "scan", first, "--account", "+" + model.PAIR_ACCOUNT, check=False)
    ctx.eq(p.returncode, 2, "a rotated QR pairs nothing")
    total = (pairing["qrFirstMs"] + pairing["qrNextMs"] * (pairing["qrCount"] - 1)) / 1000
    wait_status(ctx, sid, "failed", timeout=total + 5)
    ctx.eq(get(ctx, sid).json().get("statusReason"), "pairing_timed_out", "why it failed")
    # /qr begins pairing again.
    qr_code(ctx, sid)
    ctx.json_ok(post(ctx, SESSIONS + "/%s:stop" % sid), "stop while pairing")
    ctx.eq(status_of(ctx, sid), "stopped", "stopped")
    delete(ctx, sid)


@case("the list: the organization's sessions, paged; cross-organization 404", "sessions")
def _(ctx):
    made = [create(ctx, {"label": "page %d" % i}) for i in range(3)]
    seen, cursor, pages = [], "", 0
    while True:
        r = ctx.api(SESSIONS + "?limit=2" + ("&cursor=" + cursor if cursor else ""),
                    key="all")
        doc = ctx.json_ok(r, "list")
        ctx.check(set(doc) == {"data", "nextCursor"}, "page members %r" % sorted(doc))
        for s in doc["data"]:
            wa_session(ctx, s, "listed")
            ctx.eq(s["organizationId"], "org1", "only the caller's organization")
        seen += [s["id"] for s in doc["data"]]
        pages += 1
        cursor = doc["nextCursor"]
        if not cursor or pages > 50:
            break
    ctx.check(len(seen) == len(set(seen)), "every session once")
    for sid in list(model.DB_SESSIONS) + made:
        if model.DB_SESSIONS.get(sid, "org1") == "org1":
            ctx.check(sid in seen, "%s listed" % sid)
    ctx.check(model.SESSION_C not in seen, "another organization's session not listed")
    ctx.bad_param(ctx.api(SESSIONS + "?cursor=nope", key="all"), "cursor")
    ctx.bad_param(ctx.api(SESSIONS + "?limit=x", key="all"), "limit")
    ctx.bad_param(ctx.api(SESSIONS + "?q=a", key="all"), "q")
    # Another organization's session is 404 on every route, for every method.
    other = model.SESSION_C
    for method, path in (("GET", ""), ("DELETE", ""), ("POST", ":start"),
                         ("POST", ":stop"), ("POST", ":restart"), ("POST", ":logout"),
                         ("GET", "/qr"), ("POST", "/pairing-code"), ("GET", "/me")):
        url = SESSIONS + "/" + other + path
        r = post(ctx, url, {"phone": "+14155550100"} if "pairing" in path else None) \
            if method == "POST" else ctx.api(url, key="all", method=method)
        ctx.error(r, 404, "not_found", msg="%s %s of org2" % (method, path))
    # A read key: 403 before 404.
    ctx.error(ctx.api(SESSIONS, key="read"), 403, "forbidden", msg="list with read")
    ctx.error(post(ctx, SESSIONS, {}, key="read"), 403, "forbidden", msg="create with read")
    ctx.error(post(ctx, SESSIONS + "/%s:start" % other, key="read"), 403, "forbidden")
    ctx.error(ctx.api(SESSIONS + "/NOPE/qr", key="read"), 403, "forbidden")
    # The other organization sees its own, not ours.
    doc = ctx.json_ok(ctx.api(SESSIONS, key="org2all"))
    ids = [s["id"] for s in doc["data"]]
    ctx.check(other in ids and not set(made) & set(ids), "org2's list %r" % ids)
    for sid in made:
        ctx.error(get(ctx, sid, key="org2all"), 404, "not_found", msg="ours seen by org2")
        delete(ctx, sid)


@case("bad bodies, unknown actions, wrong methods", "sessions")
def _(ctx):
    bad = [
        ("not json", "body"), ("[]", "body"), ('"x"', "body"), ("{", "body"),
        ('{"label": "a", "label": "b"}', "body"), ('{"label": 1}', "label"),
        ('{"start": "yes"}', "start"), ('{"start": 1}', "start"),
        ('{"labels": "x"}', "labels"), ('{"label": "x", "link": "whatsapp"}', "link"),
        ('{"label": "%s"}' % ("é" * 101), "label"), ('{"label": "a\\u0000b"}', "label"),
        (b'{"label": "\xff\xfe"}', "body"), ("{} {}", "body"), ("{'a': 1}", "body"),
        ('{"start": NaN}', "body"),
    ]
    for body, field in bad:
        ctx.error(post(ctx, SESSIONS, body), 400, "validation_error", field,
                  msg="create with %r" % (body[:40],))
    ctx.error(post(ctx, SESSIONS, "x" * 20000), 413, "payload_too_large", msg="a huge body")
    ctx.error(post(ctx, SESSIONS, "label=x", ctype="Content-Type: text/plain"), 415,
              "unsupported_media_type", msg="not JSON")
    sid = model.SESSION_A
    ctx.error(post(ctx, SESSIONS + "/%s:start" % sid, '{"now": true}'), 400,
              "validation_error", "now", msg="an action takes no members")
    ctx.error(post(ctx, SESSIONS + "/%s:stop" % sid, "[]"), 400, "validation_error", "body")
    for body, field in (('{}', "phone"), ('{"phone": 14155550100}', "phone"),
                        ('{"phone": "12"}', "phone"), ('{"phone": "+1 415"}', "phone"),
                        ('{"phone": "+14155550100", "x": 1}', "x")):
        ctx.error(post(ctx, SESSIONS + "/%s/pairing-code" % sid, body), 400,
                  "validation_error", field, msg="pairing-code %s" % body)
    ctx.bad_param(ctx.api(SESSIONS + "/%s/qr?format=gif" % sid, key="all"), "format")
    # Unknown actions name nothing; known paths with other methods are 405.
    for path in (":bogus", ":START", ":", ":start:start", ":start/qr"):
        ctx.error(post(ctx, SESSIONS + "/" + sid + path), 404, "not_found",
                  msg="POST %s" % path)
    for method, path, allow in (("GET", ":start", "POST, OPTIONS"),
                                ("DELETE", ":stop", "POST, OPTIONS"),
                                ("POST", "/me", "GET, HEAD, OPTIONS"),
                                ("PUT", "", "GET, HEAD, DELETE, OPTIONS"),
                                ("DELETE", "/qr", "GET, HEAD, OPTIONS")):
        r = ctx.api(SESSIONS + "/" + sid + path, key="all", method=method,
                    data="{}" if method in ("POST", "PUT") else None)
        ctx.error(r, 405, "method_not_allowed", msg="%s %s" % (method, path))
        ctx.eq(r.header("allow"), allow, "Allow of %s" % path)
    r = ctx.api(SESSIONS, key="all", method="DELETE")
    ctx.error(r, 405, "method_not_allowed")
    ctx.eq(r.header("allow"), "GET, HEAD, POST, OPTIONS", "Allow of the list")
    # Nothing above created a session.
    doc = ctx.json_ok(ctx.api(SESSIONS + "?limit=200", key="all"))
    ctx.check(all(s["label"] != "x" for s in doc["data"]), "no session from a bad body")


@case("batch check: one query for many numbers, all or nothing", "sessions")
def _(ctx):
    path = SESSIONS + "/%s/contacts/check" % model.SESSION_A
    before = ctx.stack.ping()["linkQueries"]
    fresh = ["+1999%08d" % (int(time.time() * 1000) % 10 ** 8 + i) for i in range(48)]
    phones = ["+6281234567890", "14155550123"] + fresh + []
    doc = ctx.json_ok(post(ctx, path, {"phones": phones}, key="read"), "batch")
    ctx.eq(list(doc), ["data"], "batch members")
    ctx.eq(len(doc["data"]), 50, "one item per number")
    ctx.eq(doc["data"][0], {"query": "+6281234567890", "isOnWhatsApp": True,
                            "jid": "6281234567890@s.whatsapp.net"}, "first")
    ctx.eq(doc["data"][1], {"query": "+14155550123", "isOnWhatsApp": True,
                            "jid": "14155550123@s.whatsapp.net"}, "second")
    ctx.check(all(d == {"query": p, "isOnWhatsApp": False}
                  for d, p in zip(doc["data"][2:], fresh)), "the fresh numbers")
    ctx.check(ctx.stack.ping()["linkQueries"] - before <= 1,
              "50 numbers cost one link query")
    # Duplicates: answered at each place, asked once.
    doc = ctx.json_ok(post(ctx, path, {"phones": ["+14155550123", "+14155550123"]},
                           key="read"))
    ctx.eq([d["query"] for d in doc["data"]], ["+14155550123"] * 2, "duplicates")
    ctx.error(post(ctx, path, {"phones": []}, key="read"), 400, "validation_error", "phones")
    ctx.error(post(ctx, path, {"phones": ["+1"] * 51}, key="read"), 400, "validation_error",
              "phones")
    ctx.error(post(ctx, path, {"phones": ["+14155550123", "12", 5, "+1 415 555"]},
                   key="read"), 400, "validation_error", "phones[1]")
    r = post(ctx, path, {"phones": ["+14155550123", "12", 5]}, key="read")
    fields = [e["field"] for e in r.json()["error"]["details"]["errors"]]
    ctx.eq(fields, ["phones[1]", "phones[2]"], "every malformed number is named")
    ctx.error(post(ctx, path, {"phone": ["+14155550123"]}, key="read"), 400,
              "validation_error", "phone")
    ctx.error(post(ctx, path, {"phones": ["+14155550123"]}, key="sendonly"), 403,
              "forbidden")
    ctx.error(post(ctx, SESSIONS + "/%s/contacts/check" % model.SESSION_C,
                   {"phones": ["+14155550123"]}, key="read"), 404, "not_found")
    ctx.error(post(ctx, SESSIONS + "/%s/contacts/check" % model.SESSION_B,
                   {"phones": ["+14155550123"]}, key="read"), 501, "not_implemented")


@case("kill -9 of the daemon while sessions work: they come back working", "sessions")
def _(ctx):
    st = ctx.stack
    sid = create(ctx, {"start": True})
    sim(ctx, "scan", qr_code(ctx, sid), "--account", "+" + model.PAIR_ACCOUNT)
    wait_status(ctx, sid, "working")
    st.stop_daemon(signal.SIGKILL)
    st.start_daemon()
    wait_status(ctx, sid, "working", timeout=15)
    st.wait_connected()
    ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B6281234567890" % sid),
                "check after the restart")
    # A clean stop shows stopped, and the next daemon starts it again.
    st.stop_daemon(signal.SIGTERM)
    ctx.eq(status_of(ctx, sid), "stopped", "while the daemon is down")
    st.start_daemon()
    wait_status(ctx, sid, "working", timeout=15)
    st.wait_connected()
    delete(ctx, sid)


@case("wagw-admin session pair: the QR in the terminal and as PNG, the phone code", "sessions")
def _(ctx):
    st = ctx.stack
    sid = create(ctx, {"label": "pair in a terminal"})
    png = os.path.join(st.dbdir, "pair-%s.png" % sid)
    p = subprocess.Popen([st.admin_bin, "--config", st.config, "session", "pair", sid,
                          "--png", png], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         **st.as_www())
    try:
        ok, _ = until(lambda: (os.path.exists(png) and os.path.getsize(png) > 0, None))
        ctx.check(ok, "pair wrote no PNG")
        with open(png, "rb") as f:
            code = zbar(ctx, f.read())
        ctx.check(code is not None and code.startswith("wagw-sim://"), "PNG decodes: %r" % code)
        ctx.eq(code, qr_code(ctx, sid), "the PNG is the session's QR")
        sim(ctx, "scan", code, "--account", "+" + model.PAIR_ACCOUNT)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    ctx.eq(p.returncode, 0, "pair exits 0 once paired (stderr %r)" % err[-300:])
    text = out.decode()
    # Half blocks: a QR drawn in the terminal, with its quiet zone.
    ctx.check("\u2588" in text and ("\u2580" in text or "\u2584" in text),
              "no QR drawn: %r" % text[:200])
    ctx.check("is paired" in err.decode(), "status line %r" % err.decode()[-200:])
    ctx.eq(status_of(ctx, sid), "working", "after pair")
    # Paired: pair again refuses (exit 2).
    ctx.eq(st.admin("session", "pair", sid, check=False).returncode, 2, "pair a paired session")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:logout" % sid))
    # By phone code: the code on stdout, the phone types it.
    p = subprocess.Popen([st.admin_bin, "--config", st.config, "session", "pair", sid,
                          "--phone", "+" + model.PAIR_ACCOUNT], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, **st.as_www())
    try:
        line = p.stdout.readline().decode().strip()
        ctx.check(len(line) == 9 and line[4] == "-", "code on stdout: %r" % line)
        sim(ctx, "link-code", line)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    ctx.eq(p.returncode, 0, "pair --phone exits 0 (stderr %r)" % err[-300:])
    ctx.eq(status_of(ctx, sid), "working", "paired by code")
    # Pairing that runs out: exit 2 with the reason.
    ctx.json_ok(post(ctx, SESSIONS + "/%s:logout" % sid))
    r = subprocess.run([st.admin_bin, "--config", st.config, "session", "pair", sid],
                       capture_output=True, timeout=120, **st.as_www())
    ctx.eq(r.returncode, 2, "pairing that runs out")
    ctx.check(b"pairing_timed_out" in r.stderr, "why: %r" % r.stderr[-200:])
    delete(ctx, sid)
