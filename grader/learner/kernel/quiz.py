"""What a quiz notebook's visible cells call in the learner's kernel: personal values, answer status.

Nothing here knows an answer: the draws (each parameter's list of choices) are
printed into the released notebook, and answers are graded on the trusted side.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from grader.learner.core import variants


def answer_name(qid: str) -> str:
    """The variable a learner assigns for question ``qid``."""
    return f"answer_{qid}"


def learner_id() -> str:
    """Who is answering: the grader's id for this submission inside the sandbox, else the hub or OS user."""
    return (os.environ.get("DLCOURSE_LEARNER") or os.environ.get("JUPYTERHUB_USER")
            or os.environ.get("USER") or "anonymous")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("ignore")
        yield


def check_answered(quiz_id: str, qid: str, namespace: Mapping[str, Any], form: Mapping[str, Any] | None = None) -> None:
    """The visible test cell: is ``answer_<qid>`` set, and in the right form? Never whether it is right."""
    from grader.learner.core.answers import describe, form_problem, is_empty
    from grader.learner.kernel.selfcheck import refuse_in_autograde

    refuse_in_autograde()
    name = answer_name(qid)
    with _quiet():
        if name not in namespace:
            print(f"`{name}` is not defined yet: write your answer in the cell above and run it.")
            return
        value = namespace[name]
        if is_empty(value):
            print(f"`{name}` is still empty ({describe(value)}): replace it with your answer and run that cell.")
            return
        problem = form_problem(form, value) if form else None
        if problem:
            print(f"✗ `{name}` is not in the right form yet: {problem}")
            return
        shown = describe(value) if not isinstance(value, str) else repr(value)
        print(f"`{name}` is set to {shown}"
              + (", in the right form." if form else ".")
              + " Whether it is right is told when the quiz is graded.")


def show_variant(quiz_id: str, qid: str, draws: Mapping[str, Sequence[Any]]) -> None:
    """Print this learner's personal values for a question.

    The notebook passes ``draws`` (each parameter's list of choices, which are
    not secret), so this works without the quiz file and its answers.
    """
    with _quiet():
        who = learner_id()
        try:
            values = variants.learner_values(quiz_id, qid, who, draws)
        except Exception as exc:  # noqa: BLE001 - a learner-facing helper must not crash the notebook
            print(f"Your values for {qid} could not be shown ({type(exc).__name__}: {exc}). "
                  "Please tell your instructor.")
            return
        print(f"Your personal values for question {qid} (learner {who!r}):")
        for name, value in values.items():
            print(f"    {name} = {variants.format_value(value)}")
        if not (os.environ.get("DLCOURSE_LEARNER") or os.environ.get("JUPYTERHUB_USER")):
            print(f"    Note: these are the values for your login name {who!r}, because this notebook is not "
                  "running on the course's JupyterHub. Your answers are graded with the values of your "
                  "nbgrader student id; if that is not "
                  f"{who!r}, ask your instructor which values are yours. The graded feedback shows them.")


