"""The GPU step of the GPU checks, the same on both sides of the wall: a learner's function on CuPy arrays.

``run_on_device`` moves NumPy arguments to the GPU, calls the function through
``calls.safe_call`` (copies, time limit, typed outcome), waits for the GPU to
finish, and brings the result back as NumPy, noting whether it stayed a CuPy
array. It knows no answer: the trusted side builds the arguments, computes the
right value on the CPU and judges what comes back (``grader.checks.gpu``).

In the sandbox this runs in the worker (its ``gpu`` op); CuPy is imported there
on the first GPU request only, so a warm zygote never initialises CUDA (which
does not survive ``fork``). A function living in the sandbox (``grader.sandbox.remote``)
is recognised by ``__device_call__`` and the step is handed to the worker, as
``safe_call`` hands a call over by ``__wire_call__``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from grader.learner.core.calls import CallResult, safe_call

#: The largest frame of the ``gpu`` op, both ways (its arguments, its result). Every other frame keeps
#: ``wire.MAX_FRAME_BYTES``: two float64 arrays of 10**7 elements (160 MB, bce's arguments) must cross.
GPU_FRAME_BYTES = 512 * 1024 * 1024
#: Calls timed per case; the fastest counts, since the first one also compiles CuPy's kernels.
REPEATS = 2

DeviceKind = Literal["ok", "raised", "timeout", "not_implemented", "crashed", "unavailable"]


def cupy_or_reason() -> tuple[Any, str | None]:
    """CuPy when it is installed and sees a GPU; otherwise why not. Initialises CUDA in this process."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy sees no CUDA GPU"
    except Exception as exc:  # noqa: BLE001 - any CUDA start-up failure means no GPU for us
        return None, f"CUDA is unavailable ({type(exc).__name__}: {str(exc)[:200]})"
    return cupy, None


def device_name(cupy: Any) -> str:
    name = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)["name"]
    return name.decode(errors="replace") if isinstance(name, bytes) else str(name)


@dataclass
class DeviceRun:
    """What became of one function on the GPU; ``value`` is back on the host (NumPy)."""

    kind: DeviceKind
    error: str | None = None
    value: Any = None
    #: The result was a CuPy array (or a tuple, list or dict of them): the work stayed on the GPU.
    on_device: bool = False
    #: The fastest of the timed calls, the GPU finished (synchronised) before the clock stops.
    seconds: float = 0.0
    device: str = ""
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        from grader.learner.core import wire

        return {"kind": self.kind, "error": self.error, "value": wire.encode(self.value),
                "on_device": bool(self.on_device), "seconds": float(self.seconds), "device": str(self.device),
                "warnings": list(self.warnings), "mutated": list(self.mutated)}

    @classmethod
    def from_wire(cls, data: Any) -> DeviceRun:
        """Read the worker's reply; anything malformed is a crash, never an exception."""
        from grader.learner.core import wire

        kinds = ("ok", "raised", "timeout", "not_implemented", "crashed", "unavailable")
        try:
            if not isinstance(data, dict) or data.get("kind") not in kinds:
                raise wire.WireError("not a GPU run")
            if data["kind"] != "ok" and not isinstance(data.get("error"), str):
                raise wire.WireError(f"a GPU run that ended as {data['kind']!r} without its reason")
            texts = [data.get("warnings") or [], data.get("mutated") or []]
            if not all(isinstance(t, list) and all(isinstance(x, str) for x in t) for t in texts):
                raise wire.WireError("bad warnings or argument names")
            if type(data.get("on_device")) is not bool:
                raise wire.WireError("where the result was is not a yes or no")
            error = data.get("error")
            return cls(kind=data["kind"], error=str(error)[:2000] if error is not None else None,
                       value=wire.decode(data.get("value")), on_device=data["on_device"],
                       seconds=float(data.get("seconds") or 0.0), device=str(data.get("device") or "")[:200],
                       warnings=[w[:500] for w in texts[0][:20]], mutated=[m[:80] for m in texts[1][:20]])
        except (wire.WireError, TypeError, ValueError) as exc:
            return cls(kind="crashed", error=f"the grader could not read what your function returned on the GPU ({exc})")


def to_device(cupy: Any, value: Any) -> Any:
    """NumPy arrays (also inside tuples and lists) as CuPy arrays; scalars and the rest unchanged."""
    if isinstance(value, np.ndarray):
        return cupy.asarray(value)
    if isinstance(value, (tuple, list)):
        return type(value)(to_device(cupy, v) for v in value)
    return value


def to_host(cupy: Any, value: Any) -> Any:
    """CuPy arrays (also inside tuples, lists and dicts) back as NumPy; the rest unchanged."""
    if isinstance(value, cupy.ndarray):
        return cupy.asnumpy(value)
    if type(value) in (tuple, list):
        return type(value)(to_host(cupy, v) for v in value)
    if type(value) is dict:
        return {k: to_host(cupy, v) for k, v in value.items()}
    return value


def stayed_on_device(cupy: Any, value: Any) -> bool:
    """A CuPy array, or a container whose every array-like item is one (None items aside)."""
    if isinstance(value, cupy.ndarray):
        return True
    items = list(value.values()) if type(value) is dict else list(value) if type(value) in (tuple, list) else None
    if not items:
        return False
    present = [v for v in items if v is not None]
    return bool(present) and all(stayed_on_device(cupy, v) for v in present)


def _synchronised(fn: Callable[..., Any], cupy: Any) -> Callable[..., Any]:
    """``fn`` whose call returns only once the GPU has finished the work it queued (CuPy is asynchronous)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        value = fn(*args, **kwargs)
        cupy.cuda.get_current_stream().synchronize()
        return value

    return call


def run_on_device(fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float) -> DeviceRun:
    """``fn`` on ``args`` moved to the GPU, timed; never raises for anything the learner's code does."""
    remote = getattr(fn, "__device_call__", None)
    if remote is not None:
        return remote(args, timeout_s)
    cupy, reason = cupy_or_reason()
    if cupy is None:
        return DeviceRun("unavailable", reason)
    try:
        device_args = tuple(to_device(cupy, a) for a in args)
        cupy.cuda.get_current_stream().synchronize()
        name = device_name(cupy)
    except Exception as exc:  # noqa: BLE001 - out of GPU memory, a driver error: not the learner's doing
        return DeviceRun("unavailable", f"the GPU could not take the arguments ({type(exc).__name__}: {str(exc)[:200]})")
    best: CallResult | None = None
    for _ in range(REPEATS):
        call = safe_call(_synchronised(fn, cupy), device_args, timeout_s=timeout_s)
        if call.kind != "ok":
            return DeviceRun(call.kind, call.error, device=name)
        if best is None or call.seconds < best.seconds:
            best = call
    assert best is not None
    try:
        value = to_host(cupy, best.value)
    except Exception as exc:  # noqa: BLE001 - a learner's object that claims to be on the device
        return DeviceRun("raised", f"its result could not be brought back from the GPU ({type(exc).__name__})",
                         device=name)
    return DeviceRun("ok", value=value, on_device=stayed_on_device(cupy, best.value), seconds=best.seconds,
                     device=name, warnings=best.warnings, mutated=best.mutated)


def time_on_device(fn: Callable[..., Any], args: tuple[Any, ...], cupy: Any) -> float:
    """The fastest of ``REPEATS`` synchronised calls of trusted code (the reference) on the GPU, in seconds."""
    device_args = tuple(to_device(cupy, a) for a in args)
    run = _synchronised(fn, cupy)
    cupy.cuda.get_current_stream().synchronize()
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        run(*device_args)
        best = min(best, time.perf_counter() - start)
    return best
