"""The Sessions API through the whole stack: a session's life (create, QR,
pairing by the simulated phone, working, stop, start, unlink, logout,
delete), pairing by phone code, the QR as PNG (decoded by zbarimg) and
SVG, rotation and running out, a daemon killed while sessions work, and
the bad input every route must refuse.  Sessions made here are deleted
again; the daemon-restart case puts the daemon back."""

import base64
import json
import os
import re
import signal
import sqlite3
import struct
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import harness
import model
from harness import case

SESSIONS = "/api/v1/sessions"
JSON = "Content-Type: application/json"


def post(ctx, path, body=None, key="all", ctype=JSON, headers=(), **kw):
    headers = ([ctype] if ctype else []) + list(headers)
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


def qr_doc(ctx, sid):
    """Polls /qr through its 202s until the QR is out: (its document, how
    many 202 {"status":"starting"} with Retry-After: 1 came first)."""
    n202 = [0]

    def one():
        r = ctx.api(SESSIONS + "/%s/qr" % sid, key="all")
        if r.status == 202:
            ctx.eq(r.json(), {"status": "starting"}, "202 body")
            ctx.eq(r.header("retry-after"), "1", "202 Retry-After")
            ctx.check((r.header("content-type") or "").startswith("application/json"),
                      "202 Content-Type %r" % r.header("content-type"))
            n202[0] += 1
            return False, r
        return True, r
    ok, r = until(one)
    doc = ctx.json_ok(r, "qr")
    ctx.check(set(doc) == {"code", "expiresAt"}, "qr members %r" % sorted(doc))
    # A QR asked for as it runs out may still be the old one for as long
    # as the daemon's timer is late.
    ctx.check(isinstance(doc.get("expiresAt"), int) and
              doc["expiresAt"] > time.time() * 1000 - slack_ms(),
              "qr expiresAt in the past: %r" % doc.get("expiresAt"))
    return doc, n202[0]


def qr_code(ctx, sid):
    """Polls /qr through its 202s until the QR text is out."""
    return qr_doc(ctx, sid)[0]["code"]


def pairing_ms(ctx):
    """The simulated network's pairing timings (model.network sets them short)."""
    return ctx.stack.net["pairing"]


def slack_ms():
    """How late a timer of the daemon (or this process) may be."""
    return 1500 * (6 if harness.SLOW else 1)


def png_modules(png):
    """The dark modules of wagw's QR PNG (8-bit grey, not interlaced), as
    (size in pixels, decoder of a pixel)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise harness.CheckFailed("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if (depth, ctype, interlace) != (8, 0, 0) or w != h:
        raise harness.CheckFailed("PNG of another kind: %r" % (ihdr,))
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w)
    for y in range(h):
        f, line = raw[y * (w + 1)], bytearray(raw[y * (w + 1) + 1:(y + 1) * (w + 1)])
        for x in range(w):      # RFC 2083 6: the filters, one byte per pixel
            a = line[x - 1] if x else 0
            b, c = prev[x], prev[x - 1] if x else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return w, lambda x, y: rows[y][x]


def svg_modules(ctx, svg):
    """Checks the QR as SVG: a valid SVG document with a white square and a
    path of unit squares; returns (its side in modules, the dark modules)."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        ctx.fatal("the SVG is not XML: %s" % e)
    ns = "{http://www.w3.org/2000/svg}"
    ctx.eq(root.tag, ns + "svg", "SVG root element")
    box = (root.get("viewBox") or "").split()
    ctx.check(len(box) == 4 and box[:2] == ["0", "0"] and box[2] == box[3] and
              box[2].isdigit(), "viewBox %r" % root.get("viewBox"))
    side = int(box[2])
    rects, paths = root.findall(ns + "rect"), root.findall(ns + "path")
    ctx.check(len(rects) == 1 and rects[0].get("width") == box[2] and
              rects[0].get("height") == box[2] and rects[0].get("fill") == "#fff",
              "one white square behind the code: %r" % [r.attrib for r in rects])
    ctx.check(len(paths) == 1 and paths[0].get("fill") == "#000", "one black path")
    d = paths[0].get("d") if paths else ""
    ctx.check(re.fullmatch(r"(M\d+ \d+h1v1h-1z)+", d or "") is not None,
              "the path is unit squares: %r" % (d or "")[:80])
    dark = {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)", d or "")}
    ctx.check(len(dark) > 100 and all(x < side and y < side for x, y in dark),
              "%d modules in a %d-square" % (len(dark), side))
    return side, dark


