"""The functions a "compute it" question may name: each calls the course reference.

Quiz files say ``compute: {function: count_parameters, args: {layer_sizes: [29, 16, 1]}}``;
the answer is whatever the reference returns for those arguments, so a quiz
can never disagree with the exercises' own reference implementation.
Every function returns a plain Python int or float (not a NumPy scalar),
because that is what learners are compared with and what messages print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from reference import backprop, bce, dropout, gradient_descent, perceptron

#: Course settings a compute function may take as keyword arguments; the quiz loader passes course.yaml's.
COURSE_SETTINGS = ("coefficients", "scale")


def course_settings(quartic: gradient_descent.Quartic) -> dict[str, Any]:
    """The values of ``COURSE_SETTINGS`` for a course with this quartic."""
    return {"coefficients": [float(c) for c in quartic.coefficients], "scale": float(quartic.scale)}


def _scalar(value: Any) -> int | float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"expected a single number from the reference, got shape {arr.shape}")
    item = arr.reshape(()).item()
    return int(item) if isinstance(item, (int, np.integer)) and not isinstance(item, bool) else float(item)


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of dense layers of these widths, input layer first."""
    return _scalar(perceptron.count_parameters(layer_sizes))


def perceptron_z(x: Sequence[float], W: Sequence[float], w0: float) -> float:
    """The weighted sum plus bias, w0 + x . W, before the non-linearity."""
    # The reference keeps this step private (_linear); the definition is one line.
    return _scalar(w0 + np.dot(np.asarray(x, dtype=float), np.asarray(W, dtype=float)))


def perceptron_output(x: Sequence[float], W: Sequence[float], w0: float) -> float:
    """sigmoid(w0 + x . W)."""
    return _scalar(perceptron.perceptron_forward(np.asarray(x, dtype=float), W, w0))


def perceptron_class(x: Sequence[float], W: Sequence[float], w0: float) -> int:
    """1 where w0 + x . W >= 0, else 0."""
    return _scalar(perceptron.predict(np.asarray(x, dtype=float), W, w0))


def sigmoid(z: float) -> float:
    return _scalar(perceptron.sigmoid(z))


def relu(z: float) -> float:
    return _scalar(perceptron.relu(z))


def bce_loss(y: Sequence[float] | float, p: Sequence[float] | float) -> float:
    """Mean binary cross-entropy (natural log) of labels y and probabilities p."""
    return _scalar(bce.bce_loss(np.atleast_1d(np.asarray(y, dtype=float)), np.atleast_1d(np.asarray(p, dtype=float))))


def mse_loss(y: Sequence[float] | float, yhat: Sequence[float] | float) -> float:
    return _scalar(bce.mse_loss(np.atleast_1d(np.asarray(y, dtype=float)), np.atleast_1d(np.asarray(yhat, dtype=float))))


def quartic(w: float, coefficients: Sequence[float], scale: float) -> float:
    """g(w) for the quartic with these coefficients (highest power first) and scale."""
    return _scalar(gradient_descent.Quartic(tuple(coefficients), scale).g(w))  # type: ignore[arg-type]


def quartic_derivative(w: float, coefficients: Sequence[float], scale: float) -> float:
    """dg/dw at w."""
    return _scalar(gradient_descent.Quartic(tuple(coefficients), scale).dg_dw(w))  # type: ignore[arg-type]


def gradient_descent_iterate(
    w_init: float,
    learning_rate: float,
    num_steps: int,
    coefficients: Sequence[float],
    scale: float,
) -> float:
    """w after ``num_steps`` steps of gradient descent on the quartic, starting at w_init."""
    g = gradient_descent.Quartic(tuple(coefficients), scale)  # type: ignore[arg-type]
    iterates = gradient_descent.gradient_descent(g.dg_dw, float(w_init), learning_rate, int(num_steps))
    return _scalar(iterates[-1])


def dropout_scale(p_drop: float) -> float:
    """The factor inverted dropout multiplies a kept unit by in training."""
    kept = np.array([True])
    return _scalar(dropout.dropout_backward(np.ones(1), kept, p_drop))


def dropout_inference(a: float, p_drop: float) -> float:
    """What a dropout layer outputs for activation a at inference (training=False)."""
    out, _ = dropout.dropout_forward(np.array([float(a)]), p_drop, np.random.default_rng(0), training=False)
    return _scalar(out)


def _network(w1: float, b1: float, w2: float, b2: float) -> dict[str, float]:
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2}


def backprop_forward(x: float, w1: float, b1: float, w2: float, b2: float, value: str) -> float:
    """One of z1, a1, z2, yhat of the one-hidden-neuron network for a single input x."""
    cache = backprop.forward(np.array([float(x)]), _network(w1, b1, w2, b2))
    return _scalar(cache[value])


def backprop_gradient(
    x: float, y: float, w1: float, b1: float, w2: float, b2: float, wrt: str
) -> float:
    """dJ/d<wrt> (wrt one of w1, b1, w2, b2) of the BCE loss for one example (x, y)."""
    params = _network(w1, b1, w2, b2)
    xs, ys = np.array([float(x)]), np.array([float(y)])
    return _scalar(backprop.backward(xs, ys, params, backprop.forward(xs, params))[wrt])


FUNCTIONS: dict[str, Callable[..., int | float]] = {
    f.__name__: f
    for f in (
        count_parameters,
        perceptron_z,
        perceptron_output,
        perceptron_class,
        sigmoid,
        relu,
        bce_loss,
        mse_loss,
        quartic,
        quartic_derivative,
        gradient_descent_iterate,
        dropout_scale,
        dropout_inference,
        backprop_forward,
        backprop_gradient,
    )
}
