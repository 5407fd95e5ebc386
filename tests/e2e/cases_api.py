"""The API (README.md, docs/openapi.yaml) through a real web server:
routes, the three contact endpoints, every documented status and error,
hostile input."""

import json
import os
import subprocess
from urllib.parse import quote

import yaml

import harness
import model
from harness import case
from model import (SESSION_A, SESSION_B, SESSION_C, SESSION_D, SESSION_L,
                   SESSION_ODD, GROUP1, GROUP2, GROUP_UNSEEN)
from stack import ORIGIN

ITEM_KEYS = {"lid", "source", "name", "phoneNumber", "businessName"}


def contacts(sid=SESSION_A, query=""):
    return "/api/v1/sessions/%s/contacts%s" % (sid, ("?" + query) if query else "")


def q(s):
    return quote(s, safe="")


def page(ctx, path, **kw):
    """One list page; checks its shape; returns (items, nextCursor)."""
    doc = ctx.json_ok(ctx.api(path, **kw))
    if not ctx.check(isinstance(doc, dict) and set(doc) == {"data", "nextCursor"},
                     "%s: page members %r" % (path, sorted(doc) if isinstance(doc, dict) else doc)):
        ctx.fatal("%s: not a page" % path)
    ctx.check(isinstance(doc["nextCursor"], str), "%s: nextCursor not a string" % path)
    ctx.check(isinstance(doc["data"], list), "%s: data not an array" % path)
    for it in doc["data"]:
        ok = isinstance(it, dict) and {"lid", "source"} <= set(it) <= ITEM_KEYS and \
            all(isinstance(v, str) for v in it.values()) and it["source"] in ("dm", "group")
        ctx.check(ok, "%s: malformed item %r" % (path, it))
    return doc["data"], doc["nextCursor"]


def walk(ctx, sid, query="", limit=None, limits=None, **kw):
    """Follows nextCursor to the end; returns (items, pages)."""
    items, pages, cursor = [], 0, None
    while True:
        parts = [query] if query else []
        lim = limits[pages % len(limits)] if limits else limit
        if lim is not None:
            parts.append("limit=%s" % lim)
        if cursor:
            parts.append("cursor=" + q(cursor))
        data, cursor = page(ctx, contacts(sid, "&".join(parts)), **kw)
        pages += 1
        items += data
        if lim is not None and isinstance(lim, int) and 1 <= lim <= 200:
            ctx.check(len(data) <= lim, "page of %d items for limit %d" % (len(data), lim))
        if cursor == "":
            return items, pages
        ctx.check(len(data) > 0, "empty page with a nextCursor")
        if pages > 400:
            ctx.fatal("paging does not end")


def same_items(ctx, items, want, what):
    lids = [it["lid"] for it in items]
    ctx.check(len(lids) == len(set(lids)), "%s: duplicates %r" %
              (what, sorted({x for x in lids if lids.count(x) > 1})))
    got = {it["lid"]: it for it in items}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    ctx.check(not missing and not extra, "%s: missing %r, unexpected %r" % (what, missing, extra))
    for lid in set(got) & set(want):
        ctx.eq(got[lid], want[lid], "%s: item %s" % (what, lid))


def expect_list(ctx, query, want_kw, sid=SESSION_A, limit=None):
    items, _ = walk(ctx, sid, query, limit=limit)
    same_items(ctx, items, model.expected(ctx.stack.net, sid, **want_kw), query or "(all)")


# ---------------------------------------------------------------- health

@case("healthz")
def _(ctx):
    for m in ("GET", "HEAD"):
        r = ctx.get("/healthz", method=m)
        ctx.status(r, 200)
        if m == "GET":
            ctx.eq(ctx.json_ok(r), {"status": "ok"}, "/healthz body")


@case("readyz while ready")
def _(ctx):
    ctx.status(ctx.get("/readyz"), 200)


@case("openapi.yaml without credential")
def _(ctx):
    r = ctx.get("/api/v1/openapi.yaml")
    ctx.status(r, 200)
    doc = yaml.safe_load(r.body.decode("utf-8"))
    ctx.check(str(doc.get("openapi", "")).startswith("3.1"), "openapi %r" % doc.get("openapi"))
    paths = set(doc.get("paths", {}))
    for p in ("/api/v1/sessions/{session}/contacts",
              "/api/v1/sessions/{session}/contacts/check",
              "/api/v1/sessions/{session}/contacts/{jid}/about"):
        ctx.check(p in paths or p[len("/api/v1"):] in paths,
                  "openapi.yaml lacks %s (has %r)" % (p, sorted(paths)))


