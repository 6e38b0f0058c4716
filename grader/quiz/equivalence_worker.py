"""Child process for ``symbolic.check_equivalence``: reads one JSON request on stdin,
writes one JSON line per candidate as soon as it is decided.

Run as ``python -m grader.quiz.equivalence_worker``; with ``--serve`` it answers one request per
line until its input ends (a grading process keeps one warm: SymPy is imported once). The parent
kills it at the time limit, so nothing here needs its own timeout. Lines are flushed one by
one so that a verdict on the correct answer survives a later timeout while
the known mistakes are still being compared.

The parent starts it under a memory limit (RLIMIT_AS) and a lifetime CPU limit; serving, it
sets its own soft CPU limit to what each answer may use, so that it dies (SIGXCPU) on an answer
that takes longer even where nobody is left to kill it. Out of memory, it says so and exits: the
parent starts a fresh one for the next answer, rather than trust a heap that ran dry mid-simplify.
"""

from __future__ import annotations

import cmath
import json
import math
import os
import random
import resource
import sys
import warnings
from collections.abc import Sequence

import sympy

from grader.quiz.symbolic import ExpressionError, ExpressionTooLarge, safe_parse

SAMPLES = 12
REL_TOL = 1e-8


def _value(expr: sympy.Expr, point: dict[sympy.Symbol, float]) -> complex | None:
    try:
        v = complex(expr.evalf(30, subs=point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
        return None
    if not (cmath.isfinite(v)):
        return None
    return v


def _sampled(a: sympy.Expr, b: sympy.Expr, symbols: Sequence[sympy.Symbol], low: float, high: float) -> bool | None:
    """True/False when sampling decides, None when too few points could be evaluated."""
    rng = random.Random(20240601)  # fixed, so a verdict never changes between runs
    agreeing = 0
    for _ in range(SAMPLES):
        point = {s: rng.uniform(low, high) for s in symbols}
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > REL_TOL * max(1.0, abs(va), abs(vb)):
            return False
        agreeing += 1
    return True if agreeing >= 3 else None


def equivalent(a: sympy.Expr, b: sympy.Expr, symbols: Sequence[sympy.Symbol], low: float, high: float) -> bool:
    """simplify(a - b) == 0, with random points as fallback (and as a quick way to reject)."""
    sampled = _sampled(a, b, symbols, low, high)
    if sampled is False:
        return False  # a clear counter-example: no need to ask simplify
    try:
        if sympy.simplify(a - b) == 0:
            return True
    except MemoryError:
        raise  # not simplify giving up: the answer could not be checked
    except Exception:  # noqa: BLE001 - simplify giving up is not a verdict
        pass
    return bool(sampled)


def answer(request: dict) -> None:
    """Print one line per candidate compared, stopping at the first equivalent one."""
    names: list[str] = request["symbols"]
    functions = request["functions"]
    low, high = request["sample_range"]
    try:
        learner = safe_parse(request["learner"], names, functions)
        candidates = [safe_parse(c, names, functions) for c in request["candidates"]]
    except ExpressionTooLarge as exc:
        print(json.dumps({"error": str(exc), "kind": "too_large", "bound": exc.bound, "reason": exc.reason}),
              flush=True)
        return
    except ExpressionError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return
    # safe_parse gives real symbols; compare on the same objects.
    symbols = [sympy.Symbol(n, real=True) for n in names]
    for index, candidate in enumerate(candidates):
        same = equivalent(learner, candidate, symbols, low, high)
        print(json.dumps({"candidate": index, "equivalent": same}), flush=True)
        if same:
            break


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(seconds: float) -> None:
    """From now on, ``seconds`` more CPU time at most (the soft limit, within the parent's hard one)."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(_cpu_used() + seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer_or_exit(request: dict) -> None:
    try:
        answer(request)
    except MemoryError:
        print(json.dumps({"error": "out of memory", "kind": "memory"}), flush=True)
        os._exit(3)  # the parent reads the line, then end of output, and starts a fresh checker


def main() -> None:
    warnings.simplefilter("ignore")
    if "--serve" not in sys.argv[1:]:
        _answer_or_exit(json.load(sys.stdin))
        return
    # Serving: one line {"cpu_s": s, "request": {...}} per answer, ended by {"done": true, "cpu_s": used};
    # stops at end of input.
    for line in sys.stdin:
        if line.strip():
            message = json.loads(line)
            _limit_cpu(float(message["cpu_s"]))
            _answer_or_exit(message["request"])
            print(json.dumps({"done": True, "cpu_s": round(_cpu_used(), 3)}), flush=True)


if __name__ == "__main__":
    main()
