"""The warm worker of a grading batch: one sandbox, one fork per submission.

Started by ``grader.sandbox.warm`` inside bubblewrap, once per pool slot. It
imports NumPy and matplotlib once, then waits on its control socket. For each
submission the trusted side sends two pipe ends and a fresh user id; the
zygote forks, and the child becomes that submission's worker
(``grader.learner.sandboxed.worker.Worker``) and talks to the trusted side on the pipes
only. The child never sees the control socket.

Isolation is by construction, not by clean-up. Still root, the child takes a
mount and an IPC namespace of its own (mounts made private first, so nothing
propagates back) and mounts fresh, size-limited filesystems over every place a
learner can write:

    /tmp          tmpfs, the fork's ``scratch_mb`` (256 MB by default), mode 1777
    /dev/shm      tmpfs, 64 MB, mode 1777 (POSIX shared memory)
    /home/learner tmpfs, 64 MB, mode 0700, owned by the fork's user: its home
    /dev/mqueue   the new IPC namespace's message queues

Each tmpfs allows one inode per 4 KB, so empty files cannot eat kernel memory
beyond the size. 64 MB is what a home holds today (the assignment's public data,
matplotlib's font list) with ample room. The child then drops every capability
(bounding set, inheritable set, then setuid clears the rest) and becomes its
user. What it leaves in those filesystems and in its SysV or POSIX IPC objects
dies with its namespaces, that is with its last process; so ``reap`` has only
processes to kill, by ``kill(-1)`` as the fork's user.

Whatever remains to check fails closed: after each reap and before each fork,
``_unclean`` looks for a process of a user that is no live fork's, and for
anything new in the zygote's own /tmp, /dev/shm, /dev/mqueue, home and SysV
IPC. If it finds one the reply is an error and this zygote forks no more; the
trusted side throws the sandbox away and starts a fresh one.

This needs the zygote to be root inside the sandbox with CAP_SETUID,
CAP_SETGID, CAP_SYS_ADMIN (namespaces, mounts) and CAP_SETPCAP (to empty the
fork's bounding set); without them it refuses to start, and the trusted side
starts a sandbox per submission instead.

Control messages are JSON objects, one per SOCK_SEQPACKET message:
    fork  {"uid", "limits", "env", "files": {name: text}} + two descriptors -> {"pid"}
    wait  {"pid", "timeout_s"}                                 -> {"status": int | None}
    reap  {"pid", "uid"}                                       -> {"status": int | None}
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import resource
import signal
import socket
import sys
import time
from typing import Any

MAX_MESSAGE = 1 << 20
#: The fork's home: the same path as a per-submission sandbox's, so HOME and MPLCONFIGDIR hold for both.
HOME = "/home/learner"
MPLCONFIGDIR = f"{HOME}/.matplotlib"
SHM_MB = 64
HOME_MB = 64
INODE_BYTES = 4096
#: The zygote's own writable places: a fork cannot reach them, so anything new there means a broken wall.
WATCHED = ("/tmp", "/dev/shm", "/dev/mqueue", HOME, MPLCONFIGDIR)

CLONE_NEWNS, CLONE_NEWIPC = 0x00020000, 0x08000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_SYS_ADMIN = 6, 7, 8, 21
CAPABILITY_VERSION_3 = 0x20080522


class SlotNotClean(RuntimeError):
    """Something of a fork outlived its reaping: this zygote must not fork again."""


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc() -> ctypes.CDLL:
    # Python 3.11 has no os.unshare or os.mount. Set up once in the zygote: forks inherit it for free.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.unshare.argtypes = [ctypes.c_int]
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.capset.argtypes = [ctypes.POINTER(_CapHeader), ctypes.POINTER(_CapData)]
    return libc


LIBC = _libc()


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(fstype: str, target: str, flags: int, options: str | None = None) -> None:
    _check(LIBC.mount(fstype.encode(), target.encode(), fstype.encode(), flags,
                      options.encode() if options else None), f"mount {fstype} on {target}")


def _tmpfs(target: str, size_mb: int, mode: int, owner: int = 0) -> None:
    size_mb = max(1, size_mb)  # size=0 would mean no limit at all
    inodes = size_mb * (1 << 20) // INODE_BYTES
    _mount("tmpfs", target, MS_NOSUID | MS_NODEV,
           f"size={size_mb}m,nr_inodes={inodes},mode={mode:o},uid={owner},gid={owner}")


def _isolate(uid: int, scratch_mb: int) -> None:
    """As root in the child: namespaces of its own, with fresh filesystems wherever a learner may write."""
    _check(LIBC.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    # Private before anything is mounted: a mount event must not reach the zygote's namespace.
    _check(LIBC.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    _tmpfs("/tmp", scratch_mb, 0o1777)
    _tmpfs("/dev/shm", SHM_MB, 0o1777)
    _tmpfs(HOME, HOME_MB, 0o700, uid)
    _mount("mqueue", "/dev/mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _drop_capabilities(uid: int) -> None:
    """Become ``uid`` with no capability left in any set (no_new_privs, set by bubblewrap, keeps it so)."""
    for cap in range(CAP_LAST + 1):
        _check(LIBC.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap} from the bounding set")
    _check(LIBC.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)  # clears the permitted and effective sets
    # setuid leaves the inheritable set; lowering it needs no capability.
    _check(LIBC.capset(ctypes.byref(_CapHeader(CAPABILITY_VERSION_3, 0)), (_CapData * 2)()), "clear capabilities")


def _set_limits(limits: dict[str, int]) -> None:
    mb = 1024 * 1024
    # A fork that may use the passed-through GPU: RLIMIT_DATA, as ``grader.sandbox.launch.Limits.gpu`` says why.
    memory = resource.RLIMIT_DATA if limits.get("gpu") is True else resource.RLIMIT_AS
    for limit, value in ((memory, limits["memory_mb"] * mb), (resource.RLIMIT_CPU, limits["cpu_s"]),
                         (resource.RLIMIT_FSIZE, limits["max_file_mb"] * mb),
                         (resource.RLIMIT_NOFILE, limits["open_files"]), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def _fill_home(files: dict[str, str]) -> None:
    """As the fork's user: matplotlib's config folder with the font list, and the assignment's files."""
    # pyplot was imported with MPLCONFIGDIR here, before the fresh home hid the zygote's copy: without
    # a writable folder holding the list, matplotlib would rebuild it (~0.6 s) the first time it looks.
    os.mkdir(MPLCONFIGDIR, 0o700)
    for name, data in FONT_LISTS.items():
        with open(os.path.join(MPLCONFIGDIR, name), "wb") as f:
            f.write(data)
    for name, text in files.items():
        with open(os.path.join(HOME, os.path.basename(name)), "w", encoding="utf-8") as f:
            f.write(text)
    os.chdir(HOME)


