"""Gradient descent, learner side: the course's quartic from the released data, the gradients the
checks hand to a learner's ``gradient_descent`` rebuilt from plain data, and the notebook's plots
(the curve, its slopes, descent paths in 1-D and 2-D)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREEN, GREY, ORANGE, RED, call_learner, friendly, as_numbers, Unavailable, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["quartic", "slopes", "descent_paths", "descent_2d"]  # its plots


# ---- the course's quartic, as released ------------------------------------------------------------


@dataclass(frozen=True)
class PublicQuartic:
    """The course's quartic g, from its public coefficients (highest power first)."""

    coefficients: tuple[float, ...]
    scale: float

    @property
    def g(self) -> Callable[[Any], Any]:
        return polynomial({"coefficients": [c / self.scale for c in self.coefficients]})


def course_quartic(exercise: Any) -> PublicQuartic:
    """The quartic of course.yaml (gradient_descent's settings), from the data released with the notebook."""
    q = exercise.settings()["quartic"]
    return PublicQuartic(tuple(float(c) for c in q["coefficients"]), float(q["scale"]))


# ---- gradients that travel as plain data (grader.learner.core.wire.Rebuilt) -----------------------


def polynomial(data: Mapping[str, Any]) -> Callable[[Any], Any]:
    """p(w) = c[0] w**n + ... + c[n], elementwise, from ``{"coefficients": [c[0], ..., c[n]]}``."""
    coefficients = data.get("coefficients") if isinstance(data, Mapping) else None
    if not isinstance(coefficients, (list, tuple)) or not all(
            isinstance(c, (int, float)) and not isinstance(c, bool) for c in coefficients):
        raise ValueError("a polynomial is {'coefficients': [numbers]}")
    c = np.asarray([float(v) for v in coefficients], dtype=float)

    def p(w: Any) -> np.ndarray | float:
        value = np.polyval(c, np.asarray(w, dtype=float))
        return float(value) if np.ndim(value) == 0 else value

    return p


def linear_map(data: Mapping[str, Any]) -> Callable[[Any], Any]:
    """w -> M @ w (a quadratic bowl's gradient), from ``{"matrix": M}`` with M a 2-d float array."""
    matrix = data.get("matrix") if isinstance(data, Mapping) else None
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2 or matrix.dtype.kind != "f":
        raise ValueError("a linear map is {'matrix': a 2-d float array}")
    m = matrix.copy()

    def apply(w: Any) -> np.ndarray:
        return m @ np.asarray(w, dtype=float)

    return apply


#: What ``Rebuilt("gradient_descent", name, data)`` may name.
BUILDERS = {"polynomial": polynomial, "linear_map": linear_map}


# ---- plots ------------------------------------------------------------------------------------------


def _curve(name: str, fn: Callable[..., Any], w: np.ndarray) -> np.ndarray:
    return as_numbers(name, call_learner(name, fn, w), w.shape)


