"""The stored contact and group surface (issue 12) through a real web server:
GET contacts/{lid}, groups, groups/{group} and groups/{group}/members with
their exact shapes (README.md "The API", docs/openapi.yaml), paging and
cursors, every refusal (401, 403, cross-organization 404, malformed input
400, unknown contact or group 404), what a SIGHUP of the simulated network
changes (a member who left, a role change, a renamed group), and the batch
check's budget rule: cached numbers spend nothing, an over-budget batch
spends nothing and is 429.  The SIGHUP and budget cases put the stack back."""

import signal
import time
from urllib.parse import quote

import model
from harness import case
from model import (SESSION_A, SESSION_B, SESSION_C, SESSION_L, GROUP1, GROUP2, GROUP3,
                   GROUP_UNSEEN, ALICE, BOB, CAROL, EMILE, STRASSE, JAPAN)
from stack import ORIGIN

BASE = "/api/v1/sessions/%s"
GROUP_KEYS = {"groupJid", "subject", "description", "ownerJid", "participantCount",
              "isAnnounce", "isLocked", "createdAtWa", "firstSeenAt", "updatedAt"}
MEMBER_KEYS = {"lid", "phoneNumber", "name", "role", "tag", "firstSeenAt", "lastSeenAt"}
BIG = "120363000000000777@g.us"


def q(s):
    return quote(s, safe="")


def groups_path(sid=SESSION_A, query=""):
    return (BASE % sid) + "/groups" + ("?" + query if query else "")


def group_path(sid, jid, query=""):
    return (BASE % sid) + "/groups/" + jid + ("?" + query if query else "")


def members_path(sid, jid, query=""):
    return (BASE % sid) + "/groups/" + jid + "/members" + ("?" + query if query else "")


def contact_path(sid, lid):
    return (BASE % sid) + "/contacts/" + lid


def is_ms(v):
    return isinstance(v, int) and not isinstance(v, bool) and v > 1_600_000_000_000


def strip_times(ctx, item, keys, where):
    """Checks the time fields are ms, returns the item without them."""
    for k in keys:
        ctx.check(is_ms(item.get(k)), "%s: %s %r" % (where, k, item.get(k)))
    return {k: v for k, v in item.items() if k not in keys}


def check_group(ctx, g, where):
    ctx.check(isinstance(g, dict) and {"groupJid", "firstSeenAt", "updatedAt"} <= set(g) <=
              GROUP_KEYS, "%s: Group members %r" % (where, g))
    if isinstance(g, dict) and is_ms(g.get("firstSeenAt")) and is_ms(g.get("updatedAt")):
        ctx.check(g["updatedAt"] >= g["firstSeenAt"], "%s: updatedAt before firstSeenAt" % where)
    for k in ("isAnnounce", "isLocked"):
        if k in g:
            ctx.check(isinstance(g[k], bool), "%s: %s not a boolean" % (where, k))
    return strip_times(ctx, g, ("firstSeenAt", "updatedAt"), where)


def check_member(ctx, m, where):
    ctx.check(isinstance(m, dict) and {"lid", "role", "firstSeenAt", "lastSeenAt"} <= set(m) <=
              MEMBER_KEYS, "%s: GroupMember members %r" % (where, m))
    ctx.check(m.get("role") in ("member", "admin", "superadmin"), "%s: role %r" % (where, m))
    return strip_times(ctx, m, ("firstSeenAt", "lastSeenAt"), where)


def page(ctx, path, **kw):
    """One page: (items, nextCursor), its shape checked."""
    doc = ctx.json_ok(ctx.api(path, **kw), path)
    if not ctx.check(isinstance(doc, dict) and set(doc) == {"data", "nextCursor"},
                     "%s: page members %r" % (path, doc)):
        ctx.fatal("%s: not a page" % path)
    ctx.check(isinstance(doc["nextCursor"], str) and isinstance(doc["data"], list),
              "%s: page types" % path)
    return doc["data"], doc["nextCursor"]


