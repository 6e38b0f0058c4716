"""Calling a learner's function without letting it break the grading.

The call gets deep copies of its arguments (so in-place changes are seen and
named), a time limit, and captured output; warnings, exceptions and hangs
come back as data with the traceback trimmed to the learner's own code.

The same function serves the learner's self-check (in their kernel) and the
sandbox worker. On the trusted side the "function" is a proxy for one living
in the sandbox (``grader.sandbox.remote``); ``safe_call`` hands the call to
it, and the worker runs this very code on the other side of the wall.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from grader.learner.core.compare import to_numpy

# Frames from the course's own packages are not the learner's and are left out of tracebacks.
# This file is grader/learner/core/calls.py: parents[2] is grader/, and reference/ sits beside it.
_GRADER = Path(__file__).resolve().parents[2]
_OUR_CODE = (str(_GRADER), str(_GRADER.parent / "reference"))


class CallTimeout(Exception):
    """The learner's function ran past its time limit."""


#: What became of a call: it returned, raised, ran out of time, is not written yet, or took
#: the sandboxed worker down with it (``crashed``: a segfault, os._exit, the memory limit...).
CallKind = Literal["ok", "raised", "timeout", "not_implemented", "crashed"]


@dataclass
class CallResult:
    value: Any = None
    kind: CallKind = "ok"
    error: str | None = None
    #: The exception's class name when ``kind`` is "raised" (e.g. "ValueError").
    error_type: str | None = None
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.kind == "ok" and not self.warnings and not self.mutated

    def to_wire(self) -> dict[str, Any]:
        from grader.learner.core import wire

        return {"value": wire.encode(self.value), "kind": self.kind, "error": self.error,
                "error_type": self.error_type,
                "warnings": list(self.warnings), "mutated": list(self.mutated), "seconds": float(self.seconds)}

    @classmethod
    def from_wire(cls, data: Any) -> CallResult:
        """Rebuild a result sent by the worker; anything malformed becomes a crash, never an exception."""
        from grader.learner.core import wire

        kinds = ("ok", "raised", "timeout", "not_implemented", "crashed")
        try:
            if not isinstance(data, dict) or data.get("kind") not in kinds:
                raise wire.WireError("not a call result")
            if data["kind"] != "ok" and not isinstance(data.get("error"), str):
                # The reason is the outcome's problem: without one, a failed call would read as passed.
                raise wire.WireError(f"a call that ended as {data['kind']!r} without its reason")
            texts = [data.get("warnings") or [], data.get("mutated") or []]
            if not all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in texts):
                raise wire.WireError("bad warnings or argument names")
            error = data.get("error")
            return cls(
                value=wire.decode(data.get("value")),
                kind=data["kind"],
                error=str(error)[:2000] if error is not None else None,
                error_type=str(data["error_type"])[:80] if data.get("error_type") is not None else None,
                warnings=[w[:500] for w in texts[0][:20]],
                mutated=[m[:80] for m in texts[1][:20]],
                seconds=float(data.get("seconds") or 0.0),
            )
        except (wire.WireError, TypeError, ValueError) as exc:
            return cls(kind="crashed", error=f"the grader could not read what your function returned ({exc})")


def _copy_argument(value: Any) -> Any:
    # A Generator is passed as itself: checks need to see that the learner draws from it.
    if isinstance(value, np.random.Generator):
        return value
    if hasattr(value, "__cuda_array_interface__") and hasattr(value, "copy"):
        return value.copy()
    return copy.deepcopy(value)


def _same(before: Any, after: Any) -> bool:
    before, after = to_numpy(before), to_numpy(after)
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and bool(
            np.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _same(before[k], after[k]) for k in before
        )
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(
            _same(b, a) for b, a in zip(before, after)
        )
    return True


