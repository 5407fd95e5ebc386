"""The whatsapp link through the whole stack: sessions created by the API
pair with the fake WhatsApp server's phone (tests/wa/fakewa) by QR and by
code, answer checks, batch checks, about texts and list what their groups
show, come back after the server goes away, and are logged out when the
phone removes the device.  The daemon gives new sessions the whatsapp link
for these cases; the sim sessions live on beside them.  The daemon is put
back on the sim link at the end."""

import os
import subprocess
import time

import model
from cases_sessions import SESSIONS, create, delete, get, post, qr_code, \
    status_of, until, wa_session, zbar
from harness import case

ACCOUNT = "15550000001"          # fakewa's phone (fixtures.json)
ACCOUNT2 = "15550000002"
ON = "15551110001"               # on WhatsApp, with an about text
ABOUT_TEXT = "Hey there! I am using WhatsApp."


def with_whatsapp(fn):
    def run(ctx):
        st = ctx.stack
        st.set_default_link("whatsapp")
        try:
            fn(ctx)
        finally:
            st.set_default_link("sim")
    return run


def wait_status(ctx, sid, want, timeout=20):
    ok, s = until(lambda: (lambda s: (s == want, s))(status_of(ctx, sid)), timeout)
    ctx.check(ok, "session %s: status %r, want %r" % (sid, s, want))
    return ok


def scan(ctx, code, phone=ACCOUNT):
    st, doc = ctx.stack.fakewa_ctl("POST", "/scan", {"qr": code, "phone": phone})
    ctx.check(st == 200 and doc.get("ok"), "fakewa /scan: %d %r" % (st, doc))
    return doc


def paired(ctx, phone=ACCOUNT):
    """A new session paired by QR with the fake phone's account, working."""
    sid = create(ctx, {"start": True})
    scan(ctx, qr_code(ctx, sid), phone=phone)
    wait_status(ctx, sid, "working")
    return sid


def contact(ctx, sid, lid):
    """The contact lid of the session's list ({} when not listed)."""
    items = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts?limit=200" % sid))["data"]
    return next((i for i in items if i["lid"] == lid), {})


def handshakes(ctx):
    """The app versions of every login and registration fakewa saw, in order."""
    st, doc = ctx.stack.fakewa_ctl("GET", "/events?kind=handshake")
    return [int(e["payload"]["userAgent"]["appVersion"]["tertiary"])
            for e in doc.get("events", [])]


