"""The whatsapp link through the whole stack: sessions created by the API
pair with the fake WhatsApp server's phone (tests/wa/fakewa) by QR and by
code, answer checks, batch checks, about texts and list what their groups
show, come back after the server goes away, and are logged out when the
phone removes the device.  The daemon gives new sessions the whatsapp link
for these cases; the sim sessions live on beside them.  The daemon is put
back on the sim link at the end."""

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
    sid = create(ctx, {"start": True})
    scan(ctx, qr_code(ctx, sid))
    wait_status(ctx, sid, "working")
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
