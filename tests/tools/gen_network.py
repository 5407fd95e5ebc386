#!/usr/bin/python3
"""Writes a simulated WhatsApp network (docs/simulated-network.md) for
wagw-sessiond: N accounts, and S sessions that each see C contacts through
direct chats and groups.  Deterministic for a given --seed.

Usage:
  gen_network.py [options] OUT.json

  --accounts N      accounts in the world (default: max(--contacts, 1000))
  --sessions S      sessions (default 1), ids PREFIX00001, PREFIX00002, ...
  --prefix P        session id prefix (default BENCH)
  --contacts C      distinct people each session sees (default 1000)
  --dm-ratio R      share of them with a direct chat (default 0.2)
  --group-size G    members per group (default 256)
  --hidden R        share of group members with phoneHidden (default 0.1)
  --no-phone R      share of accounts without a visible number (default 0.05)
  --latency MS      latencyMs (default 0)
  --disconnected K  the first K sessions start with "connected": false
  --seed X          random seed (default 1)
  --print-sessions  print the session ids on stdout, one per line

Accounts: lid 100000000000000+i, phone 4915000000000+i (digits, no '+'),
name "Person i"; every 7th has a businessName, every 5th an about, every
11th hides it.  Session k (from 0) sees the accounts [k*step, k*step+C)
modulo N, step = max(1, (N - C) // S), so sessions overlap when N is small.

Examples:
  # the 100,000-contact benchmark: one session that sees 10^5 people
  gen_network.py --contacts 100000 --print-sessions net.json
  # 1,000 sessions with 100 contacts each
  gen_network.py --sessions 1000 --contacts 100 --accounts 20000 net.json
Then register the printed session ids (wagw-admin session add ID --org ORG)
and point [sessiond] sim_network at OUT.json.
"""
import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--accounts", type=int, default=0)
    ap.add_argument("--sessions", type=int, default=1)
    ap.add_argument("--prefix", default="BENCH")
    ap.add_argument("--contacts", type=int, default=1000)
    ap.add_argument("--dm-ratio", type=float, default=0.2)
    ap.add_argument("--group-size", type=int, default=256)
    ap.add_argument("--hidden", type=float, default=0.1)
    ap.add_argument("--no-phone", type=float, default=0.05)
    ap.add_argument("--latency", type=int, default=0)
    ap.add_argument("--disconnected", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--print-sessions", action="store_true")
    a = ap.parse_args()
    n = a.accounts or max(a.contacts, 1000)
    if a.contacts > n or a.contacts < 1 or a.sessions < 1 or a.group_size < 1:
        sys.exit("gen_network.py: need 1 <= --contacts <= --accounts, "
                 "--sessions >= 1, --group-size >= 1")
    if not 0 <= a.latency <= 60000:
        sys.exit("gen_network.py: --latency must be 0-60000")
    rnd = random.Random(a.seed)

    accounts = []
    for i in range(n):
        acc = {"lid": str(100000000000000 + i)}
        if rnd.random() >= a.no_phone:
            acc["phone"] = str(4915000000000 + i)
        acc["name"] = "Person %d" % i
        if i % 7 == 0:
            acc["businessName"] = "Business %d" % i
        if i % 5 == 0:
            acc["about"] = "About person %d" % i
        if i % 11 == 0:
            acc["aboutHidden"] = True
        accounts.append(acc)

    step = max(1, (n - a.contacts) // a.sessions)
    sessions = {}
    ids = []
    for k in range(a.sessions):
        sid = "%s%05d" % (a.prefix, k + 1)
        ids.append(sid)
        seen = [accounts[(k * step + j) % n]["lid"] for j in range(a.contacts)]
        ndm = int(len(seen) * a.dm_ratio)
        groups = []
        rest = seen[ndm:]
        for g in range(0, len(rest), a.group_size):
            members = []
            for lid in rest[g:g + a.group_size]:
                m = {"lid": lid}
                r = rnd.random()
                if r < 0.02:
                    m["role"] = "superadmin"
                elif r < 0.1:
                    m["role"] = "admin"
                if rnd.random() < a.hidden:
                    m["phoneHidden"] = True
                if rnd.random() < 0.05:
                    m["tag"] = "~tag%d" % (g + len(members))
                members.append(m)
            groups.append({"jid": "1203630%06d%06d@g.us" % (k, g // a.group_size),
                           "subject": "Group %d of %s" % (g // a.group_size, sid),
                           "members": members})
        s = {"account": str(493000000000 + k), "dms": seen[:ndm], "groups": groups}
        if k < a.disconnected:
            s["connected"] = False
        sessions[sid] = s

    with open(a.out, "w") as f:
        json.dump({"latencyMs": a.latency, "accounts": accounts,
                   "sessions": sessions}, f, separators=(",", ":"))
        f.write("\n")
    if a.print_sessions:
        print("\n".join(ids))


if __name__ == "__main__":
    main()