def _close_all_but(keep: set[int]) -> None:
    for fd in [int(f) for f in os.listdir("/proc/self/fd")]:
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _child(uid: int, limits: dict[str, int], env: dict[str, str], files: dict[str, str], read_fd: int,
           write_fd: int, control: socket.socket, forked_at: float) -> None:
    """In the forked child: become the submission's worker (never returns)."""
    from grader.learner.sandboxed import worker

    from grader.learner.core import wire

    try:
        control.close()
        os.setsid()
        channel_in, channel_out = worker.private_channels(read_fd, write_fd)
        # Nothing the zygote held open (its control socket above all) may reach learner code.
        _close_all_but({0, 1, 2, channel_in.fileno(), channel_out.fileno()})
        try:
            _become_worker(uid, limits, env, files)
        except Exception as exc:  # noqa: BLE001 - the trusted side says why this worker could not start
            wire.write_frame(channel_out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
            os._exit(1)
        wire.write_frame(channel_out, {"ready": True, "pid": os.getpid(), "uid": os.getuid(), "sees": SEES,
                                       "python": sys.version.split()[0],
                                       "startup_s": time.perf_counter() - forked_at})
        worker.Worker(channel_in, channel_out).serve()
    finally:
        os._exit(0)


def _become_worker(uid: int, limits: dict[str, int], env: dict[str, str], files: dict[str, str]) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _isolate(uid, limits["scratch_mb"])
    _set_limits(limits)
    _drop_capabilities(uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"], limits["max_processes"]))
    _fill_home(files)
    os.environ.update(env, HOME=HOME)
    # A fresh process would start from fresh entropy; so does each fork.
    random.seed()
    import numpy

    numpy.random.seed(int.from_bytes(os.urandom(4), "little"))


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


def _user_processes() -> dict[int, int]:
    """Every process of the sandbox not wholly root, by pid: its real user id."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as status:
                uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
        except (OSError, StopIteration):
            continue  # gone meanwhile
        if any(u != "0" for u in uids):
            found[int(name)] = int(uids[0])
    return found


def _strays(allowed: set[int], within_s: float) -> dict[int, int]:
    """Processes of users not in ``allowed`` still there after ``within_s`` (the sandbox's init reaps
    the orphans a kill leaves, a moment later)."""
    end = time.monotonic() + within_s
    pause = 0.0005
    while True:
        strays = {pid: uid for pid, uid in _user_processes().items() if uid not in allowed}
        if not strays or time.monotonic() >= end:
            return strays
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _listing(path: str) -> frozenset[str]:
    try:
        return frozenset(os.listdir(path))
    except FileNotFoundError:
        return frozenset()


def _sysv_objects() -> int:
    count = 0
    for kind in ("shm", "msg", "sem"):
        with open(f"/proc/sysvipc/{kind}") as table:
            count += sum(1 for row in table.readlines()[1:] if row.strip())
    return count


def _unclean(within_s: float = 1.0) -> list[str]:
    """What in this sandbox a fork left behind, in words; empty when the slot is clean."""
    problems = [f"process {pid} of user {uid} is still running"
                for pid, uid in sorted(_strays(set(LIVE), within_s).items())]
    for path in WATCHED:
        new = _listing(path) - BASELINE.get(path, frozenset())
        if new:
            problems.append(f"{path} holds {', '.join(sorted(new))[:200]}")
    try:
        objects = _sysv_objects()
    except (OSError, ValueError) as exc:
        problems.append(f"cannot read the SysV IPC tables ({exc})")
    else:
        if objects:
            problems.append(f"{objects} SysV IPC objects are left in the zygote's namespace")
    return problems


def _taint(problems: list[str]) -> None:
    TAINTED.extend(problems)
    raise SlotNotClean("the sandbox is not clean: " + "; ".join(problems))


def _kill_all_of(uid: int) -> None:
    """kill(-1) as ``uid``, in a helper: every process it may signal, i.e. all of its own."""
    helper = os.fork()
    if helper == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(3):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(-1, signal.SIGKILL)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(helper, 0)
    if status != 0:
        _taint([f"the helper killing user {uid}'s processes failed (status {status})"])


def _reap(pid: int, uid: int) -> int | None:
    """Kill every process of ``uid``, make sure the slot is clean, and return the child's status."""
    _kill_all_of(uid)
    status = _wait(pid, 5.0)
    REAPED.pop(pid, None)
    LIVE.pop(uid, None)
    if status is None:
        _taint([f"the worker {pid} did not die when killed"])
    problems = _unclean(within_s=2.0)
    if problems:
        _taint(problems)
    return status


def _fork(request: dict[str, Any], fds: list[int], control: socket.socket) -> int:
    if len(fds) != 2:
        raise ValueError("fork needs two descriptors")
    if TAINTED:
        raise SlotNotClean("the sandbox is not clean: " + "; ".join(TAINTED))
    problems = _unclean()
    if problems:
        _taint(problems)
    uid = int(request["uid"])
    forked_at = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _child(uid, request["limits"], dict(request.get("env") or {}),
               {str(k): str(v) for k, v in (request.get("files") or {}).items()}, fds[0], fds[1], control, forked_at)
    LIVE[uid] = pid
    return pid


REAPED: dict[int, int] = {}
SEES: dict[str, bool] = {}
#: Forks not reaped yet, user id -> pid: their processes are expected.
LIVE: dict[int, int] = {}
#: What the zygote's own writable places held once it was ready.
BASELINE: dict[str, frozenset[str]] = {}
#: Why this zygote refuses to fork again, once it found a leftover.
TAINTED: list[str] = []
#: matplotlib's font list files (name -> contents), copied into each fork's fresh home.
FONT_LISTS: dict[str, bytes] = {}
CAP_LAST = 40


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
                reply: dict[str, Any] = {"pid": _fork(request, fds, control)}
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


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.send(json.dumps(message).encode())


def _missing_capabilities() -> list[str]:
    with open("/proc/self/status") as status:
        effective = int(next(line for line in status if line.startswith("CapEff:")).split()[1], 16)
    needed = {"CAP_SETUID": CAP_SETUID, "CAP_SETGID": CAP_SETGID, "CAP_SETPCAP": CAP_SETPCAP,
              "CAP_SYS_ADMIN": CAP_SYS_ADMIN}
    return [name for name, bit in needed.items() if not effective >> bit & 1]


def _prepare() -> None:
    """Once, before the first fork: what each fork copies, and what a clean slot looks like."""
    global CAP_LAST
    with open("/proc/sys/kernel/cap_last_cap") as f:
        CAP_LAST = int(f.read())
    for name in _listing(MPLCONFIGDIR):
        if name.startswith("fontlist-") and name.endswith(".json"):
            with open(os.path.join(MPLCONFIGDIR, name), "rb") as f:
                FONT_LISTS[name] = f.read()
    # The zygote's own message queues, visible so that _unclean can list them.
    os.makedirs("/dev/mqueue", exist_ok=True)
    _mount("mqueue", "/dev/mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    BASELINE.update({path: _listing(path) for path in WATCHED})


def main() -> None:
    from grader.learner.sandboxed import worker

    control = socket.socket(fileno=int(sys.argv[1]))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    started = time.perf_counter()
    missing = _missing_capabilities() if os.getuid() == 0 else ["root"]
    if missing:
        _send(control, {"ready": False, "error": "the warm worker needs root inside the sandbox with "
                                                 f"{', '.join(missing)}"})
        return
    worker.preload(lazy_pyplot="--lazy-pyplot" in sys.argv[2:])
    SEES.update(worker.forbidden_visible())
    try:
        _prepare()
    except OSError as exc:
        _send(control, {"ready": False, "error": f"the warm worker cannot give forks namespaces of their own ({exc})"})
        return
    _send(control, {"ready": True, "pid": os.getpid(), "sees": SEES, "python": sys.version.split()[0],
                    "startup_s": time.perf_counter() - started})
    serve(control)


if __name__ == "__main__":
    main()
