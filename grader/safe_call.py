"""Calling a learner's function without letting it break the grading.

The call gets deep copies of its arguments (so in-place changes are seen and
named), a time limit, and captured output; warnings, exceptions and hangs
come back as data with the traceback trimmed to the learner's own code.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.compare import to_numpy

_OUR_CODE = (str(Path(__file__).resolve().parents[1] / "grader"), str(Path(__file__).resolve().parents[1] / "reference"))


class CallTimeout(Exception):
    """The learner's function ran past its time limit."""


@dataclass
class CallResult:
    value: Any = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.warnings and not self.mutated


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
def _time_limit(seconds: float | None):
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
) -> CallResult:
    """Call fn on copies of args; never raises for anything the learner's code does."""
    kwargs = kwargs or {}
    call_args = tuple(_copy_argument(a) for a in args)
    call_kwargs = {k: _copy_argument(v) for k, v in kwargs.items()}
    result = CallResult()
    sink = io.StringIO()
    start = time.perf_counter()
    # Underflow to 0 is harmless, the others mean lost values.
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with _time_limit(timeout_s), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                result.value = fn(*call_args, **call_kwargs)
        except CallTimeout as exc:
            result.error = f"your function {exc}"
        except RecursionError:
            result.error = "RecursionError: your function calls itself without end"
        except Exception as exc:  # noqa: BLE001 - the learner's exception is the finding
            result.error = learner_traceback(exc)
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
