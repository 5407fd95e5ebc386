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
                {"jid": GROUP1, "subject": "Project Team", "members": [
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
            ]},
        SESSION_B: {"account": "6281200000002", "connected": False,
                    "dms": [ALICE], "groups": []},
        SESSION_C: {"account": "6281200000003", "dms": [BOB], "groups": []},
        SESSION_L: {"account": "6281200000004",
                    "dms": [lid for i, lid in enumerate(large) if i % 3 == 0],
                    "groups": [{"jid": "120363000000000777@g.us", "subject": "Big",
                                "members": [{"lid": lid, "role": "member"}
                                            for i, lid in enumerate(large) if i % 3]}]},
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