def learner_traceback(exc: BaseException) -> str:
    """The exception with only the frames of the learner's own code."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith(_OUR_CODE) and "site-packages" not in f.filename
    ]
    lines = [f"  line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames[-3:]]
    head = f"{type(exc).__name__}: {exc}"
    return "\n".join([head, *lines]) if lines else head


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Any:
    usable = seconds and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise CallTimeout(f"did not finish within {seconds:g} s (an endless loop, or far too much work?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def safe_call(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    arg_names: tuple[str, ...] = (),
    timeout_s: float | None = 10.0,
    np_random_seed: int | None = None,
    stand_ins: Mapping[str, str] | None = None,
) -> CallResult:
    """Call fn on copies of args; never raises for anything the learner's code does.

    ``np_random_seed`` seeds NumPy's global generator for this call only (to see
    whether a function draws from it instead of the generator it was given).
    ``stand_ins`` replaces helpers in fn's globals for this call only: helper name -> a stand-in that an
    exercise's learner-side module declares, ``"<exercise>.<name>"`` (``grader.learner.core.found.stand_in``).
    """
    remote = getattr(fn, "__wire_call__", None)
    if remote is not None:
        return remote(args, kwargs or {}, arg_names, timeout_s, np_random_seed, dict(stand_ins or {}))
    with _helpers_replaced(fn, stand_ins or {}):
        return _call(fn, args, kwargs, arg_names, timeout_s, np_random_seed)


@contextlib.contextmanager
def _helpers_replaced(fn: Callable[..., Any], stand_ins: Mapping[str, str]) -> Iterator[None]:
    """The learner's function looks its helpers up in its module's globals (the notebook's namespace)."""
    namespace = getattr(fn, "__globals__", None)
    if not stand_ins or not isinstance(namespace, dict):
        yield
        return
    from grader.learner.core.found import stand_in

    missing = object()
    saved = {name: namespace.get(name, missing) for name in stand_ins}
    try:
        for name, key in stand_ins.items():
            namespace[name] = stand_in(key)
        yield
    finally:
        for name, old in saved.items():
            if old is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = old


class _PerThreadStream:
    """What ``sys.stdout`` / ``sys.stderr`` are once a call has been judged: a thread inside a call
    writes to that call's sink, every other write goes to the stream that stood there before.

    ``contextlib.redirect_stdout`` swaps the process-wide stream: two grading threads whose calls
    ended in the other order left ``sys.stdout`` on a finished call's buffer, and the batch's own
    summary vanished. Attributes other than writing (encoding, isatty, fileno) are the stream's own.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _target(self) -> Any:
        sink = getattr(_CALLER, "sink", None)
        return self._stream if sink is None else sink

    def write(self, text: str) -> int:
        return self._target().write(text)

    def writelines(self, lines: Any) -> None:
        self._target().writelines(lines)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_CALLER = threading.local()
_INSTALLING = threading.Lock()


@contextlib.contextmanager
def _output_to(sink: io.StringIO) -> Iterator[None]:
    """This thread's prints, to either stream, go to ``sink`` while the block runs; other threads' do not."""
    with _INSTALLING:
        for name in ("stdout", "stderr"):
            if not isinstance(getattr(sys, name), _PerThreadStream):
                setattr(sys, name, _PerThreadStream(getattr(sys, name)))
    previous = getattr(_CALLER, "sink", None)
    _CALLER.sink = sink
    try:
        yield
    finally:
        _CALLER.sink = previous


def _call(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None,
    arg_names: tuple[str, ...],
    timeout_s: float | None,
    np_random_seed: int | None,
) -> CallResult:
    kwargs = kwargs or {}
    call_args = tuple(_copy_argument(a) for a in args)
    call_kwargs = {k: _copy_argument(v) for k, v in kwargs.items()}
    result = CallResult()
    sink = io.StringIO()
    saved_global = np.random.get_state() if np_random_seed is not None else None
    start = time.perf_counter()
    # Underflow to 0 is harmless, the others mean lost values.
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            if np_random_seed is not None:
                np.random.seed(np_random_seed % 2**32)
            with time_limit(timeout_s), _output_to(sink):
                result.value = fn(*call_args, **call_kwargs)
        except CallTimeout as exc:
            result.kind, result.error = "timeout", f"your function {exc}"
        except NotImplementedError as exc:
            result.kind, result.error = "not_implemented", learner_traceback(exc)
        except RecursionError:
            result.kind, result.error = "raised", "RecursionError: your function calls itself without end"
            result.error_type = "RecursionError"
        except MemoryError:
            result.kind, result.error = "raised", "MemoryError: your function ran out of memory"
            result.error_type = "MemoryError"
        except Exception as exc:  # noqa: BLE001 - the learner's exception is the finding
            result.kind, result.error = "raised", learner_traceback(exc)
            result.error_type = type(exc).__name__
        finally:
            if saved_global is not None:
                np.random.set_state(saved_global)
    result.seconds = time.perf_counter() - start
    seen: set[str] = set()
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in seen:
            seen.add(text)
            result.warnings.append(text)
    names = list(arg_names) + [f"argument {i + 1}" for i in range(len(arg_names), len(args))]
    for name, original, passed in zip(names, args, call_args):
        if not isinstance(original, np.random.Generator) and not _same(original, passed):
            result.mutated.append(name)
    for key, original in kwargs.items():
        if not isinstance(original, np.random.Generator) and not _same(original, call_kwargs[key]):
            result.mutated.append(key)
    return result
