"""The e2e harness: test registry, results, the curl client, and the
checks every case shares (the API's error envelope, README.md "The API").

Every response any case receives is also checked against the OpenAPI
document the server serves, by third-party tools in one Node process
(tests/openapi/validate.mjs); a mismatch fails the case that made the
request."""

import atexit
import base64
import json
import os
import select
import subprocess
import tempfile
import time
import traceback

CASES = []
# Set under valgrind: cases that measure time say so instead of failing.
SLOW = False


class CheckFailed(Exception):
    pass


class Skip(Exception):
    """A case that cannot run in this configuration (said, never silent)."""


def case(name, group="api"):
    """Registers fn(ctx) as a test case run once per server."""
    def deco(fn):
        CASES.append((group, name, fn))
        return fn
    return deco


OPENAPI_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openapi")
# What the OpenAPI check found since a case last took it (run_cases does).
OPENAPI_FAILURES = []


_openapi_dir = None


def openapi_dir():
    """The directory of tests/openapi's scripts with their Node packages
    installed (tests/openapi/setup); raises RuntimeError when it cannot."""
    global _openapi_dir
    if _openapi_dir is None:
        p = subprocess.run(["/bin/sh", os.path.join(OPENAPI_DIR, "setup")],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError("tests/openapi/setup: %s%s" % (p.stdout, p.stderr))
        _openapi_dir = p.stdout.strip()
    return _openapi_dir


class OpenApiCheck:
    """The Node validator, started at the first response, kept for the run."""

    def __init__(self):
        self.proc = None
        self.broken = None
        self.count = 0
        self.seconds = 0.0

    def start(self):
        d = openapi_dir()
        self.proc = subprocess.Popen(["node", os.path.join(d, "validate.mjs")], cwd=d,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None, text=True, bufsize=1)
        atexit.register(self.stop)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def ask(self, msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError("no answer (exit status %r)" % self.proc.poll())
        return json.loads(line)

    def check(self, server, method, target, resp):
        """Adds what the document says is wrong with resp to OPENAPI_FAILURES."""
        if self.broken:
            OPENAPI_FAILURES.append("openapi check unavailable: " + self.broken)
            return
        t0 = time.monotonic()
        try:
            if self.proc is None:
                self.start()
            out = self.ask({"base": server.base, "server": server.name, "method": method,
                            "target": target, "status": resp.status, "headers": resp.headers,
                            "body": base64.b64encode(resp.body).decode()})
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as e:
            self.broken = str(e)
            OPENAPI_FAILURES.append("openapi check unavailable: " + self.broken)
            return
        finally:
            self.seconds += time.monotonic() - t0
        self.count += 1
        OPENAPI_FAILURES.extend("openapi: " + e for e in out.get("errors", []))

    def stats(self):
        """{"operationId status": count} over the run, or {}."""
        if self.proc is None or self.broken:
            return {}
        try:
            return self.ask({"stats": True}).get("stats", {})
        except (OSError, RuntimeError, ValueError):
            return {}


OPENAPI = OpenApiCheck()


class Resp:
    def __init__(self, status, headers, body, elapsed, url):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
        self.url = url

    def header(self, name):
        v = self.headers.get(name.lower())
        return v[0] if v else None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise CheckFailed("%s: body is not JSON (%s): %r" %
                              (self.url, e, self.body[:200]))

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.url, self.body[:300])


class Curl:
    """Every request goes through the curl command line, as a client would."""

    def __init__(self, server, tmp):
        self.server = server
        self.tmp = tmp

    @property
    def base(self):
        return self.server.base

    def request(self, path, method="GET", auth=None, apikey=None,
                headers=(), timeout=None, data=None):
        if timeout is None:
            timeout = 90 if SLOW else 20
        fd, bodyf = tempfile.mkstemp(dir=self.tmp)
        os.close(fd)
        hdrf = bodyf + ".h"
        url = self.base + path
        cmd = ["curl", "-sS", "-g", "--path-as-is", "-o", bodyf, "-D", hdrf,
               "-w", "%{http_code} %{time_total}", "--max-time", str(timeout)]
        if method == "HEAD":
            cmd.append("-I")
        elif method != "GET":
            cmd += ["-X", method]
        if auth is not None:
            cmd += ["-H", "Authorization: Bearer " + auth]
        if apikey is not None:
            cmd += ["-H", "x-api-key: " + apikey]
        for h in headers:
            cmd += ["-H", h]
        if data is None and method in ("POST", "PUT", "PATCH"):
            data = "{}"         # a body, so servers see a complete request
            cmd += ["-H", "Content-Type: application/json"]
        if data is not None:
            cmd += ["--data-binary", data]
        cmd.append(url)
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=timeout + 5)
            out = p.stdout.decode().split()
            if p.returncode != 0 or len(out) != 2:
                raise CheckFailed("curl %s failed (%d): %s" %
                                  (url, p.returncode, p.stderr.decode().strip()))
            status, elapsed = int(out[0]), float(out[1])
            with open(bodyf, "rb") as f:
                body = f.read()
            headers_ = {}
            with open(hdrf, "rb") as f:
                blocks = f.read().decode("latin-1").split("\r\n\r\n")
            blocks = [b for b in blocks if b.strip()]
            for line in (blocks[-1].split("\r\n")[1:] if blocks else []):
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers_.setdefault(k.strip().lower(), []).append(v.strip())
            if method == "HEAD":
                body = b""
            r = Resp(status, headers_, body, elapsed, method + " " + path)
            OPENAPI.check(self.server, method, path, r)
            return r
        finally:
            for f in (bodyf, hdrf):
                try:
                    os.unlink(f)
                except OSError:
                    pass


