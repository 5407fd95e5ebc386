"""The real wagw stack a test run drives: a SQLite database made by the real
wagw-admin, a real wagw-sessiond on a temporary socket with a simulated
network file, test-time signing keys with their JWKS, real API keys.

Files are laid out as a Debian install would need them: the web servers
drop to www-data, so the database directory (SQLite's WAL files), the
socket, the config and the JWKS are reachable by that user; the daemon
and wagw-admin run as www-data too, so everything they create is too."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import time

import model

WWW_UID = 33
WWW_GID = 33
ISSUER = "https://auth.example.test"
AUDIENCE = "wagw-e2e"
ORIGIN = "https://app.example.test"

# alg -> (key name, openssl genpkey arguments)
KEYS = {
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "p521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    "ed": ["-algorithm", "ED25519"],
}
ALG_KEY = {"RS256": "rsa", "RS384": "rsa", "RS512": "rsa",
           "PS256": "rsa", "PS384": "rsa", "PS512": "rsa",
           "ES256": "p256", "ES384": "p384", "ES512": "p521", "EdDSA": "ed"}


def find_binary(builddir, names):
    for n in names:
        p = os.path.join(builddir, n)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return os.path.abspath(p)
    return None


class Stack:
    def __init__(self, srcdir, builddir, tmp, log):
        self.srcdir = srcdir
        self.tmp = tmp
        self.log = log
        self.fcgi = find_binary(builddir, ["cgi-bin/wagw.fcgi", "src/gateway/wagw.fcgi"])
        self.admin_bin = find_binary(builddir, ["src/admin/wagw-admin", "wagw-admin"])
        self.sessiond_bin = find_binary(builddir, ["src/sessiond/wagw-sessiond",
                                                   "wagw-sessiond"])
        # Copies in the temporary directory: www-data runs them, and the
        # build tree may be where www-data cannot go (a clone under /root).
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir, exist_ok=True)
        os.chmod(bindir, 0o755)
        for attr in ("fcgi", "admin_bin", "sessiond_bin"):
            src = getattr(self, attr)
            if src is not None:
                dst = os.path.join(bindir, os.path.basename(src))
                shutil.copy2(src, dst)
                os.chmod(dst, 0o755)
                setattr(self, attr, dst)
        self.tools = os.path.join(srcdir, "tests", "tools")
        self.etc = os.path.join(tmp, "etc")
        self.dbdir = os.path.join(tmp, "db")
        self.rundir = os.path.join(tmp, "run")
        self.logdir = os.path.join(tmp, "log")
        self.keydir = os.path.join(tmp, "keys")
        for d in (self.etc, self.dbdir, self.rundir, self.logdir, self.keydir):
            os.makedirs(d, exist_ok=True)
        for d in (self.dbdir, self.rundir, self.logdir):
            os.chown(d, WWW_UID, WWW_GID)
            os.chmod(d, 0o750)
        os.chmod(self.keydir, 0o700)   # private keys: root (the harness) only
        self.config = os.path.join(self.etc, "wagw.conf")
        self.network_file = os.path.join(self.etc, "network.json")
        self.jwks_file = os.path.join(self.etc, "jwks.json")
        self.db = os.path.join(self.dbdir, "wagw.db")
        self.socket = os.path.join(self.rundir, "sessiond.sock")
        self.daemon = None
        self.daemon_log = os.path.join(self.logdir, "sessiond.log")
        self.wrapper = []       # e.g. valgrind and its options
        # The daemon's and wagw-admin's user, and who else may use the
        # socket; run_as() changes them for the own-user set-up.
        self.uid, self.gid = WWW_UID, WWW_GID
        self.allowed_users = "www-data"
        self.net = model.network()
        self.keys = {}
        self.key_ids = {}
        self.limits = dict(lookups_per_minute=6000, lookup_burst=1000,
                           lookups_per_day=100000, check_cache_s=86400)
        self.default_link = "sim"
        self.version_url = ""       # WhatsApp Web's version is never fetched
        self.fakewa = None          # the fake WhatsApp server, once started
        self.fakewa_ready = {}

    def missing(self):
        return [n for n, p in (("wagw.fcgi", self.fcgi), ("wagw-admin", self.admin_bin),
                               ("wagw-sessiond", self.sessiond_bin)) if p is None]

    # ---- files ----
    def write_config(self, **limits):
        self.limits.update(limits)
        text = """# written by tests/e2e
[store]
database = {db}

[sessiond]
socket = {sock}
link = {link}
sim_network = {net}
credentials_key_file = {dbdir}/credentials.key
lookup_timeout_ms = {lookup_timeout_ms}
lookups_per_minute = {lookups_per_minute}
lookup_burst = {lookup_burst}
lookups_per_day = {lookups_per_day}
check_cache_s = {check_cache_s}
allowed_users = {allowed_users}

