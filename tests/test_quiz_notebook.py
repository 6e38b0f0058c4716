"""The nbgrader source notebook built from a quiz file: cells, metadata, no leaks outside
the solution and hidden-test regions."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from grader.quiz.compute import course_settings
from grader.quiz.load import load_quiz
from grader.course.config import load_course
from grader.quiz.notebook import answer_form, source_notebook, write_source_notebook

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = [load_quiz(p, course_settings(load_course(ROOT / "course.yaml"))) for p in sorted((ROOT / "exercises" / "quizzes").glob("*.yaml"))]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION", re.S)


def cells_by_id(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells}


@pytest.mark.parametrize("quiz", QUIZZES, ids=[q.id for q in QUIZZES])
def test_one_prompt_answer_and_test_cell_per_question(quiz) -> None:
    nb = source_notebook(quiz)
    nbformat.validate(nb)
    cells = cells_by_id(nb)
    assert len(cells) == len(nb.cells)  # grade ids are unique
    for q in quiz.questions:
        answer = cells[f"{q.id}_answer"]
        assert answer.cell_type == "code"
        assert answer.metadata == {"nbgrader": {"solution": True, "grade": False, "locked": False,
                                                "grade_id": f"{q.id}_answer", "schema_version": 3}}
        assert SOLUTION.search(answer.source) and f"answer_{q.id} = " in SOLUTION.search(answer.source).group(0)

        test = cells[q.id]
        assert test.metadata == {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": q.points,
                                              "grade_id": q.id, "schema_version": 3}}
        # Grading never runs test cells: no hidden block, only the answer-status call.
        assert not HIDDEN.search(test.source)
        assert test.source.splitlines()[-1] == f"check_answered({quiz.id!r}, {q.id!r}, globals(), {answer_form(q)!r})"

        prompt = cells[f"{q.id}_prompt"]
        assert prompt.cell_type == "markdown" and prompt.metadata["nbgrader"]["locked"]
        assert f"answer_{q.id}" in prompt.source and "{{" not in prompt.source
        if q.draws():
            values = cells[f"{q.id}_values"]
            assert values.metadata["nbgrader"]["locked"] and "show_variant(" in values.source
        else:
            assert f"{q.id}_values" not in cells


@pytest.mark.parametrize("quiz", QUIZZES, ids=[q.id for q in QUIZZES])
def test_answers_and_explanations_only_inside_removable_regions(quiz) -> None:
    nb = source_notebook(quiz)
    outside = "\n".join(HIDDEN.sub("", SOLUTION.sub("", c.source)) for c in nb.cells)
    for q in quiz.questions:
        assert q.explanation.strip()[:60] not in outside
        assert f"answer_{q.id} = " not in outside.replace(f"`answer_{q.id} = ", "")
        for mistake in getattr(q, "mistakes", []):
            assert mistake.feedback not in outside
        for option in getattr(q, "options", []):
            if option.feedback:
                assert option.feedback not in outside


def test_multiple_choice_prompt_states_the_partial_credit_rule() -> None:
    quiz = next(q for q in QUIZZES if q.id == "quiz_perceptron")
    prompt = cells_by_id(source_notebook(quiz))["p5_nonlinear_activations_prompt"].source
    assert "1/k" in prompt and "never goes below zero" in prompt


def test_write_source_notebook_uses_nbgraders_layout(tmp_path: Path) -> None:
    quiz = QUIZZES[0]
    path = write_source_notebook(quiz, tmp_path / "source")
    assert path == tmp_path / "source" / quiz.id / f"{quiz.id}.ipynb"
    assert nbformat.read(path, as_version=4).metadata["kernelspec"]["name"] == "python3"