class Ctx:
    """What a case sees: the server, the stack, and check helpers."""

    def __init__(self, server, stack, tmp):
        self.server = server
        self.stack = stack
        self.http = Curl(server, tmp)
        self.other = None
        self.failures = []

    # requests
    def get(self, path, **kw):
        return self.http.request(path, **kw)

    def api(self, path, key="read", **kw):
        """GET with one of the stack's API keys (by role name) or None."""
        if key is not None:
            kw.setdefault("auth", self.stack.keys[key])
        return self.http.request(path, **kw)

    # checks
    def check(self, cond, msg):
        if not cond:
            self.failures.append(msg)
        return bool(cond)

    def eq(self, got, want, msg):
        return self.check(got == want, "%s: got %r, want %r" % (msg, got, want))

    def fatal(self, msg):
        raise CheckFailed(msg)

    def status(self, r, want, msg=""):
        wants = want if isinstance(want, (tuple, list, set)) else (want,)
        return self.check(r.status in wants, "%s%s: status %d, want %s; body %r" %
                          (msg + ": " if msg else "", r.url, r.status, want, r.body[:300]))

    def json_ok(self, r, msg=""):
        """200 with a JSON body; returns the document (or fails the case)."""
        if r.status != 200:
            self.fatal("%s%s: status %d, want 200; body %r" %
                       (msg + ": " if msg else "", r.url, r.status, r.body[:300]))
        ct = r.header("content-type") or ""
        self.check(ct.startswith("application/json"),
                   "%s: Content-Type %r" % (r.url, ct))
        return r.json()

    def error(self, r, status, code, field=None, msg=""):
        """Checks the API's error envelope exactly."""
        where = (msg + ": " if msg else "") + r.url
        if not self.check(r.status == status, "%s: status %d, want %d; body %r" %
                          (where, r.status, status, r.body[:300])):
            return None
        ct = r.header("content-type") or ""
        self.check(ct.startswith("application/json"), "%s: Content-Type %r" % (where, ct))
        doc = r.json()
        err = doc.get("error") if isinstance(doc, dict) else None
        if not self.check(isinstance(doc, dict) and list(doc) == ["error"] and
                          isinstance(err, dict), "%s: not an error envelope: %r" % (where, doc)):
            return None
        self.check(set(err) <= {"code", "message", "details"} and
                   {"code", "message"} <= set(err),
                   "%s: error members %r" % (where, sorted(err)))
        self.eq(err.get("code"), code, where + ": code")
        self.check(isinstance(err.get("message"), str) and err.get("message"),
                   "%s: message %r" % (where, err.get("message")))
        if "details" in err:
            self.check(isinstance(err["details"], dict), "%s: details not an object" % where)
        if code == "validation_error":
            errs = (err.get("details") or {}).get("errors")
            ok = isinstance(errs, list) and errs and all(
                isinstance(e, dict) and set(e) == {"field", "message"} for e in errs)
            if self.check(ok, "%s: details.errors malformed: %r" % (where, err.get("details"))) \
                    and field is not None:
                self.check(field in [e["field"] for e in errs],
                           "%s: details.errors does not name %r: %r" % (where, field, errs))
        if status == 401:
            self.check((r.header("www-authenticate") or "").lower().startswith("bearer"),
                       "%s: 401 without WWW-Authenticate: Bearer (%r)" %
                       (where, r.header("www-authenticate")))
        if status == 405:
            self.check(r.header("allow"), "%s: 405 without Allow" % where)
        if status in (429, 503):
            ra = r.header("retry-after")
            self.check(ra is not None and ra.isdigit() and int(ra) >= 0,
                       "%s: %d without a valid Retry-After (%r)" % (where, status, ra))
        return err

    def bad_param(self, r, field, msg=""):
        """400 validation_error naming field; a server may refuse the same
        request itself (lighttpd rejects control characters in URLs) with a
        plain 400 before wagw sees it."""
        ct = r.header("content-type") or ""
        if r.status == 400 and not ct.startswith("application/json"):
            return
        self.error(r, 400, "validation_error", field, msg)

    def rejected(self, r, statuses, code=None, msg=""):
        """A request the server itself may refuse before the responder sees
        it: any of statuses; when the body is our JSON it must be the
        envelope with code (if given)."""
        where = (msg + ": " if msg else "") + r.url
        if not self.check(r.status in statuses, "%s: status %d, want one of %s; body %r" %
                          (where, r.status, sorted(statuses), r.body[:200])):
            return
        ct = r.header("content-type") or ""
        if ct.startswith("application/json"):
            doc = r.json()
            self.check(isinstance(doc, dict) and "error" in doc,
                       "%s: JSON that is not an error envelope" % where)
            if code and isinstance(doc, dict) and isinstance(doc.get("error"), dict):
                self.eq(doc["error"].get("code"), code, where + ": code")


