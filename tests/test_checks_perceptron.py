"""The perceptron checks, beyond the contract every check meets (tests/test_check_contract.py):
other correct forms score full points, and every known mistake, written the way a learner would,
loses points and is named, alone."""

from __future__ import annotations

import numpy as np
import pytest

from check_support import ctx_for as shared_ctx_for, learner_mistake_tests
from check_support import course, grade_part, points_of
from grader.exercises import check_for
from grader.learner.core.feedback import render_part
from grader.learner.core.model import Check, Context, PartResult

A = "perceptron"
PARTS = ("sigmoid", "relu", "perceptron_forward", "predict", "count_parameters")
POINTS = points_of(A)
LEARNERS = ("ada", "grace", "s1234567")


def ctx_for(learner: str = "ada", randomized: bool = True) -> Context:
    return shared_ctx_for(learner, randomized)


def check(part: str) -> Check:
    return check_for(A, part)


def grade(part: str, namespace: dict, ctx: Context | None = None, trusted: bool = False) -> PartResult:
    return grade_part(A, part, namespace, ctx or ctx_for(), trusted)


# ---- correct learners, written differently from the reference -------------------------------


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def maximum_relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0)


def matmul_forward(X, W, w0):
    return stable_sigmoid(w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))


def astype_predict(X, W, w0):
    return ((w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)) >= 0).astype(int)


def loop_count(layer_sizes):
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += n_in * n_out + n_out
    return total


BASE = {
    "sigmoid": stable_sigmoid,
    "relu": maximum_relu,
    "perceptron_forward": matmul_forward,
    "predict": astype_predict,
    "count_parameters": loop_count,
}


def tanh_sigmoid(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


def product_relu(z):
    z = np.asarray(z, dtype=float)
    return z * (z > 0)


def dot_forward(X, W, w0):
    return tanh_sigmoid(np.dot(X, W) + w0)


def where_predict(X, W, w0):
    return np.where(np.dot(X, W) + w0 >= 0, 1, 0)


def numpy_count(layer_sizes):
    s = np.asarray(layer_sizes, dtype=int)
    return int(np.dot(s[:-1], s[1:]) + s[1:].sum())


OTHER = {
    "sigmoid": tanh_sigmoid,
    "relu": product_relu,
    "perceptron_forward": dot_forward,
    "predict": where_predict,
    "count_parameters": numpy_count,
}

CORRECT = {"reference-like": BASE, "other forms": OTHER}


# ---- the checks as data -------------------------------------------------------------------------


# ---- 1. other correct forms score full points ----------------------------------------------------


@pytest.mark.parametrize("learner", LEARNERS)
@pytest.mark.parametrize("variant", CORRECT)
@pytest.mark.parametrize("part", PARTS)
def test_correct_alternatives_score_full_points(part: str, variant: str, learner: str) -> None:
    result = grade(part, CORRECT[variant], ctx_for(learner))
    assert result.passed, render_part(result)
    assert result.points == POINTS[part]
    assert not result.diagnoses


# ---- 2. every mistake, written as a learner would ------------------------------------------------


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def flipped_sigmoid(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))


def tanh_only(z):
    return np.tanh(z)


def abs_sigmoid(z):
    return 1 / (1 + np.exp(-np.abs(np.asarray(z, dtype=float))))


def indicator_relu(z):
    return (np.asarray(z) > 0).astype(float)


def min_relu(z):
    return np.minimum(np.asarray(z, dtype=float), 0)


def np_max_relu(z):
    return np.max(np.asarray(z, dtype=float), 0)


def abs_relu(z):
    return np.abs(np.asarray(z, dtype=float))


def leaky_relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


def unhalved_relu(z):
    z = np.asarray(z, dtype=float)
    return z + np.abs(z)


def in_place_relu(z):
    z = np.asarray(z, dtype=float)
    z[z < 0] = 0
    return z


def no_bias_forward(X, W, w0):
    return stable_sigmoid(np.asarray(X) @ W)


def bias_as_factor_forward(X, W, w0):
    return stable_sigmoid(w0 * np.asarray(X) @ W)


def linear_forward(X, W, w0):
    return w0 + np.asarray(X) @ W


def bias_subtracted_forward(X, W, w0):
    return stable_sigmoid(np.asarray(X) @ W - w0)


def bias_after_sigmoid_forward(X, W, w0):
    return stable_sigmoid(np.asarray(X) @ W) + w0


def relu_forward(X, W, w0):
    return maximum_relu(w0 + np.asarray(X) @ W)


