"""What quiz notebooks call, in the learner's kernel and in ``nbgrader autograde``.

nbgrader scores a test cell as zero if it raises or writes to stderr, and
gives partial credit from the value of the cell's last expression. So
``grade_answer`` never raises, sends anything that would reach stderr
(warnings included) to stdout, prints a message for the learner, and
returns the points as a plain float for the cell to end with.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from grader.quiz import checking, variants


def learner_id() -> str:
    """Who is answering: the student folder under ``nbgrader autograde``, else the hub or OS user."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        # autograde runs each notebook with its folder autograded/<student>/<assignment>/ as cwd
        return Path.cwd().parent.name
    return os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER") or "anonymous"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("ignore")
        yield


def grade_answer(quiz_id: str, qid: str, namespace: Mapping[str, Any]) -> float:
    """Print feedback for ``answer_<qid>`` in ``namespace`` and return the points earned.

    Never raises: a broken quiz file or an unexpected failure prints what
    happened and scores zero, so the other questions are still graded.
    """
    with _quiet():
        try:
            from grader.quiz.load import find_quiz

            quiz = find_quiz(quiz_id)
            question = quiz.question(qid)
        except Exception as exc:  # noqa: BLE001 - must not raise inside an nbgrader test cell
            print(f"Question {qid}: could not be graded because quiz {quiz_id!r} could not be loaded "
                  f"({type(exc).__name__}: {exc}). Please tell your instructor.")
            return 0.0
        value = namespace.get(checking.answer_name(qid), checking.MISSING)
        try:
            outcome = checking.grade(quiz, question, value, learner_id())
        except Exception as exc:  # noqa: BLE001
            print(f"Question {qid}: 0 of {question.points:g} point(s). Your answer could not be checked "
                  f"({type(exc).__name__}: {exc}); please tell your instructor.")
            return 0.0
        print(outcome.message)
        return float(outcome.score)


def check_answered(quiz_id: str, qid: str, namespace: Mapping[str, Any]) -> None:
    """The visible half of a test cell: says whether ``answer_<qid>`` is set, and reveals nothing else."""
    name = checking.answer_name(qid)
    with _quiet():
        if name not in namespace:
            print(f"`{name}` is not defined yet: write your answer in the cell above and run it.")
            return
        value = namespace[name]
        try:
            shown = repr(value)
        except Exception:  # noqa: BLE001 - a learner's object may have a broken repr
            shown = f"a {type(value).__name__}"
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        print(f"`{name}` is set to {shown}. It will be checked when the quiz is graded.")


def show_variant(quiz_id: str, qid: str, draws: Mapping[str, Sequence[Any]] | None = None) -> None:
    """Print this learner's personal values for a question.

    Released notebooks pass ``draws`` (each parameter's list of choices, which
    are not secret), so this works without the quiz file and its answers.
    Without ``draws`` the quiz file is loaded instead.
    """
    with _quiet():
        who = learner_id()
        try:
            if draws is None:
                from grader.quiz.load import find_quiz

                question = find_quiz(quiz_id).question(qid)
                draws = question.draws()
            values = variants.learner_values(quiz_id, qid, who, draws)
        except Exception as exc:  # noqa: BLE001 - a learner-facing helper must not crash the notebook
            print(f"Your values for {qid} could not be shown ({type(exc).__name__}: {exc}). "
                  "Please tell your instructor.")
            return
        print(f"Your personal values for question {qid} (learner {who!r}):")
        for name, value in values.items():
            print(f"    {name} = {variants.format_value(value)}")


def solution(quiz_id: str, qid: str) -> Any:
    """The correct answer for the current learner (used in source notebooks' solution cells)."""
    from grader.quiz.load import find_quiz

    quiz = find_quiz(quiz_id)
    return checking.expected_answer(quiz, quiz.question(qid), learner_id())
