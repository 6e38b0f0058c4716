"""The perceptron: activations, the decision line, predicted regions, parameter counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREY, ORANGE, RED, call_learner, friendly, as_numbers, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["activation_functions", "sigmoid_and_decision_line", "predict_regions", "parameter_growth"]

# The lectures' worked perceptron: W = (3, -2), w0 = 1, and the point x = (-1, 2).
LECTURE_W = (3.0, -2.0)
LECTURE_W0 = 1.0
LECTURE_POINT = (-1.0, 2.0)


@friendly
def activation_functions(sigmoid: Callable[..., Any], relu: Callable[..., Any] | None = None) -> plt.Figure:
    """The learner's sigmoid (and ReLU, when given) over z in [-6, 6]."""
    z = np.linspace(-6.0, 6.0, 241)
    s = as_numbers("sigmoid", call_learner("sigmoid", sigmoid, z), z.shape)
    r = as_numbers("relu", call_learner("relu", relu, z), z.shape) if relu is not None else None
    fig, axes = subplots(1, 2 if r is not None else 1, figsize=(10 if r is not None else 5.5, 3.4), squeeze=False)
    ax = axes[0, 0]
    ax.plot(z, s, color=BLUE, lw=2)
    ax.axhline(0.5, color=GREY, ls=":", lw=1)
    ax.axvline(0.0, color=GREY, ls=":", lw=1)
    ax.set(title="sigmoid: squashes any z into (0, 1)", xlabel="z", ylabel="sigmoid(z)", ylim=(-0.05, 1.05))
    if r is not None:
        ax = axes[0, 1]
        ax.plot(z, r, color=ORANGE, lw=2)
        ax.axvline(0.0, color=GREY, ls=":", lw=1)
        ax.set(title="ReLU: zero for z < 0, z itself otherwise", xlabel="z", ylabel="relu(z)")
    return fig


@friendly
def sigmoid_and_decision_line(
    sigmoid: Callable[..., Any],
    perceptron_forward: Callable[..., Any],
    W: Sequence[float] = LECTURE_W,
    w0: float = LECTURE_W0,
    point: Sequence[float] = LECTURE_POINT,
) -> plt.Figure:
    """Left: the sigmoid with the point's z marked. Right: the plane (x1, x2) coloured by the
    perceptron's probability, the decision line w0 + W.x = 0 and the point."""
    W = np.asarray(W, dtype=float)
    x = np.asarray(point, dtype=float)
    z_point = float(w0 + x @ W)

    zs = np.linspace(-8.0, 8.0, 321)
    s = as_numbers("sigmoid", call_learner("sigmoid", sigmoid, zs), zs.shape)
    p_point = float(as_numbers("sigmoid", call_learner("sigmoid", sigmoid, np.float64(z_point))).reshape(-1)[0])

    g1, g2 = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-3, 3, 121))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    prob = as_numbers("perceptron_forward", call_learner("perceptron_forward", perceptron_forward, grid, W, w0), (grid.shape[0],))
    p_forward = float(as_numbers("perceptron_forward", call_learner("perceptron_forward", perceptron_forward, x, W, w0)).reshape(-1)[0])

    fig, (left, right) = subplots(1, 2, figsize=(11, 4.3))
    left.plot(zs, s, color=BLUE, lw=2)
    left.axhline(0.5, color=GREY, ls=":", lw=1)
    left.axvline(0.0, color=GREY, ls=":", lw=1)
    left.plot([z_point], [p_point], "o", color=RED, ms=8)
    left.annotate(
        f"z = {z_point:g}\nsigmoid(z) = {p_point:.5f}",
        (z_point, p_point),
        xytext=(z_point + 1.5, 0.35),
        arrowprops={"arrowstyle": "->", "color": RED},
        color=RED,
    )
    left.set(title="the sigmoid turns z into a probability", xlabel="z", ylabel="sigmoid(z)", ylim=(-0.05, 1.05))

    image = right.contourf(g1, g2, prob.reshape(g1.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75)
    fig.colorbar(image, ax=right, label="perceptron_forward(x)")
    if abs(W[1]) > 1e-12:
        xs = np.array([-3.0, 3.0])
        right.plot(xs, -(w0 + W[0] * xs) / W[1], "k-", lw=2, label=f"{w0:g} + {W[0]:g}·x1 + ({W[1]:g})·x2 = 0")
    right.plot(*x, "o", color="gold", mec="k", ms=10, label=f"x = ({x[0]:g}, {x[1]:g}): z = {z_point:g}, p = {p_forward:.5f}")
    right.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="x1", ylabel="x2", title="decision line: z = 0, probability 0.5")
    right.legend(loc="lower left", fontsize=8, framealpha=0.9)
    return fig


