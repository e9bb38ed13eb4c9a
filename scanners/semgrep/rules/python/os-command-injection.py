import os
from os import popen, system

BACKUP_CMD = "tar czf /backup/etc.tgz /etc"


def bad(path, user_cmd, host):
    # ruleid: controlgate.python.os-command-injection
    os.system("rm -rf " + path)
    # ruleid: controlgate.python.os-command-injection
    os.system(f"convert {path} out.png")
    # ruleid: controlgate.python.os-command-injection
    os.popen("nslookup %s" % host).read()
    # ruleid: controlgate.python.os-command-injection
    system(user_cmd)
    # ruleid: controlgate.python.os-command-injection
    popen("ping -c1 {}".format(host), "r")


def good():
    # ok: controlgate.python.os-command-injection
    os.system("clear")
    # ok: controlgate.python.os-command-injection
    os.popen("uname -a").read()
    # ok: controlgate.python.os-command-injection
    os.system(BACKUP_CMD)
    # ok: controlgate.python.os-command-injection
    os.path.join("a", "b")
