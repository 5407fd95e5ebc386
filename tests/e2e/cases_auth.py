"""The authentication matrix of issue 4, end to end: tokens signed at test
time by tests/tools/jwt_sign.py (python3-cryptography) with keys made by
openssl, API keys made by wagw-admin."""

import os
import time

import model
from harness import case
from model import SESSION_A, SESSION_C
from stack import ALG_KEY

LIST = "/api/v1/sessions/%s/contacts?limit=1" % SESSION_A
LIST_C = "/api/v1/sessions/%s/contacts?limit=1" % SESSION_C
ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
        "ES256", "ES384", "ES512", "EdDSA"]


def ok(ctx, r, what):
    if ctx.check(r.status == 200, "%s: status %d, want 200; body %r" % (what, r.status, r.body[:200])):
        doc = r.json()
        ctx.check(isinstance(doc, dict) and "data" in doc, "%s: not a page" % what)


def unauthorized(ctx, r, what):
    ctx.error(r, 401, "unauthorized", msg=what)


# ---------------------------------------------------------------- JWT

@case("jwt: every algorithm with a fresh good token", "auth")
def _(ctx):
    toks = ctx.stack.tokens([{"alg": a} for a in ALGS])
    for alg, tok in zip(ALGS, toks):
        ok(ctx, ctx.get(LIST, auth=tok), alg)
        ok(ctx, ctx.get(LIST, auth=tok), alg + " again")


@case("jwt: no credential, garbage -> 401 with WWW-Authenticate", "auth")
def _(ctx):
    unauthorized(ctx, ctx.get(LIST), "none")
    for bad in ("garbage", "a.b.c", "a.b", "...", "eyJhbGciOiJFUzI1NiJ9.e30.", "wa_",
                "wa_nonsense", "Bearer x"):
        unauthorized(ctx, ctx.get(LIST, auth=bad), repr(bad))
    for h in ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Bearer",
              "Authorization: bearer", "Authorization: Token abc", "Authorization:"):
        unauthorized(ctx, ctx.get(LIST, headers=[h]), h)
    # the credential comes before everything else, even a 404
    unauthorized(ctx, ctx.get("/api/v1/sessions/NOSUCH/contacts"), "unknown session")
    unauthorized(ctx, ctx.get("/api/v1/sessions/%s/contacts/check?phone=x" % SESSION_A), "check")
    unauthorized(ctx, ctx.get("/api/v1/sessions/%s/contacts/1@lid/about" % SESSION_A), "about")


@case("jwt: bad signatures and forged algorithms -> 401", "auth")
def _(ctx):
    st = ctx.stack
    good = st.token("ES256")
    h, p, s = good.split(".")
    flipped = s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1]
    rsapub = os.path.join(st.keydir, "rsa.pub.pem")
    toks = st.tokens([
        {"alg": "ES256", "der": True},                       # DER, not JOSE r||s
        {"alg": "none", "key": "rsa", "kid": "rsa"},
        {"alg": "none", "key": "rsa", "kid": None},
        {"alg": "HS256", "key": rsapub, "kid": "rsa"},       # public key as HMAC secret
        {"alg": "HS256", "key": rsapub, "kid": None},
        {"alg": "RS256", "key": "stranger", "kid": "rsa"},   # someone else's key
        {"alg": "RS256", "kid": "no-such-kid"},              # unknown kid
        {"alg": "ES256", "key": "p256", "kid": "p384"},      # curve does not match the key
        {"alg": "ES384", "key": "p384", "kid": "p256"},
        {"alg": "RS256", "key": "rsa", "kid": "p256"},       # type does not match
        {"alg": "EdDSA", "key": "ed", "kid": "rsa"},
        {"alg": "ES256", "header": {"crit": ["x-unknown"], "x-unknown": 1}},
    ])
    cases = [("flipped signature", h + "." + p + "." + flipped),
             ("short signature", h + "." + p + "." + s[:-4]),
             ("signature of another payload", h + "." + st.token("ES256", claims=st.claims(
                 org="org2")).split(".")[1] + "." + s)]
    names = ["DER signature", "alg none", "alg none without kid", "HS256 with RSA public key",
             "HS256 without kid", "stranger's key", "unknown kid", "P-256 sig, P-384 kid",
             "P-384 sig, P-256 kid", "RS256 with EC kid", "EdDSA with RSA kid", "unknown crit"]
    cases += list(zip(names, toks))
    for what, tok in cases:
        unauthorized(ctx, ctx.get(LIST, auth=tok), what)


