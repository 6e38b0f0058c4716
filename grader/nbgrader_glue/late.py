"""course.yaml's due dates, extensions and late policy inside ``nbgrader autograde``.

nbgrader holds a due date per assignment and an extension per submission in gradebook.db, and asks
``AssignLatePenalties.plugin_class`` for the penalty of a notebook it finds late. Here:

* ``record_deadline`` writes course.yaml's due date and the learner's extension into gradebook.db
  (the batch grader calls it too, so formgrader and ``nbgrader export`` show the same dates);
* ``CourseDeadlines``, a step just before nbgrader's ``AssignLatePenalties``, calls it for the
  submission being graded, so course.yaml is the one truth even when an instructor runs nbgrader by hand;
* ``CoursePenalty``, the plugin, computes the penalty with ``grader.course.late``, the batch's very
  definition, from the submission time nbgrader recorded (its ``timestamp.txt``, parsed by nbgrader).

Configured by the ``nbgrader_config.py`` that ``dlcourse`` writes (``grader.nbgrader_glue.course``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import BasePlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from grader.course.config import Course, load_course
from grader.course.late import deadline, lateness, naive_utc


@lru_cache(maxsize=4)
def _course(course_file: str) -> Course:
    if not course_file:
        raise ValueError("course_file is not set in nbgrader_config.py")
    return load_course(course_file)


def record_deadline(gb: Gradebook, course: Course, assignment: str, student: str) -> None:
    """The assignment's due date (naive UTC, as nbgrader keeps it) and the learner's extension, in gradebook.db.

    Not committed here: the batch commits each submission's rows together (one refused costs that one alone).
    """
    d = deadline(course, assignment, student)
    if d.due is None:
        return
    try:
        row = gb.find_assignment(assignment)
    except MissingEntry:
        return
    row.duedate = naive_utc(d.due)
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return
    submission.extension = timedelta(days=d.extension_days) if d.extension_days else None


def submission_time(gb: Gradebook, assignment: str, student: str) -> datetime | None:
    """The time nbgrader recorded for the submission (from its timestamp.txt), or None."""
    try:
        return gb.find_submission(assignment, student).timestamp
    except MissingEntry:
        return None


class CourseDeadlines(NbGraderPreprocessor):
    """Before nbgrader's late penalty: course.yaml's due date and extension for this submission."""

    course_file = Unicode("", help="The course.yaml whose due dates and extensions apply.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            record_deadline(gb, _course(self.course_file), str(info["assignment"]), str(info["student"]))
            gb.db.commit()
        return nb, resources


class CoursePenalty(BasePlugin):
    """nbgrader's late-submission plugin, scoring late work by course.yaml's late_policy."""

    course_file = Unicode("", help="The course.yaml whose late policy applies.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        # nbgrader's own count of seconds late only says that there is something to score: the penalty
        # is computed from the same inputs as on the batch path (grace, started days, cut-off).
        assignment = str(self.parent.assignment_id)
        when = submission_time(self.parent.gradebook, assignment, student_id)
        late = lateness(_course(self.course_file), assignment, student_id, when)
        penalty = late.penalty(float(score or 0.0))
        self.log.info("%s/%s: %s", student_id, assignment, late.words(float(score or 0.0)))
        return penalty