@friendly
def predict_regions(
    predict: Callable[..., Any], W: Sequence[float] = LECTURE_W, w0: float = LECTURE_W0
) -> plt.Figure:
    """Integer points of [-3, 3]^2 marked with the learner's predicted class, and the line w0 + W.x = 0."""
    W = np.asarray(W, dtype=float)
    g1, g2 = np.meshgrid(np.arange(-3.0, 3.5, 0.5), np.arange(-3.0, 3.5, 0.5))
    X = np.column_stack([g1.ravel(), g2.ravel()])
    classes = as_numbers("predict", call_learner("predict", predict, X, W, w0), (X.shape[0],))
    on_line = np.isclose(w0 + X @ W, 0.0)

    fig, ax = subplots(figsize=(5.2, 4.8))
    for value, colour, label in ((0, BLUE, "predict = 0"), (1, RED, "predict = 1")):
        chosen = classes == value
        ax.scatter(X[chosen, 0], X[chosen, 1], color=colour, s=28, label=label)
    other = ~np.isin(classes, (0, 1))
    if other.any():
        ax.scatter(X[other, 0], X[other, 1], color=GREY, marker="x", s=28, label="neither 0 nor 1")
    ax.scatter(X[on_line, 0], X[on_line, 1], facecolors="none", edgecolors="k", s=110, label="exactly on the line (z = 0)")
    if abs(W[1]) > 1e-12:
        xs = np.array([-3.2, 3.2])
        ax.plot(xs, -(w0 + W[0] * xs) / W[1], "k-", lw=1.5)
    ax.set(xlim=(-3.3, 3.3), ylim=(-3.3, 3.3), xlabel="x1", ylabel="x2", title="your predict on a grid of points")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)
    return fig


@friendly
def parameter_growth(count_parameters: Callable[..., Any], n_inputs: int = 29, marked_width: int = 16) -> plt.Figure:
    """Parameters of [n_inputs, h, 1] and [n_inputs, h, h, 1] against the hidden width h."""
    widths = np.arange(1, 129)
    one = [int(call_learner("count_parameters", count_parameters, [n_inputs, int(h), 1])) for h in widths]
    two = [int(call_learner("count_parameters", count_parameters, [n_inputs, int(h), int(h), 1])) for h in widths]
    marked = int(call_learner("count_parameters", count_parameters, [n_inputs, marked_width, 1]))

    fig, ax = subplots(figsize=(6.5, 4))
    ax.plot(widths, one, color=BLUE, lw=2, label=f"one hidden layer  [{n_inputs}, h, 1]")
    ax.plot(widths, two, color=ORANGE, lw=2, label=f"two hidden layers [{n_inputs}, h, h, 1]")
    ax.plot([marked_width], [marked], "o", color=RED)
    ax.annotate(f"[{n_inputs}, {marked_width}, 1]: {marked} parameters", (marked_width, marked),
                xytext=(35, 6000), arrowprops={"arrowstyle": "->", "color": RED}, color=RED)
    ax.set(xlabel="hidden width h", ylabel="weights + biases", title="parameters grow like the product of layer widths")
    ax.legend(fontsize=9)
    return fig
