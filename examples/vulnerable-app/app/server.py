"""HTTP entry point for the inventory service (intentionally insecure)."""
from flask import Flask, jsonify, request

from . import config, db, utils

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    conn = db.get_connection()
    cur = conn.cursor()
    user = db.find_user(cur, request.form["username"])
    if user and user[2] == utils.hash_password(request.form["password"]):
        return jsonify(token=utils.new_session_token())
    return jsonify(error="invalid credentials"), 401


@app.route("/items")
def items():
    cur = db.get_connection().cursor()
    rows = db.search_items(cur, request.args.get("q", ""), request.args.get("sort", "name"))
    return jsonify(rows)


@app.route("/admin/items/<item_id>", methods=["DELETE"])
def delete_item(item_id):
    # Planted: authorization enforced with assert (stripped under python -O).
    assert request.headers.get("X-Role") == config.ADMIN_ROLE, "admins only"
    cur = db.get_connection().cursor()
    db.delete_item(cur, item_id)
    return "", 204


@app.route("/tools/ping")
def ping():
    return utils.ping_host(request.args["host"])


@app.route("/tools/du")
def du():
    return str(utils.disk_usage(request.args["path"]))


@app.route("/import", methods=["POST"])
def import_manifest():
    return jsonify(utils.parse_manifest(request.get_data()))


@app.route("/cart/restore", methods=["POST"])
def restore_cart():
    return jsonify(utils.load_cart(request.get_data()))


@app.route("/calc")
def calc():
    return str(utils.calculate(request.args["expr"]))


@app.route("/stock/<sku>")
def stock(sku):
    return jsonify(utils.fetch_partner_stock(sku))


if __name__ == "__main__":
    # Planted: debug mode on all interfaces.
    app.run(debug=True, host="0.0.0.0", port=8080)
