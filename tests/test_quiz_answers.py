"""Scoring rules and bad answers: wrong type, empty, NaN, undefined, unreadable or dangerous
expressions all score zero with a message, never an exception and never stderr output."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from grader.quiz import checking, runtime
from grader.quiz.load import load_quiz

ROOT = Path(__file__).resolve().parents[1]
PERCEPTRON = load_quiz(ROOT / "exercises" / "quizzes" / "perceptron.yaml")
LOSS = load_quiz(ROOT / "exercises" / "quizzes" / "loss.yaml")


def grade(qid: str, value, quiz=PERCEPTRON, learner: str = "alice") -> checking.Outcome:
    return checking.grade(quiz, quiz.question(qid), value, learner)


class Hostile:
    """An answer object whose every conversion fails."""

    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")

    def __float__(self) -> float:
        raise RuntimeError("float exploded")

    def __bool__(self) -> bool:
        raise RuntimeError("bool exploded")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq exploded")

    __hash__ = object.__hash__


# Each bad form, the question it is given to, and words the learner's message must contain.
BAD_ANSWERS = [
    ("p1_what_it_computes", 1, "letter of one option"),
    ("p1_what_it_computes", "", "empty"),
    ("p1_what_it_computes", None, "empty"),
    ("p1_what_it_computes", "e", "not one of the options"),
    ("p1_what_it_computes", ["a"], "letter of one option"),
    ("p5_nonlinear_activations", [], "empty"),
    ("p5_nonlinear_activations", 3, "set of option letters"),
    ("p5_nonlinear_activations", {"a", "z"}, "not among the options"),
    ("p5_nonlinear_activations", [1, 2], "letter in quotes"),
    ("p7_example_output", "0.00247", "without quotes"),
    ("p7_example_output", float("nan"), "NaN"),
    ("p7_example_output", np.nan, "NaN"),
    ("p7_example_output", math.inf, "infinite"),
    ("p7_example_output", True, "boolean"),
    ("p7_example_output", np.array([0.1, 0.2]), "single number"),
    ("p7_example_output", 1 + 2j, "real number"),
    ("p7_example_output", {"value": 0.00247}, "real number"),
    ("p7_example_output", 0.0025, "tolerance"),
    ("p9_heart_network_parameters", "497", "without quotes"),
    ("p9_heart_network_parameters", 497.5, "not a whole number"),
    ("p9_heart_network_parameters", 480, "only the weights"),
    ("p9_heart_network_parameters", 10**400, "too large"),
    ("p7_example_output", np.array([None], dtype=object), "real number"),
    ("p5_nonlinear_activations", [Hostile()], "letter in quotes"),
    ("p11_sigmoid_at_zero", 1, "denominator"),
    ("p12_sigmoid_derivative", "", "empty"),
    ("p12_sigmoid_derivative", "   ", "empty"),
    ("p12_sigmoid_derivative", ["s*(1-s)"], "formula written as text"),
    ("p12_sigmoid_derivative", "s*(1-", "parentheses"),
    ("p12_sigmoid_derivative", "2s*(1-s)", "write every product with *"),
    ("p12_sigmoid_derivative", "__import__('os').system('x')", "double underscores"),
    ("p12_sigmoid_derivative", "().__class__", "double underscores"),
    ("p12_sigmoid_derivative", "lambda: s", "not allowed"),
    ("p12_sigmoid_derivative", "lambda s: s", "not allowed"),
    ("p12_sigmoid_derivative", "s.conjugate()", "not allowed"),
    ("p12_sigmoid_derivative", "exec('s')", "not allowed"),
    ("p12_sigmoid_derivative", "open", "not allowed"),
    ("p12_sigmoid_derivative", "z*(1-z)", "not allowed"),
    ("p12_sigmoid_derivative", "s[0]", "not allowed"),
    ("p12_sigmoid_derivative", "s*(1+s)", "sign"),
    ("p12_sigmoid_derivative", "s**2*(1-s)", "not equivalent"),
    ("p12_sigmoid_derivative", 0.25, "not equivalent"),
]


@pytest.mark.parametrize(("qid", "value", "words"), BAD_ANSWERS, ids=[f"{q}-{type(v).__name__}-{i}" for i, (q, v, _) in enumerate(BAD_ANSWERS)])
def test_bad_answer_scores_zero_with_a_message(qid: str, value, words: str) -> None:
    outcome = grade(qid, value)
    assert outcome.score == 0
    assert words in outcome.message, outcome.message
    assert "Explanation:" in outcome.message


def test_undefined_answer_scores_zero_and_says_so() -> None:
    outcome = grade("p1_what_it_computes", checking.MISSING)
    assert outcome.score == 0
    assert "`answer_p1_what_it_computes` is not defined" in outcome.message


def test_dangerous_expression_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    attempts = [
        f"__import__('pathlib').Path('{marker}').touch()",
        f"open('{marker}', 'w')",
        "().__class__.__bases__[0].__subclasses__()",
        f"(lambda: __import__('os').system('touch {marker}'))()",
    ]
    for text in attempts:
        assert grade("p12_sigmoid_derivative", text).score == 0
    assert not marker.exists()


@pytest.mark.parametrize(
    ("value", "fraction"),
    [
        ({"a", "b", "e"}, 1.0),
        ("a, b, e", 1.0),
        ("abe", 1.0),
        (["E", "b", "a"], 1.0),
        ({"a", "b"}, 2 / 3),
        ({"a", "b", "c"}, 1 / 3),  # +2/3 for a and b, -1/3 for c
        ({"a", "b", "e", "c"}, 2 / 3),
        ({"a", "c"}, 0.0),  # +1/3 - 1/3
        ({"c", "d"}, 0.0),  # -2/3, floored at zero
        ({"a", "c", "d"}, 0.0),
    ],
)
def test_multiple_choice_partial_credit_rule(value, fraction: float) -> None:
    q = PERCEPTRON.question("p5_nonlinear_activations")  # correct: a, b, e
    assert grade(q.id, value).score == pytest.approx(q.points * fraction, abs=1e-6)


@pytest.mark.parametrize("value", [0.00247, 0.002473, np.float64(0.0024726), np.array(0.00247), np.array([0.00247])])
def test_numeric_accepts_numbers_within_tolerance(value) -> None:
    assert grade("p7_example_output", value).full_marks


@pytest.mark.parametrize("value", [497, 497.0, np.int64(497), np.float32(497)])
def test_integer_accepts_whole_numbers_of_any_numeric_type(value) -> None:
    assert grade("p9_heart_network_parameters", value).full_marks


@pytest.mark.parametrize("value", ["b", " B ", "(b)", "b)"])
def test_single_choice_accepts_the_letter_in_common_forms(value: str) -> None:
    assert grade("p2_sigmoid_range", value).full_marks


def test_wrong_option_feedback_is_shown() -> None:
    outcome = grade("p2_sigmoid_range", "a")
    assert outcome.score == 0
    assert "never equals either" in outcome.message


def test_numeric_range_feedback_for_base_two_value() -> None:
    outcome = grade("l3_bce_at_half", 1.0, quiz=LOSS)
    assert outcome.score == 0
    assert "base-2" in outcome.message


# --- the notebook-facing runtime -------------------------------------------------------------


@pytest.mark.parametrize("qid", [q.id for q in PERCEPTRON.questions if q.type != "symbolic"] + ["p12_sigmoid_derivative"])
def test_grade_answer_never_raises_never_writes_stderr(qid: str, capsys: pytest.CaptureFixture[str]) -> None:
    for value in (Hostile(), object(), float("nan"), None, b"bytes"):
        points = runtime.grade_answer(PERCEPTRON.id, qid, {f"answer_{qid}": value})
        assert type(points) is float and points == 0.0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count(f"Question {qid}: 0 of") == 5
    assert "tell your instructor" not in out  # each was judged as an answer, not as an internal failure


def test_grade_answer_returns_points_and_prints_feedback(capsys: pytest.CaptureFixture[str]) -> None:
    points = runtime.grade_answer(PERCEPTRON.id, "p9_heart_network_parameters", {"answer_p9_heart_network_parameters": 497})
    out, err = capsys.readouterr()
    assert points == 2.0 and type(points) is float
    assert "2 of 2 point(s)" in out and "Explanation:" in out and err == ""


def test_grade_answer_for_unknown_quiz_or_question_scores_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert runtime.grade_answer("no_such_quiz", "q1", {"answer_q1": 1}) == 0.0
    assert runtime.grade_answer(PERCEPTRON.id, "no_such_question", {}) == 0.0
    out, err = capsys.readouterr()
    assert out.count("could not be graded") == 2 and err == ""


def test_broken_answers_do_not_affect_the_rest_of_the_quiz(capsys: pytest.CaptureFixture[str]) -> None:
    learner = runtime.learner_id()
    namespace = {
        f"answer_{q.id}": checking.expected_answer(PERCEPTRON, q, learner) for q in PERCEPTRON.questions
    }
    broken = {
        "p1_what_it_computes": Hostile(),
        "p7_example_output": float("nan"),
        "p12_sigmoid_derivative": "__import__('os').system('x')",
    }
    namespace.update({f"answer_{qid}": v for qid, v in broken.items()})
    del namespace["answer_p9_heart_network_parameters"]
    total = sum(runtime.grade_answer(PERCEPTRON.id, q.id, namespace) for q in PERCEPTRON.questions)
    lost = sum(PERCEPTRON.question(qid).points for qid in [*broken, "p9_heart_network_parameters"])
    assert total == pytest.approx(PERCEPTRON.points - lost)
    assert capsys.readouterr().err == ""


def test_check_answered_reveals_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    q = PERCEPTRON.question("p2_sigmoid_range")
    runtime.check_answered(PERCEPTRON.id, q.id, {"answer_p2_sigmoid_range": "a"})
    runtime.check_answered(PERCEPTRON.id, q.id, {})
    out, err = capsys.readouterr()
    assert "is set to 'a'" in out and "is not defined yet" in out and err == ""
    assert q.explanation.split()[0] not in out and "never equals" not in out and "Correct" not in out


def test_learner_id_comes_from_the_autograde_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "autograded" / "student42" / "quiz_perceptron"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("JUPYTERHUB_USER", "someone-else")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert runtime.learner_id() == "student42"
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    assert runtime.learner_id() == "someone-else"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("USER", "unix-user")
    assert runtime.learner_id() == "unix-user"
