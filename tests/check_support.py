"""What every check test needs: the course's points, a context per learner, and grading calls."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from grader.exercises import check_for, checks_of
from grader.grading.context import context_for
from grader.grading.runner import run_check
from grader.course.config import Course, load_course
from grader.learner.core.model import Context, PartResult, Status


@lru_cache(maxsize=1)
def course() -> Course:
    """The bundled course.yaml."""
    return load_course(Path(__file__).resolve().parents[1] / "course.yaml")


def points_of(assignment: str) -> dict[str, float]:
    return {p.id: p.points for p in course().assignment(assignment).parts}


def ctx_for(learner: str = "alice", randomized: bool = True) -> Context:
    return context_for(course(), learner=learner, randomized=randomized)


def grade_part(assignment: str, part: str, namespace: dict, ctx: Context, trusted: bool = False) -> PartResult:
    return run_check(check_for(assignment, part), namespace, ctx, points_of(assignment)[part], trusted=trusted)


def grade_all(assignment: str, namespace: dict, ctx: Context, trusted: bool = False) -> dict[str, PartResult]:
    points = points_of(assignment)
    return {c.part: run_check(c, namespace, ctx, points[c.part], trusted=trusted) for c in checks_of(assignment)}


def assert_named_and_contained(assignment: str, part: str, namespace: dict, name: str, learner: str) -> None:
    """A learner's known mistake loses points in its part, is named there alone with its hint, and
    costs every other part of the assignment nothing."""
    from grader.learner.core.feedback import render_part

    ctx = ctx_for(learner)
    points = points_of(assignment)
    result = grade_part(assignment, part, namespace, ctx)
    assert result.points < points[part]
    assert result.status is Status.GRADED
    assert [m.name for m in result.diagnoses] == [name], render_part(result)
    text = render_part(result)
    assert f"Likely mistake — {name}: " in text
    assert result.diagnoses[0].hint in text
    for other in points:
        if other != part:
            assert grade_part(assignment, other, namespace, ctx).points == points[other], other


def learner_mistake_tests(assignment: str, mistakes: list[tuple[str, Any, str]], base: dict) -> tuple[Any, Any]:
    """The two tests every exercise's table of learner-written mistakes gets, as (coverage, each mistake).

    ``mistakes`` holds (part, the learner's wrong function, the mistake's name); ``base`` is a correct
    namespace the wrong function is dropped into. Assign the pair to two ``test_`` names in the module.
    """

    def test_every_mistake_of_every_check_has_a_learner_style_test() -> None:
        defined = {(c.part, m.name) for c in checks_of(assignment) for m in c.mistakes}
        assert defined == {(part, name) for part, _, name in mistakes}

    @pytest.mark.parametrize("learner", ["ada", "grace"])
    @pytest.mark.parametrize("part, broken, name", mistakes, ids=[f"{p}-{f.__name__}" for p, f, _ in mistakes])
    def test_learner_mistake_loses_points_and_is_named(part: str, broken: Any, name: str, learner: str) -> None:
        assert_named_and_contained(assignment, part, {**base, part: broken}, name, learner)

    return test_every_mistake_of_every_check_has_a_learner_style_test, test_learner_mistake_loses_points_and_is_named