class SwJs:
    """web.whatsapp.com/sw.js as the daemon reads it, on a loopback port:
    the client revision it publishes, or an HTTP error status."""

    def __init__(self, revision):
        import http.server
        import threading
        self.revision = revision
        self.status = 200
        self.delay = 0.0
        me = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                time.sleep(me.delay)
                body = (b'self.x={"a":1,\\"client_revision\\":%d};' % me.revision
                        if me.status == 200 else b"gone")
                self.send_response(me.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/sw.js" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def restart_with_version_url(st, url):
    st.version_url = url
    st.stop_daemon()
    st.write_config()
    st.start_daemon()


def no_problems(ctx):
    st, doc = ctx.stack.fakewa_ctl("GET", "/problems")
    probs = [p for p in doc.get("problems", []) if "wrong pairing code" not in p["what"]]
    ctx.check(st == 200 and not probs, "fakewa saw problems: %r" % probs[:3])


@case("whatsapp: created by the API, paired by QR, lookups, a server that goes away, "
      "device removed", "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = create(ctx, {"label": "real link", "start": True})
    code = qr_code(ctx, sid)
    ctx.check(code.startswith("https://wa.me/settings/linked_devices#"),
              "the current QR form: %r" % code[:60])
    png = ctx.api(SESSIONS + "/%s/qr?format=png" % sid, key="all")
    ctx.eq(zbar(ctx, png.body), code, "the PNG decodes to the QR text")
    doc = scan(ctx, code)
    device = doc.get("jid")
    wait_status(ctx, sid, "working")
    s = wa_session(ctx, get(ctx, sid).json(), "paired")
    ctx.eq(s.get("phoneNumber"), ACCOUNT, "paired number")
    ctx.eq(s.get("waJid"), ACCOUNT + "@s.whatsapp.net", "paired JID")
    ctx.eq(s.get("waLid"), "100000000000001@lid", "paired LID")
    # Lookups answer from the server.
    chk = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B%s" % (sid, ON)))
    ctx.eq(chk, {"query": "+" + ON, "isOnWhatsApp": True, "jid": ON + "@s.whatsapp.net"},
           "check on")
    chk = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B15559999999" % sid))
    ctx.eq(chk["isOnWhatsApp"], False, "check off")
    batch = ctx.json_ok(post(ctx, SESSIONS + "/%s/contacts/check" % sid,
                             {"phones": ["+15551110002", "+15551110003", "+19998887776"]},
                             key="read"))
    ctx.eq([d["isOnWhatsApp"] for d in batch["data"]], [True, True, False], "batch")
    ab = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/%s%%40s.whatsapp.net/about" % (sid, ON)))
    ctx.eq(ab, {"about": ABOUT_TEXT}, "about")
    ab = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/15551110002%%40s.whatsapp.net/about" %
                             sid))
    ctx.eq(ab, {"about": ""}, "about hidden by privacy")
    # What its groups show is listed (the account itself left out).
    ok, r = until(lambda: (lambda r: (len(r.json().get("data", [])) >= 4, r))(
        ctx.api(SESSIONS + "/%s/contacts" % sid)))
    items = ctx.json_ok(r)["data"]
    lids = {i["lid"] for i in items}
    ctx.check("200000000000001@lid" in lids, "a group member listed: %r" % sorted(lids))
    ctx.check("100000000000001@lid" not in lids, "the account itself is not a contact")
    ctx.check(all(i["source"] == "group" for i in items), "group members")
    # The server goes away: the session reconnects by itself once it is back.
    st.fakewa_ctl("POST", "/stop")
    wait_status(ctx, sid, "starting")
    ctx.error(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B%s" % (sid, ON)), 501,
              "not_implemented", msg="check while the server is away")
    st.fakewa_ctl("POST", "/start")
    wait_status(ctx, sid, "working", timeout=30)
    ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B15551110004" % sid),
                "check after the server came back")
    # That answer pairs a member whose group hides the phone with it.
    ok, item = until(lambda: (lambda i: (i.get("phoneNumber") == "15551110004", i))(
        contact(ctx, sid, "200000000000004@lid")))
    ctx.check(ok, "a check completes a contact already seen: %r" % item)
    # Side by side: the sim sessions still answer.
    ctx.json_ok(ctx.api("/api/v1/sessions/%s/contacts/check?phone=%%2B6281234567890" %
                        model.SESSION_A), "a sim session beside it")
    # The phone removes the linked device: logged_out, credentials gone.
    st.fakewa_ctl("POST", "/remove-device", {"jid": device})
    wait_status(ctx, sid, "logged_out")
    ctx.check("phoneNumber" not in get(ctx, sid).json(), "no account once logged out")
    no_problems(ctx)
    delete(ctx, sid)