@case("jwt: time claims, iss and aud", "auth")
def _(ctx):
    st = ctx.stack
    now = int(time.time())
    c = st.claims
    bad = {"expired": c(exp_in=-3600),
           "expired past the leeway": c(exp_in=-120),
           "no exp": dict(c(), exp=None),
           "not yet valid": c(nbf=now + 3600),
           "issued in the future": c(iat=now + 3600),
           "wrong iss": c(iss="https://evil.example"),
           "wrong aud": c(aud="someone-else"),
           "aud list without us": c(aud=["a", "b"]),
           "no iss": dict(c(), iss=None),
           "no aud": dict(c(), aud=None),
           "exp a string": c(exp=str(now + 300))}
    good = {"aud as a list": c(aud=["other", "wagw-e2e"]),
            "expired within the leeway": c(exp_in=-20),
            "nbf within the leeway": c(nbf=now + 20)}
    algs = ["ES256", "RS256"]
    reqs = []
    for claims in list(bad.values()) + list(good.values()):
        clean = {k: v for k, v in claims.items() if v is not None}
        for a in algs:
            reqs.append({"alg": a, "claims": clean})
    toks = iter(st.tokens(reqs))
    for what in bad:
        for a in algs:
            unauthorized(ctx, ctx.get(LIST, auth=next(toks)), "%s (%s)" % (what, a))
    for what in good:
        for a in algs:
            ok(ctx, ctx.get(LIST, auth=next(toks)), "%s (%s)" % (what, a))


@case("jwt: roles, organizations, capabilities", "auth")
def _(ctx):
    st = ctx.stack
    c = st.claims
    specs = [("member of org1 on org1", c(role="member"), LIST, 200),
             ("owner of org1 on org1", c(role="owner"), LIST, 200),
             ("admin of org1 on org1", c(role="admin"), LIST, 200),
             ("member of org1 on org2's session", c(role="member"), LIST_C, 404),
             ("owner of org2 on org2", c(org="org2", role="owner"), LIST_C, 200),
             ("org2 on org1's session", c(org="org2", role="owner"), LIST, 404),
             ("super_admin acting for org2 on org1",
              dict(c(org="org2", role="member"), role="super_admin"), LIST, 200),
             ("no role in the org", c(role=None), LIST, 403),
             ("unknown role", c(role="guest"), LIST, 403),
             ("no organization", dict(c(), activeOrganizationId=None), LIST, (403, 404)),
             # matches nothing; a token with a NUL in a claim may also be refused
             ("organization with NUL", c(org="org1\u0000x"), LIST, (401, 403, 404)),
             ("organization differing in case", c(org="ORG1", role="owner"), LIST, 404)]
    toks = st.tokens([{"alg": "ES256", "claims": {k: v for k, v in s[1].items() if v is not None}}
                      for s in specs])
    for (what, _, path, want), tok in zip(specs, toks):
        r = ctx.get(path, auth=tok)
        wants = want if isinstance(want, tuple) else (want,)
        if r.status == 200 and 200 in wants:
            continue
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(r.status)
        if ctx.check(r.status in wants, "%s: status %d, want %s; %r" %
                     (what, r.status, want, r.body[:200])) and code:
            ctx.error(r, r.status, code, msg=what)


@case("jwt: 8 KiB + 1 token rejected", "auth")
def _(ctx):
    st = ctx.stack
    tok = st.token("ES256", claims=st.claims(pad="x" * 8200))
    r = ctx.get(LIST, auth=tok)
    ctx.rejected(r, {400, 401, 413, 431}, "unauthorized")


@case("jwt: JWKS rotation without restart", "auth")
def _(ctx):
    st = ctx.stack
    old = st.token("ES256")
    ok(ctx, ctx.get(LIST, auth=old), "before rotation")
    # new key added, p256 removed
    newkey = os.path.join(st.keydir, "p256b.pem")
    import subprocess
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", newkey], check=True, capture_output=True)
    try:
        st.write_jwks(["rsa", "p256b", "p384", "p521", "ed"])
        fresh = st.token("ES256", key="p256b")
        deadline = time.monotonic() + 5
        r = None
        while time.monotonic() < deadline:
            r = ctx.get(LIST, auth=fresh)
            if r.status == 200:
                break
            time.sleep(0.3)
        ok(ctx, r, "new key after rotation")
        old2 = st.token("ES256")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            r = ctx.get(LIST, auth=old2)
            if r.status == 401:
                break
            time.sleep(0.3)
        unauthorized(ctx, r, "removed key after rotation")
        # a broken JWKS file keeps the keys in use
        with open(st.jwks_file, "w") as f:
            f.write("{ this is not json")
        time.sleep(1.5)
        ok(ctx, ctx.get(LIST, auth=st.token("ES256", key="p256b")), "broken JWKS keeps keys")
    finally:
        st.write_jwks(["rsa", "p256", "p384", "p521", "ed"])
        time.sleep(1.2)


