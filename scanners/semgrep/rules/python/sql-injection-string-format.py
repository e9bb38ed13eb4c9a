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


def bad_built_across_statements(cur, name, order, ids):
    query = "SELECT * FROM users WHERE name = '%(name)s'" % {"name": name}
    # ruleid: controlgate.python.sql-injection-string-format
    cur.execute(query)
    sql = "SELECT * FROM users"
    sql += " ORDER BY " + order
    # ruleid: controlgate.python.sql-injection-string-format
    cur.execute(sql)
    stmt = "DELETE FROM users WHERE id IN ("
    stmt += ids
    stmt += ")"
    # ruleid: controlgate.python.sql-injection-string-format
    cur.executemany(stmt, [])
    where = "name = '{}'".format(name)
    full = "SELECT id FROM users WHERE " + where
    # ruleid: controlgate.python.sql-injection-string-format
    cur.execute(full)
    implicit = "SELECT id FROM users " f"WHERE name = '{name}'"
    # ruleid: controlgate.python.sql-injection-string-format
    cur.execute(implicit)
    template = "SELECT id FROM users WHERE name = '%s'"
    # ruleid: controlgate.python.sql-injection-string-format
    cur.execute(template % name)


async def bad_async(conn, pool, db, name, user_id):
    q = f"SELECT * FROM users WHERE name = '{name}'"
    # ruleid: controlgate.python.sql-injection-string-format
    await conn.execute(q)
    # ruleid: controlgate.python.sql-injection-string-format
    rows = await conn.fetch(q)
    # ruleid: controlgate.python.sql-injection-string-format
    row = await conn.fetchrow("SELECT * FROM users WHERE id = " + str(user_id))
    # ruleid: controlgate.python.sql-injection-string-format
    count = await pool.fetchval(f"SELECT count(*) FROM orders WHERE user_id = {user_id}")
    async with db.execute("SELECT 1") as cursor:
        pass
    # ruleid: controlgate.python.sql-injection-string-format
    await db.execute_fetchall("SELECT * FROM t WHERE a = %s" % name)
    async with conn.cursor() as cur:
        # ruleid: controlgate.python.sql-injection-string-format
        await cur.execute("UPDATE users SET name = '%s'" % name)
    # ruleid: controlgate.python.sql-injection-string-format
    await db.fetch_all(query=f"SELECT * FROM notes WHERE owner = '{name}'")
    return rows, row, count


def bad_django(User, name, order, request):
    from django.db import connection
    from django.db.models.expressions import RawSQL

    # ruleid: controlgate.python.sql-injection-string-format
    users = User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{name}'")
    # ruleid: controlgate.python.sql-injection-string-format
    users = User.objects.filter(active=True).extra(where=["username = '%s'" % name])
    # ruleid: controlgate.python.sql-injection-string-format
    users = User.objects.annotate(v=RawSQL("SELECT x FROM t WHERE y = " + name, ()))
    with connection.cursor() as cursor:
        # ruleid: controlgate.python.sql-injection-string-format
        cursor.execute("SELECT * FROM auth_user ORDER BY %s" % order)
    return users


def bad_sqlalchemy(session, name):
    q = f"SELECT * FROM users WHERE name = '{name}'"
    # ruleid: controlgate.python.sql-injection-string-format
    session.execute(text(q))
    # ruleid: controlgate.python.sql-injection-string-format
    return session.execute(sqlalchemy.text("SELECT * FROM users WHERE name = '" + name + "'"))


async def good_async(conn, http_client, name, user_id, session, User):
    # ok: controlgate.python.sql-injection-string-format
    await conn.fetch("SELECT * FROM users WHERE name = $1", name)
    # ok: controlgate.python.sql-injection-string-format
    await conn.execute("UPDATE users SET name = $1 WHERE id = $2", name, user_id)
    # ok: controlgate.python.sql-injection-string-format
    resp = await http_client.fetch(f"https://api.example.com/users/{user_id}")
    # ok: controlgate.python.sql-injection-string-format
    session.execute(text("SELECT * FROM users WHERE name = :n"), {"n": name})
    # ok: controlgate.python.sql-injection-string-format
    users = User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [name])
    # ok: controlgate.python.sql-injection-string-format
    users = User.objects.extra(where=["username = %s"], params=[name])
    q = "SELECT * FROM users WHERE id = %(id)s"
    # ok: controlgate.python.sql-injection-string-format
    conn.execute(q, {"id": user_id})
    message = f"user {name} logged in"
    # ok: controlgate.python.sql-injection-string-format
    conn.execute("INSERT INTO audit (msg) VALUES (%s)", (message,))
    return resp, users
