"""What a quiz's *source* notebook calls: the right answer for whoever runs it (instructors only).

Learners never see this: their notebooks call ``grader.learner.quiz``, and
their answers are graded on the trusted side (``grader.autograde``).
"""

from __future__ import annotations

from typing import Any

from grader.learner.quiz import learner_id
from grader.quiz import checking


def solution(quiz_id: str, qid: str) -> Any:
    """The correct answer for the current learner (used in source notebooks' solution cells)."""
    from grader.quiz.load import find_quiz

    quiz = find_quiz(quiz_id)
    return checking.expected_answer(quiz, quiz.question(qid), learner_id())
