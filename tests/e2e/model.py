"""The simulated WhatsApp network the e2e tests run against, and what the
list endpoint must return for it, computed independently of wagw from the
rules of docs/simulated-network.md and the API (README.md "The API")."""

import unicodedata

SESSION_A = "01HZX8K3M9SESSIONA"      # org1, connected, the main fixture
SESSION_B = "01HZX8K3M9SESSIONB"      # org1, starts disconnected
SESSION_C = "01HZX8K3M9SESSIONC"      # org2
SESSION_D = "01HZX8K3M9SESSIOND"      # org1, in the database, not in the file
SESSION_L = "01HZX8K3M9SESSIONL"      # org1, 237 contacts for paging
SESSION_R = "01HZX8K3M9SESSIONR"      # org1, for the rate limit
SESSION_ODD = "a_b-C_0"               # org1, every kind of allowed character
DB_SESSIONS = {SESSION_A: "org1", SESSION_B: "org1", SESSION_C: "org2",
               SESSION_D: "org1", SESSION_L: "org1", SESSION_R: "org1",
               SESSION_ODD: "org1"}
GROUP1 = "120363021234567890@g.us"
GROUP2 = "120363000000000002@g.us"
GROUP_UNSEEN = "120363999999999999@g.us"
GROUP3 = "120363000000000003-1700000000@g.us"   # session A; the SIGHUP case changes it
CLUBS = 60                            # empty groups of session L, for paging
LARGE_N = 237

ALICE = "205227043110953"
BOB = "99887766554433"
CAROL = "11112222333344"
EMILE = "30000000000001"
STRASSE = "30000000000002"
GREEK = "30000000000003"
JAPAN = "30000000000004"
PCT = "30000000000005"
HANK = "30000000000006"
DORA = "30000000000007"
NEWBIE = "30000000000099"             # added by the SIGHUP test
PAIR_VIEW = "PAIRVIEWNOTINDB"         # the network entry paired phones see
PAIR_ACCOUNT = "6281200000010"


def network(latency_ms=0, slow=1):
    accounts = [
        {"lid": ALICE, "phone": "6281234567890", "name": "Alice",
         "businessName": "Acme Corp", "about": "At work"},
        {"lid": BOB, "phone": "14155550123", "name": "Bob", "aboutHidden": True,
         "about": "secret"},
        {"lid": CAROL},
        {"lid": EMILE, "phone": "33612345678", "name": "ÉMILE Zoë",
         "about": "Bonjour à tous ✨"},
        {"lid": STRASSE, "phone": "4915112345678", "name": "Straße Müller"},
        {"lid": GREEK, "phone": "306912345678", "name": "ΟΔΥΣΣΕΥΣ"},
        {"lid": JAPAN, "phone": "81312345678", "name": "山田太郎"},
        {"lid": PCT, "phone": "12025550100", "name": "100%_sure"},
        {"lid": HANK, "phone": "447700900123", "name": "Hidden Hank"},
        {"lid": DORA, "phone": "5511987654321", "name": "Dora",
         "businessName": "Dora's Café"},
    ]
    large = []
    for i in range(LARGE_N):
        lid = str(40000000000000 + i)
        acc = {"lid": lid, "phone": "1555%07d" % i, "name": "Person %03d" % i}
        accounts.append(acc)
        large.append(lid)
    sessions = {
        SESSION_A: {
            "account": "6281200000001", "connected": True,
            "dms": [ALICE, DORA, GREEK],
            "groups": [
                {"jid": GROUP1, "subject": "Project Team", "description": "Weekly sync",
                 "owner": CAROL, "announce": False, "locked": True,
                 "createdAt": 1700000000000, "members": [
                    {"lid": ALICE, "role": "admin", "tag": "~Alice"},
                    {"lid": BOB, "role": "member", "phoneHidden": True},
                    {"lid": CAROL, "role": "superadmin"},
                    {"lid": HANK, "role": "member", "phoneHidden": True},
                    {"lid": PCT, "role": "member"}]},
                {"jid": GROUP2, "subject": "Amis", "members": [
                    {"lid": EMILE, "role": "admin"},
                    {"lid": STRASSE, "role": "member"},
                    {"lid": JAPAN, "role": "member"},
                    {"lid": BOB, "role": "member"}]},
                {"jid": GROUP3, "subject": "Straßenfest ΟΔΥΣΣΕΥΣ 100%_", "members": [
                    {"lid": EMILE, "role": "superadmin", "tag": "Émile ☕"},
                    {"lid": STRASSE, "role": "member"},
                    {"lid": JAPAN, "role": "admin", "tag": "山田"}]},
            ]},
        # The same group JID as session A's, seen differently.
        SESSION_B: {"account": "6281200000002", "connected": False,
                    "dms": [ALICE], "groups": [
                        {"jid": GROUP1, "subject": "Project Team (B)",
                         "members": [{"lid": ALICE, "role": "member"}]}]},
        SESSION_C: {"account": "6281200000003", "dms": [BOB], "groups": []},
        SESSION_L: {"account": "6281200000004",
                    "dms": [lid for i, lid in enumerate(large) if i % 3 == 0],
                    "groups": [{"jid": "120363000000000777@g.us", "subject": "Big",
                                "members": [{"lid": lid, "role": "admin" if i % 7 == 0
                                             else "member"}
                                            for i, lid in enumerate(large) if i % 3]}] +
                    [{"jid": "1203630000001%05d@g.us" % i, "subject": "Club %02d" % i,
                      "members": []} for i in range(CLUBS)]},
        SESSION_R: {"account": "6281200000005", "dms": [ALICE], "groups": []},
        SESSION_ODD: {"account": "6281200000006", "dms": [BOB], "groups": []},
        "GHOSTSESSIONNOTINDB": {"account": "6281200000009", "dms": [ALICE], "groups": []},
        # What a phone paired by the Sessions tests sees (no such session in the database).
        PAIR_VIEW: {"account": PAIR_ACCOUNT, "dms": [ALICE, DORA], "groups": []},
    }
    # QR codes and phone codes rotate and run out quickly, for the tests.
    pairing = {"qrFirstMs": 6000 * slow, "qrNextMs": 3000 * slow, "qrCount": 3,
               "codeMs": 6000 * slow}
    return {"latencyMs": latency_ms, "pairing": pairing, "accounts": accounts,
            "sessions": sessions}