@case("openapi: a client generated from the document calls every operation once")
def _(ctx):
    # tests/openapi/client.mjs (openapi-client-axios): each answer must be the
    # one the call expects and match the served document.
    d = harness.openapi_dir()
    fx = {"base": ctx.server.base, "server": ctx.server.name,
          "manageKey": ctx.stack.keys["all"], "readKey": ctx.stack.keys["read"],
          "session": SESSION_A, "lid": model.ALICE + "@lid",
          "jid": "6281234567890@s.whatsapp.net", "group": GROUP1,
          "phone": "+6281234567890", "pairPhone": "+14155550100"}
    p = subprocess.run(["node", os.path.join(d, "client.mjs"), json.dumps(fx)], cwd=d,
                       capture_output=True, text=True, timeout=300)
    for line in p.stdout.splitlines():
        ctx.check(not line.startswith("FAIL"), "client.mjs: " + line)
    ctx.check(p.returncode == 0 and p.stdout.rstrip().endswith(" 0 failed"),
              "client.mjs: exit %d: %s%s" % (p.returncode, p.stdout[-300:], p.stderr[-1500:]))


# ---------------------------------------------------------------- list

@case("list: everything, exact items")
def _(ctx):
    expect_list(ctx, "", {})


@case("list: source=dm / source=group")
def _(ctx):
    expect_list(ctx, "source=dm", {"source": "dm"})
    expect_list(ctx, "source=group", {"source": "group"})


@case("list: source invalid -> 400")
def _(ctx):
    for v in ("DM", "all", "groups", "dm,group", "%20dm"):
        ctx.error(ctx.api(contacts(query="source=" + v)), 400, "validation_error", "source")


@case("list: group filter")
def _(ctx):
    expect_list(ctx, "group=" + q(GROUP1), {"group": GROUP1})
    expect_list(ctx, "group=" + GROUP2, {"group": GROUP2})          # literal @
    data, cur = page(ctx, contacts(query="group=" + q(GROUP_UNSEEN)))
    ctx.eq((data, cur), ([], ""), "group never seen")


@case("list: group malformed -> 400")
def _(ctx):
    for v in ("abc", "120363021234567890", "120363021234567890@s.whatsapp.net",
              "@g.us", "12a@g.us", q("1@g.us\n")):
        ctx.bad_param(ctx.api(contacts(query="group=" + v)), "group")


@case("list: q over names in every script, case-insensitive")
def _(ctx):
    for term in ("ali", "ALICE", "émile", "EMILE", "ÉMILE", "zoë", "ZOË", "e\u0301mile",
                 "strasse", "STRASSE", "straße", "ß", "müller", "MÜLLER",
                 "οδυσσευς", "Οδυσσευσ", "山田", "太郎", "hidden hank", "a", "e",
                 "acme", "Person 01", "nobody-has-this"):
        expect_list(ctx, "q=" + q(term), {"q": term})


@case("list: q over numbers, + ignored, unknown numbers never")
def _(ctx):
    for term in ("628123", "+628123", "6281234567890", "4155", "+1", "33612",
                 "4477009", "447700900123", "5511"):
        expect_list(ctx, "q=" + q(term), {"q": term})
    # Hidden Hank's number is hidden in the only group that lists him.
    data, _ = page(ctx, contacts(query="q=447700900123"))
    ctx.eq(data, [], "a number the session does not know")


@case("list: q with % and _ is literal")
def _(ctx):
    for term in ("%", "_", "100%", "0%_", "%_s", "a_b", "%%"):
        expect_list(ctx, "q=" + q(term), {"q": term})


@case("list: q '+' in the query string is a space")
def _(ctx):
    items, _ = walk(ctx, SESSION_A, "q=Hidden+Hank")
    same_items(ctx, items, model.expected(ctx.stack.net, SESSION_A, q="Hidden Hank"), "q=Hidden+Hank")


