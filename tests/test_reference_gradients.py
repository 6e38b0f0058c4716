"""Every gradient of the reference agrees with central finite differences of its own loss."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks.finite_diff import numeric_gradient, numeric_param_gradient, relative_error
from reference import backprop, bce, dropout, gradient_descent

TOL = 1e-7
rng = np.random.default_rng(20261123)


@pytest.mark.parametrize("n", [1, 3, 17])
def test_bce_grad_matches_finite_differences(n: int) -> None:
    y = rng.integers(0, 2, size=n).astype(float)
    p = rng.uniform(0.05, 0.95, size=n)
    analytic = bce.bce_grad(y, p)
    numeric = numeric_gradient(lambda q: bce.bce_loss(y, q), p)
    assert relative_error(analytic, numeric) < TOL


@pytest.mark.parametrize("n", [1, 4, 25])
def test_backward_matches_finite_differences_of_forward(n: int) -> None:
    x = rng.normal(size=n)
    y = rng.integers(0, 2, size=n).astype(float)
    params = {k: float(v) for k, v in zip(backprop.PARAMETER_NAMES, rng.normal(size=4))}

    def loss(p):
        return bce.bce_loss(y, backprop.forward(x, p)["yhat"])

    analytic = backprop.backward(x, y, params, backprop.forward(x, params))
    numeric = numeric_param_gradient(loss, params)
    for name in backprop.PARAMETER_NAMES:
        assert relative_error(analytic[name], numeric[name]) < TOL, name


def test_dg_dw_matches_finite_differences() -> None:
    w = np.linspace(-3, 3, 13)
    numeric = numeric_gradient(gradient_descent.g, w)
    assert relative_error(gradient_descent.dg_dw(w), numeric) < TOL


@pytest.mark.parametrize("p_drop", [0.0, 0.2, 0.5, 0.9])
def test_dropout_backward_matches_finite_differences_with_fixed_mask(p_drop: float) -> None:
    a = rng.normal(size=(4, 5))
    _, mask = dropout.dropout_forward(a, p_drop, np.random.default_rng(7))
    upstream = rng.normal(size=a.shape)

    def scalar_out(values):
        return np.sum(upstream * dropout.dropout_backward(values, mask, p_drop))

    numeric = numeric_gradient(scalar_out, a)
    assert relative_error(dropout.dropout_backward(upstream, mask, p_drop), numeric) < TOL


def test_relative_error_flags_a_wrong_gradient() -> None:
    assert relative_error([1.0, 2.0], [1.0, 2.2]) > 1e-2
    assert relative_error([0.0], [0.0]) == 0.0
