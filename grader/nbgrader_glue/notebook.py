"""Grading one submitted notebook: its code runs in the sandbox, its score is computed here.

Every code cell that is not a test cell runs, in order, in one sandboxed
worker. Test cells never run at all: for each one, the trusted side grades
the part it names (an exercise part through its ``Check``, or a quiz question)
by calling the learner's functions, or reading their answers, across the
wall. The cell then gets the report as printed text and the points as its
result, which is what nbgrader's ``SaveAutoGrades`` reads. Nothing the
learner's code prints or returns is ever read as a score.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat

from grader.course.cells import grading_meta
from grader.checks.figures import feedback_figures
from grader.checks.gpu import gpu_report, skipped
from grader.exercises import CHECKS, check_for, feedback_figure, gpu_cases
from grader.grading.context import context_for
from grader.grading.runner import run_check, withheld_labels
from grader.course.config import Course
from grader.learner.core.answers import is_empty
from grader.learner.core.feedback import render_part
from grader.learner.core.model import PartResult, Status
from grader.sandbox.launch import Limits, Sandbox, gpu_device_nodes
from grader.sandbox.remote import RemoteNamespace
from grader.sandbox.session import CellRun, WorkerSession
from grader.sandbox.forked import ForkedSession
from grader.sandbox.warm import WarmSandbox
from grader.course.feedback_release import feedback_detail
from grader.course.late import Lateness, lateness

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def why_no_gpu(sandbox: Sandbox, dev: Path = Path("/dev")) -> str | None:
    """Why the GPU checks cannot run in ``sandbox`` here, in the learner's words; None when they may.

    Cheap and CUDA-free: only whether CuPy is installed and which device nodes exist. Whether CUDA
    then starts, here and in the worker, ``gpu_report`` finds out and says.
    """
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed on the grading machine"
    if not any(inside[len("/dev/nvidia"):].isdigit() for _, inside in gpu_device_nodes(dev)):
        return "no NVIDIA GPU on the grading machine"
    if not sandbox.isolated:
        return "your code runs without a sandbox here, and GPU code runs only inside one"
    if not sandbox.gpu:
        return "the sandbox has no GPU access"
    return None


@dataclass
class PartGrade:
    """One graded cell, as the gradebook and the feedback see it."""

    grade_id: str
    points: float
    max_points: float
    status: str  # passed, failed, grading-failed
    message: str
    diagnoses: list[str] = field(default_factory=list)
    #: The learner's result drawn next to the right one (base64 PNGs), shown under the message.
    figures: list[str] = field(default_factory=list)
    #: Never attempted: the function is absent or not written, the quiz answer never assigned.
    unanswered: bool = False


@dataclass
class NotebookGrade:
    assignment: str
    student: str
    sandbox: str
    parts: dict[str, PartGrade] = field(default_factory=dict)
    cells: list[CellRun] = field(default_factory=list)
    #: How late it was handed in (``grader.course.late``); the penalty is taken from ``total``.
    late: Lateness | None = None
    #: What the feedback shows: ``full``, or ``summary`` (course.yaml's feedback, before the due date).
    detail: str = "full"

    @property
    def total(self) -> float:
        """The points earned, before any late penalty."""
        return sum(p.points for p in self.parts.values())

    @property
    def penalty(self) -> float:
        return self.late.penalty(self.total) if self.late is not None else 0.0

    @property
    def max_total(self) -> float:
        return sum(p.max_points for p in self.parts.values())

    def late_record(self) -> dict[str, Any]:
        """The lateness as the gradebook and the feedback page read it."""
        late = self.late
        submitted = late.submitted_at.isoformat() if late is not None and late.submitted_at else ""
        return {"submitted_at": submitted, "late_by_s": late.late_by_s if late is not None else 0.0,
                "penalty": self.penalty, "raw_score": self.total,
                "words": late.words(self.total) if late is not None else ""}

    def metadata(self) -> dict[str, Any]:
        return {
            "sandbox": self.sandbox,
            "student": self.student,
            "parts": {k: {"points": p.points, "max_points": p.max_points, "status": p.status,
                          "diagnoses": p.diagnoses, "message": p.message} for k, p in self.parts.items()},
            "late": self.late_record(),
            "feedback": self.detail,
        }


def is_test_cell(cell: Any) -> bool:
    meta = grading_meta(cell)
    return cell.cell_type == "code" and meta.grade and not meta.solution


def defined_names(source: str) -> list[str]:
    """Top-level names a cell would define, read from its syntax (nothing is run)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return names


