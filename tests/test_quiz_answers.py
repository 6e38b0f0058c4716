"""Scoring rules and bad answers: wrong type, empty, NaN, undefined, unreadable or dangerous
expressions all score zero with a message, never an exception and never stderr output."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import nbformat

from grader.learner.kernel import quiz as learner_quiz
from grader.quiz import checking
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


# --- answers graded across the sandbox wall ----------------------------------------------------


def _graded_in_sandbox(answers_source: str, learner: str = "alice") -> dict:
    """The perceptron quiz with one answer cell, graded the way nbgrader autograde grades it."""
    from grader.nbgrader_glue.notebook import NotebookGrader
    from grader.course.config import load_course
    from grader.quiz.notebook import source_notebook

    nb = source_notebook(PERCEPTRON)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("solution")]
    nb.cells.insert(0, nbformat.v4.new_code_cell(answers_source))
    result = NotebookGrader(load_course(ROOT / "course.yaml")).grade(nb, PERCEPTRON.id, learner)
    return result.parts


HOSTILE_SOURCE = """
class Hostile:
    def __repr__(self):
        raise RuntimeError("repr exploded")
    def __float__(self):
        raise RuntimeError("float exploded")
    def __eq__(self, other):
        return True
"""


@pytest.mark.parametrize("value", ["Hostile()", "object()", "float('nan')", "None", "b'bytes'", "print"])
def test_an_answer_that_is_not_plain_data_scores_zero_and_breaks_nothing(value: str) -> None:
    qids = [q.id for q in PERCEPTRON.questions]
    parts = _graded_in_sandbox(HOSTILE_SOURCE + "".join(f"answer_{q} = {value}\n" for q in qids))
    for qid in qids:
        assert parts[qid].points == 0.0 and parts[qid].status == "failed", (qid, parts[qid].message)
        assert f"Question {qid}: 0 of" in parts[qid].message


def test_a_right_answer_earns_its_points_with_feedback() -> None:
    part = _graded_in_sandbox("answer_p9_heart_network_parameters = 497")["p9_heart_network_parameters"]
    assert part.points == 2.0 and part.status == "passed"
    assert "2 of 2 point(s)" in part.message and "Explanation:" in part.message


def test_broken_answers_do_not_affect_the_rest_of_the_quiz() -> None:
    learner = "bob"
    lines = []
    for q in PERCEPTRON.questions:
        answer = checking.expected_answer(PERCEPTRON, q, learner)
        literal = "{" + ", ".join(repr(a) for a in sorted(answer)) + "}" if isinstance(answer, set) else repr(answer)
        lines.append(f"answer_{q.id} = {literal}")
    broken = {
        "p1_what_it_computes": "Hostile()",
        "p7_example_output": "float('nan')",
        "p12_sigmoid_derivative": "\"__import__('os').system('x')\"",
    }
    lines += [f"answer_{qid} = {v}" for qid, v in broken.items()]
    lines.append("del answer_p9_heart_network_parameters")
    parts = _graded_in_sandbox(HOSTILE_SOURCE + "\n".join(lines), learner)
    lost = sum(PERCEPTRON.question(qid).points for qid in [*broken, "p9_heart_network_parameters"])
    assert sum(p.points for p in parts.values()) == pytest.approx(PERCEPTRON.points - lost)


def test_check_answered_reveals_nothing(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    q = PERCEPTRON.question("p2_sigmoid_range")
    learner_quiz.check_answered(PERCEPTRON.id, q.id, {"answer_p2_sigmoid_range": "a"})
    learner_quiz.check_answered(PERCEPTRON.id, q.id, {})
    out, err = capsys.readouterr()
    assert "is set to 'a'" in out and "is not defined yet" in out and err == ""
    assert q.explanation.split()[0] not in out and "never equals" not in out and "Correct" not in out


def test_check_answered_refuses_to_run_under_plain_autograde(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.learner.kernel.selfcheck import NotTheGrader

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotTheGrader):
        learner_quiz.check_answered(PERCEPTRON.id, "p2_sigmoid_range", {"answer_p2_sigmoid_range": "a"})


def test_learner_id_comes_from_the_grader_then_the_hub_then_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLCOURSE_LEARNER", "student42")
    monkeypatch.setenv("JUPYTERHUB_USER", "someone-else")
    assert learner_quiz.learner_id() == "student42"
    monkeypatch.delenv("DLCOURSE_LEARNER")
    assert learner_quiz.learner_id() == "someone-else"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("USER", "unix-user")
    assert learner_quiz.learner_id() == "unix-user"


# --- the form of an answer, checked at once in the learner's notebook ---------------------------


def _form_message(qid: str, value, capsys, monkeypatch, quiz=PERCEPTRON) -> str:
    from grader.quiz.notebook import answer_form

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    learner_quiz.check_answered(quiz.id, qid, {f"answer_{qid}": value}, answer_form(quiz.question(qid)))
    out, err = capsys.readouterr()
    assert err == ""
    return out


def _question_of(kind: str, quiz=PERCEPTRON):
    from grader.quiz.notebook import answer_form

    return next(q for q in quiz.questions if answer_form(q)["kind"] == kind)


def test_an_option_that_does_not_exist_is_told_at_once(capsys, monkeypatch) -> None:
    q = _question_of("single")
    out = _form_message(q.id, "e", capsys, monkeypatch)
    assert "not in the right form" in out and "'e' is not one of the options" in out


def test_a_number_given_as_text_is_told_at_once(capsys, monkeypatch) -> None:
    q = _question_of("integer")
    out = _form_message(q.id, "-6", capsys, monkeypatch)
    assert "not in the right form" in out and "without quotes" in out


def test_an_unparsable_or_forbidden_formula_is_told_at_once(capsys, monkeypatch) -> None:
    q = PERCEPTRON.question("p12_sigmoid_derivative")
    assert "is a symbol, not a function" in _form_message(q.id, "s(1-s)", capsys, monkeypatch)
    assert "double underscores" in _form_message(q.id, "__import__('os')", capsys, monkeypatch)
    assert "not balanced" in _form_message(q.id, "s*(1-s", capsys, monkeypatch)


def test_a_formula_too_large_to_check_is_told_at_once(capsys, monkeypatch) -> None:
    q = PERCEPTRON.question("p12_sigmoid_derivative")
    out = _form_message(q.id, "(s + 1)**999999999", capsys, monkeypatch)
    assert "not in the right form" in out and "the expression is too large (exponent too large" in out
    assert "too deep" in _form_message(q.id, "-" * 200 + "s", capsys, monkeypatch)
    assert "too many terms" in _form_message(q.id, "+".join(["s"] * 100), capsys, monkeypatch)
    assert "in the right form" in _form_message(q.id, "s*(1 - s)**64", capsys, monkeypatch)


def test_a_wrong_type_is_told_at_once(capsys, monkeypatch) -> None:
    q = _question_of("multiple")
    assert "set of option letters" in _form_message(q.id, 3, capsys, monkeypatch)
    assert "not among the options" in _form_message(q.id, {"a", "z"}, capsys, monkeypatch)


def test_a_well_formed_answer_is_accepted_without_saying_whether_it_is_right(capsys, monkeypatch) -> None:
    q = _question_of("single")
    for key in [o.key for o in q.options]:
        out = _form_message(q.id, key, capsys, monkeypatch)
        assert "in the right form" in out and "Correct" not in out and "not the right one" not in out


def test_an_empty_answer_says_so(capsys, monkeypatch) -> None:
    assert "still empty" in _form_message(_question_of("number").id, None, capsys, monkeypatch)


def test_the_form_check_and_the_grader_agree_on_every_bad_form() -> None:
    """One definition: whatever the notebook calls malformed, grading scores zero with the same words."""
    from grader.learner.core.answers import form_problem
    from grader.quiz.notebook import answer_form

    bad = ["e", "-6", "s(1-s)", 3, {"a", "z"}, float("nan"), [1, 2], "__x", "(s + 1)**999999999"]
    for q in PERCEPTRON.questions:
        for value in bad:
            problem = form_problem(answer_form(q), value)
            if problem is not None:
                outcome = grade(q.id, value)
                assert outcome.score == 0 and problem in outcome.message, (q.id, value)
