"""Each exercise's learner-side module (``grader/learner/exercises/<id>.py``), found by its name.

The judging core asks for a stand-in, a wire builder or a part's probes by the exercise's id; the
module is imported by that name when first asked, so the core depends on no exercise and adding one
touches nothing here. Only names a module declares in the right mapping are ever returned.
"""


from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

PACKAGE = "grader.learner.exercises"
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


@functools.cache
def _ids() -> frozenset[str]:
    return frozenset(info.name for info in pkgutil.iter_modules(importlib.import_module(PACKAGE).__path__) if _NAME.match(info.name))


def learner_module(exercise: str) -> ModuleType:
    """``grader/learner/exercises/<exercise>.py``; KeyError when there is none."""
    if not isinstance(exercise, str) or exercise not in _ids():
        raise KeyError(f"no learner-side module grader/learner/exercises/{exercise}.py")
    return importlib.import_module(f"{PACKAGE}.{exercise}")


def declared(exercise: str, mapping: str, name: str) -> Any:
    """``<exercise>.<mapping>[name]`` (``BUILDERS``, ``STAND_INS``); KeyError for anything it does not declare."""
    table: Mapping[str, Any] = getattr(learner_module(exercise), mapping, {})
    if not isinstance(name, str) or name not in table:
        raise KeyError(f"grader/learner/exercises/{exercise}.py declares no {mapping} entry {name!r}")
    return table[name]


def stand_in(reference: str) -> Callable[..., Any]:
    """The stand-in a check names as ``"<exercise>.<name>"``; KeyError for any other text."""
    exercise, _, name = str(reference).partition(".")
    return declared(exercise, "STAND_INS", name)


def is_stand_in(reference: Any) -> bool:
    try:
        stand_in(reference)
    except KeyError:
        return False
    return True


def part_probes(exercise: str, part: str) -> tuple[Any, ...]:
    """The probes of a part judged by properties (none for most parts, and for an exercise with no module)."""
    try:
        return tuple(getattr(learner_module(exercise), "PROBES", {}).get(part, ()))
    except KeyError:
        return ()


def part_shape(exercise: str, part: str) -> Callable[..., Any] | None:
    """The shape of a probe-judged part's result (``Check.shape_of``), if the exercise declares one."""
    try:
        return getattr(learner_module(exercise), "SHAPES", {}).get(part)
    except KeyError:
        return None


def every_module() -> list[ModuleType]:
    """Every learner-side exercise module, imported (what a warm worker loads once for all submissions)."""
    return [learner_module(exercise) for exercise in sorted(_ids())]
