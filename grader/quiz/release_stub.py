"""``QuizAnswerStubs``: a step of ``nbgrader generate_assignment`` after ``ClearSolutions``.

nbgrader replaces every solution region with one stub for the whole course,
``raise NotImplementedError()``, which exercise functions need. In a quiz that
stub would stop "Run All" at the first question, so in quiz answer cells (grade
ids ``<qid>_answer``) this step writes ``answer_<qid> = None`` instead.
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from grader.learner.kernel.quiz import answer_name
from grader.course.cells import grading_meta

STUB = "raise NotImplementedError()"


class QuizAnswerStubs(NbGraderPreprocessor):
    def preprocess_cell(self, cell: Any, resources: dict[str, Any], index: int) -> tuple[Any, dict[str, Any]]:
        meta = grading_meta(cell)
        grade_id = meta.grade_id or ""
        if cell.cell_type == "code" and meta.solution and grade_id.endswith("_answer"):
            name = answer_name(grade_id.removesuffix("_answer"))
            cell.source = "\n".join(
                f"{name} = None  # replace None with your answer" if line.strip() == STUB else line
                for line in cell.source.splitlines()
            )
        return cell, resources
