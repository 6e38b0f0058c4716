"""One learner's sandboxed worker, seen from the trusted side.

``WorkerSession`` runs a submission's cells one by one and calls its
functions. Everything it gets back is decoded as data (``grader.learner.core.wire``).
When the worker dies (a segfault, ``os._exit``, the memory or CPU limit, a
hang that swallows the interrupt) the session records why, starts a fresh
worker, runs again the cells that had finished, and carries on: a crash costs
only what needed the crashed cell or call.
"""

from __future__ import annotations

import os
import secrets
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.learner.core import wire
from grader.learner.core.calls import CallResult
from grader.learner.core.device import GPU_FRAME_BYTES, REPEATS, DeviceRun
from grader.sandbox.launch import (START_TIMEOUT_S, Failure, Limits, Sandbox, WorkerDied, font_cache, sandbox_python,
                                  unsandboxed_library)
from grader.sandbox.launch import sandbox_init_pid as _child_pid
from grader.sandbox.lifecycle import accept_greeting, end_sandbox

#: Time the worker gets beyond a request's own limit before it is killed as hung.
GRACE_S = 3.0
MAX_RESTARTS = 8
#: What CUDA and CuPy may take to start in a fresh worker, on top of the GPU op's calls.
CUDA_START_S = 60.0


@dataclass
class CellRun:
    cell_id: str
    status: str  # ok, error, timeout, crashed
    error: str | None = None
    error_type: str | None = None
    stdout: str = ""
    result: str | None = None
    images: list[str] = field(default_factory=list)
    defined: list[str] = field(default_factory=list)

    @property
    def failed_to_finish(self) -> bool:
        """The cell's definitions may be missing because the worker (not the learner's Python) gave up."""
        return self.status in ("timeout", "crashed") or self.error_type == "MemoryError"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class WorkerSession:
    """A worker for one submission; use as a context manager."""

    def __init__(self, sandbox: Sandbox, limits: Limits, files: dict[str, bytes] | None = None,
                 deadline_s: float | None = None, learner: str | None = None) -> None:
        self.sandbox, self.limits, self.learner = sandbox, sandbox.limits_for(limits), learner
        self._scratch = tempfile.TemporaryDirectory(prefix="dlcourse-worker-")
        self._files_dir = Path(self._scratch.name) / "files"
        self._files_dir.mkdir()
        for name, data in (files or {}).items():
            (self._files_dir / name).write_bytes(data)
        self._proc: subprocess.Popen[bytes] | None = None
        self._replay: list[tuple[str, str, float]] = []
        self.deadline = time.monotonic() + (deadline_s or limits.cpu_s)
        self.info: dict[str, Any] = {}
        self.restarts = 0
        self.crashes: list[str] = []

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> WorkerSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self._scratch.cleanup()

    def _argv(self) -> list[str]:
        if self.sandbox.isolated:
            return [sandbox_python(), "-m", "grader.learner.sandboxed.worker"]
        lib = unsandboxed_library(Path(self._scratch.name) / f"lib{self.restarts}")
        code = f"import sys; sys.path.insert(0, {str(lib)!r}); from grader.learner.sandboxed.worker import main; main()"
        return [sys.executable, "-I", "-c", code]

    def start(self) -> None:
        info_read, info_write = os.pipe()
        self._init_pid = None
        if self.sandbox.isolated:
            cmd, cwd, env = self.sandbox.command(self._argv(), self._files_dir, self.limits, info_write,
                                                 self.learner), None, None
        else:
            from grader.sandbox.launch import worker_env

            home = Path(self._scratch.name) / f"home{self.restarts}"
            home.mkdir()
            for f in self._files_dir.iterdir():
                (home / f.name).write_bytes(f.read_bytes())
            fonts = font_cache()
            if fonts is not None:
                (home / ".matplotlib").mkdir()
                (home / ".matplotlib" / fonts.name).write_bytes(fonts.read_bytes())
            cmd, cwd, env = self._argv(), str(home), worker_env(self.sandbox, str(home), "", self.limits, self.learner)
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, cwd=cwd, env=env,
                preexec_fn=self.limits.apply, pass_fds=(info_write,),
            )
        finally:
            os.close(info_write)
        try:
            hello = self._read(time.monotonic() + START_TIMEOUT_S)
            self._init_pid = _child_pid(info_read) if self.sandbox.isolated else None
        except WorkerDied as exc:
            raise RuntimeError(f"the grading worker could not start: {exc}") from None
        finally:
            os.close(info_read)
        self._accept(hello)

    def _accept(self, hello: dict[str, Any]) -> None:
        """Take the worker's greeting, or refuse a worker that could import what knows the answers."""
        try:
            self.info = accept_greeting(hello, "the grading worker", self.sandbox.isolated)
        except RuntimeError:
            self.close()
            raise

    def close(self) -> None:
        """End the worker and everything it started; returns once they are all gone."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        polite = proc.poll() is None and proc.stdin is not None
        if polite:
            # On end of input the worker exits, and the sandbox's init takes every remaining process
            # of the sandbox with it before bubblewrap itself returns.
            try:
                proc.stdin.close()
            except OSError:
                polite = False
        self._terminate(proc, wait_s=1.0 if polite else 0.0)
        for stream in (proc.stdin, proc.stdout):
            if stream:
                stream.close()

    def _terminate(self, proc: subprocess.Popen[bytes], wait_s: float = 0.0) -> None:
        end_sandbox(proc, self._init_pid, wait_s)

    def _death(self, hung: bool) -> WorkerDied:
        """Why the worker is gone, and how: read from the clock (``hung``) or its exit status."""
        proc = self._proc
        assert proc is not None
        if hung:
            return WorkerDied("it did not finish in time and did not stop when interrupted", Failure.TIMEOUT)
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return WorkerDied("the grading worker stopped answering", Failure.CRASH)
        signum = -code if code < 0 else code - 128 if code > 128 else 0
        if signum == signal.SIGKILL:
            return WorkerDied(f"the process was killed (signal SIGKILL), most likely for passing the memory limit of "
                              f"{self.limits.memory_mb} MB or the CPU limit", Failure.MEMORY)
        if signum == signal.SIGXCPU:
            return WorkerDied(f"it used more than the CPU time limit of {self.limits.cpu_s:g} s", Failure.CPU_LIMIT)
        if signum:
            return WorkerDied(f"the process crashed ({_signal_name(signum)})", Failure.CRASH)
        return WorkerDied(f"the process exited (exit status {code}), e.g. through os._exit or sys.exit in a thread",
                          Failure.CRASH)

    # -- frames --------------------------------------------------------------------------------

    def _read(self, deadline: float, max_bytes: int = wire.MAX_FRAME_BYTES) -> dict[str, Any]:
        """The worker's next frame; one whose size is over ``max_bytes`` kills it before a byte more is read."""
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise WorkerDied("the grading worker is not running", Failure.CRASH)
        fd = proc.stdout.fileno()
        buf = bytearray()  # grown in place: a frame of many pipe-sized chunks is not copied per chunk
        need = 4
        size = None
        while len(buf) < need:
            left = min(deadline, self.deadline) - time.monotonic()
            if left <= 0:
                died = self._death(hung=True)
                self._kill()
                raise died
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, min(1 << 20, need - len(buf)))
            if not chunk:
                died = self._death(hung=False)
                self._kill()
                raise died
            buf += chunk
            if size is None and len(buf) >= 4:
                (size,) = struct.unpack(">I", buf[:4])
                if size > max_bytes:
                    self._kill()
                    raise WorkerDied(f"it sent back more than {max_bytes >> 20} MB at once",
                                     Failure.OUTPUT_LIMIT)
                need = 4 + size
        try:
            return wire.parse_frame(memoryview(buf)[4:])
        except wire.WireError as exc:
            self._kill()
            raise WorkerDied(f"its reply could not be read ({exc})", Failure.CRASH) from None

    def _kill(self) -> None:
        if self._proc is not None:
            self._terminate(self._proc)

    def _request(self, message: dict[str, Any], timeout_s: float, payload: dict[str, Any] | None = None,
                 max_bytes: int = wire.MAX_FRAME_BYTES) -> dict[str, Any]:
        """``payload``: a second frame after the request (the GPU op's arguments); ``max_bytes``: the
        largest reply frame accepted while waiting for this request's answer."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            raise (self._death(hung=False) if proc is not None
                   else WorkerDied("the grading worker is not running", Failure.CRASH))
        # Learner code can write frames into the channel too; an unguessable id per request means a
        # forged or stale frame is skipped instead of being taken as the answer to a later request.
        request_id = secrets.randbits(62)
        try:
            proc.stdin.write(wire.dumps({**message, "id": request_id}))
            if payload is not None:
                proc.stdin.write(wire.dumps(payload))
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            died = self._death(hung=False)
            self._kill()
            raise died from None
        deadline = time.monotonic() + timeout_s + GRACE_S
        while True:
            reply = self._read(deadline, max_bytes)
            if reply.get("id") == request_id:
                break
        reply.pop("id")
        if "error" in reply and len(reply) == 1:
            raise WorkerDied(f"the worker failed: {str(reply['error'])[:300]}", Failure.CRASH)
        return reply

    def _restart(self) -> None:
        """A fresh worker with every cell that had finished run again (their output is not kept).

        A cell that passed once but now takes the worker down (it depends on timing?) is dropped
        from the replay, and the next fresh worker goes without it.
        """
        while True:
            self.close()
            self.restarts += 1
            if self.restarts > MAX_RESTARTS or time.monotonic() > self.deadline:
                raise WorkerDied("grading gave up after the worker crashed too often", Failure.CRASH)
            self.start()
            for cell_id, source, timeout in list(self._replay):
                try:
                    self._request({"op": "exec", "source": source, "timeout_s": timeout}, timeout)
                except WorkerDied:
                    self._replay = [r for r in self._replay if r[0] != cell_id]
                    break
            else:
                return

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _ensure(self) -> None:
        if not self._alive():
            self._restart()

    # -- operations ----------------------------------------------------------------------------

    def run_cell(self, cell_id: str, source: str, timeout_s: float, max_output_chars: int | None = None) -> CellRun:
        try:
            self._ensure()
            reply = self._request({"op": "exec", "source": source, "timeout_s": timeout_s}, timeout_s)
        except WorkerDied as exc:
            reason = str(exc)
            self.crashes.append(f"cell {cell_id}: {reason}")
            try:
                self._restart()
            except (WorkerDied, RuntimeError) as again:
                reason += f"; then {again}"
            return CellRun(cell_id, "crashed", error=reason, error_type="Crash")
        run = _cell_run(cell_id, reply, max_output_chars)
        if run.status in ("ok", "error") and run.error_type != "MemoryError":
            self._replay.append((cell_id, source, timeout_s))
        return run

    def lookup(self, names: list[str]) -> dict[str, dict[str, str]]:
        try:
            self._ensure()
            reply = self._request({"op": "lookup", "names": list(names)}, 10)
        except WorkerDied:
            return {n: {"kind": "missing"} for n in names}
        found = reply.get("names") if isinstance(reply.get("names"), dict) else {}
        return {n: found.get(n) if isinstance(found.get(n), dict) else {"kind": "missing"} for n in names}

    def call(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any], arg_names: tuple[str, ...],
             timeout_s: float | None, np_random_seed: int | None = None,
             stand_ins: dict[str, str] | None = None) -> tuple[CallResult, dict[str, Any]]:
        timeout = float(timeout_s or 10)
        message = {
            "op": "call", "function": function, "args": [wire.encode(a) for a in args],
            "kwargs": wire.encode(dict(kwargs)), "arg_names": list(arg_names), "timeout_s": timeout,
            "np_random_seed": np_random_seed, "stand_ins": dict(stand_ins or {}),
        }
        try:
            self._ensure()
            reply = self._request(message, timeout)
        except WorkerDied as exc:
            reason = str(exc)
            self.crashes.append(f"{function}: {reason}")
            kind = "timeout" if exc.kind is Failure.TIMEOUT else "crashed"
            text = (f"your function did not finish within {timeout:g} s and ignored the interrupt"
                    if kind == "timeout" else f"grading failed: calling `{function}` {reason}")
            try:
                self._restart()
            except (WorkerDied, RuntimeError):
                pass
            return CallResult(kind=kind, error=text), {}
        states = reply.get("rng_states") if isinstance(reply.get("rng_states"), dict) else {}
        return CallResult.from_wire(reply.get("call")), states

    def gpu(self, function: str, args: tuple[Any, ...], timeout_s: float) -> DeviceRun:
        """``function`` on ``args`` (NumPy) moved to the worker's GPU (``device.run_on_device`` over there).

        The request's timeout covers CUDA's start in the worker and every timed call; a crash costs this
        check only, as a call's does.
        """
        timeout = float(timeout_s) * (REPEATS + 1) + CUDA_START_S
        message = {"op": "gpu", "function": function, "timeout_s": float(timeout_s)}
        payload = {"args": [wire.encode(a) for a in args]}
        try:
            self._ensure()
            reply = self._request(message, timeout, payload=payload, max_bytes=GPU_FRAME_BYTES)
        except WorkerDied as exc:
            reason = str(exc)
            self.crashes.append(f"{function} on the GPU: {reason}")
            kind = "timeout" if exc.kind is Failure.TIMEOUT else "crashed"
            try:
                self._restart()
            except (WorkerDied, RuntimeError):
                pass
            return DeviceRun(kind, f"grading failed: calling `{function}` on the GPU {reason}")
        return DeviceRun.from_wire(reply.get("gpu"))

    def values(self, names: list[str]) -> dict[str, Any]:
        """Decoded values of the names that exist; a value the wire cannot read becomes ``Unsupported``."""
        try:
            self._ensure()
            reply = self._request({"op": "values", "names": list(names)}, 10)
        except WorkerDied:
            return {}
        raw = reply.get("values") if isinstance(reply.get("values"), dict) else {}
        out = {}
        for name in names:
            if name in raw:
                try:
                    out[name] = wire.decode(raw[name])
                except wire.WireError as exc:
                    out[name] = wire.Unsupported("unreadable", f"a value the grader could not read ({exc})")
        return out


def _cell_run(cell_id: str, reply: dict[str, Any], max_output_chars: int | None) -> CellRun:
    def text(key: str, limit: int = 20_000) -> str | None:
        value = reply.get(key)
        return str(value)[:limit] if value is not None else None

    status = reply.get("status") if reply.get("status") in ("ok", "error", "timeout") else "crashed"
    images = [i for i in reply.get("images") or [] if isinstance(i, str) and len(i) < 4 * 1024 * 1024][:8]
    defined = [d for d in reply.get("defined") or [] if isinstance(d, str)][:200]
    return CellRun(
        cell_id, status, error=text("error", 4000), error_type=text("error_type", 80),
        stdout=text("stdout", max_output_chars or 20_000) or "", result=text("result", 4000), images=images,
        defined=defined,
    )