def same_qr(ctx, png, svg):
    """The SVG draws exactly the modules of the PNG (which zbar decodes)."""
    side, dark = svg_modules(ctx, svg)
    px, pixel = png_modules(png)
    if not ctx.check(side and px % side == 0, "PNG of %d px, SVG of %d modules" % (px, side)):
        return
    m = px // side
    in_png = {(x, y) for y in range(side) for x in range(side)
              if pixel(x * m + m // 2, y * m + m // 2) < 128}
    ctx.eq(len(dark ^ in_png), 0, "modules where the SVG and the PNG differ")


def network_latency(ctx, ms):
    """Sets the simulated network's latencyMs (file, then SIGHUP) and waits
    until the daemon has read it; returns the latency it had."""
    st = ctx.stack
    was = st.net["latencyMs"]
    reloads = st.logs().count(": reloaded, ")
    st.net["latencyMs"] = ms
    st.write_network()
    st.daemon.send_signal(signal.SIGHUP)
    ok, _ = until(lambda: (st.logs().count(": reloaded, ") > reloads, None), timeout=10)
    ctx.check(ok, "the daemon did not reload the network")
    return was


class Bodies:
    """Keeps every response body a case receives, to scan them later."""

    def __init__(self, ctx):
        self.seen = []
        request = ctx.http.request

        def keep(*a, **kw):
            r = request(*a, **kw)
            self.seen.append(r.body)
            return r
        ctx.http.request = keep


def credentials(ctx, sid):
    """The session's stored credentials, sealed and opened: src/sessiond/creds.c
    seals version 1 || nonce (12) || ciphertext || tag (16) under the daemon's
    key with "wagw-credentials" NUL id NUL link as associated data."""
    con = sqlite3.connect("file:%s?mode=ro" % ctx.stack.db, uri=True)
    try:
        row = con.execute("SELECT c.blob, s.link FROM session_credentials c JOIN sessions s"
                          " ON s.sid = c.session WHERE s.id = ?", (sid,)).fetchone()
    finally:
        con.close()
    if row is None:
        ctx.fatal("session %s: no stored credentials" % sid)
    sealed, link = bytes(row[0]), row[1]
    with open(os.path.join(ctx.stack.dbdir, "credentials.key"), "rb") as f:
        key = f.read()
    ctx.eq(sealed[0], 1, "sealed credentials version")
    plain = AESGCM(key).decrypt(sealed[1:13], sealed[13:], b"wagw-credentials\0" +
                                sid.encode() + b"\0" + link.encode())
    return sealed, plain


def secrets_of(sealed, plain):
    """What must never show: the sim driver's secret (its blob is
    "wagw-sim 1", then account=, entry= and secret= lines) and the blob,
    sealed or not, in hex or base64 (the first 32 characters: a cut log
    line still gives it away)."""
    out = [m.decode() for m in re.findall(rb"^secret=([0-9a-f]+)$", plain, re.M)]
    for b in (sealed, plain):
        for enc in (b.hex(), b.hex().upper(), base64.b64encode(b).decode(),
                    base64.urlsafe_b64encode(b).decode().rstrip("=")):
            out.append(enc[:32])
    return out


def stored_secrets(ctx, sid):
    """The needles of the session's credentials as stored now (sim link)."""
    sealed, plain = credentials(ctx, sid)
    ctx.check(plain.startswith(b"wagw-sim 1\n") and b"\nsecret=" in plain,
              "not the sim driver's credentials: %r" % plain[:12])
    return secrets_of(sealed, plain)


def paired_works(ctx, sid, msg):
    """A session paired with PAIR_ACCOUNT: identity, /me, its contacts, a check."""
    doc = wa_session(ctx, get(ctx, sid).json(), msg)
    ctx.eq(doc.get("status"), "working", msg + ": status")
    ctx.eq(doc.get("phoneNumber"), model.PAIR_ACCOUNT, msg + ": paired number")
    ctx.eq(doc.get("waJid"), model.PAIR_ACCOUNT + "@s.whatsapp.net", msg + ": paired JID")
    ctx.check("lastConnectedAt" in doc, msg + ": lastConnectedAt once connected")
    me = ctx.json_ok(ctx.api(SESSIONS + "/%s/me" % sid, key="all"))
    ctx.eq(me, {"sessionId": sid, "status": "working", "connected": True,
                "waJid": model.PAIR_ACCOUNT + "@s.whatsapp.net",
                "phoneNumber": model.PAIR_ACCOUNT}, msg + ": /me")
    # What the paired account sees is listed; lookups work.
    want = model.expected(ctx.stack.net, model.PAIR_VIEW)
    ok, r = until(lambda: (lambda r: (len(r.json().get("data", [])) == len(want), r))(
        ctx.api(SESSIONS + "/%s/contacts" % sid)))
    ctx.eq({i["lid"]: i for i in ctx.json_ok(r)["data"]}, want, msg + ": contacts")
    chk = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B6281234567890" % sid))
    ctx.eq(chk["isOnWhatsApp"], True, msg + ": check while working")


def stop_then_start(ctx, sid):
    """Stop: stored, live lookups 501; start: working again with the stored
    credentials."""
    r = post(ctx, SESSIONS + "/%s:stop" % sid)
    ctx.eq(wa_session(ctx, ctx.json_ok(r), "stop")["status"], "stopped", "stop answer")
    ctx.eq(status_of(ctx, sid), "stopped", "stored after stop")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
              "not_implemented", msg="check while stopped")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:stop" % sid), "stop is idempotent")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:start" % sid, ""), "start (empty body)")
    wait_status(ctx, sid, "working")
    ctx.json_ok(post(ctx, SESSIONS + "/%s:start" % sid), "start while working")


