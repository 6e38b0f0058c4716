"""GPU-backed checks: the learner's functions on CuPy arrays of about 10**7 elements.

They compare with the reference run on the same GPU (the reference is array-API
code, so it runs there unchanged) and report whether the learner's result stayed
on the device. They never cost points: without CuPy or a GPU they are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.learner.core.calls import safe_call
from grader.learner.core.compare import compare_value
from grader.learner.core.model import Context, NeedsContext, with_context

SIZE = 10_000_000


def cupy_or_reason() -> tuple[Any, str | None]:
    """CuPy when it is installed and sees a GPU; otherwise why not."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy sees no CUDA GPU"
    except Exception as exc:  # noqa: BLE001 - any CUDA start-up failure means no GPU for us
        return None, f"CUDA is unavailable ({type(exc).__name__})"
    return cupy, None


@dataclass(frozen=True)
class GpuCase:
    """One learner function on large arrays: ``make_args(xp, rng)`` builds its arguments on the device."""

    function: str
    make_args: Callable[[Any, np.random.Generator], tuple[Any, ...]]
    #: The reference's answer, on the same device; may take the check's context (``needs_context``).
    reference: Callable[..., Any] | NeedsContext


def gpu_report(cases: Sequence[GpuCase], namespace: Mapping[str, Any], ctx: Context) -> list[str]:
    """One line per GPU check; the first line says when and why they were skipped."""
    cupy, reason = cupy_or_reason()
    if cupy is None:
        return [f"GPU checks skipped: {reason}. They cost no points."]
    lines = [f"GPU checks on {cupy.cuda.runtime.getDeviceProperties(0)['name'].decode()} (no points, for your information):"]
    rng = np.random.default_rng(0)
    for case in cases:
        fn = namespace.get(case.function)
        if not callable(fn):
            lines.append(f"  {case.function}: not defined, skipped")
            continue
        args = case.make_args(cupy, rng)
        expected = with_context(case.reference, ctx)(*args)
        cupy.cuda.Device().synchronize()
        start = time.perf_counter()
        call = safe_call(fn, args, timeout_s=60.0)
        cupy.cuda.Device().synchronize()
        seconds = time.perf_counter() - start
        if call.kind != "ok":
            lines.append(f"  {case.function}: raised {call.error.splitlines()[0]}")
            continue
        on_device = isinstance(call.value, cupy.ndarray) or (
            isinstance(call.value, tuple) and all(isinstance(v, cupy.ndarray) for v in call.value if v is not None)
        )
        got = call.value.get() if isinstance(call.value, cupy.ndarray) else call.value
        problem = compare_value(got, expected.get(), ctx.tolerance.loosened(10))
        verdict = "matches the reference" if problem is None else problem
        where = "stayed on the GPU" if on_device else "came back as a host (NumPy/Python) value: it left the GPU"
        lines.append(f"  {case.function} on {SIZE:,} elements: {verdict}; {where}; {seconds * 1000:.1f} ms")
    return lines
