from flask import Flask, make_response

app = Flask(__name__)
# ruleid: controlgate.python.insecure-cookie-settings
app.config["SESSION_COOKIE_SECURE"] = True
# ruleid: controlgate.python.insecure-cookie-settings
app.config.update(SESSION_COOKIE_HTTPONLY=True)

# Django settings module
# ruleid: controlgate.python.insecure-cookie-settings
SESSION_COOKIE_SECURE = True
# ruleid: controlgate.python.insecure-cookie-settings
CSRF_COOKIE_SECURE = True
# ok: controlgate.python.insecure-cookie-settings
SESSION_COOKIE_HTTPONLY = True
# ok: controlgate.python.insecure-cookie-settings
DEBUG = False
# ok: controlgate.python.insecure-cookie-settings
app.config["TESTING"] = False


@app.route("/login")
def login():
    resp = make_response("ok")
    # ruleid: controlgate.python.insecure-cookie-settings
    resp.set_cookie("session", "abc", secure=True, httponly=True)
    # ruleid: controlgate.python.insecure-cookie-settings
    resp.set_cookie("remember", "1", secure=True, httponly=True)
    # ok: controlgate.python.insecure-cookie-settings
    resp.set_cookie("session", "abc", secure=True, httponly=True, samesite="Lax")
    return resp


def test_settings(settings):
    # ok: controlgate.python.insecure-cookie-settings
    SESSION_COOKIE_SECURE = False
    return SESSION_COOKIE_SECURE