def unlinked(ctx, sid):
    """The phone removes the device: logged_out, the account gone, contacts kept."""
    sim(ctx, "unlink", sid)
    wait_status(ctx, sid, "logged_out")
    doc = get(ctx, sid).json()
    ctx.check("phoneNumber" not in doc and "waJid" not in doc, "no account once logged out")
    ctx.eq(ctx.json_ok(ctx.api(SESSIONS + "/%s/me" % sid, key="all"))["connected"], False,
           "/me when logged out")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
              "not_implemented", msg="check when logged out")
    ctx.check(len(ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts" % sid))["data"]) > 0,
              "contacts kept after logout")


def logout_delete(ctx, sid):
    r = post(ctx, SESSIONS + "/%s:logout" % sid)
    ctx.eq(ctx.json_ok(r)["status"], "logged_out", "logout answer")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
              "not_implemented", msg="check after logout")
    delete(ctx, sid)
    ctx.error(ctx.api(SESSIONS + "/%s/contacts" % sid), 404, "not_found",
              msg="contacts of a deleted session")
    for path in (":start", "/me", "/qr"):
        r = post(ctx, SESSIONS + "/" + sid + path) if path[0] == ":" else \
            ctx.api(SESSIONS + "/" + sid + path, key="all")
        ctx.error(r, 404, "not_found", msg="%s of a deleted session" % path)


