"""Backpropagation, learner side: the computational graph with the learner's values, a training
curve, and the stand-in for ``hidden_layer_gradients`` while the output layer is graded."""

from __future__ import annotations

import math

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREEN, GREY, RED, call_learner, friendly, as_numbers, Unavailable, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["computational_graph", "training_curve"]

# The one-hidden-neuron network drawn by computational_graph unless told otherwise.
GRAPH_X = 2.0
GRAPH_Y = 1.0
GRAPH_PARAMS = {"w1": 0.5, "b1": 0.0, "w2": -2.0, "b2": 0.5}


def _first(name: str, value: Any) -> float:
    arr = as_numbers(name, value)
    if arr.size < 1:
        raise Unavailable(name, ValueError("it returned an empty array"))
    return float(arr.reshape(-1)[0])


def _box(ax: plt.Axes, xy: tuple[float, float], title: str, value: str, colour: str, width: float = 1.1) -> None:
    x, y = xy
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.38), width, 0.76, boxstyle="round,pad=0.04",
                                fc="white", ec=colour, lw=2))
    ax.text(x, y + 0.14, title, ha="center", va="center", fontsize=12, fontweight="bold")
    ax.text(x, y - 0.19, value, ha="center", va="center", fontsize=10, color=colour)


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], colour: str = "k") -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour, lw=1.4))


def _label_log_loss(y: np.ndarray, yhat: np.ndarray) -> float:
    """J for labels that are exactly 0 or 1, as the pictures use: minus the mean log of the probability
    given to each sample's label. Not bce_loss (no soft labels, no clipping): the pictures' data and
    parameters keep yhat away from 0 and 1."""
    return float(-np.mean(np.log(np.where(y == 1, yhat, 1 - yhat))))


@friendly
def computational_graph(
    forward: Callable[..., Any],
    backward: Callable[..., Any] | None = None,
    x: float = GRAPH_X,
    y: float = GRAPH_Y,
    params: Mapping[str, float] | None = None,
) -> plt.Figure:
    """The network x -> z1 -> a1 -> z2 -> yhat -> J for one sample: the learner's forward values in
    the boxes (blue) and, once backward is given, the gradients dJ/d(.) under them (red)."""
    params = dict(GRAPH_PARAMS if params is None else params)
    xs = np.array([float(x)])
    ys = np.array([float(y)])
    cache = call_learner("forward", forward, xs, params)
    if not isinstance(cache, Mapping):
        raise Unavailable("forward", TypeError(f"it returned {type(cache).__name__}, not a dict"))
    try:
        z1, a1, z2, yhat = (_first("forward", cache[k]) for k in ("z1", "a1", "z2", "yhat"))
    except KeyError as exc:
        raise Unavailable("forward", KeyError(f"its dict has no key {exc}")) from None
    loss = _label_log_loss(np.array([y]), np.array([yhat]))

    grads: dict[str, float] | None = None
    inner: dict[str, float] = {}
    if backward is not None:
        got = call_learner("backward", backward, xs, ys, params, cache)
        if not isinstance(got, Mapping):
            raise Unavailable("backward", TypeError(f"it returned {type(got).__name__}, not a dict"))
        try:
            grads = {k: _first("backward", got[k]) for k in ("w1", "b1", "w2", "b2")}
        except KeyError as exc:
            raise Unavailable("backward", KeyError(f"its dict has no key {exc}")) from None
        # The inner nodes' gradients follow from the forward values (one sample, so n = 1).
        dz2 = yhat - y
        da1 = dz2 * params["w2"]
        inner = {
            "yhat": (yhat - y) / max(yhat * (1 - yhat), 1e-300),
            "z2": dz2,
            "a1": da1,
            "z1": da1 * a1 * (1 - a1),
        }

    fig, ax = subplots(figsize=(12, 4.4))
    ax.set(xlim=(-0.8, 11.8), ylim=(-2.2, 2.75))
    ax.axis("off")
    nodes = {"x": 0.0, "z1": 2.2, "a1": 4.4, "z2": 6.6, "yhat": 8.8, "J": 11.0}
    labels = {"x": "x", "z1": "z1", "a1": "a1", "z2": "z2", "yhat": "ŷ", "J": "J"}
    values = {"x": float(x), "z1": z1, "a1": a1, "z2": z2, "yhat": yhat, "J": loss}
    ops = {"z1": "w1·x + b1", "a1": "σ(z1)", "z2": "w2·a1 + b2", "yhat": "σ(z2)", "J": f"BCE(y = {y:g}, ŷ)"}
    names = list(nodes)
    for name in names:
        _box(ax, (nodes[name], 0.0), labels[name], f"{values[name]:.4f}", RED if name == "J" else BLUE)
        if name in ops:
            ax.text(nodes[name], -0.55, ops[name], ha="center", va="top", color=GREY, fontsize=9)
        if name in inner:
            ax.text(nodes[name], -0.95, f"∂J/∂{labels[name]} = {inner[name]:.4f}", ha="center", va="top",
                    color=RED, fontsize=10)
    for left, right in zip(names[:-1], names[1:]):
        _arrow(ax, (nodes[left] + 0.58, 0.0), (nodes[right] - 0.58, 0.0))
    for layer in ("1", "2"):
        at = nodes["z" + layer]
        for offset, pname in ((-0.6, "w" + layer), (0.6, "b" + layer)):
            px, py = at + offset, 1.55
            _box(ax, (px, py), pname, f"{params[pname]:g}", GREEN, width=0.95)
            _arrow(ax, (px, py - 0.42), (at + offset * 0.45, 0.42), GREEN)
            if grads is not None:
                ax.text(px, py + 0.5, f"∂J/∂{pname}\n{grads[pname]:.4f}", ha="center", va="bottom",
                        color=RED, fontsize=9)
    if grads is not None:
        _arrow(ax, (nodes["J"], -1.55), (nodes["z1"], -1.55), RED)
        ax.text((nodes["J"] + nodes["z1"]) / 2, -1.72, "backward pass: the chain rule, from J back to every weight",
                ha="center", va="top", color=RED, fontsize=10)
        ax.set_title("forward values (blue, in the boxes) and gradients (red) for one sample")
    else:
        _arrow(ax, (nodes["x"], -1.55), (nodes["J"], -1.55), BLUE)
        ax.text((nodes["J"] + nodes["x"]) / 2, -1.72, "forward pass: left to right", ha="center", va="top",
                color=BLUE, fontsize=10)
        ax.set_title("forward values for one sample (give it your backward as well to see the gradients)")
    return fig


