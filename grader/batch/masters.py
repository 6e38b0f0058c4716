"""The instructor's version of each assignment, and a submission restored against it.

A learner can edit anything in a notebook, test cells and their points
included. Before grading, every cell the instructor locked gets its source
and nbgrader metadata back from the master (the course's source notebook,
stamped with course.yaml's points), test cells the learner deleted come back,
and cells with a grade id the assignment does not have become plain cells.
These are the rules ``nbgrader autograde`` applies (``DeduplicateIds``,
``OverwriteCells`` with ``add_missing_cells``, and our ``DropUnknownGradeCells``),
so both paths grade the same cells.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from grader.config import Course
from grader.notebook_rules import stamp_course


def _meta(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader") or {}


@dataclass(frozen=True)
class Master:
    assignment: str
    notebook: Any
    #: grade id -> the master's cell, in notebook order.
    cells: dict[str, Any]

    @property
    def grade_ids(self) -> set[str]:
        return {gid for gid, cell in self.cells.items() if _meta(cell).get("grade")}


def read_notebook(text: str | bytes) -> Any:
    """A notebook from its JSON, upgraded to version 4, without schema validation.

    nbformat's validation costs seconds the first time in a process (its URI format checker
    builds dozens of parsers) and decides nothing here: restoring and grading read the few
    fields they need and survive any others.
    """
    from nbformat import convert, reader

    nb = reader.reads(text.decode("utf-8") if isinstance(text, bytes) else text)
    return convert(nb, 4) if nb.get("nbformat", 4) != 4 else nb


def _master(assignment: str, nb: Any) -> Master:
    return Master(assignment, nb, {_meta(c)["grade_id"]: c for c in nb.cells if _meta(c).get("grade_id")})


class Masters(Mapping[str, Master]):
    """Every assignment's master, each built on first use (a quiz's needs the quiz files and sympy)."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.exercise_ids = [a.id for a in course.assignments]
        self._built: dict[str, Master] = {}
        self._quizzes: dict[str, Any] | None = None
        self._lock = threading.RLock()

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
                self._built[assignment] = _master(assignment, nb)
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
    ids = {_meta(c).get("grade_id") for c in nb.get("cells", [])}
    for group in (masters.exercise_ids, [q for q in masters if q not in masters.exercise_ids]):
        best = max(group, key=lambda a: len(masters[a].grade_ids & ids), default=None)
        if best is not None and masters[best].grade_ids & ids:
            return best
    return None


def restore(nb: Any, master: Master) -> list[str]:
    """Restore ``nb`` against ``master`` in place; returns one line per change, for the log."""
    changes: list[str] = []
    seen: set[str] = set()
    for cell in nb.cells:
        meta = _meta(cell)
        if not meta:
            continue
        gid = meta.get("grade_id")
        if gid not in master.cells or gid in seen:
            changes.append(f"cell with grade id {gid!r}: {'a duplicate' if gid in seen else 'not in the assignment'}, "
                           "graded as a plain cell")
            del cell.metadata["nbgrader"]
            continue
        seen.add(gid)
        source = master.cells[gid]
        if cell.cell_type != source.cell_type:
            changes.append(f"cell {gid!r}: type restored to {source.cell_type}")
            cell.cell_type = source.cell_type
            if source.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        cell.metadata["nbgrader"] = copy.deepcopy(_meta(source))
        if _meta(source).get("locked") and cell.source != source.source:
            changes.append(f"cell {gid!r}: locked, its source restored")
            cell.source = source.source
    order = list(master.cells)
    for position, gid in enumerate(order):
        if gid in seen or not _meta(master.cells[gid]).get("grade"):
            continue
        # Back after the closest earlier cell of the master that the submission still has, as nbgrader does.
        index = 0
        for earlier in reversed(order[:position]):
            found = [i for i, c in enumerate(nb.cells) if _meta(c).get("grade_id") == earlier]
            if found:
                index = found[0] + 1
                break
        nb.cells.insert(index, copy.deepcopy(master.cells[gid]))
        seen.add(gid)
        changes.append(f"test cell {gid!r} was missing: added back")
    return changes