def no_secret_shown(ctx, needles, bodies):
    """No daemon or responder log line and no response body holds a needle."""
    logs = {"the daemon's log": ctx.stack.logs(), "the web server's log": ctx.server.logs()}
    for i, b in enumerate(bodies):
        logs["response body %d" % i] = b.decode("latin-1")
    for where, text in logs.items():
        for n in needles:
            ctx.check(n not in text, "%s shows credential bytes (%s...)" % (where, n[:8]))


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
    bodies = Bodies(ctx)
    sid = create(ctx, {"label": "Support line ✓"})
    doc = get(ctx, sid).json()
    ctx.eq(doc["status"], "stopped", "a new session")
    ctx.eq(doc["label"], "Support line ✓", "label")
    ctx.eq(doc["organizationId"], "org1", "organization")
    # The QR: 202 while pairing begins, then the code, good for qrFirstMs.
    # The simulated phone takes a while (at no latency the daemon's answer,
    # sent once the state is stored, may come after the QR already).
    was = network_latency(ctx, 400)
    try:
        asked = time.time() * 1000
        doc, n202 = qr_doc(ctx, sid)
    finally:
        network_latency(ctx, was)
    code = doc["code"]
    ctx.check(n202 >= 1, "GET /qr of a new session: no 202 {\"status\":\"starting\"} before "
              "the QR")
    first = pairing_ms(ctx)["qrFirstMs"]
    ctx.check(first + 400 - 50 <= doc["expiresAt"] - asked <= first + 400 + slack_ms(),
              "the first QR lasts %d ms from when it was asked for, not %d" %
              (first, doc["expiresAt"] - asked))
    ctx.eq(status_of(ctx, sid), "scan_qr_code", "while the QR is out")
    png = ctx.api(SESSIONS + "/%s/qr?format=png" % sid, key="all")
    ctx.status(png, 200, "png")
    ctx.eq(png.header("content-type"), "image/png", "png type")
    ctx.eq(zbar(ctx, png.body), code, "the PNG decodes to the QR text")
    svg = ctx.api(SESSIONS + "/%s/qr?format=svg" % sid, key="all")
    ctx.status(svg, 200, "svg")
    ctx.eq(svg.header("content-type"), "image/svg+xml", "svg type")
    same_qr(ctx, png.body, svg.body)
    # The phone scans it: paired with the account, working.
    sim(ctx, "scan", code, "--account", "+" + model.PAIR_ACCOUNT)
    wait_status(ctx, sid, "working")
    needles = stored_secrets(ctx, sid)
    paired_works(ctx, sid, "paired by QR")
    ctx.error(ctx.api(SESSIONS + "/%s/qr" % sid, key="all"), 409, "conflict",
              msg="qr of a paired session")
    stop_then_start(ctx, sid)
    ctx.json_ok(post(ctx, SESSIONS + "/%s:restart" % sid), "restart")
    wait_status(ctx, sid, "working")
    unlinked(ctx, sid)
    # It pairs again (new credentials), then :logout unpairs it.
    sim(ctx, "scan", qr_code(ctx, sid), "--account", "+" + model.PAIR_ACCOUNT)
    wait_status(ctx, sid, "working")
    needles += stored_secrets(ctx, sid)
    paired_works(ctx, sid, "paired again by QR")
    logout_delete(ctx, sid)
    # No credential byte in any log line or any answer of this life.
    no_secret_shown(ctx, needles, bodies.seen)


@case("a session's life by phone code: create, code, link-code, working, stop, start, "
      "unlink, a code again, logout, delete", "sessions")
def _(ctx):
    bodies = Bodies(ctx)
    sid = create(ctx, {"start": False})
    asked = time.time() * 1000
    r = post(ctx, SESSIONS + "/%s/pairing-code" % sid, {"phone": "+" + model.PAIR_ACCOUNT})
    doc = ctx.json_ok(r, "pairing-code")
    ctx.check(set(doc) == {"code", "expiresAt"}, "pairing-code members %r" % sorted(doc))
    code = doc["code"]
    ctx.check(len(code) == 9 and code[4] == "-", "code form %r" % code)
    ctx.check(pairing_ms(ctx)["codeMs"] - 50 <= doc["expiresAt"] - asked <=
              pairing_ms(ctx)["codeMs"] + slack_ms(), "the code lasts codeMs: %r" %
              (doc["expiresAt"] - asked))
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
    needles = stored_secrets(ctx, sid)
    paired_works(ctx, sid, "paired by code")
    ctx.error(post(ctx, SESSIONS + "/%s/pairing-code" % sid, {"phone": "+14155550100"}),
              409, "conflict", msg="pairing-code on a paired session")
    stop_then_start(ctx, sid)
    unlinked(ctx, sid)
    # A code again pairs it again.
    doc = ctx.json_ok(post(ctx, SESSIONS + "/%s/pairing-code" % sid,
                           {"phone": "+" + model.PAIR_ACCOUNT}), "pairing-code again")
    ctx.check(doc["code"] != code, "a new code after logging out")
    sim(ctx, "link-code", doc["code"])
    wait_status(ctx, sid, "working")
    needles += stored_secrets(ctx, sid)
    paired_works(ctx, sid, "paired again by code")
    logout_delete(ctx, sid)
    no_secret_shown(ctx, needles, bodies.seen)


