"""Judging a learner's function case by case, given the right answers as values.

One definition for every path: the trusted grader passes answers computed
from the reference (``grader.grading.runner``), the learner's self-check passes
the answers frozen into the release (``grader.learner.kernel.selfcheck``). Either
way the same comparisons, messages and diagnoses come out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np

from grader.learner.core.adapters import adapter_of
from grader.learner.core.calls import CallResult, safe_call
from grader.learner.core.floor import probe_floor, trivial_answers
from grader.learner.core.mistakes import Failed, Mistake, WrongValues
from grader.learner.core.numpy_errors import explain as explain_numpy_error
from grader.learner.core.model import Case, Check, Context, LostDefinition, Outcome, PartResult, Status
from grader.learner.core.wire import Unsupported

WARNING_ADVICE = (
    "warnings count as failures here, because they mean some input lost precision "
    "or produced inf/NaN on the way"
)


class Answers(WrongValues, Protocol):
    def expected(self, case: Case) -> Any: ...


def lookup(namespace: Mapping[str, Any], name: str, trusted: bool = False) -> tuple[Any, str | None]:
    """The learner's function, or why it cannot be graded."""
    fn = namespace.get(name)
    if fn is None:
        return None, f"no function named `{name}` was found: did you run the cell that defines it?"
    if isinstance(fn, LostDefinition):
        return None, fn.reason
    if not callable(fn):
        kind = fn.type_name if isinstance(fn, Unsupported) else type(fn).__name__
        return None, f"`{name}` is {kind}, not a function"
    module = getattr(fn, "__module__", "") or ""
    if not trusted and module.split(".")[0] in ("reference", "grader"):
        return None, f"`{name}` comes from the course's own `{module}` module, not from your code: this part scores zero"
    return fn, None


def raised(check: Check, call: CallResult) -> str:
    """What a learner's function raised, and, for NumPy's common errors, why and how to fix it."""
    why = explain_numpy_error(call.error_type, call.error, check.function, check.arg_names)
    return f"it raised {call.error}" + (f"\n  ➜ {why}" if why else "")


def _call_problems(check: Check, call: CallResult) -> list[str]:
    problems = []
    if call.mutated:
        names = ", ".join(f"`{n}`" for n in call.mutated)
        problems.append(f"it changed {names} in place; work on a copy (e.g. `x = x.copy()`) instead")
    if call.warnings and check.forbid_warnings:
        problems.append(f"it raised a warning ({'; '.join(call.warnings)}): {WARNING_ADVICE}")
    return problems


def diagnose(check: Check, failed: Failed, ctx: Context, answers: Answers) -> list[Mistake]:
    """The known mistakes that explain the failed cases, each asked in its own way."""
    return _most_specific(check, [m for m in check.mistakes if m.explains(check, failed, ctx, answers)])


def _most_specific(check: Check, found: list[Mistake]) -> list[Mistake]:
    """Of mistakes that all match, drop one whose keys another's strictly include: ``a1 = z1`` matches
    "z2 computed from z1" on z2 and yhat, but "no sigmoid in the hidden unit" explains a1 as well."""
    every = set(adapter_of(check).keys(check) or ())
    return [m for m in found if not any(m.covers(every) < other.covers(every) for other in found if other is not m)]


Extra = Callable[[Callable[..., Any], Mapping[str, Any], Context], list[Any]]


def _answers_as_stand_in(check: Check, case: Case, call: CallResult) -> bool:
    """Whether this call returned what the notebook's stand-in returns on the same arguments."""
    from grader.learner.core.found import stand_in as declared_stand_in

    if call.kind != "ok" or check.stand_in is None:
        return False
    try:
        stand_in = declared_stand_in(check.stand_in)(*case.args, **dict(case.kwargs))
    except Exception:  # noqa: BLE001
        return False
    return _same_numbers(call.value, stand_in)


def _same_numbers(u: Any, v: Any) -> bool:
    """Equal as numbers, NaN equal to NaN (the stand-ins answer NaN)."""
    if isinstance(v, (tuple, list)):
        return isinstance(u, (tuple, list)) and len(u) == len(v) and all(_same_numbers(a, b) for a, b in zip(u, v))
    try:
        a, b = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    except Exception:  # noqa: BLE001 - not numbers: not the stand-in's answer
        return False
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def graded_via(check: Check, result: PartResult) -> bool:
    """Whether a part must be graded by its ``via`` check: the helper is the stand-in or not written."""
    return check.via is not None and (result.is_stand_in or result.status is Status.UNANSWERED)


def via_note(check: Check) -> str:
    via = check.via
    what = f"the {' and '.join(via.keys)} that `{via.function}` returns" if via.keys else f"what `{via.function}` returns"
    return (f"graded on {what}: your `{check.function}` is still the notebook's stand-in (or not written), "
            "so the work counts where you did it")


def _case_floor(check: Check, cases: list[Case], ctx: Context, answers: Answers) -> set[str]:
    """Labels of the case outcomes that some answer ignoring its input passes (``grader.learner.core.floor``).

    ``answers`` may keep what it found for cases every learner shares (``memo_floor``): the trusted
    side computes a fixed case's floor once per process.
    """
    memo = getattr(answers, "memo_floor", None)
    floor: set[str] = set()
    for case in cases:
        def compute(case: Case = case) -> frozenset[str]:
            return _floor_of_case(check, case, ctx, answers)
        floor |= memo(case, compute) if memo is not None else compute()
    return floor


