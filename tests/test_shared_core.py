"""Quizzes and exercises share one core: one seed, one tolerance rule, one way to read a number,
one strict model base and one way of reporting a broken configuration file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from grader.learner.core import variants
from grader.learner.core.compare import Tolerance
from grader.learner.core.model import Context
from grader.learner.core.seeds import stable_seed

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = ["alice", "bob", "s1234567", "Zoë", ""]


# --- one stable seed ---------------------------------------------------------------------------


def _sha_seed(parts: tuple[str, ...], byteorder: str) -> int:
    """The seed as both sides computed it before they shared ``stable_seed``."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:8], byteorder)


def test_stable_seed_is_pinned() -> None:
    assert stable_seed("quiz_perceptron", "p7_example_output", "alice") == 17565266528399593058
    assert stable_seed("alice", "perceptron", "forward", byteorder="little") == 13374733199666997694


def test_quiz_variants_seed_with_stable_seed_as_before() -> None:
    for learner in LEARNERS:
        seed = variants.variant_seed("quiz_a", "q1", learner)
        assert seed == stable_seed("quiz_a", "q1", learner) == _sha_seed(("quiz_a", "q1", learner), "big")
        for count in (1, 3, 7):
            expected = _sha_seed((str(seed), "lr"), "big") % count
            assert variants.draw_index(seed, "lr", count) == expected


def test_exercise_cases_are_drawn_from_stable_seed_as_before() -> None:
    for learner in LEARNERS:
        ctx = Context(tolerance=Tolerance(1e-6, 1e-9), learner_id=learner)
        old = np.random.default_rng(_sha_seed((learner, "perceptron", "forward"), "little"))
        new = np.random.default_rng(stable_seed(learner, "perceptron", "forward", byteorder="little"))
        drawn = ctx.rng("perceptron", "forward").integers(0, 2**62, size=4)
        assert drawn.tolist() == old.integers(0, 2**62, size=4).tolist() == new.integers(0, 2**62, size=4).tolist()


def test_the_separator_keeps_parts_apart() -> None:
    assert stable_seed("ab", "c") != stable_seed("a", "bc")


# --- one tolerance rule ------------------------------------------------------------------------


def test_quiz_and_exercises_accept_the_same_numbers() -> None:
    from grader.learner.core.compare import compare_numbers
    from grader.quiz import checking

    tol = Tolerance(rtol=5e-3, atol=1e-9)
    expected = 0.25
    for got in (0.25, 0.25 * (1 + 4.9e-3), 0.25 * (1 - 4.9e-3), 0.25 * (1 + 5.1e-3), 0.2, 0.3, -0.25):
        quiz_ok = checking._check_number(got, expected, tol, [])[0] == 1.0
        exercise_ok = compare_numbers(got, expected, tol) is None
        assert quiz_ok == exercise_ok == tol.accepts(got, expected), got
        assert tol.accepts(got, expected) == (abs(got - expected) <= tol.atol + tol.rtol * abs(expected))


def test_tolerance_is_elementwise_for_arrays_and_matches_nan_with_nan() -> None:
    tol = Tolerance(rtol=1e-6, atol=1e-9)
    assert tol.close(np.array([1.0, 2.0, np.nan]), np.array([1.0, 2.1, np.nan])).tolist() == [True, False, True]
    assert not tol.accepts(1.0, np.nan)


# --- one way to read a learner's answer --------------------------------------------------------


def test_a_formula_answer_is_read_the_same_in_the_notebook_and_by_the_grader() -> None:
    from grader.learner.core import answers
    from grader.quiz import checking
    from grader.quiz.load import load_quiz

    quiz = load_quiz(ROOT / "exercises" / "quizzes" / "perceptron.yaml")
    question = quiz.question("p12_sigmoid_derivative")
    form = {"kind": "formula", "symbols": question.symbols, "functions": question.functions}
    for value in (["s*(1-s)"], {"s"}, 1 + 2j):
        problem = answers.form_problem(form, value)
        assert problem is not None and "formula written as text" in problem
        assert checking.check(quiz, question, value, "alice") == (0.0, problem)
    # A number is the formula it writes, also a NumPy one (whose repr is "np.float64(...)").
    for value, text in ((0.25, "0.25"), (2, "2"), (np.float64(0.25), "0.25"), (np.int64(2), "2")):
        assert answers.formula_text(value, ["s"]) == text
        assert answers.form_problem(form, value) is None


# --- one strict model base and one error report for configuration files ------------------------


def test_every_configuration_model_is_strict() -> None:
    import pydantic

    from grader.course import config
    from grader.quiz import model
    from grader.course.typed import Strict

    models = [v for m in (config, model) for v in vars(m).values()
              if isinstance(v, type) and issubclass(v, pydantic.BaseModel) and v.__module__ == m.__name__]
    assert len(models) > 10
    assert all(issubclass(m, Strict) for m in models), [m for m in models if not issubclass(m, Strict)]


def _course_problems(change) -> list[str]:
    import yaml

    from grader.course.config import parse_course
    from grader.errors import CourseError

    data = yaml.safe_load((ROOT / "course.yaml").read_text())
    change(data)
    try:
        parse_course(data, "course.yaml", ROOT)
    except CourseError as exc:
        return exc.problems
    raise AssertionError("the course loaded")


def _quiz_problems(change) -> list[str]:
    import copy

    from grader.errors import CourseError
    from grader.quiz.load import parse_quiz
    from test_quiz_load_errors import VALID

    data = copy.deepcopy(VALID)
    change(data)
    try:
        parse_quiz(data, "quiz.yaml")
    except CourseError as exc:
        return exc.problems
    raise AssertionError("the quiz loaded")


def test_course_and_quiz_files_report_the_same_mistakes_in_the_same_words() -> None:
    course = _course_problems(lambda d: d["grading"].update(rtol="small", atol=-1, colour="red"))
    quiz = _quiz_problems(lambda d: d["questions"][0].update(points="small", colour="red")
                          or d["questions"][2].update(atol=-1))
    assert "grading.rtol: expected a number, got 'small'" in course
    assert "q1_range.points: expected a number, got 'small'" in quiz
    assert "grading.atol: must be greater than or equal to 0, got -1" in course
    assert "q3_sigmoid_range.atol: must be greater than or equal to 0, got -1" in quiz
    assert "grading.colour: unknown key (not part of the course format; check its spelling)" in course
    assert "q1_range.colour: unknown key (not part of the quiz format; check its spelling)" in quiz
