import urllib.request

import httpx
import requests
from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()


@app.route("/fetch")
def fetch():
    url = request.args.get("url")
    # ruleid: controlgate.python.ssrf-request-url
    return requests.get(url, timeout=5).text


@app.route("/proxy", methods=["POST"])
def proxy():
    target = request.json["target"]
    # ruleid: controlgate.python.ssrf-request-url
    resp = urllib.request.urlopen(target)
    # ruleid: controlgate.python.ssrf-request-url
    requests.post(url="http://" + target + "/hook", json={}, timeout=5)
    return resp.read()


@api.get("/preview")
async def preview(link: str):
    async with httpx.AsyncClient() as client:
        # ruleid: controlgate.python.ssrf-request-url
        r = await client.get(link)
    return r.text


def django_view(request):
    # ruleid: controlgate.python.ssrf-request-url
    return requests.request("GET", request.GET["u"], timeout=5)


@app.route("/user/<user_id>")
def user(user_id):
    q = request.args.get("q", "")
    # ok: controlgate.python.ssrf-request-url
    a = requests.get(f"https://api.example.com/users/{user_id}", timeout=5)
    # ok: controlgate.python.ssrf-request-url
    b = requests.get("https://api.example.com/search", params={"q": q}, timeout=5)
    # ok: controlgate.python.ssrf-request-url
    c = requests.get("https://api.example.com/items/" + q, timeout=5)
    # ok: controlgate.python.ssrf-request-url
    d = requests.get("https://status.example.com/health", timeout=5)
    return a, b, c, d


def internal(url):
    # ok: controlgate.python.ssrf-request-url
    return requests.get(url, timeout=5)
