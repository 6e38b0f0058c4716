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
from types import ModuleType


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