def walk(ctx, base, limit=None, limits=None, extra=""):
    """Follows nextCursor to the end; returns (items, pages)."""
    items, pages, cursor = [], 0, None
    while True:
        parts = [extra] if extra else []
        lim = limits[pages % len(limits)] if limits else limit
        if lim is not None:
            parts.append("limit=%d" % lim)
        if cursor:
            parts.append("cursor=" + q(cursor))
        data, cursor = page(ctx, base + ("?" + "&".join(parts) if parts else ""))
        pages += 1
        items += data
        if lim is not None:
            ctx.check(len(data) <= lim, "page of %d for limit %d" % (len(data), lim))
        if cursor == "":
            return items, pages
        ctx.check(len(data) > 0, "empty page with a nextCursor")
        if pages > 500:
            ctx.fatal("paging does not end")


def expect_groups(ctx, sid, query="", limit=None, **want_kw):
    items, _ = walk(ctx, groups_path(sid), limit=limit, extra=query)
    got = [check_group(ctx, g, "groups %s" % query) for g in items]
    ctx.eq(got, model.groups(ctx.stack.net, sid, **want_kw), "groups %s?%s" % (sid, query))


def expect_members(ctx, sid, jid, query="", limit=None, role=None):
    items, _ = walk(ctx, members_path(sid, q(jid)), limit=limit, extra=query)
    lids = [m.get("lid") for m in items]
    ctx.check(len(lids) == len(set(lids)), "members %s: duplicates" % jid)
    got = {m["lid"]: check_member(ctx, m, "members %s" % jid) for m in items}
    ctx.eq(got, model.members(ctx.stack.net, sid, jid, role=role),
           "members %s?%s" % (jid, query))
    return items


def expect_contact(ctx, sid, lid, seg=None):
    doc = ctx.json_ok(ctx.api(contact_path(sid, seg or lid + "@lid")), "contact " + lid)
    if not ctx.check(isinstance(doc, dict) and set(doc) == {"identity", "dm", "groups"},
                     "contact %s: members %r" % (lid, doc)):
        return None
    ident = strip_times(ctx, doc["identity"], ("firstSeenAt", "updatedAt"), "identity " + lid)
    ctx.check(isinstance(doc["dm"], bool) and isinstance(doc["groups"], list),
              "contact %s: types" % lid)
    gs = [strip_times(ctx, g, ("lastSeen",), "contact %s group" % lid) for g in doc["groups"]]
    ctx.eq({"identity": ident, "dm": doc["dm"], "groups": gs},
           model.contact(ctx.stack.net, sid, lid), "contact " + lid)
    return doc


# ---------------------------------------------------------------- the shapes

@case("groups: list, exact items, unknown fields left out", "groups")
def _(ctx):
    expect_groups(ctx, SESSION_A)
    expect_groups(ctx, SESSION_A, limit=1)
    # works while the session is disconnected; same JID, its own data
    expect_groups(ctx, SESSION_B)
    data, cur = page(ctx, groups_path(SESSION_A))
    ctx.check("description" not in data[1] and "ownerJid" not in data[1] and
              "isAnnounce" not in data[1] and "createdAtWa" not in data[1],
              "unknown fields are left out: %r" % data[1])


@case("groups: q over the subject, folded as contact names", "groups")
def _(ctx):
    for term in ("project", "PROJECT", "team", "amis", "AMIS", "strasse", "STRASSE",
                 "straße", "ß", "οδυσσευς", "Οδυσσευσ", "ΟΔΥΣΣΕΎΣ", "100%", "%", "_",
                 "0%_", "a", "e", "t", "nobody", "Project Team 2"):
        expect_groups(ctx, SESSION_A, "q=" + q(term), q=term)
    expect_groups(ctx, SESSION_L, "q=" + q("club 1"), limit=3, q="club 1")
    data, cur = page(ctx, groups_path(query="q=" + q("é" * 100)))
    ctx.eq((data, cur), ([], ""), "100 code points")
    ctx.error(ctx.api(groups_path(query="q=" + q("é" * 101))), 400, "validation_error", "q")
    # '+' in a query string is a space
    expect_groups(ctx, SESSION_A, "q=project+team", q="project team")


