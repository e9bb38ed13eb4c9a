import logging

from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/login", methods=["POST"])
def login():
    user = request.form["username"]
    # ruleid: controlgate.python.log-injection
    logger.info("login attempt for %s", user)
    # ruleid: controlgate.python.log-injection
    logging.warning(f"failed login: {user}")
    # ruleid: controlgate.python.log-injection
    app.logger.error("bad agent " + request.headers.get("User-Agent", ""))
    return ""


def django_view(request):
    log = logging.getLogger("views")
    # ruleid: controlgate.python.log-injection
    log.info("search: %s", request.GET["q"])
    return ""


@app.route("/safe", methods=["POST"])
def safe():
    user = request.form["username"]
    # ok: controlgate.python.log-injection
    logger.info("login attempt for %r", user)
    # ok: controlgate.python.log-injection
    logger.info("login attempt for %s", user.replace("\n", "").replace("\r", ""))
    # ok: controlgate.python.log-injection
    logger.info("payload size %d", len(request.get_data()))
    # ok: controlgate.python.log-injection
    logger.info("login attempt")
    return ""
