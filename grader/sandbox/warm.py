"""A warm sandbox for a batch: one bubblewrap sandbox whose zygote forks a worker per submission.

Starting a sandbox and importing NumPy and matplotlib costs most of a second;
``WarmSandbox`` pays it once per pool slot (see ``grader.learner.sandboxed.zygote``).
``grader.sandbox.forked.ForkedSession`` is a ``WorkerSession`` whose worker is
such a fork: the same requests, limits, crash handling and replay, only the
start and the clean-up differ. Each fork runs under a user id of its own, in mount and IPC
namespaces of its own with fresh filesystems wherever it may write, so what it leaves dies with it;
when its submission ends every process of that id is killed. A zygote that finds a leftover all the
same (after reaping, or before the next fork) says so, and its sandbox is thrown away and replaced
(``WarmSandbox.discard``): a slot fails closed.

The zygote must be root inside the sandbox to switch user ids and give each fork its namespaces
(CAP_SETUID, CAP_SETGID, CAP_SYS_ADMIN and CAP_SETPCAP, no other capability), so a warm
sandbox is only offered where bubblewrap runs as root (``WarmSandbox.usable``);
elsewhere the batch starts a sandbox per submission, as ``nbgrader autograde`` does.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from grader.sandbox.launch import FORK_UIDS, START_TIMEOUT_S, Failure, Limits, Sandbox, WorkerDied, gpu_device_nodes, sandbox_init_pid, sandbox_python
from grader.sandbox.lifecycle import accept_greeting, end_sandbox

#: A zygote lives as long as its batch; only the forks get the per-submission CPU limit.
ZYGOTE_CPU_S = 7 * 24 * 3600
ZYGOTE_MEMORY_MB = 1 << 20
CONTROL_TIMEOUT_S = 30.0


class _UserIds:
    """User ids handed to forks: never two live forks of this process under the same id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[int] = set()

    def take(self) -> int:
        with self._lock:
            while True:
                uid = random.randrange(*FORK_UIDS)
                if uid not in self._live:
                    self._live.add(uid)
                    return uid

    def give_back(self, uid: int) -> None:
        with self._lock:
            self._live.discard(uid)


USER_IDS = _UserIds()


