"""Judging a learner's function case by case, given the right answers as values.

One definition for every path: the trusted grader passes answers computed
from the reference (``grader.checks.runner``), the learner's self-check passes
the answers frozen into the release (``grader.learner.kernel.selfcheck``). Either
way the same comparisons, messages and diagnoses come out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np

from grader.learner.core.calls import CallResult, safe_call
from grader.learner.core.compare import compare_entries, compare_value, describe
from grader.learner.core.floor import probe_floor, trivial_answers
from grader.learner.core.numpy_errors import explain as explain_numpy_error
from grader.learner.core.model import Case, Check, Context, LostDefinition, Mistake, Outcome, PartResult
from grader.learner.core.wire import Unsupported

WARNING_ADVICE = (
    "warnings count as failures here, because they mean some input lost precision "
    "or produced inf/NaN on the way"
)


class NotComputable(Exception):
    """A mistake's value does not exist for this case (the mistaken version raises there)."""


class Answers(Protocol):
    def expected(self, case: Case) -> Any: ...

    def wrong(self, mistake: Mistake, case: Case) -> Any:
        """What ``mistake`` returns on ``case``; raises ``NotComputable`` where it has no value."""


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


def _keys(check: Check) -> tuple[str, ...] | None:
    """The keys a result is judged by: ``keys``, else those a tuple result stands for."""
    return check.keys or check.result_keys


def _returned(value: Any) -> str:
    if value is None:
        return "None (did the function forget to `return` its result?)"
    if isinstance(value, Mapping):
        return f"a dict (keys {', '.join(map(repr, value)) or 'none'})"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} value{'s' if len(value) != 1 else ''}"
    return describe(value)


def keyed_result(check: Check, value: Any) -> tuple[Any, str | None]:
    """The learner's value, as the dict of ``check.result_keys`` when the function returns a tuple.

    A tuple or list (or a 1-d array) of the right length is what the function promises, exactly what
    ``dw1, db1 = hidden_layer_gradients(...)`` unpacks; anything else (None, a dict, a tuple of another
    length) is reported as such, for every key.
    """
    keys = check.result_keys
    if not keys:
        return value, None
    if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim >= 1):
        items = list(value)
        if len(items) == len(keys):
            return dict(zip(keys, items)), None
    names = ", ".join(keys)
    return None, (
        f"{check.function}(...) returned {_returned(value)}; expected a tuple of {len(keys)} values "
        f"(for {names}, in that order)"
    )


def keyed_answer(check: Check, value: Any) -> Any:
    """An expected or mistaken value, in the function's own shape, as the dict the learner's is judged as."""
    if check.result_keys and isinstance(value, (tuple, list)) and len(value) == len(check.result_keys):
        return dict(zip(check.result_keys, value))
    return value


def _judge_value(check: Check, case: Case, value: Any, expected: Any, ctx: Context) -> list[Outcome]:
    tol = ctx.tolerance.loosened(case.tolerance_factor)
    what = f"{check.function}(...)"
    if check.result_keys:
        # value and expected are the dicts of result_keys; the learner's own result was a tuple.
        position = {k: i for i, k in enumerate(check.result_keys)}
        return [
            Outcome(f"{case.label} [{k}]", compare_value(value[k], expected[k], tol, f"{what}[{position[k]}]"))
            for k in _keys(check)
        ]
    if check.keys:
        problems = compare_entries(value, expected, check.keys, tol, what)
        return [Outcome(f"{case.label} [{k}]", p) for k, p in problems.items()]
    return [Outcome(case.label, compare_value(value, expected, tol, what))]


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


def _matches(check: Check, mistake: Mistake, case: Case, call: CallResult, ctx: Context, answers: Answers) -> bool:
    if mistake.warning is not None:
        return any(mistake.warning in w for w in call.warnings)
    if mistake.mutates is not None:
        return mistake.mutates in call.mutated
    if call.kind != "ok":
        return False
    value, problem = keyed_result(check, call.value)
    if problem is not None:
        return False
    try:
        wrong = keyed_answer(check, answers.wrong(mistake, case))
    except NotComputable:
        return False
    tol = ctx.tolerance.loosened(10 * case.tolerance_factor)
    keys = mistake.keys or _keys(check)
    if keys:
        return all(p is None for p in compare_entries(value, wrong, keys, tol).values())
    return compare_value(value, wrong, tol) is None


def diagnose(check: Check, failed: list[tuple[Case, CallResult]], ctx: Context, answers: Answers) -> list[Mistake]:
    """The known mistakes that explain every failed case they can be computed on."""
    found = []
    for mistake in check.mistakes:
        if mistake.warning is not None or mistake.mutates is not None:
            if any(_matches(check, mistake, case, call, ctx, answers) for case, call in failed):
                found.append(mistake)
            continue
        candidates = [(c, r) for c, r in failed if r.kind == "ok"]
        if candidates and all(_matches(check, mistake, c, r, ctx, answers) for c, r in candidates):
            found.append(mistake)
    return _most_specific(check, found)


