import sqlite3

import sqlalchemy
from sqlalchemy import text

conn = sqlite3.connect("app.db")
cursor = conn.cursor()


def bad(user_id, name, table, engine):
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users WHERE name = '{}'".format(name))
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users WHERE name = '" + name + "'")
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.executemany("INSERT INTO " + table + " VALUES (?)", [(1,), (2,)])
    # ruleid: controlgate.python.sql-injection-string-format
    engine.execute(f"DELETE FROM {table}")
    with engine.connect() as c:
        # ruleid: controlgate.python.sql-injection-string-format
        c.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
        # ruleid: controlgate.python.sql-injection-string-format
        c.exec_driver_sql("SELECT * FROM users WHERE id = %s" % user_id)


def bad_indirect(user_id):
    query = f"SELECT * FROM orders WHERE user_id = {user_id}"
    # ruleid: controlgate.python.sql-injection-string-format
    cursor.execute(query)


def good(user_id, name, engine):
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute("SELECT * FROM users " + "ORDER BY id")
    base = "SELECT * FROM users"
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute(base + " WHERE active = 1")
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute(f"SELECT count(*) FROM users")
    with engine.connect() as c:
        # ok: controlgate.python.sql-injection-string-format
        c.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    query = "SELECT * FROM orders WHERE user_id = %s"
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute(query, (user_id,))
    # ok: controlgate.python.sql-injection-string-format
    print("value: %s" % name)


def good_helpers(name, col):
    # ok: controlgate.python.sql-injection-string-format
    cursor.execute(build_query("users", "name = " + col), (name,))
    # ok: controlgate.python.sql-injection-string-format
    logger.info("running %s" % cursor.execute("SELECT 1"))
