"""The trivial floor: what an answer that ignores its input gets right, and so earns nothing.

A case whose right answer is 0 (ReLU of negative numbers), a consistency property that a constant
keeps (the shape of the result, zeros wherever a mask drops), a key whose value happens to be 1:
an answer that never looked at its input passes those. Such a case or property still counts in
the total, but it carries credit only when the same part also passes something none of these
answers passes (``PartResult.floor``); so points come from work, and work split into any shape
earns what it always did.

The family, for every part alike:

* ``None``, and the bare constants 0, 1 and 0.5;
* the right answer's *shape* filled with a constant: every number 0, 1 or 0.5 and every boolean
  False or True, dicts with the same keys, tuples of the same length (what ``return {"w1": 0.0,
  ...}`` or ``return np.zeros_like(a), np.zeros(a.shape, bool)`` gives);
* ``zeros_like``, ``ones_like`` and ``full_like(..., 0.5)`` of each array argument.

The right answer's shape comes from the expected value of a case; parts judged by probes alone
(random layers) say it with ``Check.shape_of``, from the arguments only.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from grader.learner.core.compare import to_numpy

CONSTANTS = (0.0, 1.0, 0.5)
BOOLEANS = (False, True)


def _filled(template: Any, number: float, flag: bool) -> Any:
    value = to_numpy(template)
    if isinstance(value, Mapping):
        return {k: _filled(v, number, flag) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_filled(v, number, flag) for v in value)
    if isinstance(value, list):
        return [_filled(v, number, flag) for v in value]
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return flag
    if isinstance(value, np.ndarray):
        if value.dtype == np.bool_:
            return np.full(value.shape, flag)
        if value.dtype.kind in "iu":
            return np.full(value.shape, int(number), dtype=value.dtype)
        if value.dtype.kind in "fc":
            return np.full(value.shape, number, dtype=value.dtype)
        return value
    if isinstance(value, (int, np.integer)):
        return int(number)
    if isinstance(value, (float, np.floating)):
        return float(number)
    return value


def _like_arguments(args: Iterable[Any]) -> list[tuple[str, Callable[[], Any]]]:
    """``zeros_like`` and kin of each numeric array argument, each made only when asked for."""
    out: list[tuple[str, Callable[[], Any]]] = []
    for i, arg in enumerate(args):
        arr = to_numpy(arg)
        if isinstance(arr, np.ndarray) and arr.dtype.kind in "biuf" and arr.size:
            for name, number in (("zeros_like", 0.0), ("ones_like", 1.0), ("full_like 0.5", 0.5)):
                out.append((f"{name}(argument {i + 1})",
                            lambda shape=arr.shape, number=number: np.full(shape, number, dtype=np.float64)))
    return out


def _members(template: Any, args: tuple[Any, ...]) -> list[tuple[str, Callable[[], Any]]]:
    """Every member of the family for one call, duplicates included, as (name, make the value)."""
    members: list[tuple[str, Callable[[], Any]]] = [("None", lambda: None)]
    members += [(f"the constant {c:g}", lambda c=c: c) for c in CONSTANTS]
    flags = _has_flags(template)
    for number in CONSTANTS:
        for flag in BOOLEANS:
            members.append((f"the right shape filled with {number:g}" + (f" and {flag}" if flags else ""),
                            lambda number=number, flag=flag: _filled(template, number, flag)))
    return members + _like_arguments(args)


def trivial_answers(template: Any, args: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """(name, value) of every member of the family for one call, given the right answer's shape;
    a filled shape equal to one before it (an integer result filled with 0 and with 0.5) is left out."""
    answers: list[tuple[str, Any]] = []
    filled: list[Any] = []
    for name, make in _members(template, args):
        value = make()
        if name.startswith("the right shape"):
            if any(_same(value, s) for s in filled):
                continue
            filled.append(value)
        answers.append((name, value))
    return answers


def _has_flags(template: Any) -> bool:
    value = to_numpy(template)
    if isinstance(value, Mapping):
        return any(_has_flags(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return any(_has_flags(v) for v in value)
    return isinstance(value, (bool, np.bool_)) or (isinstance(value, np.ndarray) and value.dtype == np.bool_)


def _same(u: Any, v: Any) -> bool:
    if type(u) is not type(v):
        return False
    if isinstance(u, dict):
        return u.keys() == v.keys() and all(_same(u[k], v[k]) for k in u)
    if isinstance(u, (tuple, list)):
        return len(u) == len(v) and all(_same(a, b) for a, b in zip(u, v))
    if isinstance(u, np.ndarray):
        return u.shape == v.shape and u.dtype == v.dtype and bool(np.array_equal(u, v))
    return bool(u == v)


def trivial_functions(shape_of: Callable[..., Any], count: int) -> list[tuple[str, Callable[..., Any]]]:
    """The family as functions (for probes, which call the function with inputs of their own).

    Member ``i`` answers every call with the ``i``-th member for that call's arguments (``None``
    past the last); ``count``: at least how many members a call makes (4 + 6 + 3 per argument).
    """
    def member(i: int) -> Callable[..., Any]:
        def answer(*args: Any, **kwargs: Any) -> Any:
            # Only this member's value is made: probes call with 10**5-element arrays, and making the
            # whole family on every call cost dropout's floor 1.6 s of its 2.7 s. Without the
            # deduplication a filled shape may repeat another member: the floor is their union.
            members = _members(shape_of(*args, **kwargs), args)
            return members[i][1]() if i < len(members) else None
        answer.__name__ = f"trivial_{i}"
        return answer
    return [(f"trivial answer {i}", member(i)) for i in range(count)]


# ---- probes: which of their properties the family keeps -----------------------------------------

_PROBE_FLOORS: dict[tuple[str, ...], frozenset[str]] = {}
_LOCK = threading.Lock()
#: One lock per part and settings: a batch's grading threads that meet a part at once wait for the
#: first to compute its floor instead of each computing it again (seconds of CPU for dropout).
_COMPUTING: dict[tuple[str, ...], threading.Lock] = {}


def probe_floor(check: Any, probes: tuple[tuple[str, Callable[..., list[Any]]], ...], ctx: Any) -> frozenset[str]:
    """The identities (``Outcome.identity``) of probe outcomes some trivial answer passes.

    Probes are costly (large arrays), and what a constant gets right does not depend on the learner:
    computed once per process for each part and course settings, on the fixed context and on one
    randomized context (so the identities of drawn probes are known too).
    """
    key = (check.assignment, check.part, repr(ctx.tolerance), repr(sorted(dict(ctx.settings).items())))
    with _LOCK:
        if key in _PROBE_FLOORS:
            return _PROBE_FLOORS[key]
        computing = _COMPUTING.setdefault(key, threading.Lock())
    with computing:
        with _LOCK:
            if key in _PROBE_FLOORS:
                return _PROBE_FLOORS[key]
        floor = _compute_probe_floor(check, probes, ctx)
        with _LOCK:
            _PROBE_FLOORS[key] = floor
        return floor


def _compute_probe_floor(check: Any, probes: tuple[tuple[str, Callable[..., list[Any]]], ...],
                         ctx: Any) -> frozenset[str]:
    if check.shape_of is None:
        raise ValueError(f"{check.assignment}/{check.part} is judged by probes but declares no shape_of")
    # At most: None, three constants, six filled shapes, three per argument; spare members answer None.
    count = 4 + 6 + 3 * len(check.arg_names)
    passed: set[str] = set()
    plain = dataclasses.replace(ctx, stand_ins={}, learner_id="trivial-floor")
    for context in (dataclasses.replace(plain, randomized=False), dataclasses.replace(plain, randomized=True)):
        for _name, fn in trivial_functions(check.shape_of, count):
            for _label, probe in probes:
                try:
                    outcomes = probe(fn, {}, context)
                except Exception:  # noqa: BLE001 - a probe that cannot judge a constant credits it nothing
                    continue
                passed |= {o.identity for o in outcomes if o.passed}
    return frozenset(passed)