def _most_specific(check: Check, found: list[Mistake]) -> list[Mistake]:
    """Of mistakes that all match, drop one whose keys another's strictly include: ``a1 = z1`` matches
    "z2 computed from z1" on z2 and yhat, but "no sigmoid in the hidden unit" explains a1 as well."""
    every = set(_keys(check) or ())

    def covers(m: Mistake) -> set[str]:
        return set(m.keys) if m.keys else every

    return [m for m in found if not any(covers(m) < covers(other) for other in found if other is not m)]


Extra = Callable[[Callable[..., Any], Mapping[str, Any], Context], list[Any]]


def _answers_as_stand_in(check: Check, case: Case, call: CallResult) -> bool:
    """Whether this call returned what the notebook's stand-in returns on the same arguments."""
    from grader.learner.exercises import stand_in as declared_stand_in

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
    return check.via is not None and (result.is_stand_in or (result.unanswered and result.grading_failed is None))


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
    right = keyed_answer(check, expected)
    passed: set[str] = set()
    for _name, value in trivial_answers(expected, case.args):
        keyed, wrong_shape = keyed_result(check, value)
        if wrong_shape is None:
            passed |= {o.label for o in _judge_value(check, case, keyed, right, ctx) if o.passed}
    return frozenset(passed)


def _probes_floor(check: Check, probes: tuple[tuple[str, Extra], ...], probed: list[Outcome], ctx: Context) -> set[str]:
    if not probed or check.shape_of is None:
        return set()
    passed_by_trivial = probe_floor(check, probes, ctx)
    return {o.label for o in probed if o.identity in passed_by_trivial}


def judge(
    check: Check,
    namespace: Mapping[str, Any],
    ctx: Context,
    max_points: float,
    answers: Answers,
    cases: list[Case],
    probes: tuple[tuple[str, Extra], ...] = (),
    explain: Extra | None = None,
    trusted: bool = False,
) -> PartResult:
    """Judge one part: every case against ``answers``, then probes, diagnoses and explanations."""
    result = PartResult(check.assignment, check.part, check.function, max_points)
    if check.stand_ins:
        ctx = dataclasses.replace(ctx, stand_ins=dict(check.stand_ins))
    fn, problem = lookup(namespace, check.function, trusted)
    if problem:
        result.fatal = problem
        lost = namespace.get(check.function)
        if isinstance(lost, LostDefinition):
            result.grading_failed = lost.reason
        result.unanswered = lost is None
        return result
    failed: list[tuple[Case, CallResult]] = []
    like_stand_in = check.stand_in is not None and bool(cases)
    for case in cases:
        call = safe_call(fn, case.args, dict(case.kwargs), check.arg_names, ctx.timeout_s, stand_ins=ctx.stand_ins)
        like_stand_in = like_stand_in and _answers_as_stand_in(check, case, call)
        if call.kind == "not_implemented":
            result.fatal = f"`{check.function}` is not written yet (it still raises NotImplementedError)"
            result.unanswered = True
            return result
        if call.kind != "ok":
            labels = [f"{case.label} [{k}]" for k in _keys(check)] if _keys(check) else [case.label]
            problem = call.error if call.kind in ("timeout", "crashed") else raised(check, call)
            result.outcomes += [Outcome(label, problem) for label in labels]
            failed.append((case, call))
            if call.kind == "crashed":
                result.grading_failed = result.grading_failed or call.error
            if call.kind in ("timeout", "crashed"):
                # The cases not tried still count, as failed: a time-out or crash never buys a smaller test.
                why = "the time limit was hit" if call.kind == "timeout" else "the crash"
                for rest in cases[cases.index(case) + 1:]:
                    labels = [f"{rest.label} [{k}]" for k in _keys(check)] if _keys(check) else [rest.label]
                    result.outcomes += [Outcome(label, f"not tried after {why}") for label in labels]
                result.notes.append(f"the remaining cases were not tried after {why}; they count as failed")
                break
            continue
        value, wrong_shape = keyed_result(check, call.value)
        if wrong_shape is not None:
            outcomes = [Outcome(f"{case.label} [{k}]", wrong_shape) for k in _keys(check)]
        else:
            outcomes = _judge_value(check, case, value, keyed_answer(check, answers.expected(case)), ctx)
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
    if result.outcomes and not any(o.passed for o in result.outcomes) and any(
        "NotImplementedError" in (o.problem or "") for o in result.outcomes
    ):
        result.fatal = f"`{check.function}` is not written yet (it still raises NotImplementedError)"
        return result
    if failed:
        result.diagnoses = diagnose(check, failed, ctx, answers)
    if not result.passed and explain is not None:
        try:
            result.notes += explain(fn, namespace, ctx)
        except Exception as exc:  # noqa: BLE001 - an explanation is a courtesy, never a crash
            result.notes.append(f"no further analysis possible ({type(exc).__name__}: {exc})")
    return result
