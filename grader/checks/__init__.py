"""The checks of every assignment, one module per exercise, found by (assignment, part)."""

from __future__ import annotations

from grader.checks import backprop, bce, dropout, gradient_descent, perceptron
from grader.learner.model import Check

_MODULES = (perceptron, bce, backprop, gradient_descent, dropout)
CHECKS: dict[tuple[str, str], Check] = {(c.assignment, c.part): c for m in _MODULES for c in m.CHECKS}


def check_for(assignment: str, part: str) -> Check:
    try:
        return CHECKS[(assignment, part)]
    except KeyError:
        known = ", ".join(p for a, p in CHECKS if a == assignment) or "none"
        raise KeyError(f"no check for part {part!r} of assignment {assignment!r} (known parts: {known})") from None


def checks_of(assignment: str) -> list[Check]:
    return [c for (a, _), c in CHECKS.items() if a == assignment]
