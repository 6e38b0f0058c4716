"""What a quiz's *source* notebook calls: the right answer for whoever runs it (instructors only).

Learners never see this: their notebooks call ``grader.learner.kernel.quiz``, and
their answers are graded on the trusted side (``grader.nbgrader_glue``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.learner.kernel.quiz import learner_id
from grader.quiz import checking


def solution(course_file: str | Path, quiz_id: str, qid: str) -> Any:
    """The correct answer for the current learner, from the quiz as the named course lists it."""
    from grader.course.config import load_course
    from grader.quiz.load import course_quiz

    quiz = course_quiz(load_course(course_file), quiz_id)
    return checking.expected_answer(quiz, quiz.question(qid), learner_id())
