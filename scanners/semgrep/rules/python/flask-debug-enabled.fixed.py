import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    return jsonify(ok=True)


def create_app():
    api = Flask("api")
    # ruleid: controlgate.python.flask-debug-enabled
    api.config["DEBUG"] = False
    return api


if os.environ.get("LOCAL_DEV"):
    # ruleid: controlgate.python.flask-debug-enabled
    app.debug = False

if __name__ == "__main__":
    # ruleid: controlgate.python.flask-debug-enabled
    app.run(host="0.0.0.0", port=5000, debug=False)
    # ok: controlgate.python.flask-debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: controlgate.python.flask-debug-enabled
    app.run(host="127.0.0.1", debug=False)
    # ok: controlgate.python.flask-debug-enabled
    app.run()
    # ok: controlgate.python.flask-debug-enabled
    runner.run(debug=True)
