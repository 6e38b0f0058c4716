"""Run one check against a learner's namespace: the right answers come from the reference here.

The judging itself lives on the learner side (``grader.learner.core.judge``), so the
self-check, which has only the answers frozen at release, judges exactly alike.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from grader.learner.core.judge import graded_via, judge, via_note
from grader.learner.core.mistakes import NotComputable, WrongAnswer
from grader.learner.core.model import Case, Check, Context, PartResult, Status, with_context


def _copied(case: Case) -> tuple[Any, ...]:
    return tuple(a if isinstance(a, np.random.Generator) else copy.deepcopy(a) for a in case.args)


class FixedCases:
    """A check's fixed cases in one course's settings, with their expected values: the same for every
    learner, so a batch builds them and asks the reference once, not once per submission.

    Cases holding a random generator are not shared (grading advances a generator), nor are the
    checks whose cases hold one: those are built afresh for each learner, as before.
    """

    _cache: dict[tuple[str, str, str, str], FixedCases | None] = {}
    _lock = threading.Lock()

    def __init__(self, cases: list[Case]) -> None:
        self.cases = cases
        self.expected: dict[int, Any] = {}
        #: The labels each case's input-ignoring answers pass (``grader.learner.core.floor``), by case index.
        self.floor: dict[int, frozenset[str]] = {}

    @classmethod
    def of(cls, check: Check, ctx: Context) -> FixedCases | None:
        # The function too: a part graded ``via`` another function has two sets of cases.
        key = (check.assignment, check.part, check.function, repr(sorted(ctx.settings.items())))
        with cls._lock:
            if key not in cls._cache:
                cases = check.cases.fixed_for(ctx)
                shareable = not any(isinstance(a, np.random.Generator) for c in cases
                                    for a in (*c.args, *dict(c.kwargs).values()))
                cls._cache[key] = cls(cases) if shareable else None
            return cls._cache[key]


class ReferenceAnswers:
    """Expected values and mistakes' values, computed from the reference on demand.

    Both are computed in the check's context (``with_context``): a course's own quartic, say.
    A fixed case's expected value is computed once per process (``FixedCases``).
    """

    def __init__(self, check: Check, ctx: Context, fixed: FixedCases | None = None) -> None:
        self.check = check
        self.ctx = ctx
        self.fixed = fixed
        self._fixed_ids = {id(c): i for i, c in enumerate(fixed.cases)} if fixed is not None else {}

    def expected(self, case: Case) -> Any:
        index = self._fixed_ids.get(id(case))
        if index is not None and index in self.fixed.expected:
            return copy.deepcopy(self.fixed.expected[index])
        with np.errstate(all="ignore"):
            value = with_context(self.check.expected, self.ctx)(*_copied(case), **dict(case.kwargs))
        if index is not None:
            self.fixed.expected[index] = copy.deepcopy(value)
        return value

    def memo_floor(self, case: Case, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
        """A fixed case's trivial floor, computed once per process (it is the same for every learner)."""
        index = self._fixed_ids.get(id(case))
        if index is None:
            return compute()
        if index not in self.fixed.floor:
            self.fixed.floor[index] = compute()
        return self.fixed.floor[index]

    def wrong(self, mistake: WrongAnswer, case: Case) -> Any:
        try:
            with np.errstate(all="ignore"):
                return with_context(mistake.wrong, self.ctx)(*_copied(case), **dict(case.kwargs))
        except Exception:  # noqa: BLE001 - a mistake that cannot be computed here simply does not match
            raise NotComputable(mistake.name) from None


def run_check(
    check: Check, namespace: Mapping[str, Any], ctx: Context, max_points: float, trusted: bool = False
) -> PartResult:
    """Judge the implementation of one part; never raises for learner behaviour.

    ``trusted`` is for the course's own code (validating the reference), which
    a learner's namespace may not borrow.
    """
    result = _judged(check, namespace, ctx, max_points, trusted)
    if graded_via(check, result):
        via = _judged(check.via, namespace, ctx, max_points, trusted)
        if via.status is not Status.UNANSWERED:  # neither written: the helper's own message says what to write first
            via.notes.insert(0, via_note(check))
            result = via
    return result


def _judged(check: Check, namespace: Mapping[str, Any], ctx: Context, max_points: float, trusted: bool) -> PartResult:
    fixed = FixedCases.of(check, ctx)
    cases = (list(fixed.cases) + check.drawn_for(ctx)) if fixed is not None else check.cases_for(ctx)
    return judge(
        check, namespace, ctx, max_points, ReferenceAnswers(check, ctx, fixed), cases,
        probes=tuple((p.label, p.run) for p in check.probes), trusted=trusted,
    )


def withheld_labels(check: Check, ctx: Context, result: PartResult) -> frozenset[str]:
    """The outcomes of ``result`` that carry what only grading knows: those of the cases drawn for the
    learner (by label, keyed results included) and of probes at a drawn value (``Outcome.stable``).

    A feedback ``summary`` counts their failures without their inputs and values; the fixed cases are
    the public ones the learner's self-check already shows.
    """
    drawn = {c.label for c in check.drawn_for(ctx)}
    if check.via is not None:
        drawn |= {c.label for c in check.via.drawn_for(ctx)}
    return frozenset(
        o.label for o in result.outcomes
        if o.label in drawn or o.label.rsplit(" [", 1)[0] in drawn or (o.stable and o.stable != o.label)
    )
