"""``SandboxedGrading``: the step of ``nbgrader autograde`` that takes the place of ``Execute``.

nbgrader's own pipeline stays as instructors know it: it restores the locked
and test cells from its gradebook, then this step runs the learner's code in
the sandbox and writes each test cell's report and points, and nbgrader's
``SaveAutoGrades`` reads those into gradebook.db; late penalties, feedback,
formgrader and ``export`` work unchanged. Configured by the
``nbgrader_config.py`` that ``dlcourse`` writes::

    c.Autograde.autograde_preprocessors = [SandboxedGrading, IgnorePattern, ...]
    c.SandboxedGrading.course_file = "/path/to/course.yaml"
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from grader.nbgrader_glue.notebook import NotebookGrader
from grader.course.config import load_course


class SandboxedGrading(NbGraderPreprocessor):
    course_file = Unicode("", help="The course.yaml whose checks, points and limits grade this course.").tag(config=True)

    _graders: dict[str, NotebookGrader] = {}

    def _grader(self) -> NotebookGrader:
        # One per course file and process: the sandbox is detected and the course parsed once per batch.
        if self.course_file not in self._graders:
            if not self.course_file:
                raise ValueError("SandboxedGrading.course_file is not set in nbgrader_config.py")
            self._graders[self.course_file] = NotebookGrader(load_course(self.course_file))
        return self._graders[self.course_file]

    @staticmethod
    def _submitted_at(info: dict[str, Any], assignment: str, student: str) -> datetime | None:
        """The time nbgrader recorded from the submission's timestamp.txt (the batch reads the same file)."""
        if not info.get("db_url"):
            return None
        from nbgrader.api import Gradebook

        from grader.nbgrader_glue.late import submission_time

        with Gradebook(info["db_url"]) as gb:
            return submission_time(gb, assignment, student)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        # The grading identity comes from the submission's place in nbgrader's tree, never from the notebook.
        student, assignment = str(info.get("student", "")), str(info.get("assignment", ""))
        result = self._grader().grade(nb, assignment, student, self._submitted_at(info, assignment, student))
        self.log.info("%s/%s graded in the sandbox: %g of %g points (%s)", student, assignment,
                      result.total, result.max_total, result.sandbox)
        failed = [k for k, p in result.parts.items() if p.status == "grading-failed"]
        if failed:
            self.log.warning("%s/%s: grading failed for %s", student, assignment, ", ".join(failed))
        return nb, resources
