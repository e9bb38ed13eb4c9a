from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from flask import Flask
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
csrf = CSRFProtect(app)
# ruleid: controlgate.python.csrf-protection-disabled
app.config["WTF_CSRF_ENABLED"] = False

# ruleid: controlgate.python.csrf-protection-disabled
WTF_CSRF_ENABLED = False


# ruleid: controlgate.python.csrf-protection-disabled
@csrf_exempt
def transfer(request):
    return JsonResponse({"ok": True})


# ruleid: controlgate.python.csrf-protection-disabled
@csrf.exempt
@app.route("/api/transfer", methods=["POST"])
def api_transfer():
    return "ok"


# ok: controlgate.python.csrf-protection-disabled
@csrf_protect
def update_profile(request):
    return JsonResponse({"ok": True})


# ok: controlgate.python.csrf-protection-disabled
WTF_CSRF_ENABLED = True
