import shlex
import subprocess
from subprocess import Popen, check_output

LS_CMD = "ls -la /tmp"


def bad(filename, host, cmd):
    # ruleid: controlgate.python.subprocess-shell-injection
    subprocess.run(f"cat {filename}", shell=True)
    # ruleid: controlgate.python.subprocess-shell-injection
    subprocess.call("ping -c 1 " + host, shell=True)
    # ruleid: controlgate.python.subprocess-shell-injection
    subprocess.check_call("tar xzf %s" % filename, shell=True, cwd="/tmp")
    # ruleid: controlgate.python.subprocess-shell-injection
    check_output("grep {} /etc/hosts".format(host), shell=True)
    # ruleid: controlgate.python.subprocess-shell-injection
    Popen(cmd, shell=True, stdout=subprocess.PIPE)
    # ruleid: controlgate.python.subprocess-shell-injection
    subprocess.getoutput("du -sh " + filename)
    # ruleid: controlgate.python.subprocess-shell-injection
    subprocess.getstatusoutput(cmd)


def good(filename, host):
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.run(["cat", filename])
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.run(f"cat {filename}", shell=False)
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.run("ls -la | wc -l", shell=True)
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.run(LS_CMD, shell=True)
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.check_output(["ping", "-c", "1", host], text=True)
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.getoutput("uptime")
    # ok: controlgate.python.subprocess-shell-injection
    subprocess.run(["echo", filename], shell=True)
