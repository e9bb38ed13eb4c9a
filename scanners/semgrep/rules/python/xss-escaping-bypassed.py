from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


def profile(request, user):
    # ruleid: controlgate.python.xss-escaping-bypassed
    bio = mark_safe("<p>" + request.GET["bio"] + "</p>")
    # ruleid: controlgate.python.xss-escaping-bypassed
    name = mark_safe(f"<b>{user.name}</b>")
    # ruleid: controlgate.python.xss-escaping-bypassed
    link = format_html("<a href='{}'>%s</a>" % user.name, user.url)
    # ruleid: controlgate.python.xss-escaping-bypassed
    title = format_html(f"<h1>{user.title}</h1>")
    return bio, name, link, title


@app.route("/hi")
def hi():
    who = request.args.get("who", "")
    # ruleid: controlgate.python.xss-escaping-bypassed
    return Markup(f"<p>Hi {who}</p>")


def safe(request, user):
    # ok: controlgate.python.xss-escaping-bypassed
    a = format_html("<b>{}</b>", user.name)
    # ok: controlgate.python.xss-escaping-bypassed
    b = mark_safe("<br>")
    # ok: controlgate.python.xss-escaping-bypassed
    c = mark_safe("<p>" + escape(request.GET["bio"]) + "</p>")
    # ok: controlgate.python.xss-escaping-bypassed
    d = Markup("<p>Hi {}</p>").format(request.GET["who"])
    # ok: controlgate.python.xss-escaping-bypassed
    e = Markup("<em>static</em>")
    return a, b, c, d, e
