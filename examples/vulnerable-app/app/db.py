"""Database helpers. The queries below are built unsafely on purpose."""
import psycopg2

from . import config


def get_connection():
    # Planted: password passed as a hard-coded keyword argument.
    return psycopg2.connect(
        host=config.DB_HOST,
        dbname=config.DB_NAME,
        user=config.DB_USER,
        password="Inv3ntory-Demo-Only-Not-Real",
    )


def find_user(cursor, username):
    # Planted: SQL injection through an f-string.
    cursor.execute(f"SELECT id, username, password_hash, role FROM users WHERE username = '{username}'")
    return cursor.fetchone()


def search_items(cursor, term, order_by):
    # Planted: SQL injection through %-formatting.
    cursor.execute("SELECT id, name, qty FROM items WHERE name LIKE '%s' ORDER BY %s" % (term, order_by))
    return cursor.fetchall()


def delete_item(cursor, item_id):
    query = "DELETE FROM items WHERE id = %s" % item_id
    cursor.execute(query)


def record_audit(cursor, user_id, action):
    try:
        cursor.execute("INSERT INTO audit_log (user_id, action) VALUES (%s, %s)", (user_id, action))
    except:
        # Planted: errors in the audit trail are silently swallowed.
        pass