def _argmin(g: Callable[..., Any], lo: float = -3.0, hi: float = 3.0) -> float:
    """The minimiser of g on [lo, hi]: a grid, then a golden-section search around the best grid point."""
    w = np.linspace(lo, hi, 6001)
    values = _curve("g", g, w)
    i = int(np.nanargmin(values))
    a, b = w[max(i - 1, 0)], w[min(i + 1, w.size - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        gc, gd = _curve("g", g, np.array([c, d]))
        a, b = (a, d) if gc < gd else (c, b)
    return float((a + b) / 2)


@friendly
def quartic(g: Callable[..., Any], w_init: float = 2.5) -> plt.Figure:
    """The function to minimise, with the starting point and the minimum marked."""
    w = np.linspace(-2.6, 2.9, 300)
    values = _curve("g", g, w)
    w_min = _argmin(g)
    g_min, g_init = _curve("g", g, np.array([w_min, w_init]))

    fig, ax = subplots(figsize=(6.5, 4))
    ax.plot(w, values, color=BLUE, lw=2, label="g(w)")
    ax.plot([w_init], [g_init], "o", color=ORANGE, ms=8, label=f"start w = {w_init:g}")
    ax.plot([w_min], [g_min], "*", color=RED, ms=14, label=f"minimum near w = {w_min:.2f}")
    ax.set(xlabel="w", ylabel="g(w)", title="the quartic we will minimise")
    ax.legend()
    return fig


@friendly
def slopes(g: Callable[..., Any], dg_dw: Callable[..., Any], points: Sequence[float] = (-2.2, -1.0, 0.7, 2.0)) -> plt.Figure:
    """Left: g with the tangent lines given by the learner's derivative. Right: dg_dw itself, which
    crosses zero at the minimum."""
    w = np.linspace(-2.6, 2.9, 300)
    values = _curve("g", g, w)
    slope = _curve("dg_dw", dg_dw, w)
    at = np.asarray(points, dtype=float)
    g_at = _curve("g", g, at)
    slope_at = _curve("dg_dw", dg_dw, at)

    fig, (left, right) = subplots(1, 2, figsize=(11, 3.9))
    left.plot(w, values, color=BLUE, lw=2, label="g(w)")
    for w0, g0, s0 in zip(at, g_at, slope_at):
        span = np.linspace(w0 - 0.55, w0 + 0.55, 2)
        colour = RED if s0 > 0 else GREEN
        left.plot(span, g0 + s0 * (span - w0), color=colour, lw=2)
        left.plot([w0], [g0], "o", color=colour)
        left.annotate("step left" if s0 > 0 else "step right", (w0, g0), xytext=(0, -18),
                      textcoords="offset points", ha="center", color=colour, fontsize=9)
    left.set(xlabel="w", ylabel="g(w)", title="tangents from your dg_dw: red slopes up, green down")
    right.plot(w, slope, color=ORANGE, lw=2, label="dg_dw(w)")
    right.axhline(0.0, color=GREY, lw=1)
    right.fill_between(w, slope, 0, where=slope > 0, color=RED, alpha=0.15, label="positive: decrease w")
    right.fill_between(w, slope, 0, where=slope < 0, color=GREEN, alpha=0.15, label="negative: increase w")
    right.set(xlabel="w", ylabel="dg/dw", title="the derivative is zero at the minimum")
    right.legend(fontsize=8)
    return fig


@friendly
def descent_paths(
    g: Callable[..., Any],
    gradient_descent: Callable[..., Any],
    grad: Callable[..., Any],
    learning_rates: Sequence[float] = (0.1, 1.0, 2.0),
    w_init: float = 2.5,
    num_steps: int = 20,
    grad_name: str = "dg_dw",
) -> plt.Figure:
    """The iterates of the learner's gradient_descent on g for several learning rates: on the curve
    (left) and as g(w_t) against the step t (right). Paths that leave the picture are cut off there."""
    w = np.linspace(-2.6, 2.9, 300)
    values = _curve("g", g, w)
    _curve(grad_name, grad, w)  # the derivative's own failures are named as such

    def named_grad(v: Any) -> Any:
        return call_learner(grad_name, grad, v)

    paths = []
    for lr in learning_rates:
        path = as_numbers("gradient_descent", call_learner("gradient_descent", gradient_descent, named_grad, w_init, lr, num_steps))
        if path.shape != (num_steps + 1,):
            raise Unavailable("gradient_descent", ValueError(f"it returned shape {path.shape}, expected ({num_steps + 1},)"))
        paths.append(path)
    w_min = _argmin(g)
    g_min = float(_curve("g", g, np.array([w_min]))[0])
    top = float(values.max())

    colours = [GREEN, BLUE, RED, ORANGE, "purple", "brown"]
    fig, (left, right) = subplots(1, 2, figsize=(12, 4.3))
    left.plot(w, values, color=GREY, lw=2)
    left.plot([w_min], [g_min], "*", color="k", ms=12, zorder=5)
    for i, (lr, path) in enumerate(zip(learning_rates, paths)):
        colour = colours[i % len(colours)]
        inside = np.isfinite(path) & (path >= w[0]) & (path <= w[-1])
        stop = int(np.argmin(inside)) if not inside.all() else path.size
        shown = path[:stop]
        gs = _curve("g", g, shown) if shown.size else shown
        left.plot(shown, gs, "o-", color=colour, ms=4, lw=1, alpha=0.85, label=f"α = {lr:g}")
        if stop < path.size:
            left.annotate(f"α = {lr:g} leaves the plot\n(next w = {path[stop]:.3g})", (shown[-1], gs[-1]),
                          xytext=(10, 25), textcoords="offset points", color=colour, fontsize=8,
                          arrowprops={"arrowstyle": "->", "color": colour})
        steps = np.arange(path.size)
        finite = np.isfinite(path)
        g_path = np.full(path.shape, np.nan)
        g_path[finite] = _curve("g", g, path[finite])
        g_path = np.where(np.isfinite(g_path) & (g_path < top * 1.5 + 1), g_path, np.nan)
        right.plot(steps, g_path, "o-", color=colour, ms=3, lw=1.2, label=f"α = {lr:g}")
        if np.isnan(g_path).any():
            first = int(np.argmax(np.isnan(g_path)))
            right.annotate("diverges", (first - 1, g_path[first - 1]), xytext=(5, 8), textcoords="offset points",
                           color=colour, fontsize=9)
    left.set(xlabel="w", ylabel="g(w)", title=f"gradient descent from w = {w_init:g}")
    left.legend(fontsize=9)
    right.axhline(g_min, color="k", ls=":", lw=1)
    right.set(xlabel="step t", ylabel="g(w_t)", title="the loss after each step (dotted: the minimum)")
    right.legend(fontsize=9)
    return fig


@friendly
def descent_2d(
    gradient_descent: Callable[..., Any],
    learning_rates: Sequence[float] = (0.05, 0.12, 0.19),
    w_init: Sequence[float] = (-2.5, 1.5),
    num_steps: int = 25,
) -> plt.Figure:
    """Gradient descent with a vector w on the bowl g(w) = w1² + 5 w2² (gradient (2 w1, 10 w2))."""
    def bowl_grad(w: Any) -> np.ndarray:
        return np.array([2.0, 10.0]) * np.asarray(w, dtype=float)

    start = np.asarray(w_init, dtype=float)
    paths = []
    for lr in learning_rates:
        path = as_numbers("gradient_descent", call_learner("gradient_descent", gradient_descent, bowl_grad, start.copy(), lr, num_steps))
        if path.shape != (num_steps + 1, 2):
            raise Unavailable("gradient_descent", ValueError(f"for a vector w it returned shape {path.shape}, expected ({num_steps + 1}, 2)"))
        paths.append(path)
    a, b = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-2, 2, 81))

    fig, ax = subplots(figsize=(7.5, 4.6))
    ax.contour(a, b, a**2 + 5 * b**2, levels=14, colors=GREY, linewidths=0.7)
    for lr, path, colour in zip(learning_rates, paths, (GREEN, BLUE, RED)):
        ax.plot(path[:, 0], path[:, 1], "o-", color=colour, ms=3, lw=1.2, label=f"α = {lr:g}")
    ax.plot(*start, "s", color="k", ms=7)
    ax.plot(0, 0, "*", color="k", ms=12)
    ax.set(xlim=(-3, 3), ylim=(-2, 2), xlabel="w1", ylabel="w2", aspect="equal",
           title="vector w: each coordinate steps along its own partial derivative")
    ax.legend(fontsize=9, loc="upper right")
    return fig