@case("QR codes rotate, then pairing runs out", "sessions")
def _(ctx):
    sid = create(ctx, {"start": True})
    pairing = pairing_ms(ctx)
    # Every QR in turn: the first good for qrFirstMs, each next one for
    # qrNextMs after the one before runs out (WhatsApp's 60 s then 20 s).
    shown = [qr_doc(ctx, sid)[0]]
    while len(shown) < pairing["qrCount"]:
        ok, doc = until(lambda: (lambda d: (d["code"] != shown[-1]["code"], d))(
            qr_doc(ctx, sid)[0]), timeout=pairing["qrFirstMs"] / 1000 + 3, step=0.05)
        if not ctx.check(ok, "QR %d never came" % (len(shown) + 1)):
            break
        now = time.time() * 1000
        ctx.check(now >= shown[-1]["expiresAt"] - 100, "QR %d came %d ms before QR %d ran out"
                  % (len(shown) + 1, shown[-1]["expiresAt"] - now, len(shown)))
        gap = doc["expiresAt"] - shown[-1]["expiresAt"]
        ctx.check(pairing["qrNextMs"] - 50 <= gap <= pairing["qrNextMs"] + slack_ms(),
                  "QR %d runs out %d ms after QR %d, want qrNextMs (%d)" %
                  (len(shown) + 1, gap, len(shown), pairing["qrNextMs"]))
        shown.append(doc)
    p = sim(ctx, "scan", shown[0]["code"], "--account", "+" + model.PAIR_ACCOUNT, check=False)
    ctx.eq(p.returncode, 2, "a rotated QR pairs nothing")
    # The last one runs out: pairing gives up (GET /qr now would begin it again).
    left = (shown[-1]["expiresAt"] - time.time() * 1000) / 1000
    wait_status(ctx, sid, "failed", timeout=max(left, 0) + 5)
    ctx.check(time.time() * 1000 >= shown[-1]["expiresAt"] - 100, "failed before the last QR "
              "ran out")
    ctx.eq(get(ctx, sid).json().get("statusReason"), "pairing_timed_out", "why it failed")
    p = sim(ctx, "scan", shown[-1]["code"], "--account", "+" + model.PAIR_ACCOUNT,
            check=False)
    ctx.eq(p.returncode, 2, "a QR that ran out pairs nothing")
    # /qr begins pairing again.
    doc, _ = qr_doc(ctx, sid)
    ctx.check(doc["code"] not in [d["code"] for d in shown], "pairing begins again with a "
              "new QR")
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
    ctx.error(post(ctx, SESSIONS, '{"label": "\\ud800"}'), 400, "validation_error", "body",
              msg="create with a lone surrogate escape")
    # The actions take no members: every bad body is refused before anything
    # happens (SESSION_A keeps working through all of them).
    sid = model.SESSION_A
    bad_action = [
        ("not json", "body"), ("[]", "body"), ("{", "body"), ('"x"', "body"),
        ('{"now": true}', "now"), ('{"force": 1, "why": "x"}', "force"),
        (b'{"x": "\xc3("}', "body"), ('{"x": "\\udc00"}', "body"),
        ('{"a": 1, "a": 1}', "body"), ("{} []", "body"),
    ]
    for action in (":start", ":stop", ":restart", ":logout"):
        url = SESSIONS + "/" + sid + action
        for body, field in bad_action:
            ctx.error(post(ctx, url, body), 400, "validation_error", field,
                      msg="%s with %r" % (action, body[:20]))
        ctx.error(post(ctx, url, "{" + " " * 20000 + "}"), 413, "payload_too_large",
                  msg="%s with a huge body" % action)
        ctx.error(post(ctx, url, "{}", ctype="Content-Type: text/plain"), 415,
                  "unsupported_media_type", msg="%s as text/plain" % action)
        ctx.error(post(ctx, url, "{}", ctype="Content-Type: application/x-www-form-urlencoded"),
                  415, "unsupported_media_type", msg="%s as a form" % action)
    ctx.eq(status_of(ctx, sid), "working", "no bad action body acted")
    # pairing-code: one member, phone, an E.164 number.
    url = SESSIONS + "/%s/pairing-code" % sid
    for body, field in (
            ("not json", "body"), ("[]", "body"), ('"+14155550100"', "body"), ("{", "body"),
            (b'{"phone": "+1415555\xff0100"}', "body"), (b'{"phone": "\xed\xa0\x80"}', "body"),
            ('{"phone": "\\ud800"}', "body"), ('{"phone": "+1\\udc0041"}', "body"),
            ('{"phone": "+14155550100", "phone": "+14155550100"}', "body"),
            ('{"phone": NaN}', "body"), ("{'phone': '+14155550100'}", "body"),
            ('{}', "phone"), ('{"phone": null}', "phone"), ('{"phone": 14155550100}', "phone"),
            ('{"phone": true}', "phone"), ('{"phone": ["+14155550100"]}', "phone"),
            ('{"phone": {"e164": "+14155550100"}}', "phone"),
            ('{"phone": "12"}', "phone"), ('{"phone": "+1 415"}', "phone"),
            ('{"phone": ""}', "phone"), ('{"phone": "abc"}', "phone"),
            ('{"phone": "+0123456789"}', "phone"), ('{"phone": "+1234567890123456"}', "phone"),
            ('{"phone": "+1415555\\u00000100"}', "phone"), ('{"phone": "%s"}' % ("1" * 40),
                                                            "phone"),
            ('{"phone": "+14155550100", "x": 1}', "x"), ('{"number": "+14155550100"}', "number"),
            ('{"phone": "+14155550100", "method": "sms"}', "method")):
        ctx.error(post(ctx, url, body), 400, "validation_error", field,
                  msg="pairing-code %r" % (body[:40],))
    ctx.error(post(ctx, url, '{"phone": "+%s"}' % ("1" * 20000)), 413, "payload_too_large",
              msg="pairing-code with a huge body")
    ctx.error(post(ctx, url, '{"phone": "+14155550100"}', ctype="Content-Type: text/plain"),
              415, "unsupported_media_type", msg="pairing-code as text/plain")
    ctx.error(post(ctx, url, "phone=%2B14155550100",
                   ctype="Content-Type: application/x-www-form-urlencoded"),
              415, "unsupported_media_type", msg="pairing-code as a form")
    # A body of zero bytes is {}: the phone is missing.
    ctx.error(post(ctx, url, ""), 400, "validation_error", "phone", msg="pairing-code, no body")
    # Unknown members are named first, every one of them.
    r = post(ctx, url, '{"phone": 5, "x": 1, "y": 2}')
    err = ctx.error(r, 400, "validation_error", msg="unknown members")
    if err:
        ctx.eq(sorted(e["field"] for e in err["details"]["errors"]), ["x", "y"],
               "every unknown member named")
    ctx.bad_param(ctx.api(SESSIONS + "/%s/qr?format=gif" % sid, key="all"), "format")
    ctx.bad_param(ctx.api(SESSIONS + "/%s/qr?size=9" % sid, key="all"), "size")
    # Unknown actions name nothing; known paths with other methods are 405.
    for path in (":bogus", ":START", ":", ":start:start", ":start/qr"):
        ctx.error(post(ctx, SESSIONS + "/" + sid + path), 404, "not_found",
                  msg="POST %s" % path)
    for method, path, allow in (("GET", ":start", "POST, OPTIONS"),
                                ("DELETE", ":stop", "POST, OPTIONS"),
                                ("GET", ":restart", "POST, OPTIONS"),
                                ("PUT", ":restart", "POST, OPTIONS"),
                                ("GET", ":logout", "POST, OPTIONS"),
                                ("DELETE", ":logout", "POST, OPTIONS"),
                                ("HEAD", ":logout", "POST, OPTIONS"),
                                ("GET", "/pairing-code", "POST, OPTIONS"),
                                ("PUT", "/pairing-code", "POST, OPTIONS"),
                                ("DELETE", "/pairing-code", "POST, OPTIONS"),
                                ("POST", "/me", "GET, HEAD, OPTIONS"),
                                ("DELETE", "/me", "GET, HEAD, OPTIONS"),
                                ("PATCH", "/me", "GET, HEAD, OPTIONS"),
                                ("PUT", "", "GET, HEAD, DELETE, OPTIONS"),
                                ("DELETE", "/qr", "GET, HEAD, OPTIONS"),
                                ("POST", "/qr", "GET, HEAD, OPTIONS")):
        r = ctx.api(SESSIONS + "/" + sid + path, key="all", method=method,
                    data="{}" if method in ("POST", "PUT", "PATCH") else None)
        if method == "HEAD":
            # No body to hold the envelope: the status and Allow say it.
            ctx.status(r, 405, "HEAD %s" % path)
        else:
            ctx.error(r, 405, "method_not_allowed", msg="%s %s" % (method, path))
        ctx.eq(r.header("allow"), allow, "Allow of %s %s" % (method, path))
    r = ctx.api(SESSIONS, key="all", method="DELETE")
    ctx.error(r, 405, "method_not_allowed")
    ctx.eq(r.header("allow"), "GET, HEAD, POST, OPTIONS", "Allow of the list")
    # Nothing above created a session.
    doc = ctx.json_ok(ctx.api(SESSIONS + "?limit=200", key="all"))
    ctx.check(all(s["label"] != "x" for s in doc["data"]), "no session from a bad body")


