"""Grading one learner's answer to one question: a score and a message for the learner.

Nothing here raises for anything a learner can write: a wrong type, an empty
answer, NaN, an unreadable or dangerous expression all become a zero with a
sentence saying what was wrong and how to write the answer instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


from grader.quiz import compute, symbolic
from grader.learner.core import answers, variants
from grader.learner.core.compare import Tolerance
from grader.learner.kernel.quiz import answer_name
from grader.quiz.model import (
    Compute,
    Integer,
    MultipleChoice,
    Numeric,
    Question,
    Quiz,
    RangeFeedback,
    SingleChoice,
    Symbolic,
)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Passed as the value when the learner never defined ``answer_<qid>``.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class Outcome:
    qid: str
    score: float
    points: float
    message: str

    @property
    def full_marks(self) -> bool:
        return self.score >= self.points



def learner_values(quiz: Quiz, question: Question, learner_id: str) -> dict[str, Any]:
    """This learner's parameters for the question ({} when it has none)."""
    draws = question.draws()
    return variants.learner_values(quiz.id, question.id, learner_id, draws) if draws else {}


def learner_prompt(quiz: Quiz, question: Question, learner_id: str) -> str:
    """The prompt with this learner's parameters filled in."""
    return variants.render(question.prompt, learner_values(quiz, question, learner_id))


def expected_answer(quiz: Quiz, question: Question, learner_id: str) -> Any:
    """The correct answer for this learner, as they would assign it in the notebook."""
    if isinstance(question, SingleChoice):
        return question.answer
    if isinstance(question, MultipleChoice):
        return set(question.answer)
    if isinstance(question, Numeric):
        if question.variants:
            n = variants.variant_number(quiz.id, question.id, learner_id, question.draws())
            return question.variants[n].answer
        return question.answer
    if isinstance(question, Integer):
        return question.answer
    if isinstance(question, Symbolic):
        return question.answer
    if isinstance(question, Compute):
        return compute_answer(question, learner_values(quiz, question, learner_id))
    raise TypeError(f"unknown question type {type(question).__name__}")


def compute_answer(question: Compute, values: dict[str, Any]) -> int | float:
    function = compute.functions()[question.compute.function]
    return function(**variants.substitute(dict(question.compute.args), values))


_describe = answers.describe
_is_empty = answers.is_empty


