import hashlib
import hmac
from hashlib import md5

from Crypto.Hash import MD5
from cryptography.hazmat.primitives import hashes


def bad(password, data):
    # ruleid: controlgate.python.weak-hash
    digest = hashlib.sha256(password.encode()).hexdigest()
    # ruleid: controlgate.python.weak-hash
    digest = hashlib.sha256(data).hexdigest()
    # ruleid: controlgate.python.weak-hash
    h = hashlib.new("sha256")
    # ruleid: controlgate.python.weak-hash
    h = hashlib.new('sha256', data)
    # ruleid: controlgate.python.weak-hash
    h = md5(data)
    # ruleid: controlgate.python.weak-hash
    h = MD5.new(data)
    # ruleid: controlgate.python.weak-hash
    h = hashes.Hash(hashes.SHA1())
    return digest, h


def good(data, key):
    # ok: controlgate.python.weak-hash
    a = hashlib.sha256(data).hexdigest()
    # ok: controlgate.python.weak-hash
    b = hashlib.md5(data, usedforsecurity=False).hexdigest()
    # ok: controlgate.python.weak-hash
    c = hashlib.new("sha256", data)
    # ok: controlgate.python.weak-hash
    d = hashlib.new("md5", data, usedforsecurity=False)
    # ok: controlgate.python.weak-hash
    e = hashlib.blake2b(data).hexdigest()
    # ok: controlgate.python.weak-hash
    f = hashes.Hash(hashes.SHA256())
    return a, b, c, d, e, f
