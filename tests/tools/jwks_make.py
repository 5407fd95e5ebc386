#!/usr/bin/python3
"""jwks_make.py - print a public JWKS (RFC 7517) made from PEM keys.

Usage: jwks_make.py [KID=]PEMFILE[@ALG] ...

Each PEMFILE is a private or public key: RSA, EC P-256/P-384/P-521 or
Ed25519 (e.g. from `openssl genpkey`).  KID sets the key's "kid" (none
when omitted); @ALG adds an "alg" member.  Every key gets "use": "sig".
Only public parts are written.  Uses python3-cryptography, not wagw.

Example:
  openssl genpkey -algorithm ED25519 -out ed.pem
  jwks_make.py k1=rsa.pem k2=ec256.pem@ES256 ed.pem > jwks.json
"""
import base64
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n, size=None):
    if size is None:
        size = (n.bit_length() + 7) // 8 or 1
    return b64(n.to_bytes(size, "big"))


def load(path):
    data = open(path, "rb").read()
    try:
        key = serialization.load_pem_private_key(data, password=None)
        return key.public_key()
    except (ValueError, TypeError):
        return serialization.load_pem_public_key(data)


CURVES = {"secp256r1": ("P-256", 32), "secp384r1": ("P-384", 48),
          "secp521r1": ("P-521", 66)}


def jwk(pub):
    if isinstance(pub, rsa.RSAPublicKey):
        nums = pub.public_numbers()
        return {"kty": "RSA", "n": uint(nums.n), "e": uint(nums.e)}
    if isinstance(pub, ec.EllipticCurvePublicKey):
        crv, size = CURVES[pub.curve.name]
        nums = pub.public_numbers()
        return {"kty": "EC", "crv": crv, "x": uint(nums.x, size),
                "y": uint(nums.y, size)}
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw,
                               serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
    raise SystemExit("unsupported key type: %s" % type(pub).__name__)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    keys = []
    for arg in argv:
        kid, alg = None, None
        if "=" in arg:
            kid, arg = arg.split("=", 1)
        if "@" in arg:
            arg, alg = arg.rsplit("@", 1)
        k = {}
        if kid:
            k["kid"] = kid
        k.update(jwk(load(arg)))
        k["use"] = "sig"
        if alg:
            k["alg"] = alg
        keys.append(k)
    json.dump({"keys": keys}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
