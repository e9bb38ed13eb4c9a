import json
import pickle
import cPickle
import dill
from pickle import loads as pickle_loads


def bad(blob, path, sock):
    # ruleid: controlgate.python.pickle-deserialization
    obj = pickle.loads(blob)
    with open(path, "rb") as fh:
        # ruleid: controlgate.python.pickle-deserialization
        obj = pickle.load(fh)
    # ruleid: controlgate.python.pickle-deserialization
    obj = pickle_loads(sock.recv(4096))
    # ruleid: controlgate.python.pickle-deserialization
    obj = cPickle.loads(blob)
    # ruleid: controlgate.python.pickle-deserialization
    obj = dill.loads(blob)
    # ruleid: controlgate.python.pickle-deserialization
    obj = pickle.Unpickler(open(path, "rb")).load()
    return obj


def good(obj, blob):
    # ok: controlgate.python.pickle-deserialization
    data = pickle.dumps(obj)
    # ok: controlgate.python.pickle-deserialization
    value = json.loads(blob)
    # ok: controlgate.python.pickle-deserialization
    dill.dumps(obj)
    return data, value