@case("a session the daemon does not hold yet: 409 on the routes that need it", "sessions")
def _(ctx):
    st = ctx.stack
    sid = "E2ENOTHELDYET"
    st.admin("session", "add", sid, "--org", "org1", "--label", "not held")
    try:
        # In the database, so it is no 404; the daemon has not taken it up
        # (no SIGHUP): whatever needs the daemon is 409, with the reason.
        for method, path, body in (("POST", ":start", None), ("POST", ":stop", None),
                                   ("POST", ":restart", None), ("POST", ":logout", None),
                                   ("GET", "/qr", None), ("GET", "/qr?format=png", None),
                                   ("POST", "/pairing-code", {"phone": "+14155550100"}),
                                   ("DELETE", "", None)):
            url = SESSIONS + "/" + sid + path
            r = post(ctx, url, body) if method == "POST" else \
                ctx.api(url, key="all", method=method)
            err = ctx.error(r, 409, "conflict", msg="%s %s of a session not held" %
                            (method, path))
            if err:
                ctx.eq(err["message"], "the session holder has not taken this session up yet",
                       "409 message")
        # Bad input is still 400 first.
        ctx.error(post(ctx, SESSIONS + "/%s:start" % sid, "[]"), 400, "validation_error",
                  "body", msg="bad body before 409")
        # What reads the database answers.
        doc = wa_session(ctx, ctx.json_ok(get(ctx, sid), "GET"), "not held")
        ctx.eq(doc["status"], "stopped", "a session not held")
        ctx.eq(ctx.json_ok(ctx.api(SESSIONS + "/%s/me" % sid, key="all"), "/me"),
               {"sessionId": sid, "status": "stopped", "connected": False}, "/me")
        ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B14155550100" % sid), 501,
                  "not_implemented", msg="a live lookup")
    finally:
        st.admin("session", "rm", sid)
    ctx.error(get(ctx, sid), 404, "not_found", msg="removed")


