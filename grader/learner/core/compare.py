"""How a learner's value is compared with the reference's.

Types are accepted broadly (Python number, NumPy scalar, 0-d array, CuPy
array); then come shape, finiteness and value, each with its own message.
Every function returns ``None`` when the value is right, otherwise one
sentence a learner can act on.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """How far a value may be from the expected one: |got - expected| <= atol + rtol * |expected|.

    The one rule for exercise results (elementwise) and numeric quiz answers.
    """

    rtol: float
    atol: float

    def loosened(self, factor: float) -> Tolerance:
        return Tolerance(self.rtol * factor, self.atol * factor)

    def close(self, got: Any, expected: Any) -> Any:
        """Elementwise: is ``got`` within tolerance of ``expected``? Equal infinities and NaN where NaN is expected count as close."""
        return np.isclose(got, expected, rtol=self.rtol, atol=self.atol, equal_nan=True)

    def accepts(self, got: float, expected: float) -> bool:
        """One number: is ``got`` within tolerance of ``expected``?"""
        return bool(self.close(got, expected))


def to_numpy(value: Any) -> Any:
    """A NumPy view of an array from any backend; other values unchanged."""
    if hasattr(value, "__cuda_array_interface__") and hasattr(value, "get"):
        return value.get()
    if type(value).__module__.startswith("array_api_strict"):
        return np.asarray(value)
    return value


def describe(value: Any) -> str:
    """A short description of what a learner returned."""
    value = to_numpy(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a learner's object may have a broken repr; judging goes on
        text = "(whose repr fails)"
    return f"{type(value).__name__} {text}"[:120]


def _as_number_array(value: Any, what: str) -> tuple[np.ndarray | None, str | None]:
    value = to_numpy(value)
    if value is None:
        return None, f"{what} is None: did the function forget to `return` its result?"
    if isinstance(value, (bool, np.bool_)):
        return None, f"{what} is a boolean ({value}); a number was expected"
    if isinstance(value, (str, bytes)):
        return None, f"{what} is text ({value!r}); a number was expected"
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - any failure to convert is the learner's type error
        return None, f"{what} is {describe(value)}, which is not a number or an array of numbers"
    if arr.dtype.kind not in "biuf":
        return None, f"{what} is {describe(value)}; expected numbers (got dtype {arr.dtype})"
    return arr, None


def _fmt(x: Any) -> str:
    if isinstance(x, (np.integer, int, np.bool_, bool)):
        return str(int(x))
    return f"{float(x):.8g}"


def _first_mismatch(got: np.ndarray, exp: np.ndarray, bad: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
    where = f" at index {index if len(index) != 1 else index[0]}" if index else ""
    count = f" ({int(bad.sum())} of {bad.size} entries differ)" if bad.size > 1 else ""
    return f"{where}: expected {_fmt(exp[index])}, got {_fmt(got[index])}{count}"


def compare_numbers(got: Any, expected: Any, tol: Tolerance, what: str = "your result") -> str | None:
    """Float values: scalar-ness, shape, finiteness, then value within tolerance."""
    exp = np.asarray(to_numpy(expected), dtype=np.float64)
    arr, problem = _as_number_array(got, what)
    if problem:
        return problem
    if exp.ndim == 0 and arr.ndim != 0:
        return f"{what} is {describe(arr)}; a single number was expected"
    if arr.shape != exp.shape:
        return f"{what} has shape {arr.shape}; expected shape {exp.shape}"
    arr = arr.astype(np.float64)
    finite = np.isfinite(exp)
    not_finite = finite & ~np.isfinite(arr)
    if np.any(not_finite):
        return f"{what} contains inf or NaN where a finite value was expected" + _first_mismatch(arr, exp, not_finite)
    close = tol.close(arr, exp)
    if not np.all(close):
        return f"{what} is off" + _first_mismatch(arr, exp, ~close)
    return None


def compare_integers(got: Any, expected: Any, what: str = "your result") -> str | None:
    """Integer values (counts, 0/1 labels): integer or boolean types, exact equality."""
    exp = np.asarray(to_numpy(expected))
    value = to_numpy(got)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        arr = np.asarray(value)
    else:
        arr, problem = _as_number_array(value, what)
        if problem:
            return problem
        if arr.dtype.kind == "b":
            return f"{what} holds booleans ({describe(arr)}); return integers 0/1 (e.g. `.astype(int)`)"
        if arr.dtype.kind == "f":
            return f"{what} holds floats ({describe(arr)}); return integers (int, or an integer array via .astype(int))"
    if exp.ndim == 0 and arr.ndim != 0:
        return f"{what} is {describe(arr)}; a single integer was expected"
    if arr.shape != exp.shape:
        return f"{what} has shape {arr.shape}; expected shape {exp.shape}"
    equal = arr == exp
    if not np.all(equal):
        return f"{what} is wrong" + _first_mismatch(arr, exp, ~np.asarray(equal))
    return None


def compare_value(got: Any, expected: Any, tol: Tolerance, what: str = "your result") -> str | None:
    """Dispatch on the kind of the reference value."""
    exp = to_numpy(expected)
    if isinstance(exp, (numbers.Integral, np.integer)) or (
        isinstance(exp, np.ndarray) and exp.dtype.kind in "biu"
    ):
        return compare_integers(got, exp, what)
    return compare_numbers(got, exp, tol, what)


def compare_entries(
    got: Any, expected: Mapping[str, Any], keys: tuple[str, ...], tol: Tolerance, what: str = "your result"
) -> dict[str, str | None]:
    """A dict result, judged key by key so that partial credit follows what is right."""
    if not isinstance(got, Mapping):
        problem = f"{what} is {describe(got)}; expected a dict with keys {', '.join(keys)}"
        return {k: problem for k in keys}
    out: dict[str, str | None] = {}
    for key in keys:
        if key not in got:
            out[key] = f"{what} has no key {key!r} (keys found: {', '.join(map(repr, got)) or 'none'})"
        else:
            out[key] = compare_value(got[key], expected[key], tol, f"{what}[{key!r}]")
    return out
