"""The bundled quizzes: they load, cover the five topics, agree with the lectures and the
reference, and every question accepts its own correct answer for any learner."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sympy

from grader.course.config import Course, load_course
from grader.quiz import checking, compute
from grader.quiz.load import load_course_quizzes, load_quiz
from grader.quiz.model import Compute, Numeric, Symbolic
from grader.quiz.symbolic import safe_parse
from reference import backprop, bce, perceptron
from reference.gradient_descent import DEFAULT_QUARTIC

ROOT = Path(__file__).resolve().parents[1]
QUIZ_DIR = ROOT / "exercises" / "quizzes"
QUIZ_FILES = sorted(QUIZ_DIR.glob("*.yaml"))
SETTINGS = compute.course_settings(load_course(ROOT / "course.yaml"))
QUIZZES = {path.stem: load_quiz(path, SETTINGS) for path in QUIZ_FILES}
ALL_QUESTIONS = [(quiz, q) for quiz in QUIZZES.values() for q in quiz.questions]
LEARNERS = ["alice", "bob", "s1234567"]


def _question(quiz_stem: str, qid: str):
    quiz = QUIZZES[quiz_stem]
    return quiz, quiz.question(qid)


def test_at_least_five_quiz_files_with_thirty_questions() -> None:
    assert len(QUIZ_FILES) >= 5, [p.name for p in QUIZ_FILES]
    assert len(ALL_QUESTIONS) >= 30


def test_the_five_topics_each_have_a_quiz() -> None:
    assert {"perceptron", "loss", "backprop", "gradient_descent", "regularisation"} <= set(QUIZZES)


def test_quiz_ids_are_unique_and_differ_from_assignment_ids(course: Course) -> None:
    # Quizzes and assignments share one nbgrader course, where names must not collide.
    ids = [quiz.id for quiz in QUIZZES.values()]
    assert len(ids) == len(set(ids))
    assert not set(ids) & {a.id for a in course.assignments}


def test_every_quiz_listed_in_course_yaml_loads(course: Course) -> None:
    assert len(QUIZ_FILES) >= 5
    loaded = load_course_quizzes(course)
    assert [q.source for q in loaded] == [str(course.path(p)) for p in course.quizzes]


def test_every_question_type_is_used() -> None:
    used = {q.type for _, q in ALL_QUESTIONS}
    assert used == {"single_choice", "multiple_choice", "numeric", "integer", "symbolic", "compute"}
    assert any(q.draws() for _, q in ALL_QUESTIONS if isinstance(q, Compute))
    assert any(q.draws() for _, q in ALL_QUESTIONS if isinstance(q, Numeric))


@pytest.mark.parametrize(
    ("quiz", "question"), ALL_QUESTIONS, ids=[f"{quiz.id}.{q.id}" for quiz, q in ALL_QUESTIONS]
)
def test_correct_answer_scores_full_marks_for_every_learner(quiz, question) -> None:
    learners = LEARNERS if question.draws() or not isinstance(question, Symbolic) else LEARNERS[:1]
    for learner in learners:
        answer = checking.expected_answer(quiz, question, learner)
        outcome = checking.grade(quiz, question, answer, learner)
        assert outcome.score == question.points, (learner, answer, outcome.message)
        assert question.explanation.split()[0] in outcome.message


def test_lecture_numbers_come_out_of_the_reference() -> None:
    def answer(stem: str, qid: str) -> float:
        quiz, q = _question(stem, qid)
        return checking.expected_answer(quiz, q, "anyone")

    assert answer("perceptron", "p9_heart_network_parameters") == 497
    assert answer("perceptron", "p6_example_z") == -6
    assert answer("perceptron", "p7_example_output") == pytest.approx(0.00247, abs=5e-6)
    assert answer("perceptron", "p8_decision_side") in (0, 1)
    assert answer("loss", "l3_bce_at_half") == pytest.approx(math.log(2))
    assert answer("loss", "l9_mse") == 4
    assert answer("gradient_descent", "g6_lecture_run") == pytest.approx(-1.55, abs=0.01)
    assert answer("regularisation", "r6_inference_value") == 0.8


def test_compute_variants_follow_the_reference_for_every_choice() -> None:
    quiz, q = _question("perceptron", "p10_count_parameters")
    for learner in [f"learner{i}" for i in range(30)]:
        values = checking.learner_values(quiz, q, learner)
        assert checking.expected_answer(quiz, q, learner) == perceptron.count_parameters(values["layers"])
        assert str(values["layers"]) in checking.learner_prompt(quiz, q, learner)


def _as_function(question: Symbolic):
    expr = safe_parse(question.answer, question.symbols, question.functions)
    symbols = [sympy.Symbol(n, real=True) for n in question.symbols]
    return sympy.lambdify(symbols, expr, modules="numpy")


def test_symbolic_answers_agree_with_the_reference() -> None:
    # The authored formulas are checked against the reference numerically, so a typo in a quiz
    # file (or a change in the reference) cannot go unnoticed.
    _, dg = _question("gradient_descent", "g4_quartic_derivative")
    w = np.linspace(-2.5, 2.5, 11)
    np.testing.assert_allclose(_as_function(dg)(w), DEFAULT_QUARTIC.dg_dw(w))

    _, dsig = _question("perceptron", "p12_sigmoid_derivative")
    z, h = np.linspace(-4, 4, 9), 1e-6
    numeric = (perceptron.sigmoid(z + h) - perceptron.sigmoid(z - h)) / (2 * h)
    np.testing.assert_allclose(_as_function(dsig)(perceptron.sigmoid(z)), numeric, rtol=1e-6)

    _, grad = _question("loss", "l8_bce_gradient")
    p, y = np.array([0.2, 0.7, 0.9]), np.array([1.0, 0.0, 1.0])
    np.testing.assert_allclose(_as_function(grad)(y, p), [bce.bce_grad(y[i:i + 1], p[i:i + 1])[0] for i in range(3)])

    _, dw1 = _question("backprop", "b5_dw1_formula")
    params = {"w1": 0.5, "b1": 0.0, "w2": -1.0, "b2": 0.25}
    x, y1 = np.array([1.5]), np.array([1.0])
    cache = backprop.forward(x, params)
    expected = backprop.backward(x, y1, params, cache)["w1"]
    got = _as_function(dw1)(cache["yhat"][0], y1[0], params["w2"], cache["a1"][0], x[0])
    assert got == pytest.approx(float(expected))


def test_compute_functions_return_plain_python_numbers() -> None:
    functions = compute.functions()
    assert type(functions["count_parameters"]([29, 16, 1])) is int
    assert type(functions["perceptron_output"]([-1, 2], [3, -2], 1)) is float
    assert type(functions["perceptron_class"]([-1, 2], [3, -2], 1)) is int


def test_every_compute_function_is_found_in_its_exercise_module() -> None:
    from grader.exercises import exercise_modules

    declared = {name: a for a, m in exercise_modules().items() for name in getattr(m, "COMPUTE", {})}
    assert set(compute.functions()) == set(declared)
    assert declared["count_parameters"] == "perceptron" and declared["gradient_descent_iterate"] == "gradient_descent"
    assert {"coefficients", "scale"} <= set(compute.setting_names())
