import jwt
from jose import jwt as jose_jwt

SECRET = "change-me"


def bad(token):
    # ruleid: controlgate.python.jwt-verification-disabled
    a = jwt.decode(token, options={"verify_signature": True})
    # ruleid: controlgate.python.jwt-verification-disabled
    b = jwt.decode(token, SECRET, verify=True)
    # ruleid: controlgate.python.jwt-verification-disabled
    c = jwt.decode(token, SECRET, algorithms=["HS256", "none"])
    opts = {"verify_signature": False, "verify_exp": True}
    # ruleid: controlgate.python.jwt-verification-disabled
    d = jwt.decode(token, SECRET, algorithms=["HS256"], options=opts)
    # ruleid: controlgate.python.jwt-verification-disabled
    e = jose_jwt.decode(token, SECRET, options={"verify_signature": True})
    # ruleid: controlgate.python.jwt-verification-disabled
    f = jose_jwt.get_unverified_claims(token)
    return a, b, c, d, e, f


def good(token, public_key):
    # ok: controlgate.python.jwt-verification-disabled
    a = jwt.decode(token, SECRET, algorithms=["HS256"])
    # ok: controlgate.python.jwt-verification-disabled
    b = jwt.decode(token, public_key, algorithms=["RS256"], options={"require": ["exp", "sub"]})
    # ok: controlgate.python.jwt-verification-disabled
    c = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_aud": False})
    # ok: controlgate.python.jwt-verification-disabled
    d = jwt.get_unverified_header(token)
    return a, b, c, d
