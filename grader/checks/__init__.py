"""How checks run, and every check of the course found by (assignment, part).

The checks themselves live with their exercise (``grader/exercises/<id>.py``); this package holds
what all of them share: the context a check runs in (``context``) and the runner that gets the right
answers from the reference and judges (``runner``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from grader.exercises import exercise_modules
from grader.learner.core.model import Check


@functools.cache
def all_checks() -> dict[tuple[str, str], Check]:
    """Every check by (assignment, part), gathered on first use: the exercise modules import this
    package's helpers (finite_diff, gpu), so gathering them when it is imported would be a cycle."""
    return {(c.assignment, c.part): c for module in exercise_modules().values() for c in module.CHECKS}


def __getattr__(name: str) -> Any:
    if name == "CHECKS":
        return all_checks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_for(assignment: str, part: str) -> Check:
    checks = all_checks()
    try:
        return checks[(assignment, part)]
    except KeyError:
        known = ", ".join(p for a, p in checks if a == assignment) or "none"
        raise KeyError(f"no check for part {part!r} of assignment {assignment!r} (known parts: {known})") from None


def checks_of(assignment: str) -> list[Check]:
    return [c for (a, _), c in all_checks().items() if a == assignment]


def feedback_figure(assignment: str, part: str) -> Callable[..., Any] | None:
    """The part's feedback figure, ``draw(namespace, ctx)``, from its exercise's ``FEEDBACK_FIGURES``."""
    module = exercise_modules().get(assignment)
    return getattr(module, "FEEDBACK_FIGURES", {}).get(part) if module is not None else None


def gpu_cases(assignment: str) -> tuple[Any, ...]:
    """The exercise's GPU cases (``GPU_CASES`` in ``grader/exercises/<assignment>.py``), for ``gpu.gpu_report``."""
    module = exercise_modules().get(assignment)
    return tuple(getattr(module, "GPU_CASES", ())) if module is not None else ()
