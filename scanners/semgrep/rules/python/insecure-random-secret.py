import random
import secrets
import string


def bad(user):
    # ruleid: controlgate.python.insecure-random-secret
    token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    # ruleid: controlgate.python.insecure-random-secret
    otp = random.randint(100000, 999999)
    # ruleid: controlgate.python.insecure-random-secret
    user.reset_token = str(random.random())
    # ruleid: controlgate.python.insecure-random-secret
    session = {"session_id": 0, "csrf_token": random.getrandbits(64)}
    return token, otp, session


def generate_password(length=12):
    alphabet = string.ascii_letters + string.digits
    # ruleid: controlgate.python.insecure-random-secret
    return "".join(random.choices(alphabet, k=length))


def new_session_token():
    # ruleid: controlgate.python.insecure-random-secret
    return str(random.random())[2:] + str(random.randint(1000, 9999))


def good(items):
    # ok: controlgate.python.insecure-random-secret
    token = secrets.token_urlsafe(32)
    # ok: controlgate.python.insecure-random-secret
    otp = secrets.randbelow(1_000_000)
    # ok: controlgate.python.insecure-random-secret
    sample = random.sample(items, 3)
    # ok: controlgate.python.insecure-random-secret
    delay = random.uniform(0.5, 1.5)
    # ok: controlgate.python.insecure-random-secret
    random.shuffle(items)
    return token, otp, sample, delay


def shuffle_deck(cards):
    # ok: controlgate.python.insecure-random-secret
    return random.sample(cards, len(cards))