@case("groups: one group, exact; %40; unknown -> 404 group not found", "groups")
def _(ctx):
    net = ctx.stack.net
    for sid in (SESSION_A, SESSION_B):
        for g in model.groups(net, sid):
            for seg in (g["groupJid"], g["groupJid"].replace("@", "%40")):
                doc = ctx.json_ok(ctx.api(group_path(sid, seg)), seg)
                ctx.eq(check_group(ctx, doc, seg), g, "group %s %s" % (sid, seg))
    for sid, jid in ((SESSION_A, GROUP_UNSEEN), (SESSION_L, GROUP1), (SESSION_A, BIG)):
        err = ctx.error(ctx.api(group_path(sid, jid)), 404, "not_found")
        if err:
            ctx.eq(err["message"], "group not found", "404 message")


@case("members: exact, role filter, unknown -> 404", "groups")
def _(ctx):
    for jid in (GROUP1, GROUP2, GROUP3):
        expect_members(ctx, SESSION_A, jid)
        expect_members(ctx, SESSION_A, jid, limit=2)
        for role in ("member", "admin", "superadmin"):
            expect_members(ctx, SESSION_A, jid, "role=" + role, role=role)
    expect_members(ctx, SESSION_B, GROUP1)
    # @ as %40
    data, _ = page(ctx, members_path(SESSION_A, GROUP1.replace("@", "%40")))
    ctx.eq(len(data), len(model.members(ctx.stack.net, SESSION_A, GROUP1)), "%40")
    # an empty value is no filter
    expect_members(ctx, SESSION_A, GROUP2, "role=")
    for sid, jid in ((SESSION_A, GROUP_UNSEEN), (SESSION_L, GROUP2)):
        err = ctx.error(ctx.api(members_path(sid, jid)), 404, "not_found")
        if err:
            ctx.eq(err["message"], "group not found", "404 message")


@case("contacts/{lid}: identity, dm, groups; %40 and device part", "groups")
def _(ctx):
    for lid in (ALICE, BOB, CAROL, EMILE, STRASSE, JAPAN, model.DORA, model.HANK,
                model.GREEK):
        expect_contact(ctx, SESSION_A, lid)
    expect_contact(ctx, SESSION_A, ALICE, ALICE + "%40lid")
    expect_contact(ctx, SESSION_A, ALICE, ALICE + ":7@lid")
    expect_contact(ctx, SESSION_B, ALICE)
    # groups is always an array
    doc = expect_contact(ctx, SESSION_A, model.GREEK)
    ctx.check(doc is not None and doc["groups"] == [], "no groups: []")
    # the literal "check" is the check route, never a LID
    ctx.error(ctx.api((BASE % SESSION_A) + "/contacts/check"), 400, "validation_error",
              "phone")


@case("contacts/{lid}: unknown, another session's -> 404 contact not found", "groups")
def _(ctx):
    for sid, lid in ((SESSION_A, "123456789"), (SESSION_A, "40000000000000"),
                     (SESSION_L, ALICE), (SESSION_B, BOB)):
        err = ctx.error(ctx.api(contact_path(sid, lid + "@lid")), 404, "not_found")
        if err:
            ctx.eq(err["message"], "contact not found", "404 message")


# ---------------------------------------------------------------- paging

