"""The e2e harness: test registry, results, the curl client, and the
checks every case shares (the API's error envelope, README.md "The API")."""

import json
import os
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
            return Resp(status, headers_, body, elapsed, method + " " + path)
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
            log("SKIP %s: %s" % (label, e))
            if skipped is not None:
                skipped.append(label)
            continue
        except CheckFailed as e:
            ctx.failures.append(str(e))
        except Exception:
            ctx.failures.append("exception:\n" + traceback.format_exc())
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
    return passed, failed, names