# ---------------------------------------------------------------- API keys

@case("api key: Bearer and x-api-key", "auth")
def _(ctx):
    k = ctx.stack.keys["read"]
    ok(ctx, ctx.get(LIST, auth=k), "Bearer")
    ok(ctx, ctx.get(LIST, apikey=k), "x-api-key")
    ok(ctx, ctx.get(LIST, auth=ctx.stack.keys["all"]), "all permissions")


@case("api key: unknown, altered, revoked, expired -> 401", "auth")
def _(ctx):
    st = ctx.stack
    k = st.keys["read"]
    for what, key in (("unknown", "wa_" + "A" * (len(k) - 3)),
                      ("last char altered", k[:-1] + ("A" if k[-1] != "A" else "B")),
                      ("truncated", k[:-3]), ("extended", k + "x"),
                      ("revoked", st.keys["revoked"]), ("expired", st.keys["expired"])):
        unauthorized(ctx, ctx.get(LIST, auth=key), what + " (Bearer)")
        unauthorized(ctx, ctx.get(LIST, apikey=key), what + " (x-api-key)")


@case("api key: wrong permissions -> 403, other org -> 404", "auth")
def _(ctx):
    st = ctx.stack
    ctx.error(ctx.get(LIST, auth=st.keys["sendonly"]), 403, "forbidden")
    ctx.error(ctx.get("/api/v1/sessions/%s/contacts/check?phone=%%2B14155550123" % SESSION_A,
                      apikey=st.keys["sendonly"]), 403, "forbidden")
    # 403 comes before 404
    ctx.error(ctx.get("/api/v1/sessions/NOSUCH/contacts", auth=st.keys["sendonly"]),
              403, "forbidden")
    ctx.error(ctx.get(LIST_C, auth=st.keys["read"]), 404, "not_found")
    ctx.error(ctx.get(LIST, auth=st.keys["org2read"]), 404, "not_found")
    ok(ctx, ctx.get(LIST_C, auth=st.keys["org2read"]), "org2 key on org2")


@case("api key: revoked while servers run", "auth")
def _(ctx):
    st = ctx.stack
    name = "revoke-live-" + ctx.server.name
    key = st.key_create(name)
    ok(ctx, ctx.get(LIST, auth=key), "before revoke")
    st.admin("key", "revoke", st.key_ids[name])
    unauthorized(ctx, ctx.get(LIST, auth=key), "after revoke")
    unauthorized(ctx, ctx.get(LIST, apikey=key), "after revoke, x-api-key")


@case("api key: last use recorded", "auth")
def _(ctx):
    import json
    st = ctx.stack
    name = "lastuse-" + ctx.server.name
    key = st.key_create(name)
    ok(ctx, ctx.get(LIST, auth=key), "use")
    deadline = time.monotonic() + 5
    used = None
    while time.monotonic() < deadline:
        keys = json.loads(st.admin("key", "list", "--json").stdout)
        used = [k.get("lastUsedAt") for k in keys if k["name"] == name]
        if used and used[0]:
            break
        time.sleep(0.2)
    ctx.check(used and used[0], "lastUsedAt not recorded: %r" % used)


@case("jwt: token without kid", "auth")
def _(ctx):
    st = ctx.stack
    # one key of the JWKS fits each of these algorithms
    for alg in ("RS256", "ES256", "EdDSA"):
        ok(ctx, ctx.get(LIST, auth=st.token(alg, kid=None)), alg + " without kid")
    # two RSA keys: a token without kid names no key
    st.write_jwks(["rsa", "stranger", "p256", "p384", "p521", "ed"])
    try:
        tok = st.token("RS256", kid=None)
        deadline = time.monotonic() + 5
        r = ctx.get(LIST, auth=tok)
        while r.status != 401 and time.monotonic() < deadline:
            time.sleep(0.3)
            r = ctx.get(LIST, auth=tok)
        unauthorized(ctx, r, "RS256 without kid, two RSA keys")
        ok(ctx, ctx.get(LIST, auth=st.token("RS256", kid="rsa")), "RS256 with kid, two RSA keys")
        ok(ctx, ctx.get(LIST, auth=st.token("RS256", key="stranger", kid="stranger")),
           "the second RSA key by kid")
    finally:
        st.write_jwks(["rsa", "p256", "p384", "p521", "ed"])
        time.sleep(1.2)
