"""Assorted helpers, each one with a planted weakness."""
import hashlib
import os
import pickle
import random
import subprocess
import tempfile

import requests
import yaml

from . import config


def hash_password(password):
    # Planted: MD5 used for password hashing.
    return hashlib.md5(password.encode("utf-8")).hexdigest()


def new_session_token():
    # Planted: non-cryptographic randomness for a security token.
    return str(random.random())[2:] + str(random.randint(1000, 9999))


def ping_host(host):
    # Planted: shell command built from user input.
    result = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)
    return result.stdout


def disk_usage(path):
    # Planted: os.system with user input.
    return os.system("du -sh " + path)


def archive_exports(name):
    # Suppressed on purpose: exercises controlgate's handling of in-source suppressions.
    subprocess.run("tar czf /var/backups/" + name + ".tgz " + config.EXPORT_DIR, shell=True)  # nosec B602


def parse_manifest(data):
    # Planted: yaml.load without SafeLoader.
    return yaml.load(data)


def load_cart(blob):
    # Planted: unpickling attacker-controlled bytes.
    return pickle.loads(blob)


def fetch_partner_stock(sku):
    # Planted: TLS certificate verification disabled.
    resp = requests.get(f"{config.PARTNER_API}/stock/{sku}", verify=False, timeout=10)
    return resp.json()


def export_path():
    # Planted: race-prone temporary file name.
    return tempfile.mktemp(suffix=".csv", dir=config.EXPORT_DIR)


def calculate(expression):
    # Planted: eval on user input.
    return eval(expression)


def calculate_discount(expression):
    # Suppressed on purpose: exercises controlgate's handling of nosemgrep.
    return eval(expression)  # nosemgrep: controlgate.python.eval-injection