@case("list: q length 100 ok, 101 -> 400")
def _(ctx):
    data, cur = page(ctx, contacts(query="q=" + q("é" * 100)))
    ctx.eq((data, cur), ([], ""), "100 code points")
    ctx.error(ctx.api(contacts(query="q=" + q("é" * 101))), 400, "validation_error", "q")


@case("list: filters combine with AND")
def _(ctx):
    for query, kw in (("source=group&q=e", {"source": "group", "q": "e"}),
                      ("source=dm&group=" + q(GROUP1), {"source": "dm", "group": GROUP1}),
                      ("source=group&group=" + q(GROUP2) + "&q=" + q("ü"),
                       {"source": "group", "group": GROUP2, "q": "ü"}),
                      ("group=" + q(GROUP1) + "&q=ali", {"group": GROUP1, "q": "ali"}),
                      ("source=dm&q=o", {"source": "dm", "q": "o"}),
                      ("source=dm&q=", {"source": "dm"}),
                      ("source=&group=&q=", {})):
        expect_list(ctx, query, kw, limit=2)
    # empty values are absent parameters (one page: session A has < 50)
    expect_list(ctx, "source=&group=&q=&limit=&cursor=", {})


@case("list: limit clamping")
def _(ctx):
    n = model.LARGE_N
    for lim, size in (("", 50), ("0", 50), ("-5", 1), ("-999999", 1), ("1", 1), ("7", 7),
                      ("200", 200), ("201", 200), ("99999", 200),
                      ("999999999999999999999999", 200), ("-999999999999999999999", 1)):
        data, cur = page(ctx, contacts(SESSION_L, "limit=" + lim if lim else ""))
        ctx.eq(len(data), min(size, n), "limit=%r page size" % lim)
        ctx.check(cur != "", "limit=%r: nextCursor empty before the end" % lim)
    data, cur = page(ctx, contacts(SESSION_L))
    ctx.eq(len(data), 50, "limit omitted")


@case("list: limit not an integer -> 400")
def _(ctx):
    for lim in ("abc", "1.5", "1e3", "0x10", "5abc", "%20", "--1", "1%2C2"):
        ctx.error(ctx.api(contacts(query="limit=" + lim)), 400, "validation_error", "limit")


