"""The functions a "compute it" question may name, found in the exercise modules.

Quiz files say ``compute: {function: count_parameters, args: {layer_sizes: [29, 16, 1]}}``;
each trusted exercise module ``grader/exercises/<id>.py`` declares the compute functions on its
reference as ``COMPUTE`` (name -> function), so a quiz can never disagree with the exercises' own
reference implementation. An exercise whose compute functions take course settings (the quartic of
gradient_descent) also declares ``COMPUTE_SETTINGS`` (their names) and ``compute_settings(settings)``
(their values, from its settings in course.yaml). Every function returns a plain Python int or float
(``scalar``), because that is what learners are compared with and what messages print.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from grader import exercises
from grader.checks.numbers import scalar

if TYPE_CHECKING:
    from grader.course.config import Course


@functools.cache
def functions() -> dict[str, Callable[..., int | float]]:
    """Every compute function, by the name quiz files use; a name two exercises declare is an error."""
    found: dict[str, Callable[..., int | float]] = {}
    owner: dict[str, str] = {}
    for assignment, module in sorted(exercises.exercise_modules().items()):
        for name, function in getattr(module, "COMPUTE", {}).items():
            if name in found:
                raise ImportError(f"compute function {name!r} is declared by both {owner[name]} and {assignment}")
            found[name], owner[name] = function, assignment
    return found


def setting_names() -> tuple[str, ...]:
    """The keyword arguments a compute function may take from the course rather than the quiz file."""
    return tuple(sorted({n for m in exercises.exercise_modules().values() for n in getattr(m, "COMPUTE_SETTINGS", ())}))


def course_settings(course: Course) -> dict[str, Any]:
    """The values of those keyword arguments in this course: each exercise's, from its own settings."""
    values: dict[str, Any] = {}
    for assignment in course.assignments:
        module = exercises.exercise_modules().get(assignment.id)
        if module is not None and hasattr(module, "compute_settings"):
            values.update(module.compute_settings(course.settings_of(assignment.id)))
    return values
