import asyncio
import os
import subprocess


def bad(name, host, cmd):
    # ruleid: controlgate.python.shell-command-via-argv
    subprocess.run(["bash", "-c", f"tar czf /tmp/{name}.tgz /srv/data"], check=True)
    # ruleid: controlgate.python.shell-command-via-argv
    subprocess.check_output(["/bin/sh", "-c", "ping -c 1 " + host])
    # ruleid: controlgate.python.shell-command-via-argv
    os.execv("/bin/sh", ["sh", "-c", cmd])
    # ruleid: controlgate.python.shell-command-via-argv
    os.execl("/bin/bash", "bash", "-c", cmd)
    # ruleid: controlgate.python.shell-command-via-argv
    os.spawnlp(os.P_WAIT, "sh", "sh", "-c", cmd)


async def bad_async(host):
    # ruleid: controlgate.python.shell-command-via-argv
    proc = await asyncio.create_subprocess_shell(f"nslookup {host}")
    # ruleid: controlgate.python.shell-command-via-argv
    proc2 = await asyncio.create_subprocess_exec("sh", "-c", "dig " + host)
    return proc, proc2


async def good(name, host):
    # ok: controlgate.python.shell-command-via-argv
    subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "/srv/data"], check=True)
    # ok: controlgate.python.shell-command-via-argv
    subprocess.run(["bash", "-c", "echo ready"], check=True)
    # ok: controlgate.python.shell-command-via-argv
    subprocess.run(["bash", "-c", 'exec "$0" "$@"', "ping", host], check=True)
    # ok: controlgate.python.shell-command-via-argv
    os.execv("/usr/bin/ping", ["ping", "-c", "1", host])
    # ok: controlgate.python.shell-command-via-argv
    proc = await asyncio.create_subprocess_shell("uptime")
    # ok: controlgate.python.shell-command-via-argv
    proc2 = await asyncio.create_subprocess_exec("ping", "-c", "1", host)
    return proc, proc2