@case("whatsapp: paired by phone code; logout tells WhatsApp", "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = create(ctx, {"label": "by code"})
    r = post(ctx, SESSIONS + "/%s/pairing-code" % sid, {"phone": "+" + ACCOUNT2})
    doc = ctx.json_ok(r, "pairing-code")
    code = doc["code"]
    ctx.check(len(code) == 9 and code[4] == "-", "code %r" % code)
    ctx.eq(status_of(ctx, sid), "scan_qr_code", "while the code is out")
    stc, ans = st.fakewa_ctl("POST", "/code", {"phone": ACCOUNT2, "code": code})
    ctx.check(stc == 200 and ans.get("ok"), "fakewa /code: %d %r" % (stc, ans))
    wait_status(ctx, sid, "working")
    ctx.eq(get(ctx, sid).json().get("phoneNumber"), ACCOUNT2, "paired by code")
    device = ans.get("jid")
    r = post(ctx, SESSIONS + "/%s:logout" % sid)
    ctx.eq(ctx.json_ok(r)["status"], "logged_out", "logout")
    ok, _ = until(lambda: (lambda d: ([x for x in d[1].get("devices", [])
                                        if x["jid"] == device and x.get("removed")] != [],
                                       None))(st.fakewa_ctl("GET", "/devices")))
    ctx.check(ok, "WhatsApp was told to remove the device")
    no_problems(ctx)
    delete(ctx, sid)


@case("whatsapp: kill -9 of the daemon while working: back working", "whatsapp")
@with_whatsapp
def _(ctx):
    import signal
    st = ctx.stack
    sid = paired(ctx)
    st.stop_daemon(signal.SIGKILL)
    st.start_daemon()
    st.wait_connected((sid,), timeout=30)
    wait_status(ctx, sid, "working")
    ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B%s" % (sid, ON)),
                "check after the restart (stored, sealed credentials)")
    # WhatsApp's refusals end a session for good, with the reason shown.
    st.fakewa_ctl("POST", "/fault", {"kind": "stream-error", "conflict": "replaced"})
    wait_status(ctx, sid, "failed")
    ctx.eq(get(ctx, sid).json().get("statusReason"), "replaced", "replaced")
    delete(ctx, sid)