def fold(s):
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", s).casefold())


def expected(net, session, source=None, group=None, q=None):
    """The items the list endpoint must return, keyed by lid JID."""
    accounts = {a["lid"]: a for a in net["accounts"]}
    s = net["sessions"][session]
    dms = set(s.get("dms", []))
    in_group = {}
    phone_known = set(dms)
    for g in s.get("groups", []):
        for m in g["members"]:
            in_group.setdefault(m["lid"], set()).add(g["jid"])
            if not m.get("phoneHidden"):
                phone_known.add(m["lid"])
    out = {}
    for lid in dms | set(in_group):
        a = accounts.get(lid, {"lid": lid})
        if source == "dm" and lid not in dms:
            continue
        if source == "group" and lid not in in_group:
            continue
        if group is not None and group not in in_group.get(lid, ()):
            continue
        phone = a.get("phone") if lid in phone_known else None
        if q:
            qq = q[1:] if q.startswith("+") else q
            name_hit = a.get("name") is not None and fold(q) in fold(a["name"])
            phone_hit = phone is not None and qq != "" and qq in phone
            if not (name_hit or phone_hit):
                continue
        item = {"lid": lid + "@lid", "source": "dm" if lid in dms else "group"}
        if a.get("name") is not None:
            item["name"] = a["name"]
        if phone is not None:
            item["phoneNumber"] = phone
        if a.get("businessName") is not None:
            item["businessName"] = a["businessName"]
        out[item["lid"]] = item
    return out


def about(net, jid):
    """What the about endpoint must answer for a user JID."""
    user = jid.split("@")[0].split(":")[0]
    for a in net["accounts"]:
        if (jid.endswith("@lid") and a["lid"] == user) or \
                (jid.endswith("@s.whatsapp.net") and a.get("phone") == user):
            return "" if a.get("aboutHidden") else a.get("about", "")
    return ""


def _people(net, session):
    """What the session knows of each person it sees: the contact list's
    items (name, phoneNumber, businessName), by LID digits."""
    return {lid[:-len("@lid")]: it for lid, it in expected(net, session).items()}


def groups(net, session, q=None):
    """The groups endpoint's items, in the order the file lists them (the
    order the session first saw them), without firstSeenAt/updatedAt."""
    out = []
    for g in net["sessions"][session].get("groups", []):
        if q and (g.get("subject") is None or fold(q) not in fold(g["subject"])):
            continue
        item = {"groupJid": g["jid"]}
        for src, dst in (("subject", "subject"), ("description", "description")):
            if g.get(src) not in (None, ""):
                item[dst] = g[src]
        if g.get("owner") is not None:
            item["ownerJid"] = g["owner"] + "@lid"
        item["participantCount"] = len(g.get("members", []))
        if g.get("announce") is not None:
            item["isAnnounce"] = g["announce"]
        if g.get("locked") is not None:
            item["isLocked"] = g["locked"]
        if g.get("createdAt") is not None:
            item["createdAtWa"] = g["createdAt"]
        out.append(item)
    return out


def members(net, session, jid, role=None):
    """The members endpoint's items, keyed by LID JID, without the times."""
    people = _people(net, session)
    for g in net["sessions"][session].get("groups", []):
        if g["jid"] != jid:
            continue
        out = {}
        for m in g.get("members", []):
            r = m.get("role", "member")
            if role and r != role:
                continue
            item = {"lid": m["lid"] + "@lid"}
            p = people.get(m["lid"], {})
            for k in ("phoneNumber", "name"):
                if k in p:
                    item[k] = p[k]
            item["role"] = r
            if m.get("tag"):
                item["tag"] = m["tag"]
            out[item["lid"]] = item
        return out
    return None


def contact(net, session, lid):
    """The contact endpoint's answer for LID digits (times left out), or None."""
    people = _people(net, session)
    if lid not in people:
        return None
    s = net["sessions"][session]
    accounts = {a["lid"]: a for a in net["accounts"]}
    it = people[lid]
    ident = {"lid": lid + "@lid"}
    if "phoneNumber" in it:
        ident["phoneNumber"] = it["phoneNumber"]
        ident["phoneJid"] = it["phoneNumber"] + "@s.whatsapp.net"
    for k in ("name", "businessName"):
        if k in it:
            ident[k] = it[k]
    gs = []
    for g in s.get("groups", []):
        for m in g.get("members", []):
            if m["lid"] == lid:
                e = {"jid": g["jid"]}
                if g.get("subject"):
                    e["name"] = g["subject"]
                e["role"] = m.get("role", "member")
                if m.get("tag"):
                    e["tag"] = m["tag"]
                gs.append(e)
    assert lid in accounts
    return {"identity": ident, "dm": lid in set(s.get("dms", [])), "groups": gs}