def run_cases(ctx_factory, cases, log, only=None, skipped=None):
    """Runs cases; returns (passed, failed, names of failed)."""
    passed, failed, names = 0, 0, []
    for group, name, fn in cases:
        if only and not any(o in "%s/%s" % (group, name) for o in only):
            continue
        ctx = ctx_factory()
        label = "%s: %s/%s" % (ctx.server.name, group, name)
        t0 = time.monotonic()
        try:
            fn(ctx)
        except Skip as e:
            if not OPENAPI_FAILURES:
                log("SKIP %s: %s" % (label, e))
                if skipped is not None:
                    skipped.append(label)
                continue
            ctx.failures.append("skipped (%s) after responses the document does not allow" % e)
        except CheckFailed as e:
            ctx.failures.append(str(e))
        except Exception:
            ctx.failures.append("exception:\n" + traceback.format_exc())
        # Every response of the case, checked against the served document.
        ctx.failures += OPENAPI_FAILURES
        del OPENAPI_FAILURES[:]
        dt = time.monotonic() - t0
        if ctx.failures:
            failed += 1
            names.append(label)
            log("FAIL %s (%.1fs)" % (label, dt))
            for f in ctx.failures[:12]:
                log("     " + f.replace("\n", "\n     "))
            if len(ctx.failures) > 12:
                log("     ... %d more" % (len(ctx.failures) - 12))
        else:
            passed += 1
            log("ok   %s (%.1fs)" % (label, dt))
    if OPENAPI.count:
        stats = OPENAPI.stats()
        ops = {k.split()[0] for k in stats if not k.startswith("(")}
        own = ", ".join("%s x%d" % (k, n) for k, n in sorted(stats.items())
                        if k.startswith("(") and not k.startswith("(no") and
                        not k.startswith("(method"))
        log("openapi: %d responses so far checked against the served document in %.1fs; "
            "%d operations answered; the servers' own answers: %s" %
            (OPENAPI.count, OPENAPI.seconds, len(ops), own or "none"))
    return passed, failed, names
