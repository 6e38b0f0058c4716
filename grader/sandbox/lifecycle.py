"""A sandbox's first and last moments, the same for both kinds: its greeting taken, its end.

A worker per submission (``grader.sandbox.session``), a fork of a warm sandbox
(``grader.sandbox.forked``) and a warm sandbox's zygote (``grader.sandbox.warm``)
all greet the trusted side with ``{"ready": True, "sees": {module: bool}, ...}``;
``accept_greeting`` is the one judge of that greeting. ``end_sandbox`` is the one
way a bubblewrap sandbox and everything running in it are ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any

from grader.sandbox.launch import WorkerCouldNotStart, refused_modules


class SandboxSeesAnswers(RuntimeError):
    """The sandbox could import a module that knows answers (or did not say): nothing is graded in it."""


def accept_greeting(hello: dict[str, Any], who: str, isolated: bool) -> dict[str, Any]:
    """``hello`` if it is a greeting from a sealed sandbox; raises otherwise.

    ``who`` names the process in the message ("the grading worker"). ``isolated``: a bubblewrap
    sandbox, which must have checked every module of ``refused_modules`` and seen none of them (the
    fallback without a sandbox sees the whole checkout, and says so elsewhere).
    """
    if hello.get("ready") is not True:
        if hello.get("ready") is False:
            raise WorkerCouldNotStart(f"{who} could not start: {hello.get('error') or hello!r}")
        raise WorkerCouldNotStart(f"{who} sent {hello!r} instead of its greeting")
    if isolated:
        sees = hello.get("sees") if isinstance(hello.get("sees"), dict) else {}
        seen = [m for m, yes in sees.items() if yes is not False]
        if seen:
            raise SandboxSeesAnswers(f"the sandbox can import {', '.join(seen)}: refusing to grade in it")
        unchecked = [m for m in refused_modules() if m not in sees]
        if unchecked:
            # A worker that did not look cannot show the wall holds: fail closed.
            raise SandboxSeesAnswers(f"the sandbox did not say whether it can import {', '.join(unchecked)}: "
                                     "refusing to grade in it")
    return hello


def end_sandbox(proc: subprocess.Popen[bytes], init_pid: int | None, wait_s: float = 0.0) -> None:
    """End a sandbox and everything in it; returns once bubblewrap (``proc``) is reaped.

    ``init_pid``: the sandbox's init (bubblewrap's --info-fd), None where there is none.
    ``wait_s``: how long it may take to end on its own first, when it was asked to (end of input).
    """
    if wait_s:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait_s)
    if proc.poll() is None and init_pid:
        # Killing the sandbox's init kills every process in its PID namespace; bubblewrap, which
        # waits for it, then exits and is reaped below, so nothing is left running after this.
        with contextlib.suppress(ProcessLookupError):
            os.kill(init_pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    if proc.poll() is None:
        # Without a sandbox (or an init that could not be read): its session, which Limits.apply began.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
    proc.wait()
