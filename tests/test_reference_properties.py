"""Hypothesis properties of the reference."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import bce, dropout, gradient_descent, perceptron

finite = st.floats(-1e4, 1e4, allow_nan=False)
z_arrays = hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=8), elements=finite)


@given(z_arrays)
def test_sigmoid_in_unit_interval_and_symmetric(z) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = perceptron.sigmoid(z)
        s_neg = perceptron.sigmoid(-z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s_neg, 1 - s, atol=1e-15)


@given(z_arrays)
def test_relu_is_max_with_zero(z) -> None:
    np.testing.assert_array_equal(perceptron.relu(z), np.maximum(z, 0))


labels_and_probs = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
        hnp.arrays(np.float64, n, elements=st.floats(0, 1)),
    )
)


@given(labels_and_probs)
def test_bce_is_non_negative_and_finite(yp) -> None:
    y, p = yp
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = float(bce.bce_loss(y, p))
    assert 0 <= loss < 30


@given(hnp.arrays(np.float64, st.integers(1, 20), elements=st.sampled_from([0.0, 1.0])))
def test_bce_near_zero_for_confident_right_predictions(y) -> None:
    p = np.where(y == 1, 1 - 1e-9, 1e-9)
    assert float(bce.bce_loss(y, p)) < 1e-8


logits = st.integers(1, 20).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
        hnp.arrays(np.float64, n, elements=finite),
    )
)


@given(logits)
def test_bce_with_logits_equals_bce_of_sigmoid(yz) -> None:
    y, z = yz
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stable = float(bce.bce_with_logits(y, z))
    assert np.isfinite(stable)
    # Where sigmoid(z) stays away from the clip, both must agree closely.
    if np.all(np.abs(z) < 25):
        naive = float(bce.bce_loss(y, perceptron.sigmoid(z)))
        np.testing.assert_allclose(stable, naive, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 0.95), st.integers(0, 2**32 - 1))
def test_dropout_keeps_a_binomial_fraction_and_preserves_the_mean(p_drop, seed) -> None:
    n = 20_000
    a = np.full(n, 3.0)
    out, mask = dropout.dropout_forward(a, p_drop, np.random.default_rng(seed))
    keep = 1 - p_drop
    # 5-sigma binomial bound: a correct implementation fails about once in 3.5 million draws.
    bound = 5 * np.sqrt(keep * (1 - keep) / n) + 1e-12
    assert abs(mask.mean() - keep) <= bound
    assert abs(out.mean() - 3.0) <= 3.0 * bound / keep
    np.testing.assert_allclose(out[mask], 3.0 / keep)
    assert np.all(out[~mask] == 0)


@given(st.floats(0.01, 50.0), st.floats(-10, 10), st.floats(0.05, 0.95))
def test_gradient_descent_on_a_quadratic_converges_below_2_over_curvature(curvature, w0, fraction) -> None:
    lr = fraction * 2 / curvature
    path = gradient_descent.gradient_descent(lambda w: curvature * w, w0, lr, 400)
    # |1 - lr * curvature| <= 0.9 here, so 400 steps shrink |w| by at least 0.9**400.
    assert abs(float(path[-1])) < 1e-12 * max(1.0, abs(w0))


@given(st.floats(0.01, 50.0), st.floats(0.5, 10), st.floats(1.05, 1.5))
def test_gradient_descent_on_a_quadratic_diverges_above_2_over_curvature(curvature, w0, factor) -> None:
    lr = factor * 2 / curvature
    path = gradient_descent.gradient_descent(lambda w: curvature * w, w0, lr, 60)
    magnitudes = np.abs(path)
    assert np.all(np.diff(magnitudes) > 0)
    assert magnitudes[-1] > 10 * w0
