"""How checks run, and every check of the course found by (assignment, part).

The checks themselves live with their exercise (``grader/exercises/<id>.py``); this package holds
what all of them share: the context a check runs in (``context``) and the runner that gets the right
answers from the reference and judges (``runner``).
"""

from __future__ import annotations

import functools
from typing import Any

from grader.learner.core.model import Check


@functools.cache
def _registry() -> dict[tuple[str, str], Check]:
    # Built on first use, not on import: an exercise module imports this package's machinery
    # (gpu, finite_diff), so importing one first must not need every exercise module already loaded.
    from grader.exercises import exercise_modules

    return {(c.assignment, c.part): c for module in exercise_modules().values() for c in module.CHECKS}


def __getattr__(name: str) -> Any:
    if name == "CHECKS":  # every check of the course, by (assignment, part)
        return _registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_for(assignment: str, part: str) -> Check:
    checks = _registry()
    try:
        return checks[(assignment, part)]
    except KeyError:
        known = ", ".join(p for a, p in checks if a == assignment) or "none"
        raise KeyError(f"no check for part {part!r} of assignment {assignment!r} (known parts: {known})") from None


def checks_of(assignment: str) -> list[Check]:
    return [c for (a, _), c in _registry().items() if a == assignment]