def batch_sum_forward(X, W, w0):
    return stable_sigmoid(w0 + np.sum(np.asarray(X) * W))


def elementwise_forward(X, W, w0):
    return stable_sigmoid(w0 + np.asarray(X) * W)


def strict_predict(X, W, w0):
    return (w0 + np.asarray(X) @ W > 0).astype(int)


def probability_predict(X, W, w0):
    return matmul_forward(X, W, w0)


def swapped_predict(X, W, w0):
    return (w0 + np.asarray(X) @ W < 0).astype(int)


def sign_predict(X, W, w0):
    return np.sign(w0 + np.asarray(X) @ W).astype(int)


def probability_vs_zero_predict(X, W, w0):
    return (matmul_forward(X, W, w0) >= 0).astype(int)


def weights_only_count(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def input_biases_count(layer_sizes):
    return loop_count(layer_sizes) + layer_sizes[0]


def last_layer_count(layer_sizes):
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total = n_in * n_out + n_out
    return total


def one_bias_per_layer_count(layer_sizes):
    return sum(a * b + 1 for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def input_side_biases_count(layer_sizes):
    return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def product_count(layer_sizes):
    return int(np.prod(layer_sizes)) + sum(layer_sizes[1:])


MISTAKES = [
    ("sigmoid", naive_sigmoid, "sigmoid overflow"),
    ("sigmoid", flipped_sigmoid, "sign of z flipped"),
    ("sigmoid", tanh_only, "tanh instead of the logistic"),
    ("sigmoid", abs_sigmoid, "sigmoid of |z| for every z"),
    ("relu", indicator_relu, "returned the indicator z > 0"),
    ("relu", min_relu, "min instead of max"),
    ("relu", np_max_relu, "np.max instead of np.maximum"),
    ("relu", abs_relu, "absolute value instead of ReLU"),
    ("relu", leaky_relu, "leaky ReLU (negative z scaled by 0.01)"),
    ("relu", unhalved_relu, "z + |z| not halved"),
    ("relu", in_place_relu, "z changed in place"),
    ("perceptron_forward", no_bias_forward, "bias missing"),
    ("perceptron_forward", bias_as_factor_forward, "bias multiplied instead of added"),
    ("perceptron_forward", linear_forward, "no non-linearity"),
    ("perceptron_forward", bias_subtracted_forward, "bias subtracted"),
    ("perceptron_forward", bias_after_sigmoid_forward, "bias added after the sigmoid"),
    ("perceptron_forward", relu_forward, "relu instead of the sigmoid"),
    ("perceptron_forward", batch_sum_forward, "weighted sums of the whole batch added together"),
    ("perceptron_forward", elementwise_forward, "X * W not summed"),
    ("predict", strict_predict, "boundary at z = 0 mishandled"),
    ("predict", probability_predict, "probabilities instead of classes"),
    ("predict", swapped_predict, "classes swapped"),
    ("predict", sign_predict, "np.sign instead of classes 0/1"),
    ("predict", probability_vs_zero_predict, "probability compared with 0"),
    ("count_parameters", weights_only_count, "biases not counted"),
    ("count_parameters", input_biases_count, "biases counted for the input layer too"),
    ("count_parameters", last_layer_count, "only the last layer counted"),
    ("count_parameters", one_bias_per_layer_count, "one bias per layer instead of one per unit"),
    ("count_parameters", input_side_biases_count, "biases counted for the inputs of each layer"),
    ("count_parameters", product_count, "all the widths multiplied together"),
]


test_every_mistake_of_every_check_has_a_learner_style_test, test_learner_mistake_loses_points_and_is_named = (
    learner_mistake_tests(A, MISTAKES, BASE))


def test_relu_in_place_fails_the_array_cases_and_says_so() -> None:
    result = grade("relu", {"relu": in_place_relu}, ctx_for(randomized=False))
    arrays = [c.label for c in check("relu").cases_for(ctx_for(randomized=False)) if np.ndim(c.args[0]) > 0]
    assert [o.label for o in result.failures()] == arrays
    assert all(o.problem.startswith("it changed `z` in place") for o in result.failures())


def test_a_sigmoid_of_abs_z_fails_only_cases_with_negative_z() -> None:
    ctx = ctx_for()
    result = grade("sigmoid", {"sigmoid": abs_sigmoid}, ctx)
    negative = [c.label for c in check("sigmoid").cases_for(ctx) if np.any(np.asarray(c.args[0]) < 0)]
    assert [o.label for o in result.failures()] == negative
