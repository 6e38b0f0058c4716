"""The single perceptron: a weighted sum, a bias and a non-linearity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reference._xp import as_float, namespace


def sigmoid(z: Any) -> Any:
    """Elementwise logistic 1 / (1 + exp(-z)), finite and warning-free for any float z.

    exp is only ever taken of -|z| (never positive), so it cannot overflow;
    the two algebraically equal branches are chosen by the sign of z.
    """
    xp = namespace(z)
    z = as_float(xp, z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z: Any) -> Any:
    """Elementwise max(0, z)."""
    xp = namespace(z)
    z = as_float(xp, z)
    return xp.where(z > 0, z, xp.zeros_like(z))


def _linear(X: Any, W: Any, w0: Any) -> Any:
    xp = namespace(X, W)
    X = as_float(xp, X)
    W = as_float(xp, W, like=X)
    return w0 + X @ W


def perceptron_forward(X: Any, W: Any, w0: float) -> Any:
    """sigmoid(w0 + X @ W): shape (n,) for X of shape (n, m), a scalar for X of shape (m,)."""
    return sigmoid(_linear(X, W, w0))


def predict(X: Any, W: Any, w0: float) -> Any:
    """Class 1 where the linear part w0 + X @ W is >= 0, else 0, as integers."""
    z = _linear(X, W, w0)
    xp = namespace(z)
    return xp.astype(z >= 0, xp.int64)


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of dense layers of the given widths, input layer first."""
    sizes = [int(s) for s in layer_sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
