"""The context a check runs in, from the course: tolerances, time limit, the exercises' settings, the learner."""

from __future__ import annotations

from grader.course.config import Course
from grader.learner.core.compare import Tolerance
from grader.learner.core.model import Context


def context_for(course: Course, learner: str, randomized: bool = True) -> Context:
    """Grading adds cases drawn for ``learner``; the public self-check (randomized=False) does not."""
    return Context(
        tolerance=Tolerance(course.grading.rtol, course.grading.atol),
        learner_id=learner,
        randomized=randomized,
        timeout_s=min(5.0, course.grading.cell_timeout_s / 4),
        # By assignment id, as each exercise's Settings model read them (gradient_descent's quartic).
        settings={a.id: course.settings_of(a.id) for a in course.assignments if course.settings_of(a.id) is not None},
    )
