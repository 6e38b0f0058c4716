"""Central finite differences and the relative error used to judge gradients.

One definition, used by the reference's tests, by `dlcourse validate` and by
the gradient checks that grade learners.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

#: Step for central differences in float64 (CS231n practice).
STEP = 1e-5


def relative_error(a: Any, b: Any) -> float:
    """max |a - b| / max(|a|, |b|, 1e-8), elementwise, as a float."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)
    return float(np.max(np.abs(a - b) / denom)) if a.size else 0.0


def numeric_gradient(f: Callable[[np.ndarray], Any], x: Any, step: float = STEP) -> np.ndarray:
    """d sum(f(x)) / dx by central differences, one coordinate at a time.

    f is evaluated on copies of x, so it may not rely on x being modified.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += step
        minus[index] -= step
        grad[index] = (np.sum(f(plus)) - np.sum(f(minus))) / (2 * step)
    return grad


def numeric_param_gradient(
    loss: Callable[[Mapping[str, float]], Any], params: Mapping[str, float], step: float = STEP
) -> dict[str, float]:
    """dloss/dparam by central differences for a dict of scalar parameters."""
    grads = {}
    for name, value in params.items():
        up = {**params, name: float(value) + step}
        down = {**params, name: float(value) - step}
        grads[name] = (float(loss(up)) - float(loss(down))) / (2 * step)
    return grads