def _output(output_type: str, **fields: Any) -> Any:
    """An output as ``nbformat.v4.new_output`` makes it, minus its schema check on every call: these
    are built here, not read, and the check's first use alone costs a cold single grading 60 ms."""
    output = {"output_type": output_type, **fields}
    if output_type in ("display_data", "execute_result"):
        output.setdefault("metadata", {})
    return nbformat.from_dict(output)


def _outputs(run: CellRun) -> list[Any]:
    """What a learner's cell showed, reduced to plain text and checked PNGs (no HTML, no scripts)."""
    outputs = []
    if run.stdout:
        outputs.append(_output("stream", name="stdout", text=run.stdout))
    for image in run.images:
        try:
            data = base64.b64decode(image, validate=True)
        except ValueError:
            continue
        if data.startswith(PNG_MAGIC):
            outputs.append(_output("display_data", data={"image/png": image, "text/plain": "<Figure>"}))
    if run.result is not None and run.status == "ok":
        outputs.append(_output("execute_result", data={"text/plain": run.result}, execution_count=None))
    if run.status != "ok":
        name = run.error_type or "Error"
        outputs.append(_output("error", ename=name, evalue=(run.error or "")[:4000],
                                              traceback=[(run.error or name)[:4000]]))
    return outputs


def _grade_outputs(text: str, points: float, figures: list[str] = ()) -> list[Any]:
    # The points travel as the cell's result: nbgrader's partial-credit rule reads exactly that.
    return [
        _output("stream", name="stdout", text=text if text.endswith("\n") else text + "\n"),
        *(_output("display_data", data={"image/png": png, "text/plain": "<your result against the right one>"})
          for png in figures),
        _output("execute_result", data={"text/plain": repr(float(points))}, execution_count=None),
    ]