@case("whatsapp: WhatsApp Web's version: refused as outdated, then refreshed from "
      "version_url; a failed refresh keeps the last good one", "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = paired(ctx)
    builtin = handshakes(ctx)[-1]
    sw = SwJs(builtin + 2000)
    try:
        # WhatsApp refuses the version: failed for good, the version logged.
        st.fakewa_ctl("POST", "/config", {"minVersion": builtin + 1000})
        ctx.json_ok(post(ctx, SESSIONS + "/%s:restart" % sid))
        wait_status(ctx, sid, "failed")
        ctx.eq(get(ctx, sid).json().get("statusReason"), "client_outdated", "why")
        with open(st.daemon_log, errors="replace") as f:
            ctx.check("refused version 2.3000.%d as outdated" % builtin in f.read(),
                      "the daemon log names the version refused")
        # sw.js publishes a newer one: the daemon fetches it at start.
        restart_with_version_url(st, sw.url)
        ctx.eq(ctx.json_ok(post(ctx, SESSIONS + "/%s:start" % sid))["status"] in
               ("starting", "working"), True, ":start")
        wait_status(ctx, sid, "working")
        ctx.eq(handshakes(ctx)[-1], builtin + 2000, "the login sends the refreshed version")
        # A session that comes back by itself at start waits for the fetch.
        sw.revision = builtin + 3000
        sw.delay = 1.5
        restart_with_version_url(st, sw.url)
        st.wait_connected((sid,), timeout=30)
        ctx.eq(handshakes(ctx)[-1], builtin + 3000, "the first login after a start")
        # sw.js is gone: logged, and the built-in version is used.
        st.fakewa_ctl("POST", "/config", {"minVersion": 0})
        sw.status = 404
        sw.delay = 0.0
        restart_with_version_url(st, sw.url)
        st.wait_connected((sid,), timeout=30)
        ctx.eq(handshakes(ctx)[-1], builtin, "the built-in version after a failed refresh")
        with open(st.daemon_log, errors="replace") as f:
            ctx.check("refreshing the version failed: %s: HTTP status 404; keeping 2.3000.%d"
                      % (sw.url, builtin) in f.read(), "the failed refresh is logged")
    finally:
        sw.close()
        st.fakewa_ctl("POST", "/config", {"minVersion": 0})
        st.version_url = ""
    delete(ctx, sid)


@case("whatsapp: WhatsApp's back-off (429) and a ban (402) reach the API", "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = paired(ctx)
    st.fakewa_ctl("POST", "/fault", {"kind": "iq-error", "match": {"xmlns": "usync"},
                                     "code": 429, "backoff": 120})
    r = ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B15551110003" % sid)
    ctx.error(r, 429, "rate_limited", msg="WhatsApp said rate-overlimit")
    ra = int(r.header("retry-after") or 0)
    ctx.check(100 <= ra <= 120, "Retry-After %d is WhatsApp's back-off (120 s)" % ra)
    # The back-off holds: the next number is not asked of WhatsApp at all.
    before = len(st.fakewa_ctl("GET", "/events?kind=in")[1]["events"])
    r = ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B15551110004" % sid)
    ctx.error(r, 429, "rate_limited", msg="during WhatsApp's back-off")
    usyncs = [e for e in st.fakewa_ctl("GET", "/events?kind=in")[1]["events"][before:]
              if e["node"]["attrs"].get("xmlns") == "usync"]
    ctx.eq(usyncs, [], "no usync during the back-off")
    # A temporary ban ends the session for good, with the reason.
    st.fakewa_ctl("POST", "/fault", {"kind": "failure", "reason": 402, "code": 101,
                                     "expire": 3600})
    ctx.json_ok(post(ctx, SESSIONS + "/%s:restart" % sid))
    wait_status(ctx, sid, "failed")
    ctx.eq(get(ctx, sid).json().get("statusReason"), "temporarily_banned", "why")
    st.fakewa_ctl("DELETE", "/faults")
    delete(ctx, sid)


@case("whatsapp: a direct chat makes a DM contact; a number only looked up is no contact",
      "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = paired(ctx, ACCOUNT2)     # an account in no group
    chk = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B%s" % (sid, ON)))
    ctx.eq(chk["isOnWhatsApp"], True, "check")
    stp, doc = st.fakewa_ctl("POST", "/push", {"kind": "message", "to": ACCOUNT2,
                                               "from": "15551110003", "addressing": "lid"})
    ctx.check(stp == 200, "fakewa /push: %d %r" % (stp, doc))
    ok, item = until(lambda: (lambda i: (i != {}, i))(
        contact(ctx, sid, "200000000000003@lid")))
    ctx.eq({k: item.get(k) for k in ("source", "name", "phoneNumber")},
           {"source": "dm", "name": "Erin", "phoneNumber": "15551110003"},
           "the person who wrote is a DM contact")
    items = ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts" % sid))["data"]
    ctx.eq([i["lid"] for i in items], ["200000000000003@lid"],
           "the number only looked up is not listed")
    no_problems(ctx)
    delete(ctx, sid)


@case("whatsapp: garbage on the wire and an untrusted certificate: starting, then back "
      "by itself", "whatsapp")
@with_whatsapp
def _(ctx):
    st = ctx.stack
    sid = paired(ctx)
    # A frame that fails authentication ends the connection; it comes back.
    logins = len(handshakes(ctx))
    stf, doc = st.fakewa_ctl("POST", "/fault", {"kind": "garbage"})
    ctx.check(stf == 200 and doc.get("fired"), "fakewa garbage: %d %r" % (stf, doc))
    ok, _ = until(lambda: (len(handshakes(ctx)) > logins, None))
    ctx.check(ok, "a new login after the garbage")
    wait_status(ctx, sid, "working")
    ctx.json_ok(ctx.api(SESSIONS + "/%s/contacts/check?phone=%%2B%s" % (sid, ON)),
                "check after garbage")
    # A CA that did not sign the server's certificate: TLS fails, said so.
    good = st.fakewa_ready
    other = os.path.join(st.etc, "other-ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", other + ".key",
                    "-out", other, "-subj", "/CN=localhost", "-days", "1"],
                   check=True, capture_output=True)
    os.chmod(other, 0o644)
    real = os.path.join(st.etc, "fakewa-cert.pem")
    saved = real + ".saved"
    os.rename(real, saved)
    try:
        os.link(other, real)
        st.stop_daemon()
        st.write_config()
        st.start_daemon()
        ok, d = until(lambda: (lambda d: ("TLS failure" in d.get("statusReason", ""), d))(
            get(ctx, sid).json()), timeout=20)
        ctx.check(ok and d.get("status") == "starting",
                  "an untrusted certificate: %r" % {k: d.get(k) for k in
                                                     ("status", "statusReason")})
    finally:
        os.unlink(real)
        os.rename(saved, real)
    ctx.eq(good, st.fakewa_ready, "fakewa unchanged")
    st.stop_daemon()
    st.start_daemon()
    st.wait_connected((sid,), timeout=60)
    delete(ctx, sid)
