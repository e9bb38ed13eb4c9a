import base64
import json
import marshal
import pickle
import shelve

import jsonpickle
import torch
import yaml
from fastapi import FastAPI, Request
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()


@app.route("/restore", methods=["POST"])
def restore():
    # ruleid: controlgate.python.deserialization-of-request-data
    state = pickle.loads(base64.b64decode(request.form["state"]))
    # ruleid: controlgate.python.deserialization-of-request-data
    code = marshal.loads(request.get_data())
    # ruleid: controlgate.python.deserialization-of-request-data
    obj = jsonpickle.decode(request.data)
    # ruleid: controlgate.python.deserialization-of-request-data
    db = shelve.open(request.args["store"])
    # ruleid: controlgate.python.deserialization-of-request-data
    model = torch.load(request.files["model"])
    return str((state, code, obj, db, model))


def django_view(request):
    # ruleid: controlgate.python.deserialization-of-request-data
    return yaml.load(request.body, Loader=yaml.Loader)


@api.post("/import")
async def import_(request: Request):
    body = await request.body()
    # ruleid: controlgate.python.deserialization-of-request-data
    return pickle.loads(body)


@app.route("/safe", methods=["POST"])
def safe():
    # ok: controlgate.python.deserialization-of-request-data
    a = json.loads(request.get_data())
    # ok: controlgate.python.deserialization-of-request-data
    b = yaml.safe_load(request.get_data())
    # ok: controlgate.python.deserialization-of-request-data
    c = pickle.loads(open("/var/cache/app.pickle", "rb").read())
    return str((a, b, c))
