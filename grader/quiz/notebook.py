"""A quiz as an nbgrader *source* notebook (nbformat v4).

Per question: a read-only Markdown cell (prompt, points, how to answer), a
read-only cell that prints the learner's personal values when the question
has any, a solution cell where the learner assigns ``answer_<qid>``, and an
autograded test cell. ``nbgrader generate_assignment`` then strips the
solutions, so the released notebook holds neither answers nor explanations:
those exist only in the quiz file, which the trusted grader reads
(``grader.nbgrader_glue``); the test cell itself only says whether an answer is set.

Every learner gets the same released notebook (nbgrader has no per-student
release), so personal values are printed by ``show_variant`` at run time.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course.cells import grading_meta
from grader.quiz import symbolic
from grader.quiz.checking import answer_name, expected_answer
from grader.quiz.model import (
    PLACEHOLDER,
    Compute,
    Integer,
    MultipleChoice,
    Numeric,
    Question,
    Quiz,
    SingleChoice,
    Symbolic,
)

SCHEMA_VERSION = 3


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "solution": solution,
        "grade": grade,
        "locked": locked,
        "grade_id": grade_id,
        "schema_version": SCHEMA_VERSION,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _release_prompt(question: Question) -> str:
    # The same text for everyone: personal values are named, and printed by the cell below.
    return PLACEHOLDER.sub(lambda m: f"⟨{m.group(1)}⟩", question.prompt.strip())


def _significant_figures(rtol: float) -> int:
    return max(2, math.ceil(1 - math.log10(2 * rtol))) if rtol > 0 else 6


def _tolerance_text(atol: float, rtol: float) -> str:
    parts = []
    if rtol > 0:
        parts.append(
            f"answers within {rtol * 100:g}% of the exact value are accepted, so give at least "
            f"{_significant_figures(rtol)} significant figures"
        )
    if atol >= 1e-6:
        parts.append(f"answers within ±{atol:g} of it are also accepted" if parts else
                     f"answers within ±{atol:g} of the exact value are accepted")
    return "; ".join(parts) + "." if parts else "give the exact value."


def how_to_answer(question: Question) -> str:
    """The learner-facing instructions for one question (format and scoring rule, never the answer)."""
    name = answer_name(question.id)
    if isinstance(question, SingleChoice):
        return (f'Assign the letter of the one correct option, as text: `{name} = "<letter>"`.')
    if isinstance(question, MultipleChoice):
        return (
            f'Choose every correct option and assign their letters as a set: `{name} = {{"<letter>", "<letter>", ...}}`.\n'
            "Scoring: if k options are correct, each correct option you choose adds 1/k of the points "
            "and each incorrect option you choose takes away 1/k; the total never goes below zero."
        )
    if isinstance(question, Integer) or (isinstance(question, Compute) and question.result == "integer"):
        return f"Assign a whole number (not text in quotes): `{name} = <whole number>`."
    if isinstance(question, (Numeric, Compute)):
        return (f"Assign a number (not text in quotes): `{name} = <number>`; "
                + _tolerance_text(question.atol, question.rtol))
    if isinstance(question, Symbolic):
        functions = question.functions if question.functions is not None else sorted(symbolic.FUNCTIONS)
        symbols = ", ".join(f"`{s}`" for s in question.symbols)
        allowed = [f"the symbols {symbols}", "numbers", "`+ - * / **` (or `^`)", "parentheses"]
        if functions:
            allowed.append(f"the functions {', '.join(f'`{f}`' for f in functions)}")
        return (
            f'Assign a formula as text: `{name} = "<formula>"`, for example `"2*{question.symbols[0]} + 1"`. '
            f"Use only {', '.join(allowed[:-1])} and {allowed[-1]}. "
            "Write every product with `*`. Any equivalent form is accepted."
        )
    raise TypeError(f"unknown question type {type(question).__name__}")


def _options_markdown(question: Question) -> str:
    if not isinstance(question, (SingleChoice, MultipleChoice)):
        return ""
    return "\n\n" + "\n".join(f"- **{o.key})** {o.text.strip()}" for o in question.options)


def _question_markdown(number: int, question: Question) -> str:
    personal = (
        "\n\n*Values in ⟨angle brackets⟩ are personal to you: run the read-only cell below to see yours.*"
        if question.draws() else ""
    )
    return (
        f"## Question {number} ({_points(question.points)})\n\n"
        f"{_release_prompt(question)}{_options_markdown(question)}{personal}\n\n"
        f"**How to answer:** {how_to_answer(question)}"
    )


def _answer_literal(quiz: Quiz, question: Question) -> str:
    # Only for questions without personal values, so any learner id gives the same answer.
    answer = expected_answer(quiz, question, learner_id="")
    if isinstance(answer, set):
        return "{" + ", ".join(repr(a) for a in sorted(answer)) + "}"
    return repr(answer)


def _solution_source(quiz: Quiz, question: Question, course_file: Path | None) -> str:
    name = answer_name(question.id)
    if question.draws():
        # The right answer depends on who runs the notebook, so the solution asks the grader, which
        # reads the quiz as the course that released it lists it.
        where = repr(str(course_file)) if course_file is not None else "'course.yaml'"
        body = (f"from grader.quiz.runtime import solution\n"
                f"{name} = solution({where}, {quiz.id!r}, {question.id!r})")
    else:
        body = f"{name} = {_answer_literal(quiz, question)}"
    return (f"# Your answer: assign {name} (see \"How to answer\" above), then run this cell.\n"
            f"### BEGIN SOLUTION\n{body}\n### END SOLUTION")


def answer_form(question: Question) -> dict[str, Any]:
    """The public shape of a right answer (never the answer): what ``check_answered`` checks at once."""
    if isinstance(question, (SingleChoice, MultipleChoice)):
        kind = "single" if isinstance(question, SingleChoice) else "multiple"
        return {"kind": kind, "options": [o.key for o in question.options]}
    if isinstance(question, Integer) or (isinstance(question, Compute) and question.result == "integer"):
        return {"kind": "integer"}
    if isinstance(question, (Numeric, Compute)):
        return {"kind": "number"}
    if isinstance(question, Symbolic):
        functions = list(question.functions) if question.functions is not None else sorted(symbolic.FUNCTIONS)
        return {"kind": "formula", "symbols": list(question.symbols), "functions": functions}
    raise TypeError(f"unknown question type {type(question).__name__}")


def _test_source(quiz: Quiz, question: Question) -> str:
    args = f"{quiz.id!r}, {question.id!r}, globals(), {answer_form(question)!r}"
    return (
        "# Checks at once that your answer has the right form; whether it is right is told when the quiz is graded.\n"
        "from grader.learner.kernel.quiz import check_answered\n"
        f"check_answered({args})"
    )


def _variant_source(quiz: Quiz, question: Question) -> str:
    return (
        "# Run this cell to see your personal values for this question.\n"
        "from grader.learner.kernel.quiz import show_variant\n"
        f"show_variant({quiz.id!r}, {question.id!r}, {question.draws()!r})"
    )


def _intro_markdown(quiz: Quiz) -> str:
    intro = f"\n\n{quiz.intro.strip()}" if quiz.intro.strip() else ""
    return (
        f"# {quiz.title}{intro}\n\n"
        f"This quiz has {len(quiz.questions)} questions worth {_points(quiz.points)} in total. "
        "For each question, write your answer in the cell below it by assigning the variable named "
        "there (for example `answer_q1 = ...`), and run the cell. The cell after it only tells you "
        "whether your answer is set; answers are checked, with feedback, when the quiz is graded. "
        "A question left unanswered, or answered in the wrong form, scores zero without affecting "
        "the others."
    )


def source_notebook(quiz: Quiz, course_file: Path | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook for ``quiz`` (contains the answers: instructors only).

    ``course_file`` is the course.yaml its personal answers are computed from when the notebook runs.
    """
    cells = [new_markdown_cell(_intro_markdown(quiz), metadata=_nbgrader(f"{quiz.id}_intro", locked=True))]
    for number, question in enumerate(quiz.questions, start=1):
        qid = question.id
        cells.append(new_markdown_cell(_question_markdown(number, question),
                                       metadata=_nbgrader(f"{qid}_prompt", locked=True)))
        if question.draws():
            cells.append(new_code_cell(_variant_source(quiz, question),
                                       metadata=_nbgrader(f"{qid}_values", locked=True)))
        cells.append(new_code_cell(_solution_source(quiz, question, course_file),
                                   metadata=_nbgrader(f"{qid}_answer", solution=True)))
        cells.append(new_code_cell(_test_source(quiz, question),
                                   metadata=_nbgrader(qid, grade=True, locked=True, points=question.points)))
    notebook = new_notebook(cells=cells)
    notebook.metadata.update({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(notebook)
    return notebook


def solved_notebook(quiz: Quiz, learner_id: str) -> nbformat.NotebookNode:
    """The source notebook with every answer written out for ``learner_id``: a correct submission.

    Source notebooks compute personal answers at run time (``grader.quiz.runtime.solution``), which
    needs the quiz file; inside the sandbox there is none, so a demo or test learner submits this.
    """
    notebook = source_notebook(quiz)
    for cell in notebook.cells:
        meta = grading_meta(cell)
        if meta.solution and meta.grade_id is not None:
            qid = meta.grade_id.removesuffix("_answer")
            answer = expected_answer(quiz, quiz.question(qid), learner_id)
            literal = "{" + ", ".join(repr(a) for a in sorted(answer)) + "}" if isinstance(answer, set) else repr(answer)
            cell.source = f"{answer_name(qid)} = {literal}"
    return notebook


def write_source_notebook(quiz: Quiz, source_dir: str | Path, course_file: Path | None = None) -> Path:
    """Write ``<source_dir>/<quiz id>/<quiz id>.ipynb`` (nbgrader's source/<assignment>/ layout)."""
    path = Path(source_dir) / quiz.id / f"{quiz.id}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(quiz, course_file), path)
    return path
