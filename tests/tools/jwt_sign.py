#!/usr/bin/python3
r"""jwt_sign.py - sign a compact JWS (a test JWT) with python3-cryptography.

Usage:
  jwt_sign.py KEYFILE ALG KID CLAIMS_JSON [options]
  jwt_sign.py --batch < requests.jsonl      (one token per input line)

KEYFILE  PEM private key (RSA, EC P-256/384/521, Ed25519); for HS* any
         file, whose raw bytes are the HMAC secret (e.g. a public key PEM,
         for the key-confusion attack).
ALG      RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA,
         HS256/384/512, or "none" (empty signature).
KID      the header's "kid", or "-" for none.
CLAIMS_JSON  the payload, e.g. '{"sub":"u1","exp":1900000000}'
         (compute times yourself, e.g. $(($(date +%s)+300))).

Options (tests of malformed tokens):
  --header JSON       members merged into the header (e.g. '{"crit":["x"]}')
  --header-raw TEXT   the header's exact JSON text (replaces the header)
  --payload-raw TEXT  the payload's exact JSON text (replaces CLAIMS_JSON)
  --der               ECDSA signature DER-encoded instead of JOSE r||s
  --length N          add a "pad" claim (and header filler) so that the
                      token is exactly N characters long

In --batch mode each input line is a JSON object with members key, alg,
kid (null for none), claims, and optionally header, header_raw,
payload_raw, der, length - same meaning as above.

Example (a one-hour login JWT for org "acme", role owner):
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem
  jwt_sign.py ec.pem ES256 k2 "{\"sub\":\"u1\",\"exp\":$(($(date +%s)+3600)),
      \"activeOrganizationId\":\"acme\",\"orgRole\":\"owner\"}"
"""
import base64
import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature)

HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
SIZE = {"ES256": 32, "ES384": 48, "ES512": 66}


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(keyfile, alg, data, der=False):
    raw = open(keyfile, "rb").read()
    if alg == "none":
        return b""
    if alg.startswith("HS"):
        return hmac.new(raw, data, getattr(hashlib, "sha" + alg[2:])).digest()
    key = serialization.load_pem_private_key(raw, password=None)
    if alg.startswith("RS"):
        return key.sign(data, padding.PKCS1v15(), HASH[alg[2:]]())
    if alg.startswith("PS"):
        h = HASH[alg[2:]]()
        return key.sign(data, padding.PSS(mgf=padding.MGF1(h),
                                          salt_length=h.digest_size), h)
    if alg.startswith("ES"):
        sig = key.sign(data, ec.ECDSA(HASH[alg[2:]]()))
        if der:
            return sig
        r, s = decode_dss_signature(sig)
        n = SIZE[alg]
        return r.to_bytes(n, "big") + s.to_bytes(n, "big")
    if alg == "EdDSA":
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise SystemExit("EdDSA needs an Ed25519 key")
        return key.sign(data)
    raise SystemExit("unknown alg " + alg)


def token(key, alg, kid, claims, header=None, header_raw=None,
          payload_raw=None, der=False):
    if header_raw is None:
        h = {"alg": alg, "typ": "JWT"}
        if kid is not None:
            h["kid"] = kid
        h.update(header or {})
        header_raw = json.dumps(h, separators=(",", ":"))
    if payload_raw is None:
        payload_raw = json.dumps(claims, separators=(",", ":"))
    data = (b64(header_raw.encode()) + "." +
            b64(payload_raw.encode())).encode()
    return data.decode() + "." + b64(sign(key, alg, data, der))


def token_of_length(n, key, alg, kid, claims, header=None, der=False):
    # Signature lengths do not depend on the payload (RSA, EdDSA, ES*
    # raw), so lengths are computed on unsigned tokens, then signed once.
    def unsigned(pad, fill):
        h = dict(header or {})
        if fill:
            h["f"] = "x" * fill
        return dict(claims, pad="p" * pad), h
    sig_len = len(token(key, alg, kid, claims, header, der=der).rsplit(".", 1)[1])
    for fill in range(4):
        for pad in range(n):
            c, h = unsigned(pad, fill)
            hh = {"alg": alg, "typ": "JWT"}
            if kid is not None:
                hh["kid"] = kid
            hh.update(h)
            length = (len(b64(json.dumps(hh, separators=(",", ":")).encode())) +
                      len(b64(json.dumps(c, separators=(",", ":")).encode())) +
                      2 + sig_len)
            if length == n:
                t = token(key, alg, kid, c, h, der=der)
                if len(t) != n:
                    raise SystemExit("signature length changed")
                return t
            if length > n:
                break
    raise SystemExit("cannot reach length %d" % n)


def make(r):
    if r.get("length"):
        return token_of_length(r["length"], r["key"], r["alg"], r.get("kid"),
                               r.get("claims") or {}, r.get("header"),
                               r.get("der", False))
    return token(r["key"], r["alg"], r.get("kid"), r.get("claims"),
                 r.get("header"), r.get("header_raw"), r.get("payload_raw"),
                 r.get("der", False))


def main(argv):
    if argv[:1] == ["--batch"]:
        for line in sys.stdin:
            if not line.strip():
                continue
            print(make(json.loads(line)))
        return 0
    if len(argv) < 4 or argv[0] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    key, alg, kid, claims = argv[:4]
    opts = {"header": None, "header_raw": None, "payload_raw": None,
            "der": False, "length": None}
    rest = argv[4:]
    while rest:
        o = rest.pop(0)
        if o == "--der":
            opts["der"] = True
        elif o == "--length" and rest:
            opts["length"] = int(rest.pop(0))
        elif o in ("--header", "--header-raw", "--payload-raw") and rest:
            v = rest.pop(0)
            opts[o[2:].replace("-", "_")] = json.loads(v) if o == "--header" else v
        else:
            sys.stderr.write(__doc__)
            return 2
    r = dict(opts, key=key, alg=alg, kid=None if kid == "-" else kid,
             claims=json.loads(claims) if opts["payload_raw"] is None else None)
    print(make(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
