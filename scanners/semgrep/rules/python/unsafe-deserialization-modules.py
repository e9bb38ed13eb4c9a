import json
import marshal

import jsonpickle


def load(blob, text, fh):
    # ruleid: controlgate.python.unsafe-deserialization-modules
    a = marshal.loads(blob)
    # ruleid: controlgate.python.unsafe-deserialization-modules
    b = marshal.load(fh)
    # ruleid: controlgate.python.unsafe-deserialization-modules
    c = jsonpickle.decode(text)
    return a, b, c


def dump(obj, text):
    # ok: controlgate.python.unsafe-deserialization-modules
    a = marshal.dumps(obj)
    # ok: controlgate.python.unsafe-deserialization-modules
    b = jsonpickle.encode(obj)
    # ok: controlgate.python.unsafe-deserialization-modules
    c = json.loads(text)
    return a, b, c
