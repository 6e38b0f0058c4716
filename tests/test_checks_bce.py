"""The bce checks, beyond the contract every check meets (tests/test_check_contract.py): other
correct forms score full points, every known mistake written the way a learner would is named,
and broken code (exceptions, hangs, wrong types and shapes) scores zero or partial with a
specific message, never an exception."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import reference.bce as R
from grader.exercises import bce as bce_checks
from grader.exercises import check_for
from grader.learner.core.model import Check, Context, PartResult, Status
from grader.learner.core.feedback import render_part
from check_support import ctx_for as shared_ctx_for, learner_mistake_tests
from check_support import grade_part, points_of
from check_support import course

A = "bce"
PARTS = ("bce_loss", "bce_grad", "bce_with_logits", "mse_loss")
POINTS = points_of(A)
LEARNERS = ("ada", "grace", "s1234567")
EPS = 1e-12


def ctx_for(learner: str = "ada", randomized: bool = True) -> Context:
    return shared_ctx_for(learner, randomized)


def check(part: str) -> Check:
    return check_for(A, part)


def grade(part: str, namespace: dict, ctx: Context | None = None, trusted: bool = False) -> PartResult:
    return grade_part(A, part, namespace, ctx or ctx_for(), trusted)


# ---- correct learners, written differently from the reference -------------------------------


def clip_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def clip_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return (-y / p + (1 - y) / (1 - p)) / p.size


def where_logits(y, z):
    return np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))


def plain_mse(y, yhat):
    return np.mean((y - yhat) ** 2)


CLIP = {"bce_loss": clip_loss, "bce_grad": clip_grad, "bce_with_logits": where_logits, "mse_loss": plain_mse}


def separate_loss(y, p):
    # clips p from below and 1 - p from below, separately; a sum divided by the count
    log_p = np.log(np.maximum(p, EPS))
    log_q = np.log(np.maximum(1.0 - p, EPS))
    return -(y * log_p + (1 - y) * log_q).sum() / p.size


def separate_grad(y, p):
    p_ = np.minimum(np.maximum(p, EPS), 1 - EPS)
    return (p_ - y) / (p_ * (1 - p_)) / np.size(p)


def logaddexp_logits(y, z):
    return np.mean(np.logaddexp(0, z) - y * z)


def dot_mse(y, yhat):
    d = np.ravel(yhat - y)
    return d @ d / len(d)


SEPARATE = {"bce_loss": separate_loss, "bce_grad": separate_grad, "bce_with_logits": logaddexp_logits, "mse_loss": dot_mse}


def eps_loss(y, p):
    # adds eps inside the logs instead of clipping
    total = 0.0
    for yi, pi in zip(np.ravel(y), np.ravel(p)):
        total += -(yi * math.log(pi + EPS) + (1 - yi) * math.log(1 - pi + EPS))
    return total / np.size(p)


def eps_grad(y, p):
    return (-y / (p + EPS) + (1 - y) / (1 - p + EPS)) / np.size(p)


def two_softplus_logits(y, z):
    return np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))


def loop_mse(y, yhat):
    y, yhat = np.ravel(y), np.ravel(yhat)
    return sum((a - b) ** 2 for a, b in zip(y, yhat)) / len(y)


EPS_INSIDE = {"bce_loss": eps_loss, "bce_grad": eps_grad, "bce_with_logits": two_softplus_logits, "mse_loss": loop_mse}

CORRECT = {"np.clip": CLIP, "separate clipping": SEPARATE, "eps inside the log": EPS_INSIDE}


# ---- the checks as data -------------------------------------------------------------------------


@pytest.mark.parametrize("part", PARTS)
def test_fixed_cases_include_n_equal_1_and_integer_labels(part: str) -> None:
    cases = check(part).cases_for(ctx_for(randomized=False))
    assert any(np.size(c.args[1]) == 1 for c in cases)
    assert any(np.asarray(c.args[0]).dtype.kind == "i" for c in cases)


@pytest.mark.parametrize("part", ["bce_loss", "bce_grad"])
def test_cases_with_p_exactly_0_and_1_are_loosened_for_every_clipping_form(part: str) -> None:
    edge = [c for c in check(part).cases_for(ctx_for()) if np.any((c.args[1] == 0) | (c.args[1] == 1))]
    assert len(edge) >= 2
    assert all(100 <= c.tolerance_factor <= 1e5 for c in edge)
    assert {0, 1} <= {float(v) for c in edge for v in np.ravel(c.args[1])}


# ---- 1. other correct forms score full points ----------------------------------------------------


@pytest.mark.parametrize("learner", LEARNERS)
@pytest.mark.parametrize("variant", CORRECT)
@pytest.mark.parametrize("part", PARTS)
def test_correct_alternatives_score_full_points(part: str, variant: str, learner: str) -> None:
    result = grade(part, CORRECT[variant], ctx_for(learner))
    assert result.passed, render_part(result)
    assert result.points == POINTS[part]
    assert not result.diagnoses


def test_the_clipping_forms_differ_at_p_equal_1_by_more_than_rtol_but_less_than_the_loosened_one() -> None:
    # Why the edge cases are loosened: 1 - (1 - 1e-12) is not 1e-12 in floating point.
    y, p = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    rtol = course().grading.rtol
    forms = [clip_grad(y, p), separate_grad(y, p), eps_grad(y, p)]
    assert not all(np.allclose(f, forms[0], rtol=rtol, atol=0) for f in forms)
    assert all(np.allclose(f, forms[0], rtol=rtol * bce_checks.AT_THE_CLIP, atol=0) for f in forms)


# ---- 2. every mistake, written as a learner would ------------------------------------------------


def unclipped_loss(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def log2_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log2(p) + (1 - y) * np.log2(1 - p))


def log10_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))


def summed_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def positive_term_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p))


def unsigned_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def minus_on_first_term_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.mean(-y * np.log(p) + (1 - y) * np.log(1 - p))


def keras_eps_loss(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def sklearn_eps_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def machine_eps_loss(y, p):
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def per_sample_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def axis_0_loss(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)), axis=0)


def unclipped_grad(y, p):
    return (p - y) / (p * (1 - p)) / p.size


def flipped_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return (y - p) / (p * (1 - p)) / p.size


def no_n_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return (p - y) / (p * (1 - p))


def logit_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return (p - y) / len(np.ravel(p))


def positive_term_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -y / p / p.size


def p_minus_y_grad(y, p):
    return np.clip(p, 1e-12, 1 - 1e-12) - y


def second_term_sign_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return (-y / p - (1 - y) / (1 - p)) / p.size


def keras_eps_grad(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return (p - y) / (p * (1 - p)) / p.size


def sklearn_eps_grad(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return (-y / p + (1 - y) / (1 - p)) / p.size


def machine_eps_grad(y, p):
    eps = np.finfo(float).eps
    p = np.clip(p, eps, 1 - eps)
    return (p - y) / (p * (1 - p)) / p.size


def naive_logits(y, z):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def stable_sigmoid_unclipped_logits(y, z):
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def softplus_overflow_logits(y, z):
    return np.mean(np.log(1 + np.exp(-z)) + (1 - y) * z)


def clipped_probability_logits(y, z):
    e = np.exp(-np.abs(z))
    p = np.clip(np.where(z >= 0, 1 / (1 + e), e / (1 + e)), 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def where_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def keras_clipped_probability_logits(y, z):
    # the learner's own sigmoid and bce_loss, the latter with Keras' epsilon
    return keras_eps_loss(y, where_sigmoid(z))


def sklearn_clipped_probability_logits(y, z):
    return sklearn_eps_loss(y, where_sigmoid(z))


def machine_eps_clipped_probability_logits(y, z):
    return machine_eps_loss(y, where_sigmoid(z))


def flipped_logits(y, z):
    return np.mean(np.maximum(-z, 0) + y * z + np.log1p(np.exp(-np.abs(z))))


def no_max_logits(y, z):
    return np.mean(-y * z + np.log1p(np.exp(-np.abs(z))))


def summed_logits(y, z):
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))


def no_y_term_logits(y, z):
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))


def np_max_logits(y, z):
    return np.mean(np.max(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))


def per_sample_logits(y, z):
    return np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))


def axis_0_logits(y, z):
    return np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))), axis=0)


def summed_mse(y, yhat):
    return np.sum((y - yhat) ** 2)


def mae(y, yhat):
    return np.mean(np.abs(y - yhat))


def rmse(y, yhat):
    return np.sqrt(np.mean((y - yhat) ** 2))


def half_mse(y, yhat):
    return 0.5 * np.mean((y - yhat) ** 2)


def unsquared_mse(y, yhat):
    return np.mean(y - yhat)


def square_of_mean_mse(y, yhat):
    return np.mean(y - yhat) ** 2


def per_sample_mse(y, yhat):
    return (y - yhat) ** 2


def axis_0_mse(y, yhat):
    return np.mean((y - yhat) ** 2, axis=0)


MISTAKES = [
    ("bce_loss", unclipped_loss, "p not clipped"),
    ("bce_loss", log2_loss, "log base 2"),
    ("bce_loss", log10_loss, "log base 10"),
    ("bce_loss", summed_loss, "sum instead of mean"),
    ("bce_loss", positive_term_loss, "the (1 - y) log(1 - p) term is missing"),
    ("bce_loss", unsigned_loss, "minus sign missing"),
    ("bce_loss", minus_on_first_term_loss, "minus sign only on the first term"),
    ("bce_loss", keras_eps_loss, "p clipped at 1e-7 (Keras' epsilon), not the course's 1e-12"),
    ("bce_loss", sklearn_eps_loss, "p clipped at 1e-15 (scikit-learn's log_loss), not the course's 1e-12"),
    ("bce_loss", machine_eps_loss, "p clipped at 2.2e-16 (scikit-learn's log_loss), not the course's 1e-12"),
    ("bce_loss", per_sample_loss, "per-sample losses returned (no mean)"),
    ("bce_loss", axis_0_loss, "mean over axis 0 only"),
    ("bce_grad", unclipped_grad, "p not clipped"),
    ("bce_grad", flipped_grad, "gradient sign flipped"),
    ("bce_grad", no_n_grad, "forgot 1/n"),
    ("bce_grad", logit_grad, "gradient with respect to the logit z"),
    ("bce_grad", positive_term_grad, "the (1 - y) log(1 - p) term is missing"),
    ("bce_grad", p_minus_y_grad, "(p - y) alone"),
    ("bce_grad", second_term_sign_grad, "sign of the (1 - y) / (1 - p) term"),
    ("bce_grad", keras_eps_grad, "p clipped at 1e-7 (Keras' epsilon), not the course's 1e-12"),
    ("bce_grad", sklearn_eps_grad, "p clipped at 1e-15 (scikit-learn's log_loss), not the course's 1e-12"),
    ("bce_grad", machine_eps_grad, "p clipped at 2.2e-16 (scikit-learn's log_loss), not the course's 1e-12"),
    ("bce_with_logits", naive_logits, "naive sigmoid then log"),
    ("bce_with_logits", stable_sigmoid_unclipped_logits, "naive sigmoid then log"),
    ("bce_with_logits", softplus_overflow_logits, "naive sigmoid then log"),
    ("bce_with_logits", clipped_probability_logits, "computed through clipped probabilities"),
    ("bce_with_logits", keras_clipped_probability_logits,
     "computed through probabilities clipped at 1e-7 (Keras' epsilon)"),
    ("bce_with_logits", sklearn_clipped_probability_logits,
     "computed through probabilities clipped at 1e-15 (scikit-learn's log_loss)"),
    ("bce_with_logits", machine_eps_clipped_probability_logits,
     "computed through probabilities clipped at 2.2e-16 (scikit-learn's log_loss)"),
    ("bce_with_logits", flipped_logits, "sign of z flipped"),
    ("bce_with_logits", no_max_logits, "the max(z, 0) term is missing"),
    ("bce_with_logits", summed_logits, "sum instead of mean"),
    ("bce_with_logits", no_y_term_logits, "the - y z term is missing"),
    ("bce_with_logits", np_max_logits, "np.max instead of np.maximum"),
    ("bce_with_logits", per_sample_logits, "per-sample losses returned (no mean)"),
    ("bce_with_logits", axis_0_logits, "mean over axis 0 only"),
    ("mse_loss", summed_mse, "sum instead of mean"),
    ("mse_loss", mae, "absolute error instead of squared"),
    ("mse_loss", rmse, "square root taken (RMSE)"),
    ("mse_loss", half_mse, "halved"),
    ("mse_loss", unsquared_mse, "errors not squared"),
    ("mse_loss", square_of_mean_mse, "the mean squared instead of the squares averaged"),
    ("mse_loss", per_sample_mse, "per-sample squared errors returned (no mean)"),
    ("mse_loss", axis_0_mse, "mean over axis 0 only"),
]


test_every_mistake_of_every_check_has_a_learner_style_test, test_learner_mistake_loses_points_and_is_named = (
    learner_mistake_tests(A, MISTAKES, CLIP))


@pytest.mark.parametrize("part, broken", [("bce_loss", unclipped_loss), ("bce_grad", unclipped_grad)])
def test_missing_clipping_fails_by_its_warning_and_non_finite_value(part: str, broken) -> None:
    result = grade(part, {part: broken}, ctx_for(randomized=False))
    problems = [o.problem for o in result.failures()]
    assert problems and all("it raised a warning" in p and "inf or NaN" in p for p in problems)
    assert any("divide by zero" in p for p in problems)
    assert {o.label for o in result.failures()} == {
        c.label for c in check(part).cases_for(ctx_for(randomized=False)) if np.any((c.args[1] == 0) | (c.args[1] == 1))
    }


CONVENTIONS = [
    ("bce_loss", keras_eps_loss, "1e-7 is Keras' epsilon"),
    ("bce_loss", sklearn_eps_loss, "1e-15 is the eps of scikit-learn's log_loss"),
    ("bce_loss", machine_eps_loss, "is the eps of scikit-learn's log_loss since version 1.2"),
    ("bce_grad", keras_eps_grad, "1e-7 is Keras' epsilon"),
    ("bce_grad", sklearn_eps_grad, "1e-15 is the eps of scikit-learn's log_loss"),
    ("bce_grad", machine_eps_grad, "is the eps of scikit-learn's log_loss since version 1.2"),
]


@pytest.mark.parametrize("learner", LEARNERS)
@pytest.mark.parametrize("part, broken, convention", CONVENTIONS, ids=[f.__name__ for _, f, _ in CONVENTIONS])
def test_another_librarys_clip_constant_costs_only_the_cases_at_the_clip(part, broken, convention, learner) -> None:
    ctx = ctx_for(learner)
    result = grade(part, {part: broken}, ctx)
    cases = check(part).cases_for(ctx)
    at_0_or_1 = {c.label for c in cases if np.any((c.args[1] == 0) | (c.args[1] == 1))}
    # Perfect predictions reach the clip too, but cost about eps whatever eps is (within the loosened
    # tolerance), and their gradient is -1/n for any eps: only confidently wrong p = 1 - y tells eps.
    confidently_wrong = {label for label in at_0_or_1 if label.startswith("confidently wrong")}
    assert len(confidently_wrong) == 1
    assert {o.label for o in result.failures()} == confidently_wrong
    assert len(result.outcomes) == len(cases)
    assert result.points == pytest.approx(POINTS[part] * (len(cases) - 1) / len(cases), abs=1e-3)
    text = render_part(result)
    assert convention in text and "a convention of that library" in text
    assert "this course's choice is EPS = 1e-12 (the notebook's EPS)" in text
    assert "not the course's 1e-12" in result.diagnoses[0].name


def test_overflowing_logits_fail_only_the_large_z_cases_and_say_overflow() -> None:
    result = grade("bce_with_logits", {"bce_with_logits": naive_logits}, ctx_for())
    failed = {o.label for o in result.failures()}
    assert failed and all("large" in label for label in failed)
    assert any("overflow" in o.problem for o in result.failures())
    assert 0 < result.points < POINTS["bce_with_logits"]


# ---- 3. broken code: zero or partial, never an exception, a specific message ---------------------


def raising(y, p):
    raise ValueError("shapes do not match")


def hanging(y, p):
    while True:
        pass


def text_result(y, p):
    return "0.69"


def list_result(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return list(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def no_return(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))  # noqa: F841


def not_written(y, p):
    raise NotImplementedError


@pytest.mark.parametrize(
    "broken, expected_text",
    [
        (raising, "it raised ValueError: shapes do not match"),
        (text_result, "is text ('0.69'); a number was expected"),
        (list_result, "a single number was expected"),
        (no_return, "is None: did the function forget to `return` its result?"),
    ],
)
@pytest.mark.parametrize("part", ["bce_loss", "bce_with_logits", "mse_loss"])
def test_broken_scalar_results_score_zero_with_a_specific_message(part: str, broken, expected_text: str) -> None:
    result = grade(part, {part: broken}, ctx_for())
    assert result.points == 0
    assert all(expected_text in o.problem for o in result.failures())
    assert expected_text in render_part(result)
    if broken is list_result and part == "bce_loss":
        # the list holds bce_loss's own per-sample losses: that mistake is named
        assert [m.name for m in result.diagnoses] == ["per-sample losses returned (no mean)"]
    else:
        assert not result.diagnoses


def test_a_hang_is_stopped_and_scores_zero() -> None:
    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    result = grade("bce_loss", {"bce_loss": hanging}, ctx)
    assert result.points == 0
    assert "did not finish within 0.5 s" in result.outcomes[0].problem
    # The cases not tried after the time-out still count, as failed: hanging never shrinks the test.
    assert all(o.problem == "not tried after the time limit was hit" for o in result.outcomes[1:])
    assert "remaining cases were not tried after the time limit was hit; they count as failed" in render_part(result)


def test_not_yet_written_is_fatal_and_says_so() -> None:
    result = grade("bce_grad", {"bce_grad": not_written}, ctx_for())
    assert result.points == 0
    assert "not written yet" in render_part(result)


def test_a_missing_function_is_fatal_and_named() -> None:
    result = grade("mse_loss", {}, ctx_for())
    assert result.points == 0
    assert "no function named `mse_loss`" in render_part(result)


def test_borrowing_the_reference_scores_zero() -> None:
    result = grade("bce_loss", {"bce_loss": R.bce_loss}, ctx_for())
    assert result.points == 0
    assert result.status is Status.COULD_NOT_RUN and "course's own" in result.reason


def flat_grad(y, p):
    p = np.clip(np.ravel(p), 1e-12, 1 - 1e-12)
    return (p - np.ravel(y)) / (p * (1 - p)) / p.size


def scalar_grad(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.sum((p - y) / (p * (1 - p))) / p.size


def two_d_only_loss(y, p):
    if np.ndim(p) != 1:
        raise ValueError("expected a 1-D array")
    return clip_loss(y, p)


def test_a_flattened_gradient_loses_only_the_column_vector_case() -> None:
    result = grade("bce_grad", {"bce_grad": flat_grad}, ctx_for())
    failures = result.failures()
    assert [o.label for o in failures] == ["a column vector of shape (5, 1)"]
    assert "has shape (5,); expected shape (5, 1)" in failures[0].problem
    assert 0 < result.points < POINTS["bce_grad"]


def test_a_summed_gradient_is_told_an_array_was_expected() -> None:
    result = grade("bce_grad", {"bce_grad": scalar_grad}, ctx_for())
    assert all("has shape ()" in o.problem for o in result.failures())
    # n = 1 with a single sample: a 0-d value still is not the (1,)-shaped gradient
    assert result.points == 0


def test_an_exception_on_some_inputs_gives_partial_points() -> None:
    result = grade("bce_loss", {"bce_loss": two_d_only_loss}, ctx_for())
    assert [o.label for o in result.failures()] == ["a column vector of shape (5, 1)"]
    assert "ValueError: expected a 1-D array" in result.failures()[0].problem
    assert "line" in result.failures()[0].problem  # the learner's own traceback line
    assert 0 < result.points < POINTS["bce_loss"]


# ---- 4. the same learner, the same verdict -------------------------------------------------------


# ---- the lecture's numbers -------------------------------------------------------------------------


def test_lecture_examples_have_the_lecture_values() -> None:
    ctx = ctx_for(randomized=False)
    loss = {c.label: float(R.bce_loss(*c.args)) for c in check("bce_loss").cases_for(ctx)}
    assert loss["the lecture's p = 0.5 for y = 1 (loss ln 2)"] == pytest.approx(math.log(2), rel=1e-15)
    grad = {c.label: R.bce_grad(*c.args).tolist() for c in check("bce_grad").cases_for(ctx)}
    assert grad["the lecture's p = 0.5 for y = 1 (gradient -2)"] == [-2.0]
    logits = {c.label: float(R.bce_with_logits(*c.args)) for c in check("bce_with_logits").cases_for(ctx)}
    assert logits["z = 0 for y = 1 (loss ln 2)"] == pytest.approx(math.log(2), rel=1e-15)
    assert logits["the four predictions of bce_loss given as logits"] == pytest.approx(
        loss["four predictions y = (1, 0, 1, 0), p = (0.9, 0.2, 0.6, 0.7)"], rel=1e-12
    )
    mse = {c.label: float(R.mse_loss(*c.args)) for c in check("mse_loss").cases_for(ctx)}
    assert mse["the lecture's y = (3, -0.5, 2, 7), yhat = (2.5, 0, 2, 8) (loss 0.375)"] == 0.375
