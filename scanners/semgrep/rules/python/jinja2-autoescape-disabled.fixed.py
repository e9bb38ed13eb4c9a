import aiohttp_jinja2
import jinja2
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape


def build():
    # ruleid: controlgate.python.jinja2-autoescape-disabled
    env = Environment(loader=FileSystemLoader("templates"))
    # ruleid: controlgate.python.jinja2-autoescape-disabled
    env2 = jinja2.Environment(loader=FileSystemLoader("templates"), autoescape=True)
    # ruleid: controlgate.python.jinja2-autoescape-disabled
    tpl = jinja2.Template("<p>{{ name }}</p>")
    return env, env2, tpl


def build_safe(flag):
    # ok: controlgate.python.jinja2-autoescape-disabled
    env = Environment(loader=FileSystemLoader("templates"), autoescape=True)
    # ok: controlgate.python.jinja2-autoescape-disabled
    env2 = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
    # ok: controlgate.python.jinja2-autoescape-disabled
    env3 = jinja2.Environment(autoescape=flag)
    return env, env2, env3


def setup_web(app):
    # ruleid: controlgate.python.jinja2-autoescape-disabled
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"), autoescape=True)
    # ruleid: controlgate.python.jinja2-autoescape-disabled
    pages = Jinja2Templates(directory="templates", autoescape=True)
    # ok: controlgate.python.jinja2-autoescape-disabled
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"))
    # ok: controlgate.python.jinja2-autoescape-disabled
    views = Jinja2Templates(directory="templates")
    return pages, views
