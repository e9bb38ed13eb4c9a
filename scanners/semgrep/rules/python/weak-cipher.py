from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def bad(key, iv):
    # ruleid: controlgate.python.weak-cipher
    a = DES.new(key, DES.MODE_CBC, iv)
    # ruleid: controlgate.python.weak-cipher
    b = ARC4.new(key)
    # ruleid: controlgate.python.weak-cipher
    c = AES.new(key, AES.MODE_ECB)
    # ruleid: controlgate.python.weak-cipher
    d = Cipher(algorithms.AES(key), modes.ECB())
    # ruleid: controlgate.python.weak-cipher
    e = Cipher(algorithms.TripleDES(key), modes.CBC(iv))
    return a, b, c, d, e


def good(key, iv, nonce):
    # ok: controlgate.python.weak-cipher
    a = AES.new(key, AES.MODE_GCM, nonce=nonce)
    # ok: controlgate.python.weak-cipher
    b = Cipher(algorithms.AES(key), modes.GCM(iv))
    # ok: controlgate.python.weak-cipher
    c = AESGCM(key)
    return a, b, c
