"""How checks run, and every check of the course found by (assignment, part).

The checks themselves live with their exercise (``grader/exercises/<id>.py``); this package holds
what all of them share: the context a check runs in (``context``) and the runner that gets the right
answers from the reference and judges (``runner``).
"""

from __future__ import annotations

from grader.exercises import exercise_modules
from grader.learner.core.model import Check

CHECKS: dict[tuple[str, str], Check] = {
    (c.assignment, c.part): c for module in exercise_modules().values() for c in module.CHECKS
}


def check_for(assignment: str, part: str) -> Check:
    try:
        return CHECKS[(assignment, part)]
    except KeyError:
        known = ", ".join(p for a, p in CHECKS if a == assignment) or "none"
        raise KeyError(f"no check for part {part!r} of assignment {assignment!r} (known parts: {known})") from None


def checks_of(assignment: str) -> list[Check]:
    return [c for (a, _), c in CHECKS.items() if a == assignment]
