"""The functions notebook cells call: a learner's self-check and nbgrader's hidden grading.

Both run the very same check objects; the self-check uses only the fixed
cases, the hidden grading adds the cases drawn from the learner's seed.
Neither ever raises or writes to stderr, because nbgrader gives a test cell
zero for either; the grade travels as the cell's last expression value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from grader.checks import check_for
from grader.learner.model import Context, PartResult
from grader.checks.runner import run_check
from grader.learner.compare import Tolerance
from grader.config import Course, load_course
from grader.learner.feedback import render_part

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def course() -> Course:
    """The course in effect: $DLCOURSE_CONFIG, else the course.yaml beside this package."""
    return load_course(os.environ.get("DLCOURSE_CONFIG", ROOT / "course.yaml"))


def learner_id() -> str:
    """Who is being graded: the nbgrader student folder during autograde, else the logged-in user."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return Path.cwd().parent.name
    return os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER") or "anonymous"


def make_context(c: Course, randomized: bool, learner: str | None = None) -> Context:
    return Context(
        tolerance=Tolerance(c.grading.rtol, c.grading.atol),
        learner_id=learner if learner is not None else learner_id(),
        randomized=randomized,
        timeout_s=min(5.0, c.grading.cell_timeout_s / 4),
        settings={"quartic": c.quartic.quartic()},
    )


def grade_part_result(
    assignment: str, part: str, namespace: Mapping[str, Any], c: Course, randomized: bool, learner: str | None = None
) -> PartResult:
    points = next(p.points for p in c.assignment(assignment).parts if p.id == part)
    return run_check(check_for(assignment, part), namespace, make_context(c, randomized, learner), points)


class Exercise:
    """Bound to one assignment and the notebook's globals; gives the cells `check` and `grade`."""

    def __init__(self, assignment: str, namespace: MutableMapping[str, Any]) -> None:
        self.assignment = assignment
        self.namespace = namespace

    def check(self, part: str) -> None:
        """Public self-check: the fixed cases, a report, no score. Silent during autograde."""
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            return
        try:
            result = grade_part_result(self.assignment, part, self.namespace, course(), randomized=False)
        except Exception as exc:  # noqa: BLE001 - a broken course must not look like the learner's fault
            print(f"The self-check itself failed ({type(exc).__name__}: {exc}); please tell your instructor.")
            return
        print(render_part(result))
        if result.passed:
            print("  Well done: the hidden tests will also try cases drawn just for you.")

    def grade(self, part: str) -> float:
        """Hidden grading: all cases, a report on stdout, and the points as the return value."""
        try:
            result = grade_part_result(self.assignment, part, self.namespace, course(), randomized=True)
        except Exception as exc:  # noqa: BLE001 - never an error output, which would zero the cell silently
            print(f"Grading this part failed inside the grader ({type(exc).__name__}: {exc}); your instructor will look at it.")
            return 0.0
        print(render_part(result))
        return result.points

    def gpu_report(self) -> float:
        """The GPU-backed checks' report; always 0.0 points, so a missing GPU costs nothing."""
        from grader.gpu import gpu_report

        c = course()
        try:
            lines = gpu_report(
                self.assignment, self.namespace, Tolerance(c.grading.rtol, c.grading.atol), c.quartic.quartic()
            )
        except Exception as exc:  # noqa: BLE001 - an optional report must never zero anything
            lines = [f"GPU checks could not run ({type(exc).__name__}: {exc}); they cost no points."]
        print("\n".join(lines))
        return 0.0


def course_quartic() -> Any:
    """The quartic g of course.yaml, handed to learners in the gradient-descent notebook."""
    return course().quartic.quartic()
