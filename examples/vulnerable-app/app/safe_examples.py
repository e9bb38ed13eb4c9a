"""Safe counterparts of the patterns in this package.

Scanners should report nothing in this file; any finding here is a false positive.
"""
import hashlib
import os
import secrets
import subprocess
import tempfile

import yaml


def find_user(cursor, username):
    cursor.execute("SELECT id, username, role FROM users WHERE username = %s", (username,))
    return cursor.fetchone()


def search_items(cursor, term):
    cursor.execute("SELECT id, name FROM items WHERE name LIKE %(term)s", {"term": f"%{term}%"})
    return cursor.fetchall()


def parse_manifest(data):
    return yaml.safe_load(data)


def ping_host(host):
    return subprocess.run(["/usr/bin/ping", "-c", "1", host], capture_output=True, text=True, check=False).stdout


def hash_password(password, salt):
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, 600_000).hex()


def new_session_token():
    return secrets.token_urlsafe(32)


def export_file():
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    return path


def db_password():
    return os.environ["DB_PASSWORD"]
