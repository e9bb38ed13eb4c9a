import re


def bad(text):
    # ruleid: controlgate.python.regex-redos
    a = re.compile(r"^(a+)+$")
    # ruleid: controlgate.python.regex-redos
    b = re.match(r"(.*)*x", text)
    # ruleid: controlgate.python.regex-redos
    c = re.search(r"^(\w+\s?)*$", text)
    # ruleid: controlgate.python.regex-redos
    d = re.fullmatch(r"([a-z0-9]+)*@example\.com", text)
    # ruleid: controlgate.python.regex-redos
    e = re.compile("(\\d+)+")
    return a, b, c, d, e


def good(text):
    # ok: controlgate.python.regex-redos
    a = re.compile(r"^\w+(\s\w+)*$")
    # ok: controlgate.python.regex-redos
    b = re.match(r"(ab)+", text)
    # ok: controlgate.python.regex-redos
    c = re.search(r"(\w+,)*\w+", text)
    # ok: controlgate.python.regex-redos
    d = re.compile(r"^[a-z]+$")
    # ok: controlgate.python.regex-redos
    e = re.findall(r"(a|b)+", text)
    # ok: controlgate.python.regex-redos
    f = re.compile(r"(\d{3})+")
    return a, b, c, d, e, f