@case("CORS preflights of the Sessions routes: their own methods, Content-Type", "sessions")
def _(ctx):
    from stack import ORIGIN
    sid = model.SESSION_A
    for path, allow in ((SESSIONS, "GET, HEAD, POST, OPTIONS"),
                        (SESSIONS + "/" + sid, "GET, HEAD, DELETE, OPTIONS"),
                        (SESSIONS + "/" + sid + ":start", "POST, OPTIONS"),
                        (SESSIONS + "/" + sid + "/pairing-code", "POST, OPTIONS"),
                        (SESSIONS + "/" + sid + "/contacts/check", "GET, HEAD, POST, OPTIONS")):
        r = ctx.get(path, method="OPTIONS", headers=[
            "Origin: " + ORIGIN, "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: authorization, content-type"])
        ctx.status(r, 204, "preflight " + path)
        ctx.eq(r.header("access-control-allow-origin"), ORIGIN, "preflight ACAO " + path)
        ctx.eq(r.header("access-control-allow-methods"), allow, "Allow-Methods " + path)
        ctx.eq(r.header("access-control-allow-headers"), "Authorization, X-Api-Key, Content-Type",
               "Allow-Headers " + path)
        ctx.eq(r.header("access-control-max-age"), "600", "Max-Age " + path)
    # A create seen from the browser: Location is exposed.
    r = post(ctx, SESSIONS, {"label": "cors"}, headers=["Origin: " + ORIGIN])
    ctx.status(r, 201, "create with an Origin")
    ctx.eq(r.header("access-control-allow-origin"), ORIGIN, "ACAO on create")
    exposed = [h.strip() for h in (r.header("access-control-expose-headers") or "").split(",")]
    ctx.check("Location" in exposed and "Retry-After" in exposed, "exposed %r" % exposed)
    if r.status == 201:
        delete(ctx, r.json()["id"])


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
    wait_status(ctx, sid, "working")    # stored by the daemon's writer, soon after
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
    wait_status(ctx, sid, "working")
    # Pairing that runs out: exit 2 with the reason.
    ctx.json_ok(post(ctx, SESSIONS + "/%s:logout" % sid))
    r = subprocess.run([st.admin_bin, "--config", st.config, "session", "pair", sid],
                       capture_output=True, timeout=120, **st.as_www())
    ctx.eq(r.returncode, 2, "pairing that runs out")
    ctx.check(b"pairing_timed_out" in r.stderr, "why: %r" % r.stderr[-200:])
    delete(ctx, sid)
