"""GPU checks: the learner's functions on CuPy arrays of about 10**7 elements, for information only.

One definition for every path (in-process, and the sandboxed grading of nbgrader autograde and the
batch), in three steps:

(a) here, trusted: each case's arguments are built with NumPy from a fixed seed, and the reference
    computes the right value on the CPU (the agreement target); where this process has a GPU the
    reference is also timed on it;
(b) ``grader.learner.core.device.run_on_device``, answer-free: the arguments moved to the GPU, the
    learner's function called and timed there, its result brought back; in the sandbox the worker
    runs it (``RemoteFunction.__device_call__``);
(c) here: the verdict lines (agreement within the course's tolerance loosened ten times, on the device
    or not, the learner's time against the reference's).

They never cost points. Without CuPy or a GPU nothing is built and nothing runs: the caller says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.learner.core.compare import compare_value
from grader.learner.core.device import DeviceRun, cupy_or_reason, device_name, run_on_device, time_on_device
from grader.learner.core.model import Context, NeedsContext, with_context

__all__ = ["SIZE", "GpuCase", "Prepared", "cupy_or_reason", "gpu_report", "prepare", "verdict"]

SIZE = 10_000_000
#: The seed every case's arguments are drawn from: the same arrays for every learner and every run.
SEED = 0
#: GPU arithmetic (fused multiply-add, another summation order) differs from the CPU's in the last bits.
TOLERANCE_FACTOR = 10
#: A GPU call's time limit: far above what 10**7 elements need, well below a submission's.
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class GpuCase:
    """One learner function on large arrays: ``make_args(xp, rng, size)`` builds its arguments with ``xp``."""

    function: str
    make_args: Callable[..., tuple[Any, ...]]
    #: The reference's answer; may take the check's context (``needs_context``).
    reference: Callable[..., Any] | NeedsContext


@dataclass(frozen=True)
class Prepared:
    """Step (a) for one case: NumPy arguments, the reference's value on the CPU, its time on the GPU."""

    case: GpuCase
    size: int
    args: tuple[Any, ...]
    expected: Any
    #: The reference on this process's GPU (seconds), or None where this process has none.
    reference_s: float | None


def prepare(case: GpuCase, ctx: Context, size: int = SIZE, cupy: Any = None) -> Prepared:
    """The case's arguments and right answer, from ``SEED``; the reference timed on ``cupy``'s GPU if given."""
    args = case.make_args(np, np.random.default_rng(SEED), size)
    reference = with_context(case.reference, ctx)
    expected = reference(*args)
    return Prepared(case, size, args, expected, time_on_device(reference, args, cupy) if cupy is not None else None)


def verdict(prepared: Prepared, run: DeviceRun, ctx: Context) -> str:
    """Step (c): one line saying what the GPU run of one case found."""
    name, size = prepared.case.function, f"{prepared.size:,}"
    if run.kind == "unavailable":
        return f"  {name}: not run on the GPU ({run.error})"
    if run.kind != "ok":
        first = (run.error or run.kind).splitlines()[0]
        return f"  {name} on {size} elements: {'did not finish' if run.kind == 'timeout' else 'failed'}: {first}"
    problem = compare_value(run.value, prepared.expected, ctx.tolerance.loosened(TOLERANCE_FACTOR))
    agreement = "agrees with the reference's CPU result" if problem is None else f"disagrees with the CPU result: {problem}"
    where = ("stayed on the GPU" if run.on_device
             else "came back as a host (NumPy/Python) value: it left the GPU")
    timing = f"{run.seconds * 1000:.1f} ms"
    if prepared.reference_s is not None:
        timing += f" (the reference: {prepared.reference_s * 1000:.1f} ms)"
    notes = "".join(f"; it changed its argument {m}" for m in run.mutated)
    return f"  {name} on {size} elements: {agreement}; {where}; {timing}{notes}"


def skipped(reason: str) -> str:
    return f"GPU checks skipped: {reason}. They cost no points."


def gpu_report(cases: Sequence[GpuCase], namespace: Mapping[str, Any], ctx: Context, size: int = SIZE,
               trusted_cupy: Any = None) -> list[str]:
    """One line per GPU case; the first says on which GPU, or why the checks were skipped.

    ``namespace``: the learner's functions, local (their GPU step runs in this process) or a
    ``RemoteNamespace`` (the worker runs it). ``trusted_cupy``: CuPy in this process, to time the
    reference; by default looked up here, and without it nothing is built at all.
    """
    if not cases:
        return [skipped("this exercise has no GPU-sized part")]
    cupy = trusted_cupy
    if cupy is None:
        cupy, reason = cupy_or_reason()
        if cupy is None:
            return [skipped(f"{reason} on the grading machine")]
    lines: list[str] = []
    device = ""
    for case in cases:
        fn = namespace.get(case.function)
        if not callable(fn):
            lines.append(f"  {case.function}: not defined, skipped")
            continue
        prepared = prepare(case, ctx, size, cupy)
        run = run_on_device(fn, prepared.args, TIMEOUT_S)
        if run.kind == "unavailable":
            # The learner's side has no GPU (the sandbox, CUDA inside it): the same for every case.
            return [skipped(f"where your code runs, {run.error}")]
        device = device or run.device
        lines.append(verdict(prepared, run, ctx))
    head = f"GPU checks on {device or device_name(cupy)} (no points, for your information):"
    return [head, *lines]