@friendly
def training_curve(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    learning_rate: float = 2.0,
    num_steps: int = 400,
    seed: int = 0,
) -> plt.Figure:
    """Gradient descent on a small 1-D data set using the learner's forward and backward:
    the loss falling step by step, and the trained network's yhat(x) next to the data."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-4, 4, size=40))
    y = (x + rng.normal(0, 0.8, size=x.size) > 1.0).astype(float)
    params = {"w1": 0.3, "b1": 0.0, "w2": 0.3, "b2": 0.0}
    losses = []
    for _ in range(num_steps):
        cache = call_learner("forward", forward, x, params)
        losses.append(_label_log_loss(y, as_numbers("forward", cache["yhat"], x.shape)))
        grads = call_learner("backward", backward, x, y, params, cache)
        params = {k: float(params[k] - learning_rate * float(as_numbers("backward", grads[k]))) for k in params}
    grid = np.linspace(-4.5, 4.5, 200)
    fitted = as_numbers("forward", call_learner("forward", forward, grid, params)["yhat"], grid.shape)

    fig, (left, right) = subplots(1, 2, figsize=(11, 3.8))
    left.plot(losses, color=RED, lw=2)
    left.set(xlabel="gradient-descent step", ylabel="mean BCE J", title=f"training with your gradients (α = {learning_rate:g})")
    right.scatter(x, y, color=GREY, s=18, label="data (y = 0 or 1)")
    right.plot(grid, fitted, color=BLUE, lw=2, label="trained network ŷ(x)")
    right.set(xlabel="x", ylabel="ŷ", title="what the trained network predicts", ylim=(-0.08, 1.08))
    right.legend(loc="upper left", fontsize=9)
    return fig


# ---- the stand-in: backward (part 2) calls hidden_layer_gradients, written in part 3 ------------


def nan_pair(*args: Any, **kwargs: Any) -> tuple[float, float]:
    """hidden_layer_gradients while the output layer is graded: its values are not looked at."""
    return math.nan, math.nan


#: Named by the checks as ``"backprop.<name>"`` (``grader.learner.core.found.stand_in``).
STAND_INS = {"nan_pair": nan_pair}
