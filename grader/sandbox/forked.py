"""A ``WorkerSession`` whose worker is forked by a warm sandbox (``grader.sandbox.warm``).

Kept apart from ``warm`` so that starting a sandbox imports nothing of the session (the single
notebook command starts one before anything else).
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

from grader.sandbox.launch import START_TIMEOUT_S, Limits, WorkerCouldNotStart, WorkerDied
from grader.sandbox.session import WorkerSession
from grader.sandbox.warm import CONTROL_TIMEOUT_S, USER_IDS, WarmSandbox


class ForkedProcess:
    """What ``WorkerSession`` needs of a ``Popen``, for a worker forked by a zygote."""

    def __init__(self, warm: WarmSandbox, pid: int, uid: int, stdin: Any, stdout: Any) -> None:
        self.warm, self.pid, self.uid, self.stdin, self.stdout = warm, pid, uid, stdin, stdout
        self.returncode: int | None = None
        self._reaped = False

    def _status(self, op: str, timeout_s: float = 0.0) -> int | None:
        if self.returncode is None and self.warm.alive:
            try:
                reply = self.warm.request({"op": op, "pid": self.pid, "uid": self.uid, "timeout_s": timeout_s},
                                          timeout_s=CONTROL_TIMEOUT_S + timeout_s)
            except WorkerDied:
                return self.returncode
            self.returncode = reply.get("status")
        return self.returncode

    def poll(self) -> int | None:
        # No round trip to the zygote per request: a worker that died shows as end of input on its
        # pipe, and only then does ``wait`` ask the zygote how it ended.
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        status = self._status("wait", timeout or 0.0)
        if status is None:
            raise subprocess.TimeoutExpired("worker", timeout or 0.0)
        return status

    def reap(self) -> None:
        """Kill the worker and every process of its user id (its files and IPC objects die with its
        namespaces); a sandbox the zygote cannot show clean afterwards is thrown away. Idempotent."""
        if self._reaped:
            return
        self._reaped = True
        if self.warm.alive and not self.warm.single_use:
            try:
                reply = self.warm.request({"op": "reap", "pid": self.pid, "uid": self.uid})
            except WorkerDied as exc:
                # Fails closed: a slot not shown clean grades no one else.
                self.warm.discard(f"reaping failed: {exc}")
            else:
                if self.returncode is None:
                    self.returncode = reply.get("status")
        USER_IDS.give_back(self.uid)


class ForkedSession(WorkerSession):
    """A ``WorkerSession`` whose worker (and each restart of it) is forked by a warm sandbox."""

    def __init__(self, warm: WarmSandbox, limits: Limits, files: dict[str, bytes], deadline_s: float | None = None,
                 learner: str | None = None, render_figures: bool = True) -> None:
        super().__init__(warm.sandbox, limits, None, deadline_s, learner)
        self.warm, self.files = warm, dict(files)
        self.env = {"MPLBACKEND": "module://grader.learner.sandboxed.figures"}
        if learner:
            self.env["DLCOURSE_LEARNER"] = learner
        if not render_figures:
            self.env["DLCOURSE_RENDER_FIGURES"] = "0"

    def start(self) -> None:
        """Fork the worker; if it cannot start, once more in a fresh sandbox (the slot may be what failed)."""
        try:
            self._fork()
        except WorkerCouldNotStart as exc:
            if time.monotonic() >= self.deadline:
                raise
            self.warm.discard(str(exc))
            self._fork()

    def _fork(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        uid = USER_IDS.take()
        try:
            pid = self.warm.fork(uid, self.limits, self.env, self.files, (to_child_r, from_child_w))
        except (WorkerDied, RuntimeError, OSError, KeyError, ValueError) as exc:
            USER_IDS.give_back(uid)
            os.close(to_child_w)
            os.close(from_child_r)
            raise WorkerCouldNotStart(f"the grading worker could not start: {exc}") from None
        finally:
            # The child's ends: the zygote passed its copies on to the fork.
            os.close(to_child_r)
            os.close(from_child_w)
        self._proc = ForkedProcess(self.warm, pid, uid, os.fdopen(to_child_w, "wb", buffering=0),
                                   os.fdopen(from_child_r, "rb", buffering=0))
        self._init_pid = None
        try:
            hello = self._read(time.monotonic() + START_TIMEOUT_S)
        except WorkerDied as exc:
            self.close()
            raise WorkerCouldNotStart(f"the grading worker could not start: {exc}") from None
        self._accept(hello)

    def _terminate(self, proc: Any, wait_s: float = 0.0) -> None:
        proc.reap()

    def close(self) -> None:
        """No polite ending: the fork's state is of no use once graded. Reaping (by user id) ends it
        and anything it started; for a single-use sandbox, closing the sandbox next does."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            stream.close()
        proc.reap()
