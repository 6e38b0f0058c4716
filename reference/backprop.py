"""Backpropagation by hand on the smallest deep network.

One input x, one hidden sigmoid neuron, one sigmoid output, mean BCE loss:
z1 = w1 x + b1, a1 = sigmoid(z1), z2 = w2 a1 + b2, yhat = sigmoid(z2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference._xp import as_float, namespace
from reference.perceptron import sigmoid

PARAMETER_NAMES = ("w1", "b1", "w2", "b2")
CACHE_NAMES = ("z1", "a1", "z2", "yhat")


def forward(x: Any, params: Mapping[str, float]) -> dict[str, Any]:
    """The forward values z1, a1, z2, yhat for every sample of x."""
    xp = namespace(x)
    x = as_float(xp, x)
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": sigmoid(z2)}


def backward(
    x: Any, y: Any, params: Mapping[str, float], cache: Mapping[str, Any]
) -> dict[str, Any]:
    """dJ/dw1, dJ/db1, dJ/dw2, dJ/db2 for J = mean BCE(y, yhat), by the chain rule.

    The sigmoid output and the log loss combine into dJ/dz2 = (yhat - y) / n,
    which ``hidden_layer_gradients`` then carries backwards through w2,
    sigmoid'(z1) = a1 (1 - a1), and w1.
    """
    xp = namespace(x, y)
    x = as_float(xp, x)
    y = as_float(xp, y, like=x)
    a1, yhat = cache["a1"], cache["yhat"]
    n = x.shape[0]
    dz2 = (yhat - y) / n
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": xp.sum(dz2 * a1), "b2": xp.sum(dz2)}


def hidden_layer_gradients(
    x: Any, dz2: Any, params: Mapping[str, float], cache: Mapping[str, Any]
) -> tuple[Any, Any]:
    """(dJ/dw1, dJ/db1), given dz2 = dJ/dz2 of every sample (which carries the 1/n of the mean).

    dJ/dz1 = dz2 * w2 * sigmoid'(z1) with sigmoid'(z1) = a1 (1 - a1), summed over the samples.
    """
    xp = namespace(x, dz2)
    x = as_float(xp, x)
    dz2 = as_float(xp, dz2, like=x)
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1.0 - a1)
    return xp.sum(dz1 * x), xp.sum(dz1)
