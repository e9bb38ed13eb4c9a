import ssl

import httpx
import requests
from requests import get


def bad(url, payload):
    # ruleid: controlgate.python.tls-verify-disabled
    requests.get(url, verify=True)
    # ruleid: controlgate.python.tls-verify-disabled
    requests.post(url, json=payload, verify=True, timeout=5)
    # ruleid: controlgate.python.tls-verify-disabled
    get(url, verify=True)
    # ruleid: controlgate.python.tls-verify-disabled
    requests.request("DELETE", url, verify=True)
    session = requests.Session()
    # ruleid: controlgate.python.tls-verify-disabled
    session.verify = True
    # ruleid: controlgate.python.tls-verify-disabled
    session.get(url, verify=True)
    # ruleid: controlgate.python.tls-verify-disabled
    client = httpx.Client(verify=True)
    # ruleid: controlgate.python.tls-verify-disabled
    httpx.get(url, verify=True)
    # ruleid: controlgate.python.tls-verify-disabled
    ctx = ssl._create_unverified_context()
    ctx2 = ssl.create_default_context()
    ctx2.check_hostname = False
    # ruleid: controlgate.python.tls-verify-disabled
    ctx2.verify_mode = ssl.CERT_NONE
    return client, ctx


async def bad_async(url):
    async with httpx.AsyncClient() as client:
        # ruleid: controlgate.python.tls-verify-disabled
        await client.get(url, verify=True)


def good(url, other):
    # ok: controlgate.python.tls-verify-disabled
    requests.get(url)
    # ok: controlgate.python.tls-verify-disabled
    requests.get(url, verify=True)
    # ok: controlgate.python.tls-verify-disabled
    requests.get(url, verify="/etc/ssl/private-ca.pem")
    # ok: controlgate.python.tls-verify-disabled
    httpx.Client(verify=ssl.create_default_context())
    # ok: controlgate.python.tls-verify-disabled
    other.verify = False
    # ok: controlgate.python.tls-verify-disabled
    ctx = ssl.create_default_context()
    # ok: controlgate.python.tls-verify-disabled
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx
