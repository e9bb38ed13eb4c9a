# Fake credentials used only to test the rule.
import os

import psycopg2
import requests

# ruleid: controlgate.secrets.hardcoded-password
DB_PASSWORD = "Tr0ub4dor&3"
# ruleid: controlgate.secrets.hardcoded-password
API_KEY = 'a1b2c3d4e5f60718'
# ruleid: controlgate.secrets.hardcoded-password
github_token: str = "x9Yq2LmN8pQr"


class Settings:
    def __init__(self):
        # ruleid: controlgate.secrets.hardcoded-password
        self.client_secret = "kJ8sLq0PzX2v"


def connect():
    # ruleid: controlgate.secrets.hardcoded-password
    return psycopg2.connect(host="db", user="app", password="s3cr3tPa55")


# ruleid: controlgate.secrets.hardcoded-password
def login(user, passwd="hunter2hunter2"):
    return requests.post("https://example.org/login", data={"user": user, "passwd": passwd})


# ruleid: controlgate.secrets.hardcoded-password
CONFIG = {"host": "db", "password": "Qz7!vR4p"}
settings = {}
# ruleid: controlgate.secrets.hardcoded-password
settings["secret_key"] = "dj4ng0-s3cr3t-k3y-v4lu3"

# ok: controlgate.secrets.hardcoded-password
DB_PASSWORD_OK = os.environ["DB_PASSWORD"]
# ok: controlgate.secrets.hardcoded-password
password = os.environ.get("PASSWORD", "")
# ok: controlgate.secrets.hardcoded-password
api_key = os.getenv("API_KEY")
# ok: controlgate.secrets.hardcoded-password
password = ""
# ok: controlgate.secrets.hardcoded-password
secret = "changeme"
# ok: controlgate.secrets.hardcoded-password
api_key = "<your-api-key>"
# ok: controlgate.secrets.hardcoded-password
token = "${GITHUB_TOKEN}"
# ok: controlgate.secrets.hardcoded-password
password = "{password}"
# ok: controlgate.secrets.hardcoded-password
token = "YOUR_TOKEN_HERE"
# ok: controlgate.secrets.hardcoded-password
secret_key = "xxxxxxxx"
# ok: controlgate.secrets.hardcoded-password
password = "********"
# ok: controlgate.secrets.hardcoded-password
TOKEN_ENV_NAME = "GITHUB_TOKEN"
# ok: controlgate.secrets.hardcoded-password
api_key = "OPENAI_API_KEY"
# ok: controlgate.secrets.hardcoded-password
password_prompt = "Enter your password:"
# ok: controlgate.secrets.hardcoded-password
error_token = "Invalid token supplied"
# ok: controlgate.secrets.hardcoded-password
pad_token = "<pad>"
# ok: controlgate.secrets.hardcoded-password
pwd = "/home/app"
# ok: controlgate.secrets.hardcoded-password
token_type = "Bearer"
# ok: controlgate.secrets.hardcoded-password
field = {"type": "password", "name": "password"}
# ok: controlgate.secrets.hardcoded-password
form = LoginForm(password="password")
# ok: controlgate.secrets.hardcoded-password
if password == "s3cr3tPa55":
    pass
# ok: controlgate.secrets.hardcoded-password
token = r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
# ok: controlgate.secrets.hardcoded-password
masked_password = ":****"
# ok: controlgate.secrets.hardcoded-password
STYLES = {Token: "#f8f8f2"}
# ok: controlgate.secrets.hardcoded-password
NAMES = {AttributeOID.CHALLENGE_PASSWORD: "challengePassword"}
# ok: controlgate.secrets.hardcoded-password
TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token"
# ruleid: controlgate.secrets.hardcoded-password
admin_password = "supersecret"

# The literal "secret" is a real (weak) key, not a placeholder.
# ruleid: controlgate.secrets.hardcoded-password
SECRET_KEY = "secret"
# ruleid: controlgate.secrets.hardcoded-password
app.secret_key = "dev key"
# ok: controlgate.secrets.hardcoded-password
SESSION_SECRET = "not set"
# ok: controlgate.secrets.hardcoded-password
secret = "<secret>"
