from django.http import HttpResponseRedirect
from django.shortcuts import redirect as dj_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
api = FastAPI()


@app.route("/login", methods=["POST"])
def login():
    nxt = request.args.get("next")
    # ruleid: controlgate.python.open-redirect
    return redirect(nxt)


@app.route("/go")
def go():
    # ruleid: controlgate.python.open-redirect
    return redirect(request.args["to"])


def django_login(request):
    # ruleid: controlgate.python.open-redirect
    return HttpResponseRedirect(request.GET.get("next", "/"))


def django_logout(request):
    target = request.POST["return_to"]
    # ruleid: controlgate.python.open-redirect
    return dj_redirect(target)


@api.get("/out")
async def out(url: str):
    # ruleid: controlgate.python.open-redirect
    return RedirectResponse(url)


@app.route("/profile/<name>")
def profile(name):
    # ok: controlgate.python.open-redirect
    return redirect(f"/users/{name}")


@app.route("/home")
def home():
    # ok: controlgate.python.open-redirect
    a = redirect(url_for("index"))
    # ok: controlgate.python.open-redirect
    b = redirect("/dashboard")
    return a or b


def django_length_only(request):
    nxt = request.GET.get("next", "/")
    if len(nxt) < 200:
        # ruleid: controlgate.python.open-redirect
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect("/")


def django_checked(request):
    nxt = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        # ok: controlgate.python.open-redirect
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect("/")
