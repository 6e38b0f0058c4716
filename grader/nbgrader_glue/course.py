"""Driving real nbgrader over the course: a course directory, release, autograde, feedback.

Everything goes through nbgrader's own command line (``python -m nbgrader``),
so instructors see exactly the nbgrader they know; this module only lays out
the folders nbgrader expects and reads its gradebook back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from grader.course.config import Course
from grader.feedback_page import TEMPLATE_BASEDIR, TEMPLATE_FILE
from grader.nbgrader_glue.pipeline import ADD_MISSING_CELLS, CODE_STUB, RELEASE_STEPS, SANITIZE_STEPS, python_literal
from grader.release.notebook_rules import stamp_course
from grader.release.public_data import public_file

REPO_ROOT = Path(__file__).resolve().parents[2]  # grader/nbgrader_glue/course.py -> the checkout

CONFIG_TEMPLATE = """\
# Written by dlcourse from {course_yaml}; edit that file instead.
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
c.ClearSolutions.code_stub = {code_stub}
# Autograde runs learner code only in the sandbox and computes every score outside it:
# SandboxedGrading takes the place of nbgrader's Execute; the rest of the pipeline is nbgrader's own.
# Named as import paths, so a grader that cannot be imported fails autograde loudly instead of
# nbgrader quietly falling back to its defaults.
c.Autograde.autograde_preprocessors = [
    "grader.nbgrader_glue.preprocessor.SandboxedGrading",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "grader.nbgrader_glue.late.CourseDeadlines",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SandboxedGrading.course_file = {course_yaml!r}
# Late work is scored by course.yaml's late_policy, due dates and extensions (grader/course/late.py, the
# batch grader's definition): CourseDeadlines writes the due date and the learner's extension into
# gradebook.db, and nbgrader's AssignLatePenalties asks CoursePenalty for the penalty.
c.CourseDeadlines.course_file = {course_yaml!r}
c.AssignLatePenalties.plugin_class = "grader.nbgrader_glue.late.CoursePenalty"
c.CoursePenalty.course_file = {course_yaml!r}
# Submissions are read as data, as the batch reads them: a notebook that is a link, a FIFO or a
# folder is never opened (the hook takes it off nbgrader's list before nbgrader reads anything), and
# what is graded is the bytes CheckedSubmission read, not a path opened again.
c.Autograde.pre_convert_hook = "grader.nbgrader_glue.guard.pre_convert_hook"
# The hook renames links and special files in a submission to <name>.refused: nbgrader copies every
# other file of a submission following links, so these it must leave alone.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.refused"]
c.CheckedSubmission.course_file = {course_yaml!r}
# The steps below and their settings are grader/nbgrader_glue/pipeline.py's, which the batch runs too.
c.Autograde.sanitize_preprocessors = {sanitize_steps}
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {{("language_info", "name"), ("dlcourse",)}}
# A deleted test cell comes back (and is graded) instead of silently costing its points.
c.OverwriteCells.add_missing_cells = {add_missing_cells}
# nbgrader's release pipeline, plus quiz answer cells that let "Run All" finish (answer = None).
c.GenerateAssignment.preprocessors = {release_steps}
# The feedback page works offline (grader/feedback_page): formulas are MathML written with the page,
# not MathJax from a CDN, and long report lines wrap. Our feedback template lies over nbgrader's, whose
# name it shares; set for GenerateFeedback's exporter only, as formgrader renders its own pages.
import os as _os
import nbgrader as _nbgrader
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [
    {feedback_templates!r},
    _os.path.join(_os.path.dirname(_nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]
c.GenerateFeedback.HTMLExporter.template_file = {feedback_template_file!r}
c.GenerateFeedback.HTMLExporter.filters = {{
    "markdown2html": "grader.feedback_page.filters.MarkdownWithMathML",
    "text_math_to_mathml": "grader.feedback_page.filters.text_math_to_mathml",
}}
"""

#: Appended where course.yaml names an exchange, so plain `nbgrader release_assignment`, `collect` and
#: `release_feedback` run in the course folder use the exchange `dlcourse serve` watches.
EXCHANGE_TEMPLATE = """\
c.Exchange.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
"""


def exchange_config(course: Course) -> str:
    """nbgrader_config.py's lines for course.yaml's exchange ("" where it names none)."""
    if course.exchange is None:
        return ""
    return EXCHANGE_TEMPLATE.format(root=str(course.path(course.exchange.root).resolve()),
                                    course_id=course.exchange_course_id)


def open_gradebook(db: Path) -> Any:
    """nbgrader's Gradebook on ``db``, in this process; a new one is created as nbgrader creates it."""
    from nbgrader.api import Gradebook

    # nbgrader makes a new database by running alembic by name: this interpreter's bin/ must be on PATH.
    here = str(Path(sys.executable).parent)
    if here not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join((here, os.environ.get("PATH", "")))
    return Gradebook(f"sqlite:///{db}")


class NbgraderError(RuntimeError):
    """nbgrader exited with an error; the message carries the tail of its log."""


@dataclass
class NbgraderRun:
    args: list[str]
    returncode: int
    log: str


@dataclass
class CourseDirectory:
    """An nbgrader course folder for one course.yaml: source/, release/, submitted/, autograded/, feedback/."""

    root: Path
    course: Course

    @property
    def assignment_ids(self) -> list[str]:
        """Exercises first, then quizzes: everything nbgrader releases and grades."""
        from grader.quiz.load import load_course_quizzes

        return [a.id for a in self.course.assignments] + [q.id for q in load_course_quizzes(self.course)]

    def source_notebook(self, assignment: str) -> Path:
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    @classmethod
    def prepare(cls, course: Course, root: Path) -> CourseDirectory:
        """Write nbgrader_config.py, copy every exercise's source notebook in and build each quiz's."""
        from grader.quiz.load import load_course_quizzes
        from grader.quiz.notebook import write_source_notebook

        root = root.resolve()
        root.mkdir(parents=True, exist_ok=True)
        (root / "nbgrader_config.py").write_text(
            CONFIG_TEMPLATE.format(
                course_yaml=str(course.file),
                root=str(root),
                course_id=course.course.id,
                timeout=int(course.grading.cell_timeout_s),
                feedback_templates=str(TEMPLATE_BASEDIR),
                feedback_template_file=TEMPLATE_FILE,
                code_stub=python_literal(CODE_STUB),
                sanitize_steps=python_literal(SANITIZE_STEPS),
                add_missing_cells=python_literal(ADD_MISSING_CELLS),
                release_steps=python_literal(RELEASE_STEPS),
            ) + exchange_config(course)
        )
        for a in course.assignments:
            dest = root / "source" / a.id
            dest.mkdir(parents=True, exist_ok=True)
            # course.yaml's points, stamped into the grade cells: nbgrader's max scores are course.yaml's.
            nb = nbformat.read(course.path(a.notebook), as_version=4)
            stamp_course(a, nb)
            nbformat.write(nb, dest / f"{a.id}.ipynb")
            # The self-check's data travels with the release (nbgrader copies the folder's files).
            name, data = public_file(course, a.id)
            (dest / name).write_bytes(data)
        for quiz in load_course_quizzes(course):
            write_source_notebook(quiz, root / "source", course.file)
        return cls(root, course)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # nbgrader calls its helpers (alembic) by name: this interpreter's bin/ must be on PATH.
        env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
        # nbgrader_config.py imports the trusted grader from this checkout.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        return env

    def nbgrader(self, *args: str, check: bool = True) -> NbgraderRun:
        cmd = [sys.executable, "-m", "nbgrader", *args]
        proc = subprocess.run(cmd, cwd=self.root, env=self.env(), capture_output=True, text=True)
        run = NbgraderRun(cmd[2:], proc.returncode, proc.stdout + proc.stderr)
        if check and proc.returncode != 0:
            tail = "\n".join(run.log.strip().splitlines()[-25:])
            raise NbgraderError(f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n{tail}")
        return run

    def release(self, assignment: str) -> Path:
        """nbgrader generate_assignment; returns the released notebook."""
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.released_notebook(assignment)

    def released_notebook(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    @staticmethod
    def in_one_process(jobs: list[tuple[CourseDirectory, str, str]]) -> list[NbgraderRun]:
        """``(folder, command, assignment)`` jobs (generate_assignment, generate_feedback, each with
        --force) run by nbgrader's own Python API in one process: the same apps and configuration as
        ``nbgrader COMMAND ASSIGNMENT --force`` in that folder, without its start-up each time.
        One run per job, in order; ``returncode`` 0 where nbgrader succeeded."""
        from grader.nbgrader_glue.api_runs import Job

        if not jobs:
            return []
        payload = json.dumps([asdict(Job(str(c.root), command, a)) for c, command, a in jobs])
        cmd = [sys.executable, "-m", "grader.nbgrader_glue.api_runs"]
        proc = subprocess.run(cmd, input=payload, cwd=jobs[0][0].root, env=jobs[0][0].env(), capture_output=True,
                              text=True)
        try:
            answers = json.loads(proc.stdout)
        except ValueError:
            answers = [{"success": False, "log": f"nbgrader's API process failed (exit {proc.returncode}):\n"
                                                 f"{proc.stderr[-3000:]}"}] * len(jobs)
        return [NbgraderRun([command, a, "--force"], 0 if answer["success"] else 1, answer["log"])
                for (_c, command, a), answer in zip(jobs, answers, strict=True)]

    def submit(self, student: str, assignment: str, notebook: Path | nbformat.NotebookNode) -> Path:
        """Place a learner's notebook where nbgrader collects submissions."""
        dest = self.root / "submitted" / student / assignment / f"{assignment}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, Path):
            shutil.copy2(notebook, dest)
        else:
            nbformat.write(notebook, dest)
        return dest

    def autograde(self, assignment: str, force: bool = False) -> NbgraderRun:
        """Autograde every submission of the assignment.

        Without ``force`` nbgrader skips submissions it already graded, so an
        interrupted run resumes where it stopped; a submission that breaks is
        reported in the log and the others are still graded.
        """
        return self.nbgrader("autograde", assignment, *(["--force"] if force else []), check=False)

    def generate_feedback(self, assignment: str) -> NbgraderRun:
        return self.nbgrader("generate_feedback", assignment, "--force", check=False)

    def feedback_html(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment / f"{assignment}.html"

    def grading_records(self) -> pd.DataFrame:
        """What the sandboxed grading recorded in each autograded notebook: status, diagnoses, sandbox."""
        rows = []
        for nb_path in sorted((self.root / "autograded").glob("*/*/*.ipynb")):
            student, assignment = nb_path.parent.parent.name, nb_path.parent.name
            try:
                meta = nbformat.read(nb_path, as_version=4).metadata.get("dlcourse", {})
            except Exception:  # noqa: BLE001 - an unreadable autograded copy has no record
                continue
            for part, info in (meta.get("parts") or {}).items():
                rows.append({"student": student, "assignment": assignment, "part": part,
                             "status": info.get("status", ""), "diagnoses": "; ".join(info.get("diagnoses", [])),
                             "sandbox": meta.get("sandbox", "")})
        return pd.DataFrame(rows, columns=["student", "assignment", "part", "status", "diagnoses", "sandbox"])

    def gradebook(self) -> pd.DataFrame:
        """One row per (student, assignment, part): score and max from nbgrader's database, status from grading."""
        book = self._nbgrader_grades()
        return book.merge(self.grading_records(), on=["student", "assignment", "part"], how="left")

    def _nbgrader_grades(self) -> pd.DataFrame:
        from nbgrader.api import Gradebook, MissingEntry

        rows = []
        db = self.root / "gradebook.db"
        if not db.exists():
            return pd.DataFrame(columns=["student", "assignment", "part", "score", "max_score"])
        with Gradebook(f"sqlite:///{db}") as gb:
            for assignment_id in self.assignment_ids:
                try:
                    assignment = gb.find_assignment(assignment_id)
                except MissingEntry:
                    continue
                for submission in assignment.submissions:
                    for nb in submission.notebooks:
                        for grade in nb.grades:
                            rows.append(
                                {
                                    "student": submission.student.id,
                                    "assignment": assignment_id,
                                    "part": grade.name,
                                    "score": float(grade.score),
                                    "max_score": float(grade.max_score),
                                }
                            )
        return pd.DataFrame(rows, columns=["student", "assignment", "part", "score", "max_score"])