def _floor_of_case(check: Check, case: Case, ctx: Context, answers: Answers) -> frozenset[str]:
    try:
        expected = answers.expected(case)
    except Exception:  # noqa: BLE001 - no right answer here, nothing for a constant to match
        return frozenset()
    adapter = adapter_of(check)
    right = adapter.answer(check, expected)
    tol = ctx.tolerance.loosened(case.tolerance_factor)
    passed: set[str] = set()
    for _name, value in trivial_answers(expected, case.args):
        keyed, wrong_shape = adapter.read(check, value)
        if wrong_shape is None:
            passed |= {o.label for o in adapter.outcomes(check, case, keyed, right, tol) if o.passed}
    return frozenset(passed)


def _probes_floor(check: Check, probes: tuple[tuple[str, Extra], ...], probed: list[Outcome], ctx: Context) -> set[str]:
    if not probed or check.shape_of is None:
        return set()
    passed_by_trivial = probe_floor(check, probes, ctx)
    return {o.label for o in probed if o.identity in passed_by_trivial}


def _not_written(check: Check) -> str:
    return f"`{check.function}` is not written yet (it still raises NotImplementedError)"


def judge(
    check: Check,
    namespace: Mapping[str, Any],
    ctx: Context,
    max_points: float,
    answers: Answers,
    cases: list[Case],
    probes: tuple[tuple[str, Extra], ...] = (),
    trusted: bool = False,
) -> PartResult:
    """Judge one part: every case against ``answers``, then probes, diagnoses and explanations."""
    result = PartResult(check.assignment, check.part, check.function, max_points)
    adapter = adapter_of(check)
    keys = adapter.keys(check)
    if check.stand_ins:
        ctx = dataclasses.replace(ctx, stand_ins=dict(check.stand_ins))
    fn, problem = lookup(namespace, check.function, trusted)
    if problem:
        found = namespace.get(check.function)
        if found is None:
            return result.end(Status.UNANSWERED, problem)
        if isinstance(found, LostDefinition):
            return result.end(Status.GRADING_FAILED, problem)
        return result.end(Status.COULD_NOT_RUN, problem)
    failed: Failed = []
    like_stand_in = check.stand_in is not None and bool(cases)
    for case in cases:
        call = safe_call(fn, case.args, dict(case.kwargs), check.arg_names, ctx.timeout_s, stand_ins=ctx.stand_ins)
        like_stand_in = like_stand_in and _answers_as_stand_in(check, case, call)
        if call.kind == "not_implemented":
            return result.end(Status.UNANSWERED, _not_written(check))
        if call.kind != "ok":
            labels = [f"{case.label} [{k}]" for k in keys] if keys else [case.label]
            problem = call.error if call.kind in ("timeout", "crashed") else raised(check, call)
            result.outcomes += [Outcome(label, problem, call_kind=call.kind) for label in labels]
            failed.append((case, call))
            if call.kind == "crashed" and call.error:
                result.end(Status.GRADING_FAILED, call.error)
            if call.kind in ("timeout", "crashed"):
                # The cases not tried still count, as failed: a time-out or crash never buys a smaller test.
                why = "the time limit was hit" if call.kind == "timeout" else "the crash"
                for rest in cases[cases.index(case) + 1:]:
                    labels = [f"{rest.label} [{k}]" for k in keys] if keys else [rest.label]
                    result.outcomes += [Outcome(label, f"not tried after {why}") for label in labels]
                result.notes.append(f"the remaining cases were not tried after {why}; they count as failed")
                break
            continue
        value, wrong_shape = adapter.read(check, call.value)
        if wrong_shape is not None:
            outcomes = [Outcome(f"{case.label} [{k}]", wrong_shape) for k in keys]
        else:
            tol = ctx.tolerance.loosened(case.tolerance_factor)
            outcomes = adapter.outcomes(check, case, value, adapter.answer(check, answers.expected(case)), tol)
        extra = _call_problems(check, call)
        if extra:
            outcomes = [Outcome(o.label, "; ".join(([o.problem] if o.problem else []) + extra)) for o in outcomes]
        result.outcomes += outcomes
        if any(not o.passed for o in outcomes):
            failed.append((case, call))
    result.is_stand_in = like_stand_in
    probed: list[Outcome] = []
    for label, probe in probes:
        try:
            probed += probe(fn, namespace, ctx)
        except Exception as exc:  # noqa: BLE001 - a probe must not crash grading
            probed.append(Outcome(label, f"could not be checked: {type(exc).__name__}: {exc}"))
    result.outcomes += probed
    result.floor = frozenset(_case_floor(check, cases, ctx, answers) | _probes_floor(check, probes, probed, ctx))
    # Probe-only parts (random layers) learn of an unwritten function through their outcomes.
    if result.status is Status.GRADED and result.outcomes and not any(o.passed for o in result.outcomes) and any(
        o.call_kind == "not_implemented" for o in result.outcomes
    ):
        return result.end(Status.COULD_NOT_RUN, _not_written(check))
    if failed:
        result.diagnoses = diagnose(check, failed, ctx, answers)
    if not result.passed:
        try:
            result.notes += adapter.explain(fn, namespace, ctx)
        except Exception as exc:  # noqa: BLE001 - an explanation is a courtesy, never a crash
            result.notes.append(f"no further analysis possible ({type(exc).__name__}: {exc})")
    return result
