"""Run one check against a learner's namespace: the right answers come from the reference here.

The judging itself lives on the learner side (``grader.learner.judge``), so the
self-check, which has only the answers frozen at release, judges exactly alike.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np

from grader.learner.judge import NotComputable, judge
from grader.learner.model import Case, Check, Context, Mistake, PartResult, with_context


def _copied(case: Case) -> tuple[Any, ...]:
    return tuple(a if isinstance(a, np.random.Generator) else copy.deepcopy(a) for a in case.args)


class ReferenceAnswers:
    """Expected values and mistakes' values, computed from the reference on demand.

    Both are computed in the check's context (``with_context``): a course's own quartic, say.
    """

    def __init__(self, check: Check, ctx: Context) -> None:
        self.check = check
        self.ctx = ctx

    def expected(self, case: Case) -> Any:
        with np.errstate(all="ignore"):
            return with_context(self.check.expected, self.ctx)(*_copied(case), **dict(case.kwargs))

    def wrong(self, mistake: Mistake, case: Case) -> Any:
        if mistake.wrong is None:
            raise NotComputable(mistake.name)
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
    return judge(
        check, namespace, ctx, max_points, ReferenceAnswers(check, ctx), check.cases_for(ctx),
        probes=tuple((p.label, p.run) for p in check.probes), explain=check.explain, trusted=trusted,
    )