@case("groups and members: paging visits every row once, stable order", "groups")
def _(ctx):
    net = ctx.stack.net
    want = model.groups(net, SESSION_L)
    for lim in (1, 7, 50, 200):
        items, pages = walk(ctx, groups_path(SESSION_L), limit=lim)
        ctx.eq([check_group(ctx, g, "L") for g in items], want, "groups limit=%d" % lim)
        ctx.eq(pages, -(-len(want) // lim), "groups limit=%d pages" % lim)
    items, _ = walk(ctx, groups_path(SESSION_L), limits=[3, 50, 11, 200])
    ctx.eq(len(items), len(want), "changing limit")
    want_m = model.members(net, SESSION_L, BIG)
    orders = []
    for lim in (1, 13, 50, 200):
        items, pages = walk(ctx, members_path(SESSION_L, BIG), limit=lim)
        got = {m["lid"]: check_member(ctx, m, "big") for m in items}
        ctx.eq(len(items), len(want_m), "members limit=%d count" % lim)
        ctx.eq(got, want_m, "members limit=%d" % lim)
        ctx.eq(pages, -(-len(want_m) // lim), "members limit=%d pages" % lim)
        orders.append([m["lid"] for m in items])
    ctx.check(all(o == orders[0] for o in orders), "member order depends on limit")
    expect_members(ctx, SESSION_L, BIG, "role=admin", limit=4, role="admin")
    # a full last page has nextCursor ""
    n = len(want_m)
    data, cur = page(ctx, members_path(SESSION_L, BIG, "limit=%d" % n))
    ctx.eq((len(data), cur), (n, ""), "full last page")


@case("groups and members: cursors bound to their list; tampered -> 400", "groups")
def _(ctx):
    _, gcur = page(ctx, groups_path(SESSION_L, "limit=5"))
    _, mcur = page(ctx, members_path(SESSION_L, BIG, "limit=5"))
    _, ccur = page(ctx, "/api/v1/sessions/%s/contacts?limit=5" % SESSION_L)
    ctx.check(gcur and mcur and ccur, "cursors")
    flip = lambda s, i: s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:]
    for c in (gcur[:-1], flip(gcur, 3), gcur + "A", "abc", "x" * 2000, mcur, ccur):
        ctx.bad_param(ctx.api(groups_path(SESSION_L, "cursor=" + q(c))), "cursor")
    for c in (flip(mcur, 10), gcur, ccur):
        ctx.bad_param(ctx.api(members_path(SESSION_L, BIG, "cursor=" + q(c))), "cursor")
    # another session's, another group's
    ctx.error(ctx.api(groups_path(SESSION_A, "cursor=" + q(gcur))), 400, "validation_error",
              "cursor")
    ctx.error(ctx.api(members_path(SESSION_L, "120363000000100001@g.us", "cursor=" + q(mcur))),
              400, "validation_error", "cursor")
    # and still good where they belong, on either server
    data, _ = page(ctx, groups_path(SESSION_L, "limit=5&cursor=" + q(gcur)))
    ctx.eq(len(data), 5, "groups cursor")
    data, _ = page(ctx, members_path(SESSION_L, BIG, "limit=5&cursor=" + q(mcur)))
    ctx.eq(len(data), 5, "members cursor")
    if ctx.other is not None:
        from harness import Curl
        oc = Curl(ctx.other, ctx.http.tmp)
        r = oc.request(groups_path(SESSION_L, "limit=5&cursor=" + q(gcur)),
                       auth=ctx.stack.keys["read"])
        ctx.eq(r.status, 200, "a cursor on the other server")


# ---------------------------------------------------------------- refusals

def every_route(sid=SESSION_A):
    return [groups_path(sid), group_path(sid, GROUP1), members_path(sid, GROUP1),
            contact_path(sid, ALICE + "@lid")]


@case("401 without a credential, 403 without read, cross-organization 404", "groups")
def _(ctx):
    for p in every_route():
        ctx.error(ctx.api(p, key=None), 401, "unauthorized")
        ctx.error(ctx.api(p, key="expired"), 401, "unauthorized")
        ctx.error(ctx.api(p, key="revoked"), 401, "unauthorized")
        ctx.error(ctx.api(p, key="sendonly"), 403, "forbidden")
        ctx.json_ok(ctx.api(p, key="all"), p)
        # another organization's session is no session at all
        err = ctx.error(ctx.api(p, key="org2read"), 404, "not_found")
        if err:
            ctx.eq(err["message"], "session not found", "cross-org message")
    for p in every_route(SESSION_C):
        ctx.error(ctx.api(p, key="read"), 404, "not_found")
    for p in every_route("01HZX8K3M9NOSUCHSESS"):
        ctx.error(ctx.api(p), 404, "not_found")
        ctx.error(ctx.api(p, key="sendonly"), 403, "forbidden")     # 403 before 404
    # org2's own session answers org2's key
    ctx.eq(page(ctx, groups_path(SESSION_C), key="org2read"), ([], ""), "org2's groups")
    # 404 (session) comes before 400 (parameters)
    for p in (group_path(SESSION_C, "garbage"), members_path(SESSION_C, GROUP1, "role=x"),
              contact_path(SESSION_C, "garbage"), groups_path(SESSION_C, "limit=x")):
        ctx.error(ctx.api(p), 404, "not_found")
    # a login JWT: member role has read
    tok = ctx.stack.token("ES256", claims=ctx.stack.claims(org="org1", role="member"))
    ctx.json_ok(ctx.api(groups_path(), key=None, auth=tok), "JWT member")
    tok = ctx.stack.token("ES256", claims=ctx.stack.claims(org="org2", role="owner"))
    ctx.error(ctx.api(groups_path(), key=None, auth=tok), 404, "not_found")


@case("malformed LIDs, group JIDs and parameters -> 400 naming the field", "groups")
def _(ctx):
    for lid in ("abc", "12a@lid", "@lid", "1@LID", "6281234567890@s.whatsapp.net",
                q(GROUP1), "1%2540lid", "%C3%A9@lid", "1%0A2@lid", "1%20@lid",
                "6281234567890", "1@lid@lid"):
        ctx.bad_param(ctx.api(contact_path(SESSION_A, lid)), "lid", lid)
    for g in ("abc", "120363021234567890", "1@s.whatsapp.net", ALICE + "@lid", "x@g.us",
              "1-@g.us", "-1@g.us", "1%2540g.us", "%C3%A9@g.us", "1%0A@g.us", "@g.us",
              "1@newsletter"):
        ctx.bad_param(ctx.api(group_path(SESSION_A, g)), "group", g)
        ctx.bad_param(ctx.api(members_path(SESSION_A, g)), "group", g)
    for role in ("owner", "Admin", "ADMIN", "admins", "member,admin", "%00", "%FF"):
        ctx.bad_param(ctx.api(members_path(SESSION_A, GROUP1, "role=" + role)), "role", role)
    # parameters are checked before whether the group was seen
    ctx.error(ctx.api(members_path(SESSION_A, GROUP_UNSEEN, "role=x")), 400,
              "validation_error", "role")
    for base in (groups_path(), members_path(SESSION_A, GROUP1)):
        sep = "?"
        for qs, field in (("limit=abc", "limit"), ("limit=1.5", "limit"), ("cursor=abc", "cursor"),
                          ("x=1", "x"), ("source=dm", "source"), ("limit=1&limit=2", "limit"),
                          ("limit=%", "limit"), ("cursor=%FF", "cursor"),
                          ("cursor=a%00b", "cursor")):
            ctx.bad_param(ctx.api(base + sep + qs), field, qs)
    for qs, field in (("q=a&q=b", "q"), ("role=admin", "role"), ("q=%C3%28", "q")):
        ctx.bad_param(ctx.api(groups_path(query=qs)), field, qs)
    ctx.bad_param(ctx.api(members_path(SESSION_A, GROUP1, "q=a")), "q")
    for p in (group_path(SESSION_A, GROUP1, "limit=1"), contact_path(SESSION_A, ALICE + "@lid")
              + "?x=1"):
        ctx.bad_param(ctx.api(p), None)
    # limit is clamped, not rejected
    for lim, size in (("0", 50), ("-3", 1), ("999", 200)):
        data, _ = page(ctx, groups_path(SESSION_L, "limit=" + lim))
        ctx.eq(len(data), min(size, model.CLUBS + 1), "limit=%s" % lim)


@case("routing: 405 with Allow, HEAD, OPTIONS, trailing slash, unknown paths", "groups")
def _(ctx):
    for p in every_route():
        for m in ("POST", "PUT", "DELETE", "PATCH"):
            err = ctx.error(ctx.api(p, method=m), 405, "method_not_allowed", msg=m)
            if err is not None:
                r = ctx.api(p, method=m)
                ctx.eq(r.header("allow"), "GET, HEAD, OPTIONS", "Allow " + p)
        g, h = ctx.api(p), ctx.api(p, method="HEAD")
        ctx.eq(h.status, g.status, "HEAD " + p)
        ctx.eq(h.body, b"", "HEAD body")
        r = ctx.get(p, method="OPTIONS", headers=[
            "Origin: " + ORIGIN, "Access-Control-Request-Method: GET",
            "Access-Control-Request-Headers: authorization"])
        ctx.status(r, 204, "preflight " + p)
        ctx.eq(r.header("access-control-allow-methods"), "GET, HEAD, OPTIONS", "preflight")
    for p in (groups_path() + "/", group_path(SESSION_A, GROUP1) + "/",
              members_path(SESSION_A, GROUP1) + "/", members_path(SESSION_A, GROUP1) + "/x",
              (BASE % SESSION_A) + "/group", (BASE % SESSION_A) + "/groups/%s/member" % GROUP1,
              (BASE % SESSION_A) + "/contacts/%s@lid/groups" % ALICE):
        r = ctx.api(p)
        if (r.header("content-type") or "").startswith("application/json"):
            ctx.error(r, 404, "not_found", msg=p)
        else:
            ctx.rejected(r, {400, 404}, msg=p)
    # An empty segment names nothing - unless the server merged the slashes
    # first (lighttpd does): then "members" is a malformed group JID.
    r = ctx.api((BASE % SESSION_A) + "/groups//members")
    ctx.rejected(r, {400, 404}, msg="groups//members")


# ---------------------------------------------------------------- SIGHUP

def _group3(net):
    return next(g for g in net["sessions"][SESSION_A]["groups"] if g["jid"] == GROUP3)


def _sighup_until(ctx, cond, what):
    st = ctx.stack
    st.write_network()
    st.daemon.send_signal(signal.SIGHUP)
    end = time.monotonic() + 15
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    ctx.check(False, "after SIGHUP: %s" % what)
    return False


@case("SIGHUP: a member who left, a role change, a renamed group", "groups")
def _(ctx):
    import copy
    st = ctx.stack
    saved = copy.deepcopy(_group3(st.net))
    before = ctx.json_ok(ctx.api(group_path(SESSION_A, GROUP3)))
    try:
        g = _group3(st.net)
        g["subject"] = "Straßenfest 2"
        g["description"] = "Neu"
        g["members"] = [m for m in g["members"] if m["lid"] != STRASSE]
        for m in g["members"]:
            if m["lid"] == JAPAN:
                m["role"] = "member"
                m.pop("tag", None)
            if m["lid"] == EMILE:
                m["tag"] = "Émile 🍰"

        def changed():
            r = ctx.api(group_path(SESSION_A, GROUP3))
            return r.status == 200 and r.json().get("subject") == "Straßenfest 2"
        _sighup_until(ctx, changed, "the group was not renamed")
        after = ctx.json_ok(ctx.api(group_path(SESSION_A, GROUP3)))
        ctx.eq(check_group(ctx, after, "renamed"), model.groups(st.net, SESSION_A)[2],
               "renamed group")
        ctx.check(after["updatedAt"] >= before["updatedAt"] and
                  after["firstSeenAt"] == before["firstSeenAt"], "times %r %r" % (before, after))
        # the members: Straße left, Yamada is a member, Émile's tag changed;
        # a tag the file dropped is kept (a report without one says nothing)
        items, _ = walk(ctx, members_path(SESSION_A, GROUP3))
        got = {m["lid"]: check_member(ctx, m, "after") for m in items}
        want = model.members(st.net, SESSION_A, GROUP3)
        want[JAPAN + "@lid"]["tag"] = "山田"
        ctx.eq(got, want, "members after SIGHUP")
        ctx.eq(got.get(JAPAN + "@lid", {}).get("role"), "member", "role change")
        ctx.check(STRASSE + "@lid" not in got, "who left is no longer listed")
        # who left still is a contact (in another group); this group is gone from it
        doc = ctx.json_ok(ctx.api(contact_path(SESSION_A, STRASSE + "@lid")))
        ctx.check(GROUP3 not in [x["jid"] for x in doc["groups"]], "left group still listed")
        # the contact list agrees
        data, _ = page(ctx, "/api/v1/sessions/%s/contacts?group=%s" % (SESSION_A, q(GROUP3)))
        ctx.eq(sorted(d["lid"] for d in data), sorted(want), "contacts?group= after")
        # other groups did not move
        ctx.eq(check_group(ctx, ctx.json_ok(ctx.api(group_path(SESSION_A, GROUP2))), "g2"),
               model.groups(st.net, SESSION_A)[1], "unchanged group")
        # roles and search follow
        expect_members(ctx, SESSION_A, GROUP3, "role=admin", role="admin")
        expect_groups(ctx, SESSION_A, "q=" + q("straßenfest 2"), q="straßenfest 2")
    finally:
        # Back as it was: Straße rejoins, roles and subject return, the
        # description is removed again (and left out).
        g = _group3(st.net)
        g.clear()
        g.update(saved)

        def restored():
            r = ctx.api(members_path(SESSION_A, GROUP3))
            return r.status == 200 and any(m["lid"] == STRASSE + "@lid"
                                           for m in r.json().get("data", []))
        _sighup_until(ctx, restored, "Straße did not rejoin")
    ok = False
    for _ in range(50):
        g = ctx.json_ok(ctx.api(group_path(SESSION_A, GROUP3)))
        if g.get("subject") == saved["subject"]:
            ok = True
            break
        time.sleep(0.1)
    ctx.check(ok, "subject not restored")
    ctx.check("description" not in g, "a removed description is left out: %r" % g)
    items, _ = walk(ctx, members_path(SESSION_A, GROUP3))
    got = {m["lid"]: check_member(ctx, m, "restored")["role"] for m in items}
    ctx.eq(got, {k: v["role"] for k, v in model.members(st.net, SESSION_A, GROUP3).items()},
           "roles restored")
    ctx.check(st.daemon.poll() is None, "daemon died on SIGHUP")


# ---------------------------------------------------------------- batch check budget

@case("batch check: cached numbers spend nothing; over budget: 429, nothing spent", "groups")
def _(ctx):
    from cases_sessions import create, delete, post, qr_code, sim, wait_status
    st = ctx.stack
    st.write_config(lookups_per_minute=1, lookup_burst=3, lookups_per_day=1000)
    st.restart_daemon()
    sid = None
    try:
        # A session of its own: a fresh budget on either server's run.
        sid = create(ctx, {"start": True})
        sim(ctx, "scan", qr_code(ctx, sid), "--account", "+" + model.PAIR_ACCOUNT)
        wait_status(ctx, sid, "working")
        path = "/api/v1/sessions/%s/contacts/check" % sid
        base = int(time.time() * 1000) % 10 ** 7
        a, b, c, d = ["+1999%07d" % (base + i) for i in range(4)]

        def batch(phones):
            return post(ctx, path, {"phones": phones}, key="read")
        r = batch([a, b])
        ctx.eq([x["query"] for x in ctx.json_ok(r, "a, b")["data"]], [a, b], "a, b")
        # a and b are cached; c and d need 2, the budget holds 1: all or nothing
        q0 = st.ping()["linkQueries"]
        r = batch([a, b, c, d])
        err = ctx.error(r, 429, "rate_limited")
        if err is not None:
            ra = int(r.header("retry-after") or 0)
            ctx.check(1 <= ra <= 60, "Retry-After %d" % ra)
        ctx.eq(st.ping()["linkQueries"], q0, "a refused batch asks WhatsApp nothing")
        # nothing was spent: c takes the last unit; a, b from the cache
        doc = ctx.json_ok(batch([a, b, c]), "a, b, c")
        ctx.eq([x["query"] for x in doc["data"]], [a, b, c], "order")
        ctx.check(all(x == {"query": p, "isOnWhatsApp": False}
                      for x, p in zip(doc["data"], [a, b, c])), "answers %r" % doc)
        # all cached: answered again with the budget spent
        ctx.json_ok(batch([c, a, b, a]), "cached only")
        ctx.json_ok(ctx.api(path + "?phone=" + q(a)), "GET from the cache")
        ctx.error(batch([d]), 429, "rate_limited")
        ctx.error(ctx.api(path + "?phone=" + q(d)), 429, "rate_limited")
    finally:
        if sid is not None:
            delete(ctx, sid)
        st.write_config(lookups_per_minute=6000, lookup_burst=1000, lookups_per_day=100000)
        st.restart_daemon()
