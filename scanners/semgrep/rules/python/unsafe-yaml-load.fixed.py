import yaml
from yaml import CSafeLoader, SafeLoader


def bad(data, path):
    # ruleid: controlgate.python.unsafe-yaml-load
    cfg = yaml.safe_load(data)
    # ruleid: controlgate.python.unsafe-yaml-load
    cfg = yaml.load(data, Loader=yaml.Loader)
    # ruleid: controlgate.python.unsafe-yaml-load
    cfg = yaml.load(data, Loader=yaml.UnsafeLoader)
    # ruleid: controlgate.python.unsafe-yaml-load
    cfg = yaml.load(data, yaml.FullLoader)
    # ruleid: controlgate.python.unsafe-yaml-load
    cfg = yaml.safe_load(data)
    with open(path) as fh:
        # ruleid: controlgate.python.unsafe-yaml-load
        docs = list(yaml.load_all(fh, Loader=yaml.Loader))
    # ruleid: controlgate.python.unsafe-yaml-load
    docs = yaml.safe_load_all(data)
    return cfg, docs


def good(data):
    # ok: controlgate.python.unsafe-yaml-load
    a = yaml.safe_load(data)
    # ok: controlgate.python.unsafe-yaml-load
    b = yaml.load(data, Loader=yaml.SafeLoader)
    # ok: controlgate.python.unsafe-yaml-load
    c = yaml.load(data, Loader=CSafeLoader)
    # ok: controlgate.python.unsafe-yaml-load
    d = yaml.load(data, SafeLoader)
    # ok: controlgate.python.unsafe-yaml-load
    e = list(yaml.load_all(data, Loader=yaml.SafeLoader))
    # ok: controlgate.python.unsafe-yaml-load
    f = yaml.load(data, Loader=yaml.BaseLoader)
    # ok: controlgate.python.unsafe-yaml-load
    g = yaml.safe_dump(a)
    return a, b, c, d, e, f, g


def ruamel_roundtrip(fd):
    from ruamel.yaml import YAML

    yaml = YAML()
    # ok: controlgate.python.unsafe-yaml-load
    return yaml.load(fd)
