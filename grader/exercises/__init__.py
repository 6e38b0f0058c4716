"""One module per exercise: everything the trusted side knows about it, side by side.

Each module ``grader/exercises/<assignment id>.py`` defines

* ``ASSIGNMENT``: the assignment id in course.yaml;
* ``CHECKS``: one ``Check`` per graded part (cases, the reference's answer, known mistakes);
* ``GPU_CASES``: the parts the GPU checks run on CuPy arrays (``grader.checks.gpu``), possibly none;
* ``reference_extras(course)``, optionally: names a learner's namespace holds besides the
  reference module's own (the course's ``g``, a ``sigmoid`` from an earlier notebook);
* optionally ``Settings`` (its own keys under ``settings:`` in course.yaml), ``public_settings``
  (what the notebook may read of them), ``COMPUTE`` / ``COMPUTE_SETTINGS`` / ``compute_settings``
  (quiz compute functions, ``grader.quiz.compute``), ``FEEDBACK_FIGURES``.

Its learner-side half, which imports nothing that knows an answer, is ``grader/learner/exercises/<id>.py``
(plots, probes, stand-ins, wire builders). docs/adding-an-exercise.md walks through adding one.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

from grader.learner.core.model import Check


def exercise_modules() -> dict[str, ModuleType]:
    """Every exercise module, by assignment id."""
    return dict(_found())


@functools.cache
def _found() -> dict[str, ModuleType]:
    # Looked up for every graded part: the folder is scanned once per process.
    modules = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        assignment = getattr(module, "ASSIGNMENT", None)
        if assignment != info.name:
            raise ImportError(f"grader/exercises/{info.name}.py: ASSIGNMENT must be {info.name!r}, got {assignment!r}")
        modules[assignment] = module
    return modules


def exercise(assignment: str) -> ModuleType:
    modules = exercise_modules()
    if assignment not in modules:
        raise KeyError(f"no exercise module grader/exercises/{assignment}.py (known: {', '.join(sorted(modules))})")
    return modules[assignment]


@functools.cache
def all_checks() -> dict[tuple[str, str], Check]:
    """Every check by (assignment, part), gathered on first use (the modules are imported then)."""
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
