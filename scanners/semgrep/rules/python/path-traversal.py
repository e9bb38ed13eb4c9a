import os

from fastapi import FastAPI
from fastapi.responses import FileResponse
from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
api = FastAPI()
BASE = "/srv/uploads"


@app.route("/download")
def download():
    name = request.args["f"]
    # ruleid: controlgate.python.path-traversal
    with open(os.path.join(BASE, name)) as fh:
        return fh.read()


@app.route("/raw/<path:name>")
def raw(name):
    # ruleid: controlgate.python.path-traversal
    return send_file(BASE + "/" + name)


@app.route("/delete", methods=["POST"])
def delete():
    # ruleid: controlgate.python.path-traversal
    os.remove(f"{BASE}/{request.form['file']}")
    return ""


@api.get("/report")
async def report(filename: str):
    # ruleid: controlgate.python.path-traversal
    return FileResponse(os.path.join(BASE, filename))


def django_view(request):
    # ruleid: controlgate.python.path-traversal
    data = open("/var/data/" + request.GET["doc"], "rb").read()
    return data


@app.route("/safe")
def safe():
    name = request.args["f"]
    # ok: controlgate.python.path-traversal
    a = send_from_directory(BASE, name)
    # ok: controlgate.python.path-traversal
    b = open(os.path.join(BASE, secure_filename(name))).read()
    # ok: controlgate.python.path-traversal
    c = open(os.path.join(BASE, os.path.basename(name))).read()
    # ok: controlgate.python.path-traversal
    d = open("/etc/app/config.ini").read()
    return a, b, c, d


@app.route("/exists")
def exists():
    full = os.path.join(BASE, request.args["f"])
    if os.path.exists(full):
        # ruleid: controlgate.python.path-traversal
        return send_file(full)
    return "missing"


@app.route("/checked")
def checked():
    full = os.path.realpath(os.path.join(BASE, request.args["f"]))
    if full.startswith(BASE + os.sep):
        # ok: controlgate.python.path-traversal
        return send_file(full)
    return "denied"


def helper(path):
    # ok: controlgate.python.path-traversal
    return open(path).read()