def _unwrap(text: str) -> str:
    """YAML block text with its line wrapping undone (paragraph breaks kept)."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text.strip())


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _range_feedback(ranges: Iterable[RangeFeedback], value: float) -> str:
    for r in ranges:
        if r.contains(value):
            return " " + r.message.strip()
    return ""


# Each checker returns (fraction of the points earned, what to tell the learner).
Verdict = tuple[float, str]


def _check_single(q: SingleChoice, value: Any) -> Verdict:
    try:
        key = answers.choice_key(value, [o.key for o in q.options])
    except answers.AnswerFormError as exc:
        return 0.0, str(exc)
    if key == q.answer:
        return 1.0, "Correct."
    chosen = next(o for o in q.options if o.key == key)
    hint = f" {chosen.feedback.strip()}" if chosen.feedback.strip() else ""
    return 0.0, f"Option {key} is not the right one.{hint}"


def _check_multiple(q: MultipleChoice, value: Any) -> Verdict:
    try:
        chosen = answers.key_set(value, [o.key for o in q.options])
    except answers.AnswerFormError as exc:
        return 0.0, str(exc)
    right = set(q.answer)
    k = len(right)
    hits, false_picks = chosen & right, chosen - right
    fraction = max(0.0, (len(hits) - len(false_picks)) / k)
    if chosen == right:
        return 1.0, "Correct: you chose exactly the right options."
    lines = [
        f"You chose {len(hits)} of the {k} correct option(s) and {len(false_picks)} incorrect one(s)."
    ]
    by_key = {o.key: o for o in q.options}
    for key in sorted(false_picks):
        note = by_key[key].feedback.strip()
        lines.append(f"Option {key} is not correct." + (f" {note}" if note else ""))
    missed = sorted(right - chosen)
    if missed:
        lines.append(f"You missed option(s) {', '.join(missed)}.")
    return fraction, " ".join(lines)


def _check_number(value: Any, expected: float, tol: Tolerance, ranges: Iterable[RangeFeedback]) -> Verdict:
    try:
        number = answers.as_number(value)
    except answers.AnswerFormError as exc:
        return 0.0, str(exc)
    if tol.accepts(number, expected):
        return 1.0, f"Correct: {_fmt(number)} (the exact value is {_fmt(expected)})."
    return 0.0, (
        f"Your answer {_fmt(number)} is not within the accepted tolerance of the expected value {_fmt(expected)}."
        + _range_feedback(ranges, number)
    )


def _check_integer(value: Any, expected: int, ranges: Iterable[RangeFeedback]) -> Verdict:
    try:
        number = answers.as_integer(value)
    except answers.AnswerFormError as exc:
        return 0.0, str(exc)
    if number == expected:
        return 1.0, f"Correct: {expected}."
    return 0.0, f"Your answer {number} is not right; the answer is {expected}." + _range_feedback(ranges, number)


def _check_symbolic(q: Symbolic, value: Any) -> Verdict:
    try:
        value = answers.formula_text(value, q.symbols)
    except answers.AnswerFormError as exc:
        return 0.0, str(exc)
    try:
        symbolic.safe_parse(value, q.symbols, q.functions)
    except symbolic.ExpressionTooLarge as exc:  # the words of the notebook's form check, in a grading sentence
        return 0.0, f"Your expression could not be checked: {exc}. {_SIMPLER}"
    except symbolic.ExpressionError as exc:
        return 0.0, f"Your expression {value.strip()[:80]!r} could not be accepted: {exc}."
    verdict = symbolic.check_equivalence(
        value,
        q.answer,
        symbols=q.symbols,
        functions=q.functions,
        mistakes=[m.expression for m in q.mistakes],
        sample_range=q.sample_range,
        time_limit_s=q.time_limit_s,
    )
    if verdict.status == "equivalent":
        return 1.0, f"Correct: {value.strip()} is equivalent to the expected {q.answer}."
    if verdict.status == "timeout":
        return 0.0, (
            f"Your expression could not be checked in time (limit {q.time_limit_s:g} s). "
            "Please write it in a simpler, shorter form."
        )
    if verdict.status in ("too_large", "exhausted"):
        # Not "not equivalent": such a formula may well be right; it is only not worth the risk to check.
        return 0.0, f"Your expression could not be checked: {verdict.detail}. {_SIMPLER}"
    if verdict.status == "error":
        return 0.0, f"Your expression could not be checked: {verdict.detail}."
    hint = f" {q.mistakes[verdict.mistake].feedback.strip()}" if verdict.mistake is not None else ""
    return 0.0, f"Your expression {value.strip()} is not equivalent to the expected one.{hint}"


_SIMPLER = "Please write it in a simpler, shorter form."


def check(quiz: Quiz, question: Question, value: Any, learner_id: str) -> Verdict:
    """(fraction of the points, message) for one answer; MISSING when it was never assigned."""
    name = answer_name(question.id)
    if value is MISSING:
        return 0.0, (
            f"`{name}` is not defined. Assign your answer to it in the answer cell "
            "(and run that cell) before the test cell."
        )
    if _is_empty(value):
        return 0.0, f"`{name}` is empty ({_describe(value)}); assign your answer to it."
    if isinstance(question, SingleChoice):
        return _check_single(question, value)
    if isinstance(question, MultipleChoice):
        return _check_multiple(question, value)
    if isinstance(question, Integer):
        return _check_integer(value, question.answer, question.feedback)
    if isinstance(question, Numeric):
        expected = expected_answer(quiz, question, learner_id)
        return _check_number(value, expected, Tolerance(question.rtol, question.atol), question.feedback)
    if isinstance(question, Compute):
        expected = expected_answer(quiz, question, learner_id)
        if question.result == "integer":
            return _check_integer(value, int(expected), question.feedback)
        return _check_number(value, float(expected), Tolerance(question.rtol, question.atol), question.feedback)
    if isinstance(question, Symbolic):
        return _check_symbolic(question, value)
    raise TypeError(f"unknown question type {type(question).__name__}")


def grade(quiz: Quiz, question: Question, value: Any, learner_id: str) -> Outcome:
    """Score and the full feedback text (verdict, the learner's values, the explanation)."""
    fraction, verdict = check(quiz, question, value, learner_id)
    score = round(question.points * min(1.0, max(0.0, fraction)), 6)
    lines = [f"Question {question.id}: {score:g} of {question.points:g} point(s).", verdict]
    values = learner_values(quiz, question, learner_id)
    if values:
        shown = ", ".join(f"{k} = {variants.format_value(v)}" for k, v in values.items())
        lines.append(f"(Your personal values, for learner {learner_id!r}: {shown}.)")
    lines.append(f"Explanation: {_unwrap(question.explanation)}")
    return Outcome(question.id, score, question.points, "\n".join(lines))
