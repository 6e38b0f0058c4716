"""Many realistic submissions at once, for the batch tests and the batch benchmark.

Exercises come from the corpus (tests/corpus: real correct and wrong versions of each part,
each file a learner), quizzes from the quiz itself: fully right, half right, or untouched.
Submissions are laid out as nbgrader's submitted/<student>/<assignment>/<assignment>.ipynb,
each with the timestamp.txt nbgrader writes.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path

import nbformat

from corpus_support import build_notebook, corpus
from grader.course.config import Course
from grader.learner.kernel.quiz import answer_name
from grader.quiz.load import load_course_quizzes
from grader.quiz.notebook import solved_notebook


@dataclass(frozen=True)
class Made:
    student: str
    assignment: str
    path: Path
    expect_full: bool


def _quiz_notebook(quiz: object, student: str, kind: str) -> nbformat.NotebookNode:
    nb = solved_notebook(quiz, student)
    if kind == "full":
        return nb
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for index, cell in enumerate(answers):
        qid = cell.metadata["nbgrader"]["grade_id"].removesuffix("_answer")
        if kind == "blank" or index % 2:
            cell.source = f"{answer_name(qid)} = None"
    return nb


def make_submissions(course: Course, root: Path, count: int, timestamp: str = "2026-11-30 12:00:00.000000 UTC") -> list[Made]:
    """``count`` submissions under ``root``, cycling through every exercise's corpus and every quiz."""
    quizzes = load_course_quizzes(course)
    sources = {a.id: course.path(a.notebook) for a in course.assignments}
    per_assignment = [[("exercise", a.id, sub) for sub in corpus(a.id)] for a in course.assignments]
    per_assignment += [[("quiz", q.id, (q, kind)) for kind in ("full", "half", "blank")] for q in quizzes]
    # Round robin over the assignments, so that even a few submissions cover all of them.
    kinds = [k for group in itertools.zip_longest(*per_assignment) for k in group if k is not None]
    made = []
    for number, (kind, assignment, what) in zip(range(count), itertools.cycle(kinds)):
        student = f"learner-{number:05d}"
        if kind == "exercise":
            nb = build_notebook(what, sources[assignment], sources[assignment])
            full = what.expect_full
        else:
            quiz, variant = what
            nb = _quiz_notebook(quiz, student, variant)
            full = variant == "full"
        path = root / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(copy.deepcopy(nb), path)
        (path.parent / "timestamp.txt").write_text(timestamp)
        made.append(Made(student, assignment, path, full))
    return made
