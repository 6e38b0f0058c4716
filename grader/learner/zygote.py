"""The warm worker of a grading batch: one sandbox, one fork per submission.

Started by ``grader.sandbox.warm`` inside bubblewrap, once per pool slot. It
imports NumPy and matplotlib once, then waits on its control socket. For each
submission the trusted side sends two pipe ends and a fresh user id; the
zygote forks, and the child becomes that submission's worker
(``grader.learner.worker.Worker``): it drops to the user id, sets the
per-submission limits, gets a home of its own under /tmp and talks to the
trusted side on the pipes only. The child never sees the control socket.

Nothing of one learner reaches the next: each child starts from the zygote's
clean memory, and ``reap`` kills every process of the child's user id (a
daemon it left behind included) and removes its files and IPC objects before
the id is used again. This needs the zygote to run as root inside the sandbox
(with only CAP_SETUID and CAP_SETGID); without that it refuses to start, and
the trusted side starts a sandbox per submission instead.

Control messages are JSON objects, one per SOCK_SEQPACKET message:
    fork  {"uid", "limits", "env", "files": {name: text}} + two descriptors -> {"pid"}
    wait  {"pid", "timeout_s"}                                 -> {"status": int | None}
    reap  {"pid", "uid"}                                       -> {"status": int | None}
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import stat
import sys
import time
from typing import Any

MAX_MESSAGE = 1 << 20
HOME_ROOT = "/tmp"
#: Every place a learner's user may write; what it leaves there is removed when its submission ends.
SHARED_WRITABLE = ("/tmp", "/dev/shm", "/home/learner", "/home/learner/.matplotlib")


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.send(json.dumps(message).encode())


def _home(uid: int) -> str:
    return f"{HOME_ROOT}/learner-{uid}"


def _child(uid: int, limits: dict[str, int], env: dict[str, str], files: dict[str, str], read_fd: int,
           write_fd: int, control: socket.socket, forked_at: float) -> None:
    """In the forked child: become the submission's worker (never returns)."""
    from grader.learner import worker

    try:
        control.close()
        os.setsid()
        channel_in, channel_out = worker.private_channels(read_fd, write_fd)
        # Nothing the zygote held open (its control socket above all) may reach learner code.
        keep = {0, 1, 2, channel_in.fileno(), channel_out.fileno()}
        for fd in [int(f) for f in os.listdir("/proc/self/fd")]:
            if fd not in keep:
                with contextlib.suppress(OSError):
                    os.close(fd)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        mb = 1024 * 1024
        for limit, value in ((resource.RLIMIT_AS, limits["memory_mb"] * mb), (resource.RLIMIT_CPU, limits["cpu_s"]),
                             (resource.RLIMIT_FSIZE, limits["max_file_mb"] * mb),
                             (resource.RLIMIT_NOFILE, limits["open_files"]), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"], limits["max_processes"]))
        home = _home(uid)
        os.mkdir(home, 0o700)
        for name, text in files.items():
            with open(os.path.join(home, os.path.basename(name)), "w", encoding="utf-8") as f:
                f.write(text)
        os.chdir(home)
        os.environ.update(env, HOME=home)
        # A fresh process would start from fresh entropy; so does each fork.
        random.seed()
        import numpy

        numpy.random.seed(int.from_bytes(os.urandom(4), "little"))
        from grader.learner import wire

        wire.write_frame(channel_out, {"ready": True, "pid": os.getpid(), "uid": os.getuid(), "sees": SEES,
                                       "python": sys.version.split()[0],
                                       "startup_s": time.perf_counter() - forked_at})
        worker.Worker(channel_in, channel_out).serve()
    finally:
        os._exit(0)


def _wait(pid: int, timeout_s: float) -> int | None:
    """The child's wait status as a return code (negative: killed by that signal), or None if still running."""
    end = time.monotonic() + timeout_s
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return REAPED.get(pid)
        if done:
            code = os.waitstatus_to_exitcode(status)
            REAPED[pid] = code
            return code
        if time.monotonic() >= end:
            return None
        time.sleep(0.001)


def _remove_owned(uid: int) -> None:
    """As ``uid``: remove what it left in the shared writable places (its home is among them)."""
    def chmod_and_retry(function: Any, path: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)

    for root in SHARED_WRITABLE:
        with contextlib.suppress(OSError):
            for entry in os.scandir(root):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        os.chmod(entry.path, stat.S_IRWXU)
                        shutil.rmtree(entry.path, onerror=chmod_and_retry)
                    else:
                        os.unlink(entry.path)


def _owns_ipc(uid: int) -> bool:
    """Whether ``uid`` owns a SysV shared memory segment, message queue or semaphore set."""
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                header = table.readline().split()
                column = header.index("uid")
                if any(int(row.split()[column]) == uid for row in table if row.strip()):
                    return True
        except (OSError, ValueError, IndexError):
            return True  # cannot tell: remove whatever it may own
    return False


def _reap(pid: int, uid: int) -> int | None:
    """Kill every process of ``uid``, remove its files and IPC objects, and return the child's status."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            # kill(-1) as the learner's user: every process it may signal, i.e. all of its own, but this one.
            for _ in range(3):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(-1, signal.SIGKILL)
            _remove_owned(uid)
            if _owns_ipc(uid) and os.path.exists("/usr/bin/ipcrm"):
                os.execv("/usr/bin/ipcrm", ["ipcrm", "--all"])
        finally:
            os._exit(0)
    os.waitpid(helper, 0)
    status = _wait(pid, 5.0)
    REAPED.pop(pid, None)
    return status


REAPED: dict[int, int] = {}
SEES: dict[str, bool] = {}


def serve(control: socket.socket) -> None:
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(control, MAX_MESSAGE, 2)
        except (ConnectionError, OSError):
            return
        if not data:
            return
        try:
            request = json.loads(data)
            op = request.get("op")
            if op == "fork":
                if len(fds) != 2:
                    raise ValueError("fork needs two descriptors")
                forked_at = time.perf_counter()
                pid = os.fork()
                if pid == 0:
                    _child(int(request["uid"]), request["limits"], dict(request.get("env") or {}),
                           {str(k): str(v) for k, v in (request.get("files") or {}).items()}, fds[0], fds[1], control,
                           forked_at)
                reply: dict[str, Any] = {"pid": pid}
            elif op == "wait":
                reply = {"status": _wait(int(request["pid"]), float(request.get("timeout_s", 0)))}
            elif op == "reap":
                reply = {"status": _reap(int(request["pid"]), int(request["uid"]))}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as exc:  # noqa: BLE001 - the trusted side gets an answer whatever happens
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        finally:
            for fd in fds:
                os.close(fd)
        _send(control, reply)


def main() -> None:
    from grader.learner import worker

    control = socket.socket(fileno=int(sys.argv[1]))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    started = time.perf_counter()
    if os.getuid() != 0:
        _send(control, {"ready": False, "error": "the warm worker needs to run as root inside the sandbox"})
        return
    worker.preload(lazy_pyplot="--lazy-pyplot" in sys.argv[2:])
    SEES.update(worker.forbidden_visible())
    _send(control, {"ready": True, "pid": os.getpid(), "sees": SEES, "python": sys.version.split()[0],
                    "startup_s": time.perf_counter() - started})
    serve(control)


if __name__ == "__main__":
    main()
