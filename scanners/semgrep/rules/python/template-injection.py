import jinja2
from django.template import Template as DjangoTemplate
from fastapi import FastAPI
from flask import Flask, render_template, render_template_string, request
from jinja2 import Environment, sandbox

app = Flask(__name__)
api = FastAPI()

PAGE = "<h1>Hello {{ name }}</h1>"


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: controlgate.python.template-injection
    return render_template_string("<h1>Hello " + name + "</h1>")


@app.route("/preview", methods=["POST"])
def preview():
    body = request.form["template"]
    # ruleid: controlgate.python.template-injection
    return jinja2.Template(body).render()


@app.route("/greet/<user>")
def greet(user):
    env = Environment()
    # ruleid: controlgate.python.template-injection
    return env.from_string(f"<p>Welcome {user}</p>").render()


@api.get("/card")
async def card(title: str):
    # ruleid: controlgate.python.template-injection
    return jinja2.Environment(autoescape=True).from_string("<div>%s</div>" % title).render()


def django_view(request):
    # ruleid: controlgate.python.template-injection
    return DjangoTemplate(request.GET["t"]).render({})


@app.route("/safe")
def safe():
    name = request.args.get("name", "")
    # ok: controlgate.python.template-injection
    a = render_template_string(PAGE, name=name)
    # ok: controlgate.python.template-injection
    b = render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    # ok: controlgate.python.template-injection
    c = render_template("hello.html", name=name)
    env = Environment(autoescape=True)
    # ok: controlgate.python.template-injection
    d = env.from_string(PAGE).render(name=name)
    # ok: controlgate.python.template-injection
    e = env.get_template("page.html").render(name=name)
    return a + b + c + d + e