class WarmSandbox:
    """One zygote in one bubblewrap sandbox; used by one thread at a time."""

    def __init__(self, sandbox: Sandbox, limits: Limits | None = None, single_use: bool = False) -> None:
        """``single_use``: for one submission. pyplot is then loaded on first use only, and the fork is
        not cleaned up after on its own: closing the sandbox ends everything in it at once."""
        self.sandbox, self.limits, self.single_use = sandbox, limits or Limits(), single_use
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._init_pid: int | None = None
        self.info: dict[str, Any] = {}
        self.forks = 0
        #: Why each sandbox this one replaced was thrown away.
        self.replaced: list[str] = []

    @staticmethod
    def usable(sandbox: Sandbox) -> bool:
        """Forks can switch user ids only where the sandbox starts as root."""
        return sandbox.isolated and os.getuid() == 0

    @classmethod
    def candidate(cls) -> Sandbox | None:
        """The installed bubblewrap, untried, where a warm sandbox could use it; None elsewhere.

        Starting the warm sandbox is the test that it runs (``Sandbox.detect``'s probe would cost as
        much again); a caller falls back to ``detect`` when it does not.
        """
        bwrap = shutil.which("bwrap")
        sandbox = Sandbox("bubblewrap", bwrap=bwrap, gpu=gpu_device_nodes())
        return sandbox if bwrap is not None and cls.usable(sandbox) else None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> WarmSandbox:
        """Start the sandbox and wait for its zygote; call from a thread that outlives the sandbox
        (bubblewrap's --die-with-parent follows the thread that started it)."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> None:
        """Start the sandbox without waiting for it (``wait_ready`` may then run in any thread)."""
        self.close()
        self._scratch = tempfile.TemporaryDirectory(prefix="dlcourse-warm-")
        files_dir = Path(self._scratch.name) / "files"
        files_dir.mkdir()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._info_read, info_write = os.pipe()
        # The zygote runs only the grader's own code, for the whole batch; each fork sets the
        # submission's limits (memory, CPU time, processes) for itself.
        limits = dataclasses.replace(self.sandbox.limits_for(self.limits), cpu_s=ZYGOTE_CPU_S,
                                     memory_mb=ZYGOTE_MEMORY_MB)
        argv = [sandbox_python(), "-m", "grader.learner.sandboxed.zygote", str(theirs.fileno())]
        if self.single_use:
            argv.append("--lazy-pyplot")
        cmd = self.sandbox.command(argv, files_dir, limits, info_write, fork_server=True)
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, preexec_fn=limits.apply,
                                          pass_fds=(theirs.fileno(), info_write))
        finally:
            theirs.close()
            os.close(info_write)
        self._control = ours

    def wait_ready(self) -> WarmSandbox:
        try:
            hello = self._receive(START_TIMEOUT_S)
            self._init_pid = sandbox_init_pid(self._info_read)
        finally:
            os.close(self._info_read)
        try:
            self.info = accept_greeting(hello, "the warm grading worker", isolated=True)
        except RuntimeError:
            self.close()
            raise
        return self

    def close(self) -> None:
        control, self._control = self._control, None
        if control is not None:
            control.close()  # the zygote exits on end of input
        proc, self._proc = self._proc, None
        if proc is not None:
            # A single-use sandbox's fork was never reaped: no waiting for what would not end on its own.
            end_sandbox(proc, self._init_pid, wait_s=0.0 if self.single_use else 2.0)
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def discard(self, reason: str) -> None:
        """Throw this sandbox away (everything in it dies); the next request starts a fresh one."""
        if self._proc is None:
            return  # already thrown away, for the first reason
        self.replaced.append(reason)
        self.close()

    def __enter__(self) -> WarmSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and self._control is not None

    # -- control -------------------------------------------------------------------------------

    def _receive(self, timeout_s: float) -> dict[str, Any]:
        assert self._control is not None
        self._control.settimeout(timeout_s)
        try:
            data = self._control.recv(1 << 16)
        except (TimeoutError, OSError) as exc:
            # Its late answer would be read as the next request's: this zygote is not asked again.
            self.discard(f"the zygote stopped answering ({exc})")
            raise WorkerDied(f"the warm grading worker stopped answering ({exc})", Failure.CRASH) from None
        if not data:
            raise WorkerDied("the warm grading worker exited", Failure.CRASH)
        reply = json.loads(data)
        if "error" in reply and reply.get("ready") is None:
            raise WorkerDied(f"the warm grading worker failed: {reply['error']}", Failure.CRASH)
        return reply

    def request(self, message: dict[str, Any], fds: tuple[int, ...] = (), timeout_s: float = CONTROL_TIMEOUT_S) -> dict[str, Any]:
        if not self.alive:
            self.start()
        assert self._control is not None
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            raise WorkerDied(f"the warm grading worker is gone ({exc})", Failure.CRASH) from None
        return self._receive(timeout_s)

    def fork(self, uid: int, limits: Limits, env: dict[str, str], files: dict[str, bytes], fds: tuple[int, int]) -> int:
        """A new worker under ``uid`` reading requests from ``fds[0]`` and replying on ``fds[1]``."""
        message = {
            "op": "fork", "uid": uid, "env": env, "files": {k: v.decode("utf-8") for k, v in files.items()},
            "limits": {"memory_mb": limits.memory_mb, "cpu_s": int(limits.cpu_s) + 1, "max_file_mb": limits.max_file_mb,
                       "open_files": limits.open_files, "max_processes": limits.max_processes,
                       "scratch_mb": limits.scratch_mb, "gpu": limits.gpu},
        }
        self.forks += 1
        return int(self.request(message, fds)["pid"])


_early: Future[WarmSandbox | None] | None = None


def take_early() -> Future[WarmSandbox | None] | None:
    """The warm sandbox ``start_in_background`` began for this process, once."""
    global _early
    early, _early = _early, None
    return early


def start_in_background(single_use: bool = True) -> Future[WarmSandbox | None]:
    """A warm sandbox starting while the caller loads the course; None where there can be none.

    ``dlcourse grade`` starts it first thing: the sandbox's imports (half a second) and the
    grader's then overlap, which is most of what makes a cold ``dlcourse grade NOTEBOOK`` quick,
    and a batch's first slot (``single_use=False``) ready by the time the submissions are found.
    The course's limits bind each submission's fork, not this sandbox, so it needs no course.
    """
    future: Future[WarmSandbox | None] = Future()
    sandbox = WarmSandbox.candidate()
    if sandbox is None:
        future.set_result(None)
        return future
    warm = WarmSandbox(sandbox, single_use=single_use)
    try:
        warm.launch()  # here: the sandbox lives as long as this thread, the caller's
    except OSError:
        future.set_result(None)
        return future

    def run() -> None:
        try:
            future.set_result(warm.wait_ready())
        except (RuntimeError, WorkerDied, OSError):
            future.set_result(None)  # the caller detects the sandbox properly and says why

    threading.Thread(target=run, name="warm-sandbox", daemon=True).start()
    global _early
    _early = future
    return future