@case("list: paging visits every contact exactly once")
def _(ctx):
    want = model.expected(ctx.stack.net, SESSION_L)
    for lim in (1, 7, 50, 200):
        items, pages = walk(ctx, SESSION_L, limit=lim)
        same_items(ctx, items, want, "limit=%d" % lim)
        ctx.eq(pages, -(-len(want) // lim), "limit=%d pages" % lim)
    # limit may change between pages
    items, _ = walk(ctx, SESSION_L, limits=[3, 50, 11, 200])
    same_items(ctx, items, want, "changing limit")
    # with a filter
    items, _ = walk(ctx, SESSION_L, "source=dm", limit=9)
    same_items(ctx, items, model.expected(ctx.stack.net, SESSION_L, source="dm"), "dm pages")
    items, _ = walk(ctx, SESSION_L, "q=" + q("person 1"), limit=4)
    same_items(ctx, items, model.expected(ctx.stack.net, SESSION_L, q="person 1"), "q pages")


@case("list: a full last page has nextCursor \"\"")
def _(ctx):
    n = model.LARGE_N      # 237 = 3 * 79
    items, pages = walk(ctx, SESSION_L, limit=79)
    ctx.eq((len(items), pages), (n, 3), "three full pages")
    data, cur = page(ctx, contacts(SESSION_L, "limit=200"))
    data2, cur2 = page(ctx, contacts(SESSION_L, "limit=200&cursor=" + q(cur)))
    ctx.eq((len(data2), cur2), (n - 200, ""), "second page")


@case("list: order is stable")
def _(ctx):
    a, _ = walk(ctx, SESSION_L, limit=200)
    b, _ = walk(ctx, SESSION_L, limit=13)
    ctx.eq([i["lid"] for i in a], [i["lid"] for i in b], "order with different limits")


@case("list: cursor tampered, truncated, foreign -> 400")
def _(ctx):
    _, cur = page(ctx, contacts(SESSION_L, "limit=5"))
    ctx.check(cur, "no cursor")
    flip = lambda s, i: s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:]
    bad = [cur[:-1], cur[:len(cur) // 2], flip(cur, 0), flip(cur, len(cur) // 2),
           flip(cur, len(cur) - 1), cur + "A", cur + cur, "abc", "AAAAAAAAAAAAAAAAAAAAAAAA",
           "x" * 2000, "!!!", "%00" + cur]
    for c in bad:
        enc = c if c.startswith("%00") else q(c)
        ctx.bad_param(ctx.api(contacts(SESSION_L, "limit=5&cursor=" + enc)), "cursor")
    # a good cursor of session L is not a cursor of session A
    ctx.error(ctx.api(contacts(SESSION_A, "cursor=" + q(cur))), 400, "validation_error", "cursor")
    # and still good for its own session
    data, _ = page(ctx, contacts(SESSION_L, "limit=5&cursor=" + q(cur)))
    ctx.eq(len(data), 5, "the untouched cursor")


@case("list: cursor from one server works on the other")
def _(ctx):
    other = ctx.other
    from harness import Curl, Skip
    if other is None:
        raise Skip("needs both servers (--server both)")
    oc = Curl(other, ctx.http.tmp)
    r = oc.request(contacts(SESSION_L, "limit=100"), auth=ctx.stack.keys["read"])
    first = r.json()
    data, cur = page(ctx, contacts(SESSION_L, "limit=200&cursor=" + q(first["nextCursor"])))
    same_items(ctx, first["data"] + data, model.expected(ctx.stack.net, SESSION_L), "two servers")
    ctx.eq(cur, "", "end")


@case("list: works while the session is disconnected")
def _(ctx):
    expect_list(ctx, "", {}, sid=SESSION_B)


@case("list: odd but valid session id")
def _(ctx):
    expect_list(ctx, "", {}, sid=SESSION_ODD)


@case("list: repeated parameters follow one rule")
def _(ctx):
    # CONTRACT leaves the rule to the gateway (first, last, or 400).
    for name, a, b in (("source", "dm", "group"), ("q", "ali", "bob"),
                       ("limit", "1", "3")):
        r = ctx.api(contacts(query="%s=%s&%s=%s" % (name, a, name, b)))
        if r.status == 400:
            ctx.error(r, 400, "validation_error", name)
            continue
        data, _ = page(ctx, contacts(query="%s=%s&%s=%s" % (name, a, name, b)))
        one, _ = page(ctx, contacts(query="%s=%s" % (name, a)))
        two, _ = page(ctx, contacts(query="%s=%s" % (name, b)))
        ctx.check(data in (one, two), "%s twice: neither the first nor the last value" % name)


@case("list: bad percent escapes, invalid UTF-8, NUL -> 400 naming the field")
def _(ctx):
    for field in ("q", "source", "group", "cursor", "limit"):
        for v in ("%", "%4", "%G1", "a%zzb", "%C3%28", "%FF", "%ED%A0%80", "%C0%AF",
                  "a%00b", "%00"):
            # wagw reads the query as sent (REQUEST_URI), so lighttpd's
            # re-encoding of a broken escape as %25 changes nothing.
            ctx.bad_param(ctx.api(contacts(query="%s=%s" % (field, v))), field)


@case("list: 404 for unknown, other org's and malformed sessions")
def _(ctx):
    for sid in ("01HZX8K3M9NOSUCHSESS", SESSION_C, "a.b", "a%20b", "x" * 65, "%C3%A9t%C3%A9",
                "a;b", "a%3Bb", "..", "%2E%2E", "*", "a%2Cb", "%00", "a%00b"):
        r = ctx.api(contacts(sid))
        if r.status == 404 and (r.header("content-type") or "").startswith("application/json"):
            ctx.error(r, 404, "not_found")
        else:
            # %00 or ".." may be refused by the server itself, never served
            ctx.rejected(r, {400, 404}, msg="session %r" % sid)
    ctx.status(ctx.api(contacts("x" * 64)), 404)


# ---------------------------------------------------------------- check

def check_path(sid, phone, raw=False):
    return "/api/v1/sessions/%s/contacts/check?phone=%s" % (sid, phone if raw else q(phone))


@case("check: on WhatsApp, all spellings of the number")
def _(ctx):
    want = {"query": "+6281234567890", "isOnWhatsApp": True,
            "jid": "6281234567890@s.whatsapp.net"}
    for path in (check_path(SESSION_A, "+6281234567890"), check_path(SESSION_A, "6281234567890"),
                 check_path(SESSION_A, "+6281234567890", raw=True),   # '+' arrives as ' '
                 check_path(SESSION_A, "%2B6281234567890", raw=True)):
        ctx.eq(ctx.json_ok(ctx.api(path)), want, path)


@case("check: not on WhatsApp omits jid")
def _(ctx):
    for phone in ("+19995550123", "+1234567", "+123456789012345"):
        doc = ctx.json_ok(ctx.api(check_path(SESSION_A, phone)))
        ctx.eq(doc, {"query": phone, "isOnWhatsApp": False}, phone)


@case("check: malformed phone -> 400")
def _(ctx):
    for phone in ("", "abc", "+0123456789", "0123456789", "+123456", "+1234567890123456",
                  "++14155550123", "+1 415 555 0123", "+1-415-555-0123", "(415)5550123",
                  "14155550123x", "+", " ", "  14155550123", "%00", "１４１５５５５０１２３"):
        ctx.bad_param(ctx.api(check_path(SESSION_A, phone) if phone != "%00"
                              else check_path(SESSION_A, "%00", raw=True)), "phone")
    ctx.error(ctx.api("/api/v1/sessions/%s/contacts/check" % SESSION_A), 400,
              "validation_error", "phone")
    ctx.error(ctx.api(check_path(SESSION_A, "%ZZ", raw=True)), 400, "validation_error", "phone")


@case("check: 404 before 400, 501 when not connected")
def _(ctx):
    ctx.error(ctx.api(check_path("NOSUCHSESSION", "+14155550123")), 404, "not_found")
    ctx.error(ctx.api(check_path(SESSION_C, "+14155550123")), 404, "not_found")
    ctx.error(ctx.api(check_path("NOSUCHSESSION", "garbage")), 404, "not_found")
    ctx.error(ctx.api(check_path(SESSION_B, "+14155550123")), 501, "not_implemented")
    ctx.error(ctx.api(check_path(SESSION_D, "+14155550123")), 501, "not_implemented")
    # parameters are checked before live preconditions
    ctx.error(ctx.api(check_path(SESSION_B, "garbage")), 400, "validation_error", "phone")


# ---------------------------------------------------------------- about

def about_path(sid, jid):
    return "/api/v1/sessions/%s/contacts/%s/about" % (sid, jid)


@case("about: phone and LID forms, %40, device part")
def _(ctx):
    net = ctx.stack.net
    for jid in ("6281234567890@s.whatsapp.net", "6281234567890%40s.whatsapp.net",
                model.ALICE + "@lid", model.ALICE + "%40lid",
                "6281234567890:12@s.whatsapp.net", "6281234567890%3A12%40s.whatsapp.net",
                "33612345678@s.whatsapp.net"):
        plain = jid.replace("%40", "@").replace("%3A", ":")
        ctx.eq(ctx.json_ok(ctx.api(about_path(SESSION_A, jid))),
               {"about": model.about(net, plain)}, jid)
    ctx.check(model.about(net, "6281234567890@s.whatsapp.net") == "At work", "fixture")


@case("about: hidden and unknown are \"\"")
def _(ctx):
    for jid in ("14155550123@s.whatsapp.net", model.BOB + "@lid",
                "19995550123@s.whatsapp.net", "123456789@lid"):
        ctx.eq(ctx.json_ok(ctx.api(about_path(SESSION_A, jid))), {"about": ""}, jid)


@case("about: malformed or not a user JID -> 400")
def _(ctx):
    for jid in ("abc", GROUP1, q(GROUP1), "120363021234567890@newsletter", "@lid",
                "12a@lid", "6281234567890@s.whatsapp.com", "6281234567890",
                "+6281234567890@s.whatsapp.net", "%C3%A9@lid", "1%0A2@lid"):
        ctx.bad_param(ctx.api(about_path(SESSION_A, jid)), None)


@case("about: 404, 501")
def _(ctx):
    ctx.error(ctx.api(about_path("NOSUCHSESSION", "1@lid")), 404, "not_found")
    ctx.error(ctx.api(about_path(SESSION_C, model.BOB + "@lid")), 404, "not_found")
    ctx.error(ctx.api(about_path(SESSION_B, model.ALICE + "@lid")), 501, "not_implemented")


# ---------------------------------------------------------------- routing

@case("unknown routes -> 404 not_found")
def _(ctx):
    for p in ("/api/v1/nothing", "/api/v1/session", "/api/v1/sessions/%s:x" % SESSION_A,
              "/api/v1/sessions/%s/contact" % SESSION_A,
              "/api/v1/sessions/%s/contacts/x/y/z" % SESSION_A,
              "/api/v1/sessions/%s/contacts/1@lid/status" % SESSION_A,
              "/api/v2/sessions/%s/contacts" % SESSION_A, "/api/v1", "/api/v1/", "/api",
              "/api/", "/api/v1/openapi.json"):
        ctx.error(ctx.api(p), 404, "not_found", msg=p)


@case("405 with Allow for known paths")
def _(ctx):
    for m in ("POST", "PUT", "DELETE", "PATCH"):
        for p in (contacts(), check_path(SESSION_A, "+14155550123"),
                  about_path(SESSION_A, "1@lid"), "/healthz", "/readyz",
                  "/api/v1/openapi.yaml"):
            if m == "POST" and p.startswith(check_path(SESSION_A, "").split("?")[0]):
                continue        # the batch check takes POST
            r = ctx.api(p, method=m)
            err = ctx.error(r, 405, "method_not_allowed", msg=m)
            if err is not None:
                allow = [a.strip().upper() for a in (r.header("allow") or "").split(",")]
                ctx.check("GET" in allow, "%s %s: Allow %r lacks GET" % (m, p, allow))


@case("HEAD where GET works")
def _(ctx):
    for p in (contacts(), contacts(SESSION_L, "limit=3"), "/api/v1/openapi.yaml"):
        g = ctx.api(p)
        h = ctx.api(p, method="HEAD")
        ctx.eq(h.status, g.status, "HEAD " + p)
        ctx.eq((h.header("content-type") or "").split(";")[0],
               (g.header("content-type") or "").split(";")[0], "HEAD content-type " + p)
    ctx.status(ctx.api(contacts(), method="HEAD", key=None), 401)


@case("CORS preflight and actual request")
def _(ctx):
    pre = ["Origin: " + ORIGIN, "Access-Control-Request-Method: GET",
           "Access-Control-Request-Headers: authorization, x-api-key"]
    for p in (contacts(), check_path(SESSION_A, "+14155550123"), about_path(SESSION_A, "1@lid")):
        r = ctx.get(p, method="OPTIONS", headers=pre)
        ctx.status(r, (200, 204), "preflight")
        ctx.eq(r.header("access-control-allow-origin"), ORIGIN, "preflight ACAO " + p)
        methods = (r.header("access-control-allow-methods") or "").upper()
        ctx.check("GET" in methods, "Allow-Methods %r" % methods)
        hdrs = (r.header("access-control-allow-headers") or "").lower()
        ctx.check("authorization" in hdrs and "x-api-key" in hdrs, "Allow-Headers %r" % hdrs)
    r = ctx.api(contacts(), headers=["Origin: " + ORIGIN])
    ctx.status(r, 200)
    ctx.eq(r.header("access-control-allow-origin"), ORIGIN, "ACAO on GET")
    # an origin not configured gets no grant
    evil = ["Origin: https://evil.example", "Access-Control-Request-Method: GET"]
    r = ctx.get(contacts(), method="OPTIONS", headers=evil)
    ctx.check(r.header("access-control-allow-origin") is None, "ACAO for a foreign origin")
    r = ctx.api(contacts(), headers=["Origin: https://evil.example"])
    ctx.check(r.header("access-control-allow-origin") is None, "ACAO on GET, foreign origin")


@case("trailing slash reaches the responder")
def _(ctx):
    for p in (contacts() + "/", check_path(SESSION_A, "+6281234567890").replace("check?", "check/?"),
              about_path(SESSION_A, model.ALICE + "@lid") + "/"):
        r = ctx.api(p)
        ct = r.header("content-type") or ""
        ctx.check(ct.startswith("application/json"), "%s: not answered by wagw (%d %s)" %
                  (p, r.status, ct))
        ctx.check(r.status in (200, 404), "%s: status %d" % (p, r.status))
        if r.status == 404:
            ctx.error(r, 404, "not_found")


@case("path traversal is never served")
def _(ctx):
    for p in ("/api/v1/sessions/%s/contacts/../../../../../etc/passwd" % SESSION_A,
              "/api/v1/../../etc/passwd", "/api/v1/sessions/..%2F..%2F..%2Fetc%2Fpasswd/contacts",
              "/api/v1/sessions/%2E%2E/%2E%2E/contacts", "/healthz/../api/v1/openapi.yaml/..",
              "/api/v1/sessions/%s/contacts/..%%2F..%%2Fabout" % SESSION_A):
        r = ctx.api(p)
        ctx.check(b"root:" not in r.body, "%s served a file" % p)
        ctx.check(r.status != 200 or p.startswith("/healthz"), "%s: 200" % p)
        ctx.check(r.status < 500, "%s: %d" % (p, r.status))


@case("the servers' own answers are the ones the document lists")
def _(ctx):
    # Refused before wagw sees them: no X-Request-Id, no JSON (README.md,
    # "What the web server answers itself"; docs/openapi.yaml x-server-answers).
    doc = yaml.safe_load(ctx.get("/api/v1/openapi.yaml").body.decode("utf-8"))
    listed = {int(k) for k in doc["x-server-answers"][ctx.server.name]}
    lighttpd = ctx.server.name == "lighttpd"
    start = "/api/v1/sessions/%s:start" % SESSION_A
    for what, r, want in (
            ("a POST with neither body nor Content-Length",
             ctx.api(start, key="all", method="POST", data="", headers=["Content-Length:"]),
             411 if lighttpd else None),
            ("headers over 8 KiB", ctx.get("/healthz", headers=["X-Junk: " + "j" * 9000]),
             431 if lighttpd else 400),
            ("a request line over 8 KiB", ctx.get("/healthz?" + "x" * 9000),
             431 if lighttpd else 414),
            ("%00 in the path", ctx.get("/api/v1/sessions/a%00b/contacts"),
             400 if lighttpd else 404),
            ("a path over 4 KiB", ctx.api(about_path(SESSION_A, "1" * 5000 + "@lid")),
             None if lighttpd else 403),
            ("a path normalized out of /api", ctx.get("/api/v1/../../etc/passwd"), 404)):
        if want is None:
            # This server hands it to wagw: its own JSON answer.
            ctx.check(r.header("x-request-id"), "%s: not answered by wagw (%d)" % (what, r.status))
            continue
        ctx.eq(r.status, want, what)
        ctx.check(want in listed, "%s: %d is not in x-server-answers.%s" %
                  (what, want, ctx.server.name))
        ctx.check(r.header("x-request-id") is None and
                  not (r.header("content-type") or "").startswith("application/json"),
                  "%s: looks like wagw's answer" % what)


@case("overlong path, query, header and values")
def _(ctx):
    long_sid = "A" * 9000
    # Either the server refuses the request line (414, lighttpd: 431) or
    # wagw answers with its envelope.
    too_long = {400, 414, 431}
    ctx.rejected(ctx.api(contacts(long_sid)), too_long | {404}, "not_found")
    ctx.rejected(ctx.api(contacts(query="q=" + "a" * 20000)), too_long, "validation_error")
    ctx.rejected(ctx.api(contacts(query="cursor=" + "a" * 7000)), too_long, "validation_error")
    ctx.rejected(ctx.api(contacts(query="x=" + "a" * 7000)), too_long | {200})
    ctx.rejected(ctx.api(contacts(query="&".join("p%d=1" % i for i in range(1500)))),
                 too_long | {200})
    ctx.rejected(ctx.api(check_path(SESSION_A, "1" * 5000)), too_long, "validation_error")
    # an overlong path is either a malformed JID (400) or no route (404);
    # Apache refuses a path segment longer than a file name (NAME_MAX)
    # with 403 while it maps the URL to wagw-live.fcgi.
    ctx.rejected(ctx.api(about_path(SESSION_A, "1" * 5000 + "@lid")),
                 too_long | {404} | ({403} if ctx.server.name == "apache" else set()))
    r = ctx.get(contacts(), auth="x" * 20000)
    ctx.rejected(r, {400, 401, 413, 431}, "unauthorized")
    r = ctx.get(contacts(), apikey="wa_" + "x" * 20000)
    ctx.rejected(r, {400, 401, 413, 431}, "unauthorized")
    r = ctx.api(contacts(), headers=["X-Junk: " + "j" * 7000])
    ctx.status(r, (200, 400, 413, 431))
