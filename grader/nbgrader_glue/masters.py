"""The instructor's version of each assignment, and a submission read as data.

A master is the course's source notebook stamped with course.yaml's points (a quiz's is built from
its file): what the course folder releases. A submission is restored against it by nbgrader's own
steps (``grader.nbgrader_glue.restore``), from the private gradebook each master carries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.course.config import Course
from grader.course.cells import grading_meta, grading_shape_problem
from grader.nbgrader_glue.restore import ReleaseGradebooks
from grader.release.notebook_rules import stamp_course


@dataclass(frozen=True)
class Master:
    assignment: str
    notebook: Any
    #: grade id -> the master's cell, in notebook order.
    cells: dict[str, Any]
    #: Where nbgrader's steps read this master from (shared by a course's masters).
    gradebooks: ReleaseGradebooks = field(default_factory=ReleaseGradebooks, compare=False, repr=False)

    @property
    def db_url(self) -> str:
        """The private gradebook holding what ``nbgrader generate_assignment`` stores of this master."""
        return self.gradebooks.url(self.assignment, self.notebook)

    @property
    def grade_ids(self) -> set[str]:
        return {gid for gid, cell in self.cells.items() if grading_meta(cell).grade}


#: More cells than any notebook of the course needs; running each of 100,000 would take the whole
#: submission's time limit to prove nothing.
MAX_CELLS = 2000


class NotANotebook(ValueError):
    """JSON that is not a notebook grading can read; ``str()`` names the cell and the field."""


def read_notebook(text: str | bytes) -> Any:
    """A notebook from its JSON, upgraded to version 4, its learner text cleaned (``grader.learner.core.text``).

    Without nbformat's schema validation: it costs seconds the first time in a process (its URI
    format checker builds dozens of parsers) and decides nothing here. Instead the few fields that
    restoring and grading read are checked to have their types, so a notebook with odd metadata is
    named, not a crash somewhere later.
    """
    from nbformat import convert, reader, v4

    from grader.learner.core.text import clean

    if isinstance(text, bytes):
        # Bytes that are not UTF-8 survive as lone surrogates, which ``clean`` then shows as \xNN.
        text = text.decode("utf-8", errors="surrogateescape")
    nb = reader.reads(text)
    nb = convert(nb, 4) if nb.get("nbformat", 4) != 4 else nb
    clean(nb)
    # nbformat reads a minor version it cannot write (None, "5", 10**10); grading needs none of it.
    if not isinstance(nb.get("nbformat_minor"), int) or not 0 <= nb["nbformat_minor"] <= v4.nbformat_minor:
        nb["nbformat_minor"] = v4.nbformat_minor
    nb["nbformat"] = 4
    _check_shape(nb)
    return nb


def _check_shape(nb: Any) -> None:
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise NotANotebook(f"its cells are {type(cells).__name__}, not a list")
    if len(cells) > MAX_CELLS:
        raise NotANotebook(f"it has {len(cells):,} cells; a notebook of more than {MAX_CELLS:,} is not graded")
    if not isinstance(nb.get("metadata", {}), dict):
        raise NotANotebook("its metadata is not a mapping")
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise NotANotebook(f"cell {i} is {type(cell).__name__}, not a mapping")
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotANotebook(f"cell {i} has cell_type {str(cell.get('cell_type'))[:40]!r}")
        if not isinstance(cell.get("source", ""), str):
            raise NotANotebook(f"cell {i}: its source is {type(cell.get('source')).__name__}, not text")
        meta = cell.get("metadata", {})
        if not isinstance(meta, dict):
            raise NotANotebook(f"cell {i}: its metadata is {type(meta).__name__}, not a mapping")
        problem = grading_shape_problem(cell)
        if problem:
            raise NotANotebook(f"cell {i}: {problem}")
        if cell.get("cell_type") == "code" and not isinstance(cell.get("outputs", []), list):
            raise NotANotebook(f"cell {i}: its outputs are not a list")


def _master(assignment: str, nb: Any, gradebooks: ReleaseGradebooks) -> Master:
    return Master(assignment, nb, {grading_meta(c).grade_id: c for c in nb.cells if grading_meta(c).grade_id},
                  gradebooks)


class Masters(Mapping[str, Master]):
    """Every assignment's master, each built on first use (a quiz's needs the quiz files and sympy)."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.exercise_ids = [a.id for a in course.assignments]
        self._built: dict[str, Master] = {}
        self._quizzes: dict[str, Any] | None = None
        self._lock = threading.RLock()
        self.gradebooks = ReleaseGradebooks()

    def prepare_in_background(self, assignments: Iterable[str]) -> threading.Thread:
        """Build these masters and their gradebooks (nbgrader's library is imported for that) in a
        thread of their own, while the batch's sandboxes start; a grading thread that needs one
        first waits for it rather than building it again. A master that cannot be built is left to
        the grading thread, which records why."""
        wanted = list(dict.fromkeys(assignments))

        def build() -> None:
            for assignment in wanted:
                try:
                    self[assignment].db_url  # noqa: B018 - built on first use
                except Exception:  # noqa: BLE001, S112 - the submission's grading says what failed
                    continue

        thread = threading.Thread(target=build, name="masters", daemon=True)
        thread.start()
        return thread

    def _quiz_map(self) -> dict[str, Any]:
        with self._lock:
            if self._quizzes is None:
                from grader.quiz.load import load_course_quizzes

                self._quizzes = {q.id: q for q in load_course_quizzes(self.course)}
            return self._quizzes

    def _ids(self) -> list[str]:
        return self.exercise_ids + [q for q in self._quiz_map() if q not in self.exercise_ids]

    def __contains__(self, assignment: object) -> bool:
        return assignment in self.exercise_ids or assignment in self._quiz_map()

    def __getitem__(self, assignment: str) -> Master:
        with self._lock:
            if assignment not in self._built:
                if assignment in self.exercise_ids:
                    a = self.course.assignment(assignment)
                    nb = read_notebook(self.course.path(a.notebook).read_text(encoding="utf-8"))
                    stamp_course(a, nb)
                elif assignment in self._quiz_map():
                    from grader.quiz.notebook import source_notebook

                    nb = source_notebook(self._quiz_map()[assignment], self.course.file)
                else:
                    raise KeyError(assignment)
                self._built[assignment] = _master(assignment, nb, self.gradebooks)
            return self._built[assignment]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids())

    def __len__(self) -> int:
        return len(self._ids())


def master_notebooks(course: Course) -> Masters:
    """Every assignment's master, exercises and quizzes, built once per batch (on first use)."""
    return Masters(course)


def detect_assignment(nb: Any, masters: Masters) -> str | None:
    """The assignment whose test cells the notebook carries most of; None if it carries none.

    Exercises are tried first, so an exercise notebook never needs the quizzes loaded.
    """
    ids = {grading_meta(c).grade_id for c in nb.get("cells", [])}
    for group in (masters.exercise_ids, [q for q in masters if q not in masters.exercise_ids]):
        best = max(group, key=lambda a: len(masters[a].grade_ids & ids), default=None)
        if best is not None and masters[best].grade_ids & ids:
            return best
    return None
