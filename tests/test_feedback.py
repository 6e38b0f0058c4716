"""The words a learner reads: the part's name, plain counts, and messages that read as sentences."""

from __future__ import annotations

import numpy as np

from check_support import ctx_for, grade_part
from grader.learner.core.feedback import render_part
from grader.learner.core.model import Outcome, PartResult


def _result(problems: int) -> PartResult:
    result = PartResult("backprop", "backward_hidden", "backward", 4)
    result.outcomes = [Outcome(f"case {i}", f"problem number {i}") for i in range(problems)]
    return result


def test_the_header_names_the_part_not_the_function() -> None:
    assert render_part(_result(1)).startswith("backward_hidden — 0 / 4 points")


def test_one_more_problem_is_singular_and_more_are_plural() -> None:
    assert render_part(_result(5)).endswith("… and 1 more problem")
    assert render_part(_result(6)).endswith("… and 2 more problems")


def test_a_time_out_reads_as_a_sentence() -> None:
    def relu(z):
        while True:
            pass

    ctx = ctx_for("alice")
    ctx = type(ctx)(**{**ctx.__dict__, "timeout_s": 0.2})
    text = render_part(grade_part("perceptron", "relu", {"relu": relu}, ctx))
    assert "your function did not finish within 0.2 s" in text and "it raised your function" not in text


def test_the_overflow_hint_fits_an_overflow_from_positive_z() -> None:
    def sigmoid(z):
        e = np.exp(np.asarray(z, dtype=float))  # overflows for very positive z
        return e / (1 + e)

    text = render_part(grade_part("perceptron", "sigmoid", {"sigmoid": sigmoid}, ctx_for("alice")))
    assert "sigmoid overflow" in text and "np.exp(z) for very positive z" in text


def test_a_time_out_late_in_the_cases_does_not_shrink_the_test() -> None:
    calls = []

    def relu(z):
        calls.append(1)
        if len(calls) >= 3:  # right on the first two cases, then hangs
            while True:
                pass
        return np.maximum(z, 0)

    ctx = ctx_for("alice")
    ctx = type(ctx)(**{**ctx.__dict__, "timeout_s": 0.2})
    result = grade_part("perceptron", "relu", {"relu": relu}, ctx)
    assert len(result.outcomes) == len(grade_part("perceptron", "relu", {"relu": lambda z: np.maximum(z, 0)}, ctx).outcomes)
    assert result.points == round(1 * 2 / len(result.outcomes), 3)
