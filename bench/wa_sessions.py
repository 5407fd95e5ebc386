#!/usr/bin/python3
"""The client side of bench/wa_sessions.sh: talks to wagw-sessiond over its
Unix socket (docs/sessiond-protocol.md) and to fakewa's control API.

  wa_sessions.py pair SOCK CTL N CONC IDS     create N sessions, pair them by QR
  wa_sessions.py count SOCK IDS               how many are working (one line: N)
  wa_sessions.py checks SOCK IDS SECONDS CONNS DEPTH
                                              checks/s, one phone per check
  wa_sessions.py reconnect SOCK CTL IDS DOWN_S TIMEOUT_S
                                              fakewa /stop, /start; until all work

Each command prints "key value" lines that the shell script reads.
"""

import json
import random
import socket
import struct
import sys
import threading
import time
import urllib.request

HDR = struct.Struct(">2sBBI")
ORG = "bench"
ON = ["15551110001", "15551110002", "15551110003", "15551110004"]  # fixtures.json users


class Daemon:
    """One connection to the daemon; requests may be pipelined."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.next_id = 0

    def send(self, obj):
        self.next_id += 1
        obj = dict(obj, id=self.next_id)
        p = json.dumps(obj, separators=(",", ":")).encode()
        self.s.sendall(HDR.pack(b"WG", 1, 1, len(p)) + p)
        return self.next_id

    def send_many(self, objs):
        out, ids = [], []
        for o in objs:
            self.next_id += 1
            ids.append(self.next_id)
            p = json.dumps(dict(o, id=self.next_id), separators=(",", ":")).encode()
            out.append(HDR.pack(b"WG", 1, 1, len(p)) + p)
        self.s.sendall(b"".join(out))
        return ids

    def recv(self):
        h = self.f.read(8)
        if len(h) < 8:
            raise EOFError("the daemon closed the connection")
        magic, _, _, n = HDR.unpack(h)
        if magic != b"WG":
            raise ValueError("bad frame")
        return json.loads(self.f.read(n))

    def call(self, obj):
        i = self.send(obj)
        r = self.recv()
        if r.get("id") != i:
            raise ValueError("reply %r to request %d" % (r, i))
        return r

    def statuses(self, ids):
        """{session: status} for every id, pipelined in chunks of 60."""
        out = {}
        for k in range(0, len(ids), 60):
            chunk = ids[k:k + 60]
            rids = self.send_many({"op": "status", "session": s} for s in chunk)
            by = dict(zip(rids, chunk))
            for _ in chunk:
                r = self.recv()
                out[by[r["id"]]] = r.get("state", r.get("error"))
        return out


def ctl(port, method, path, body=None, timeout=120):
    req = urllib.request.Request(
        "http://127.0.0.1:%d%s" % (port, path), method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.load(r)


def status_of(r):
    return r.get("session", {}).get("status")


def pair_one(d, port, i):
    """Creates session i, waits for its QR, has fakewa's phone scan it and
    waits until it is working.  Returns (session id, seconds)."""
    t0 = time.monotonic()
    r = d.call({"op": "session_create", "org": ORG, "label": "bench %d" % i, "start": True})
    if "error" in r:
        raise RuntimeError("session_create: %r" % r)
    sid, seq = r["session"]["id"], r["seq"]
    while "pairing" not in r:
        r = d.call({"op": "session_wait", "session": sid, "after": seq, "timeoutMs": 60000})
        if "error" in r or status_of(r) in ("failed", "logged_out", "stopped"):
            raise RuntimeError("%s while waiting for the QR: %r" % (sid, r))
        seq = r["seq"]
    ans = ctl(port, "POST", "/scan", {"qr": r["pairing"]["code"], "phone": str(15552000000 + i)})
    if not ans.get("ok"):
        raise RuntimeError("%s: /scan: %r" % (sid, ans))
    while status_of(r) != "working":
        r = d.call({"op": "session_wait", "session": sid, "after": seq, "timeoutMs": 60000})
        if "error" in r or status_of(r) in ("failed", "logged_out", "stopped"):
            raise RuntimeError("%s while logging in after pairing: %r" % (sid, r))
        seq = r["seq"]
    return sid, time.monotonic() - t0


def cmd_pair(sock, port, n, conc, idsfile):
    n, conc = int(n), int(conc)
    port = int(port)
    lock = threading.Lock()
    todo = iter(range(n))
    done, errors = [], []

    def worker():
        d = Daemon(sock)
        while True:
            with lock:
                if errors:
                    return
                i = next(todo, None)
            if i is None:
                return
            try:
                sid, dt = pair_one(d, port, i)
            except Exception as e:  # noqa: BLE001 - reported, stops the run
                with lock:
                    errors.append("session %d: %s" % (i, e))
                return
            with lock:
                done.append((i, sid, dt))
                if len(done) % 100 == 0:
                    print("   paired %d/%d" % (len(done), n), file=sys.stderr, flush=True)

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(min(conc, n))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.monotonic() - t0
    if errors:
        sys.exit("pairing failed: " + "; ".join(errors[:3]))
    done.sort()
    with open(idsfile, "w") as f:
        for _, sid, _ in done:
            f.write(sid + "\n")
    each = sorted(dt for _, _, dt in done)
    print("pair_wall %.2f" % wall)
    print("pair_rate %.1f" % (n / wall))
    print("pair_p50 %.3f" % each[len(each) // 2])
    print("pair_max %.3f" % each[-1])


def read_ids(idsfile):
    with open(idsfile) as f:
        return [x.strip() for x in f if x.strip()]


def cmd_count(sock, idsfile):
    st = Daemon(sock).statuses(read_ids(idsfile))
    print(sum(1 for v in st.values() if v == "working"))


def cmd_checks(sock, idsfile, seconds, conns, depth):
    """CONNS connections, each keeping DEPTH checks in flight, round-robin
    over every session; one phone per check, never the same (session,
    phone) twice in flight (no joining), a quarter of them on WhatsApp."""
    ids = read_ids(idsfile)
    seconds, conns, depth = float(seconds), int(conns), int(depth)
    counts, errs, lat = [0] * conns, [], []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(k):
        d = Daemon(sock)
        rnd = random.Random(k)
        sent, inflight, n, mylat = k, {}, 0, []

        def one():
            nonlocal sent
            sid = ids[sent % len(ids)]
            sent += conns
            phone = ON[sent % 4] if sent % 4 == 0 else "1999%07d" % rnd.randrange(10 ** 7)
            i = d.send({"op": "check", "session": sid, "phones": [phone]})
            inflight[i] = time.monotonic()

        for _ in range(depth):
            one()
        while inflight:
            r = d.recv()
            t = inflight.pop(r["id"])
            if "error" in r:
                with lock:
                    errs.append(r)
            else:
                n += 1
                mylat.append(time.monotonic() - t)
            if time.monotonic() < stop:
                one()
        counts[k] = n
        with lock:
            lat.extend(mylat)

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.monotonic() - t0
    lat.sort()
    total = sum(counts)
    print("checks_ok %d" % total)
    print("checks_err %d" % len(errs))
    if errs:
        print("checks_first_err %s" % json.dumps(errs[0]))
    print("checks_wall %.2f" % wall)
    print("checks_rate %.0f" % (total / wall))
    if lat:
        print("checks_p50_ms %.1f" % (lat[len(lat) // 2] * 1e3))
        print("checks_p99_ms %.1f" % (lat[int(len(lat) * 0.99)] * 1e3))


def cmd_reconnect(sock, port, idsfile, down_s, timeout_s):
    ids = read_ids(idsfile)
    port, down_s, timeout_s = int(port), float(down_s), float(timeout_s)
    d = Daemon(sock)
    t_stop = time.monotonic()
    ctl(port, "POST", "/stop")
    # Every session has seen the server go (none left working).
    while True:
        st = d.statuses(ids)
        up = sum(1 for v in st.values() if v == "working")
        if up == 0 or time.monotonic() - t_stop > 60:
            break
        time.sleep(0.05)
    t_down = time.monotonic() - t_stop
    time.sleep(max(0.0, down_s - t_down))
    t_start = time.monotonic()
    ctl(port, "POST", "/start")
    first = {}
    samples = []
    while len(first) < len(ids) and time.monotonic() - t_start < timeout_s:
        st = d.statuses(ids)
        now = time.monotonic() - t_start
        for s, v in st.items():
            if v == "working" and s not in first:
                first[s] = now
        samples.append((now, len(first)))
        time.sleep(0.1)
    ts = sorted(first.values())
    print("rc_noticed_s %.2f" % t_down)
    print("rc_down_s %.2f" % (t_start - t_stop))
    print("rc_working %d" % len(first))
    print("rc_total %d" % len(ids))
    if ts:
        print("rc_p50_s %.2f" % ts[len(ts) // 2])
        print("rc_p90_s %.2f" % ts[int(len(ts) * 0.9)])
        print("rc_all_s %s" % ("%.2f" % ts[-1] if len(ts) == len(ids) else "never"))
    # How the count grew, about once a second, for the README.
    line, last = [], -1.0
    for j, (t, k) in enumerate(samples):
        if t - last >= 1.0 or j == len(samples) - 1:
            line.append("%.1fs:%d" % (t, k))
            last = t
    print("rc_curve %s" % " ".join(line))


def main():
    cmds = {"pair": cmd_pair, "count": cmd_count, "checks": cmd_checks,
            "reconnect": cmd_reconnect}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