[whatsapp]
url = {wa_url}
ca_file = {wa_ca}
noise_root_key = {wa_root}
version_url = {version_url}

[auth]
jwks_file = {jwks}
jwt_issuer = {iss}
jwt_audience = {aud}
jwt_leeway_s = 60

[http]
cors_origins = {origin}
""".format(db=self.db, sock=self.socket, net=self.network_file, jwks=self.jwks_file,
           iss=ISSUER, aud=AUDIENCE, origin=ORIGIN, dbdir=self.dbdir,
           link=self.default_link, lookup_timeout_ms=self.lookup_timeout_ms(),
           wa_url=self.fakewa_ready.get("url", "wss://web.whatsapp.com/ws/chat"),
           wa_ca=os.path.join(self.etc, "fakewa-cert.pem") if self.fakewa_ready else "",
           wa_root=self.fakewa_ready.get("rootPub", ""), version_url=self.version_url,
           allowed_users=self.allowed_users, **self.limits)
        with open(self.config, "w") as f:
            f.write(text)
        if self.gid == WWW_GID:
            os.chmod(self.config, 0o644)
        else:                   # the own-user set-up: the daemon's group only
            os.chown(self.config, 0, self.gid)
            os.chmod(self.config, 0o640)

    @staticmethod
    def lookup_timeout_ms():
        """The daemon's lookup deadline: longer under valgrind, where a
        pairing code's PBKDF2 alone takes seconds."""
        import harness
        return 8000 if harness.SLOW else 2000

    def write_network(self):
        tmp = self.network_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.net, f, ensure_ascii=False, indent=1)
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.network_file)

    def make_keys(self):
        for name, args in KEYS.items():
            pem = os.path.join(self.keydir, name + ".pem")
            subprocess.run(["openssl", "genpkey"] + args + ["-out", pem],
                           check=True, capture_output=True)
            pub = os.path.join(self.keydir, name + ".pub.pem")
            subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-out", pub],
                           check=True, capture_output=True)
        # A key that is in no JWKS: a valid signature by a stranger.
        subprocess.run(["openssl", "genpkey"] + KEYS["rsa"] +
                       ["-out", os.path.join(self.keydir, "stranger.pem")],
                       check=True, capture_output=True)
        self.write_jwks(["rsa", "p256", "p384", "p521", "ed"])

    def write_jwks(self, names):
        args = ["%s=%s" % (n, os.path.join(self.keydir, n + ".pem")) for n in names]
        out = subprocess.run(["/usr/bin/python3", os.path.join(self.tools, "jwks_make.py")]
                             + args, check=True, capture_output=True, text=True).stdout
        tmp = self.jwks_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(out)
        os.chmod(tmp, 0o644)
        os.rename(tmp, self.jwks_file)

    def claims(self, org="org1", role="member", exp_in=300, **extra):
        now = int(time.time())
        c = {"sub": "user-e2e", "iss": ISSUER, "aud": AUDIENCE,
             "iat": now, "exp": now + exp_in, "activeOrganizationId": org}
        if role is not None:
            c["orgRole"] = role
        c.update(extra)
        return {k: v for k, v in c.items() if v is not None}

    def tokens(self, reqs):
        """Signs tokens with the auth helper's tool (python3-cryptography,
        not wagw).  reqs: dicts with alg, optional key (name in keydir, or a
        path), kid (default: the key name), claims, header, header_raw,
        payload_raw, der."""
        lines = []
        for r in reqs:
            r = dict(r)
            keyname = r.pop("key", None) or ALG_KEY.get(r["alg"], "rsa")
            path = keyname if os.path.sep in keyname else \
                os.path.join(self.keydir, keyname + ".pem")
            kid = r.pop("kid", keyname)
            r.setdefault("claims", self.claims())
            lines.append(json.dumps(dict(r, key=path, kid=kid)))
        p = subprocess.run(["/usr/bin/python3", os.path.join(self.tools, "jwt_sign.py"),
                            "--batch"], input="\n".join(lines) + "\n",
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("jwt_sign.py: " + p.stderr)
        out = p.stdout.split()
        if len(out) != len(reqs):
            raise RuntimeError("jwt_sign.py printed %d tokens for %d" % (len(out), len(reqs)))
        return out

    def token(self, alg="ES256", **kw):
        return self.tokens([dict(kw, alg=alg)])[0]

    def run_as(self, uid, gid, allowed_users):
        """The own-user set-up (tests/e2e/cases_hardened.py): the daemon
        and wagw-admin run as uid:gid, which own the database and socket
        directories (0750); the responders' user is allowed_users.  Call
        before setup()."""
        self.uid, self.gid = uid, gid
        self.allowed_users = allowed_users
        for d in (self.dbdir, self.rundir, self.logdir):
            os.chown(d, uid, gid)

    # ---- programs ----
    def as_www(self):
        """The daemon's and wagw-admin's user (www-data unless run_as)."""
        return dict(user=self.uid, group=self.gid, extra_groups=[])

    def admin(self, *args, check=True):
        p = subprocess.run([self.admin_bin, "--config", self.config] + list(args),
                           capture_output=True, text=True, timeout=30, **self.as_www())
        if check and p.returncode != 0:
            raise RuntimeError("wagw-admin %s: exit %d: %s" %
                               (" ".join(args), p.returncode, p.stderr.strip()))
        return p

    def key_create(self, name, org="org1", perms="read", expires=None):
        args = ["key", "create", "--org", org, "--permissions", perms, "--name", name]
        if expires:
            args += ["--expires-in", str(expires)]
        secret = self.admin(*args).stdout
        lines = secret.splitlines()
        if len(lines) != 1 or not lines[0].startswith("wa_"):
            raise RuntimeError("wagw-admin key create printed %r" % secret)
        keys = json.loads(self.admin("key", "list", "--json").stdout)
        ids = [k["id"] for k in keys if k.get("name") == name]
        if len(ids) != 1:
            raise RuntimeError("key list --json: %d keys named %s" % (len(ids), name))
        self.keys[name] = lines[0]
        self.key_ids[name] = ids[0]
        return lines[0]

    def start_daemon(self, wait=True):
        if self.daemon is not None and self.daemon.poll() is None:
            raise RuntimeError("daemon already running")
        out = open(self.daemon_log, "ab")
        self.daemon = subprocess.Popen(self.wrapper + [self.sessiond_bin, "--config", self.config,
                                        "--foreground"], stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True, **self.as_www())
        out.close()
        if wait:
            self.wait_daemon()

    def wait_daemon(self, timeout=15, session=model.SESSION_A):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.daemon.poll() is not None:
                raise RuntimeError("wagw-sessiond exited with %d; see %s" %
                                   (self.daemon.returncode, self.daemon_log))
            if os.path.exists(self.socket):
                p = self.admin("session", "status", session, check=False)
                if p.returncode == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("wagw-sessiond did not answer within %ds" % timeout)

    def stop_daemon(self, sig=signal.SIGTERM):
        if self.daemon is None:
            return None
        if self.daemon.poll() is None:
            self.daemon.send_signal(sig)
            try:
                self.daemon.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        rc = self.daemon.returncode
        self.daemon = None
        return rc

    def restart_daemon(self, forget_limits=False):
        self.stop_daemon()
        if forget_limits:
            con = sqlite3.connect(self.db, timeout=5)
            try:
                con.execute("DELETE FROM session_limits")
                con.commit()
            finally:
                con.close()
        self.start_daemon()
        self.wait_stored()
        self.wait_connected()

    def ping(self):
        """The daemon's ping answer (its counters), over its socket."""
        s = socket.socket(socket.AF_UNIX)
        try:
            s.settimeout(5)
            s.connect(self.socket)
            payload = json.dumps({"id": 1, "op": "ping"}).encode()
            s.sendall(b"WG\x01\x01" + struct.pack(">I", len(payload)) + payload)
            buf = b""
            while len(buf) < 8 or len(buf) < 8 + struct.unpack(">I", buf[4:8])[0]:
                chunk = s.recv(65536)
                if not chunk:
                    raise RuntimeError("the daemon closed the connection")
                buf += chunk
            return json.loads(buf[8:8 + struct.unpack(">I", buf[4:8])[0]])
        finally:
            s.close()

    def wait_connected(self, sessions=(model.SESSION_A, model.SESSION_R), timeout=15):
        """Waits until the daemon itself says each session is working (the
        stored status may still be the last daemon's)."""
        import harness
        end = time.monotonic() + timeout * (6 if harness.SLOW else 1)
        for sid in sessions:
            while True:
                out = self.admin("session", "status", sid, check=False).stdout
                if out.rstrip("\n").split("\t")[1:2] == ["working"]:
                    break
                if time.monotonic() > end:
                    raise RuntimeError("session %s not connected: %r" % (sid, out))
                time.sleep(0.1)

    def stored_counts(self):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=5)
        try:
            rows = con.execute("SELECT s.id, count(c.id) FROM sessions s "
                               "LEFT JOIN contacts c ON c.session = s.sid GROUP BY s.id")
            return dict(rows.fetchall())
        finally:
            con.close()

    def wait_stored(self, timeout=20):
        """Waits until the daemon has stored what each session sees."""
        want = {s: len(model.expected(self.net, s)) for s in model.DB_SESSIONS
                if s in self.net["sessions"]}
        end = time.monotonic() + timeout
        got = None
        while time.monotonic() < end:
            got = self.stored_counts()
            if all(got.get(s, 0) >= n for s, n in want.items()):
                return
            time.sleep(0.1)
        raise RuntimeError("the daemon did not store the network: have %r, want %r" %
                           (got, want))

    # ---- the whole thing ----
    def setup(self):
        import harness
        if harness.SLOW:
            self.net = model.network(slow=5)
        self.start_fakewa()
        self.write_network()
        self.make_keys()
        self.write_config()
        self.admin("init")
        for org, name in (("org1", "Org One"), ("org2", "Org Two")):
            self.admin("org", "add", org, "--name", name)
        for sid, org in model.DB_SESSIONS.items():
            self.admin("session", "add", sid, "--org", org, "--label", "e2e " + sid)
        self.key_create("read")
        self.key_create("all", perms="read,send,manage,events")
        self.key_create("sendonly", perms="send,manage,events")
        self.key_create("org2read", org="org2")
        self.key_create("org2all", org="org2", perms="read,send,manage,events")
        self.key_create("expired", expires=1)
        self.key_create("revoked")
        self.admin("key", "revoke", self.key_ids["revoked"])
        # wagw-admin cannot make a key that is already expired (DAYS >= 1):
        # move this one's expiry into the past, as time would.
        con = sqlite3.connect(self.db, timeout=5)
        with con:
            n = con.execute("UPDATE api_keys SET expires_ms = ? WHERE id = ?",
                            (int(time.time() * 1000) - 60000,
                             self.key_ids["expired"])).rowcount
        con.close()
        if n != 1:
            raise RuntimeError("could not expire the test key")
        self.start_daemon()
        self.wait_stored()
        self.wait_connected()

    def teardown(self):
        self.stop_daemon()
        self.stop_fakewa()

    # ---- the fake WhatsApp server (tests/wa/fakewa) ----
    def start_fakewa(self):
        """Starts fakewa over TLS with a throwaway certificate; its ready
        line (URL, Noise root, control port) goes into the config."""
        wa = os.path.join(self.srcdir, "tests", "wa")
        if shutil.which("node") is None:
            raise RuntimeError("node not found: apt-get install nodejs npm")
        if not os.path.isdir(os.path.join(wa, "node_modules", "baileys")):
            subprocess.run("npm ci --ignore-scripts --no-audit --no-fund --loglevel=error"
                           " || npm install --ignore-scripts --no-audit --no-fund"
                           " --loglevel=error", shell=True, cwd=wa, check=True)
        cert = os.path.join(self.etc, "fakewa-cert.pem")
        key = os.path.join(self.keydir, "fakewa-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                        cert, "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1"],
                       check=True, capture_output=True)
        os.chmod(cert, 0o644)
        ready = os.path.join(self.logdir, "fakewa-ready.json")
        env = dict(os.environ)
        if int(subprocess.run(["node", "-p", "process.versions.node.split('.')[0]"],
                              capture_output=True, text=True).stdout) < 19:
            env["NODE_OPTIONS"] = env.get("NODE_OPTIONS", "") + " --experimental-global-webcrypto"
        log = open(os.path.join(self.logdir, "fakewa.log"), "ab")
        self.fakewa = subprocess.Popen(
            ["node", os.path.join(wa, "fakewa", "main.mjs"), "--cert", cert, "--key", key,
             "--fixtures", os.path.join(wa, "fakewa", "fixtures.json"), "--ready-file",
             ready, "--exit-with-parent"], stdout=subprocess.DEVNULL, stderr=log, env=env)
        log.close()
        end = time.monotonic() + 30
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if self.fakewa.poll() is not None or time.monotonic() > end:
                raise RuntimeError("fakewa did not start; see %s/fakewa.log" % self.logdir)
            time.sleep(0.1)
        with open(ready) as f:
            self.fakewa_ready = json.loads(f.read())

    def stop_fakewa(self):
        if self.fakewa is not None and self.fakewa.poll() is None:
            self.fakewa.terminate()
            try:
                self.fakewa.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.fakewa.kill()
        self.fakewa = None

    def fakewa_ctl(self, method, path, body=None, timeout=30):
        """fakewa's control API: (status, JSON answer)."""
        import urllib.error
        import urllib.request
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.fakewa_ready["control"], path), method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def set_default_link(self, link):
        """Restarts the daemon with another link for new sessions."""
        self.default_link = link
        self.stop_daemon()
        self.write_config()
        self.start_daemon()
        self.wait_connected()

    def logs(self):
        try:
            with open(self.daemon_log, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""