class NotebookGrader:
    """Grades notebooks of one course; the sandbox is detected once."""

    def __init__(self, course: Course, sandbox: Sandbox | None = None, warm: WarmSandbox | None = None,
                 figures: bool = True) -> None:
        """``warm``: fork each submission's worker from this warm sandbox instead of starting one.
        ``figures=False``: no feedback figures, and the learner's own plots are not rasterised
        (for a batch that keeps scores and messages only; neither ever changes a score)."""
        self.course = course
        self.sandbox = warm.sandbox if warm is not None else sandbox or Sandbox.detect()
        self.warm = warm
        self.figures = figures
        self.limits = Limits.from_course(course.grading)
        self._quizzes: dict[str, Any] | None = None
        self._public: dict[str, dict[str, bytes]] = {}

    def quizzes(self) -> dict[str, Any]:
        if self._quizzes is None:
            from grader.quiz.load import load_course_quizzes

            self._quizzes = {q.id: q for q in load_course_quizzes(self.course)}
        return self._quizzes

    def public_files(self, assignment: str) -> dict[str, bytes]:
        from grader.release.public_data import public_file

        # Settings only (the course's quartic): the sandbox never self-checks, and a function that looked
        # up the public cases' answers there at grading time would earn what it never computed.
        if assignment not in self._public:
            name, data = public_file(self.course, assignment, with_cases=False)
            self._public[assignment] = {name: data} if data is not None else {}
        return self._public[assignment]

    def _session(self, assignment: str, student: str) -> WorkerSession:
        deadline = self.course.grading.submission_timeout_s
        if self.warm is not None:
            return ForkedSession(self.warm, self.limits, self.public_files(assignment), deadline_s=deadline,
                                 learner=student, render_figures=self.figures)
        return WorkerSession(self.sandbox, self.limits, self.public_files(assignment), deadline_s=deadline,
                             learner=student)

    def grade(self, nb: Any, assignment: str, student: str, submitted_at: datetime | None = None,
              now: datetime | None = None) -> NotebookGrade:
        """Run ``nb``'s code in a fresh sandbox, grade every test cell, and write outputs into ``nb``.

        ``submitted_at``: nbgrader's timestamp (naive UTC), held against the learner's due date;
        ``now``: when the feedback is produced (default: now), which decides what it shows.
        """
        grading = self.course.grading
        result = NotebookGrade(assignment, student, self.sandbox.describe(),
                               late=lateness(self.course, assignment, student, submitted_at),
                               detail=feedback_detail(self.course, assignment, student, now))
        lost: dict[str, str] = {}
        with self._session(assignment, student) as session:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or is_test_cell(cell):
                    continue
                cell_id = grading_meta(cell).grade_id or f"cell {index + 1}"
                run = session.run_cell(cell_id, cell.source, grading.cell_timeout_s, grading.max_output_kb * 1024)
                result.cells.append(run)
                cell.outputs = _outputs(run)
                if run.failed_to_finish:
                    why = run.error or run.status
                    if run.error_type == "MemoryError":
                        why = f"it used more than {grading.memory_limit_mb} MB"
                    for name in defined_names(cell.source):
                        lost.setdefault(name, f"grading failed: the cell defining `{name}` did not finish ({why})")
            namespace = RemoteNamespace(session, lost)
            for cell in nb.cells:
                if not is_test_cell(cell):
                    continue
                meta = grading_meta(cell)
                grade_id, max_points = meta.grade_id or "", meta.max_points
                crashes_before = len(session.crashes)
                part = self._grade_cell(assignment, grade_id, max_points, namespace, session, student,
                                        result.detail)
                # The 0-point GPU cell reports its own crashes in its lines; they are information too.
                if len(session.crashes) > crashes_before and part.status != "grading-failed" and grade_id != "gpu":
                    part.status = "grading-failed"
                    part.message += f"\n  (grading failed: {session.crashes[-1]})"
                if not self.sandbox.isolated:
                    part.message += f"\n  ({self.sandbox.describe()})"
                cell.outputs = _grade_outputs(part.message, part.points, part.figures)
                result.parts[grade_id] = part
        nb.metadata["dlcourse"] = result.metadata()
        return result

    def _grade_cell(self, assignment: str, grade_id: str, max_points: float, namespace: RemoteNamespace,
                    session: WorkerSession, student: str, detail: str = "full") -> PartGrade:
        if (assignment, grade_id) in CHECKS:
            ctx = context_for(self.course, student)
            check = check_for(assignment, grade_id)
            part: PartResult = run_check(check, namespace, ctx, max_points)
            points = min(max(part.points, 0.0), max_points)
            figures = (feedback_figures(feedback_figure(assignment, grade_id), namespace, ctx)
                       if part.status is not Status.GRADING_FAILED and self.figures else [])
            withheld = withheld_labels(check, ctx, part) if detail == "summary" else frozenset()
            return PartGrade(grade_id, points, max_points, part.gradebook_status, render_part(part, withheld),
                             [m.name for m in part.diagnoses], figures, unanswered=part.status is Status.UNANSWERED)
        # An exercise's 0-point cells never need the quizzes loaded (they bring in sympy).
        is_exercise = any(a.id == assignment for a in self.course.assignments)
        quiz = None if is_exercise else self.quizzes().get(assignment)
        if quiz is not None and any(q.id == grade_id for q in quiz.questions):
            return self._grade_question(quiz, grade_id, session, student)
        if max_points == 0:
            message = (self._gpu_cell(assignment, namespace, student) if grade_id == "gpu"
                       else f"{grade_id}: nothing to grade here.")
            return PartGrade(grade_id, 0.0, 0.0, "passed", message)
        return PartGrade(grade_id, 0.0, max_points, "grading-failed",
                         f"{grade_id}: this test cell names no part of {assignment!r} in course.yaml, so it "
                         "cannot be graded; your instructor will look at it.")

    def _gpu_cell(self, assignment: str, namespace: RemoteNamespace, student: str) -> str:
        """The exercise's GPU cases run by the worker on the GPU the sandbox passes through, or why not;
        where they cannot run, nothing is built and nothing is sent."""
        cases = gpu_cases(assignment)
        reason = why_no_gpu(self.sandbox) if cases else None
        if reason is not None:
            return skipped(reason)
        return "\n".join(gpu_report(cases, namespace, context_for(self.course, student)))

    def _grade_question(self, quiz: Any, qid: str, session: WorkerSession, student: str) -> PartGrade:
        from grader.learner.kernel.quiz import answer_name
        from grader.quiz import checking

        question = quiz.question(qid)
        name = answer_name(qid)
        value = session.values([name]).get(name, checking.MISSING)
        try:
            outcome = checking.grade(quiz, question, value, student)
        except Exception as exc:  # noqa: BLE001 - one question's failure must not stop the quiz
            return PartGrade(qid, 0.0, float(question.points), "grading-failed",
                             f"Question {qid}: your answer could not be checked ({type(exc).__name__}: {exc}).")
        points = min(max(float(outcome.score), 0.0), float(question.points))
        status = "passed" if points >= float(question.points) else "failed"
        return PartGrade(qid, points, float(question.points), status, outcome.message,
                         unanswered=value is checking.MISSING or is_empty(value))
