"""Pictures for the exercise notebooks, drawn with the learner's own functions.

Every public function takes the learner's functions as arguments, computes
what it needs from them, draws one figure and shows it. None of them ever
raises: while a function is unfinished (``NotImplementedError``) or broken,
the plot prints one friendly line instead, so an unfinished notebook still
runs from top to bottom. Nothing here uses the reference solution; where a
picture needs a helper value (a stable sigmoid, say) it computes it itself.

Each plot is small and cheap (well under a second).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from grader.learner.calls import CallTimeout, time_limit

__all__ = [
    "activation_functions",
    "sigmoid_and_decision_line",
    "predict_regions",
    "parameter_growth",
    "bce_curves",
    "bce_vs_mse",
    "logits_vs_probabilities",
    "computational_graph",
    "training_curve",
    "quartic",
    "slopes",
    "descent_paths",
    "descent_2d",
    "dropout_masks",
    "kept_fraction",
]

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"

#: Each call of a learner's function from a plot gets this long, as in the self-check: a hanging
#: function costs a plot a few seconds, never the notebook.
CALL_TIMEOUT_S = 5.0

# The lectures' worked perceptron: W = (3, -2), w0 = 1, and the point x = (-1, 2).
LECTURE_W = (3.0, -2.0)
LECTURE_W0 = 1.0
LECTURE_POINT = (-1.0, 2.0)

# The one-hidden-neuron network drawn by computational_graph unless told otherwise.
GRAPH_X = 2.0
GRAPH_Y = 1.0
GRAPH_PARAMS = {"w1": 0.5, "b1": 0.0, "w2": -2.0, "b2": 0.5}


# ---- never raising ------------------------------------------------------------------------


class _Unavailable(Exception):
    """A learner's function could not give the plot what it needs."""

    def __init__(self, name: str, error: BaseException | None) -> None:
        super().__init__(name)
        self.name = name
        self.error = error

    def advice(self) -> str:
        if self.error is None:
            return f"Implement `{self.name}` above to see this plot."
        if isinstance(self.error, NotImplementedError):
            inner = _raised_in(self.error)
            if inner and inner != self.name:
                return f"Implement `{inner}` (which `{self.name}` uses) above to see this plot."
            return f"Implement `{self.name}` above to see this plot."
        detail = f"{type(self.error).__name__}: {self.error}"
        if len(detail) > 160:
            detail = detail[:157] + "..."
        return f"`{self.name}` does not work yet ({detail}); fix it above to see this plot."


def _raised_in(error: BaseException) -> str | None:
    """The name of the function whose code raised the error (the innermost frame), if it is a plain name."""
    tb = error.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    name = tb.tb_frame.f_code.co_name
    return name if name.isidentifier() else None


def _call(name: str, fn: Callable[..., Any] | None, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs), quietly; any failure becomes _Unavailable naming the function."""
    if fn is None or not callable(fn):
        raise _Unavailable(name, None)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings(), time_limit(CALL_TIMEOUT_S):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except _Unavailable:
        raise
    except CallTimeout as exc:
        raise _Unavailable(name, TimeoutError(f"it {exc}")) from None
    except Exception as exc:  # noqa: BLE001 - whatever the learner's code does, the plot only reports it
        raise _Unavailable(name, exc) from None


def _numbers(name: str, value: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """value as a float array (of the given shape), or _Unavailable explaining why not."""
    try:
        arr = np.asarray(value, dtype=float)
    except Exception as exc:  # noqa: BLE001
        raise _Unavailable(name, TypeError(f"it returned {type(value).__name__}, not numbers")) from exc
    if shape is not None and arr.shape != shape:
        if arr.size == int(np.prod(shape)):
            return arr.reshape(shape)
        raise _Unavailable(name, ValueError(f"it returned shape {arr.shape}, expected {shape}"))
    return arr


def _show(fig: plt.Figure) -> None:
    """Show the figure (inline in Jupyter), then free it; silent on non-interactive backends."""
    fig.tight_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plt.show()
    plt.close(fig)


def _friendly(plot: Callable[..., plt.Figure]) -> Callable[..., None]:
    @functools.wraps(plot)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        before = set(plt.get_fignums())
        try:
            with np.errstate(all="ignore"):
                fig = plot(*args, **kwargs)
        except _Unavailable as missing:
            _close_new(before)
            print(missing.advice())
            return None
        except Exception as exc:  # noqa: BLE001 - a plot must never break the notebook
            _close_new(before)
            print(f"This plot could not be drawn ({type(exc).__name__}: {exc}); check the functions it uses above.")
            return None
        _show(fig)
        return None

    return wrapper


def _close_new(before: set[int]) -> None:
    for number in set(plt.get_fignums()) - before:
        plt.close(number)


def _stable_sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ---- perceptron ---------------------------------------------------------------------------


@_friendly
def activation_functions(sigmoid: Callable[..., Any], relu: Callable[..., Any] | None = None) -> plt.Figure:
    """The learner's sigmoid (and ReLU, when given) over z in [-6, 6]."""
    z = np.linspace(-6.0, 6.0, 241)
    s = _numbers("sigmoid", _call("sigmoid", sigmoid, z), z.shape)
    r = _numbers("relu", _call("relu", relu, z), z.shape) if relu is not None else None
    fig, axes = plt.subplots(1, 2 if r is not None else 1, figsize=(10 if r is not None else 5.5, 3.4), squeeze=False)
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


@_friendly
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
    s = _numbers("sigmoid", _call("sigmoid", sigmoid, zs), zs.shape)
    p_point = float(_numbers("sigmoid", _call("sigmoid", sigmoid, np.float64(z_point))).reshape(-1)[0])

    g1, g2 = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-3, 3, 121))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    prob = _numbers("perceptron_forward", _call("perceptron_forward", perceptron_forward, grid, W, w0), (grid.shape[0],))
    p_forward = float(_numbers("perceptron_forward", _call("perceptron_forward", perceptron_forward, x, W, w0)).reshape(-1)[0])

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
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


@_friendly
def predict_regions(
    predict: Callable[..., Any], W: Sequence[float] = LECTURE_W, w0: float = LECTURE_W0
) -> plt.Figure:
    """Integer points of [-3, 3]^2 marked with the learner's predicted class, and the line w0 + W.x = 0."""
    W = np.asarray(W, dtype=float)
    g1, g2 = np.meshgrid(np.arange(-3.0, 3.5, 0.5), np.arange(-3.0, 3.5, 0.5))
    X = np.column_stack([g1.ravel(), g2.ravel()])
    classes = _numbers("predict", _call("predict", predict, X, W, w0), (X.shape[0],))
    on_line = np.isclose(w0 + X @ W, 0.0)

    fig, ax = plt.subplots(figsize=(5.2, 4.8))
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


@_friendly
def parameter_growth(count_parameters: Callable[..., Any], n_inputs: int = 29, marked_width: int = 16) -> plt.Figure:
    """Parameters of [n_inputs, h, 1] and [n_inputs, h, h, 1] against the hidden width h."""
    widths = np.arange(1, 129)
    one = [int(_call("count_parameters", count_parameters, [n_inputs, int(h), 1])) for h in widths]
    two = [int(_call("count_parameters", count_parameters, [n_inputs, int(h), int(h), 1])) for h in widths]
    marked = int(_call("count_parameters", count_parameters, [n_inputs, marked_width, 1]))

    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(widths, one, color=BLUE, lw=2, label=f"one hidden layer  [{n_inputs}, h, 1]")
    ax.plot(widths, two, color=ORANGE, lw=2, label=f"two hidden layers [{n_inputs}, h, h, 1]")
    ax.plot([marked_width], [marked], "o", color=RED)
    ax.annotate(f"[{n_inputs}, {marked_width}, 1]: {marked} parameters", (marked_width, marked),
                xytext=(35, 6000), arrowprops={"arrowstyle": "->", "color": RED}, color=RED)
    ax.set(xlabel="hidden width h", ylabel="weights + biases", title="parameters grow like the product of layer widths")
    ax.legend(fontsize=9)
    return fig


# ---- binary cross-entropy -----------------------------------------------------------------


def _loss_per_probability(name: str, loss: Callable[..., Any], y: float, p: np.ndarray) -> np.ndarray:
    """loss(y, p) for every p separately (the learner's loss is a mean over its inputs)."""
    out = np.empty_like(p)
    for i, pi in enumerate(p):
        value = _numbers(name, _call(name, loss, np.array([y]), np.array([pi])))
        if value.size != 1:
            raise _Unavailable(name, ValueError(f"it returned {value.size} numbers for one sample; expected their mean"))
        out[i] = value.reshape(-1)[0]
    return out


@_friendly
def bce_curves(bce_loss: Callable[..., Any]) -> plt.Figure:
    """The log loss of one sample against the predicted probability p, for y = 1 and for y = 0."""
    p = np.linspace(0.001, 0.999, 200)
    loss1 = _loss_per_probability("bce_loss", bce_loss, 1.0, p)
    loss0 = _loss_per_probability("bce_loss", bce_loss, 0.0, p)
    marks = np.array([0.001, 0.5, 0.9])
    marks1 = _loss_per_probability("bce_loss", bce_loss, 1.0, marks)

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(p, loss1, color=RED, lw=2, label="y = 1: loss = -ln p")
    ax.plot(p, loss0, color=BLUE, lw=2, label="y = 0: loss = -ln(1 - p)")
    for pm, lm in zip(marks, marks1):
        ax.plot([pm], [lm], "o", color=RED)
        ax.annotate(f"p = {pm:g}: {lm:.3f}", (pm, lm), xytext=(8, 4), textcoords="offset points", color=RED, fontsize=9)
    ax.set(xlabel="predicted probability p that y = 1", ylabel="loss of one sample", ylim=(-0.2, 7.5),
           title="confident and wrong costs a lot; confident and right costs almost nothing")
    ax.legend(loc="upper center")
    return fig


@_friendly
def bce_vs_mse(bce_loss: Callable[..., Any], mse_loss: Callable[..., Any]) -> plt.Figure:
    """For a sample with y = 1: log loss and squared error against p, and how steeply each punishes."""
    p = np.linspace(0.001, 0.999, 200)
    bce = _loss_per_probability("bce_loss", bce_loss, 1.0, p)
    mse = _loss_per_probability("mse_loss", mse_loss, 1.0, p)

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(p, bce, color=RED, lw=2, label="binary cross-entropy")
    ax.plot(p, mse, color=GREEN, lw=2, label="squared error (1 - p)²")
    ax.set(xlabel="predicted probability p (the true label is y = 1)", ylabel="loss", ylim=(-0.2, 7.5),
           title="squared error never exceeds 1 for probabilities; log loss has no ceiling")
    ax.legend()
    return fig


@_friendly
def logits_vs_probabilities(bce_loss: Callable[..., Any], bce_with_logits: Callable[..., Any]) -> plt.Figure:
    """For y = 1 and logits z: the loss from logits against the loss from clipped probabilities sigmoid(z)."""
    z = np.linspace(-60.0, 10.0, 281)
    from_logits = _loss_per_probability("bce_with_logits", bce_with_logits, 1.0, z)
    from_probs = _loss_per_probability("bce_loss", bce_loss, 1.0, _stable_sigmoid(z))

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(z, from_logits, color=BLUE, lw=2.5, label="bce_with_logits(1, z)")
    ax.plot(z, from_probs, color=ORANGE, lw=2, ls="--", label="bce_loss(1, sigmoid(z))")
    ax.axhline(-np.log(1e-12), color=GREY, ls=":", lw=1)
    ax.text(-59, -np.log(1e-12) + 1.2, "-ln(1e-12) ≈ 27.6: the clipping ceiling", color=GREY, fontsize=9)
    ax.set(xlabel="logit z (the label is y = 1)", ylabel="loss",
           title="from logits, the loss keeps growing; through probabilities it gets stuck")
    ax.legend(loc="upper right")
    return fig


# ---- backpropagation ------------------------------------------------------------------------


def _first(name: str, value: Any) -> float:
    arr = _numbers(name, value)
    if arr.size < 1:
        raise _Unavailable(name, ValueError("it returned an empty array"))
    return float(arr.reshape(-1)[0])


def _box(ax: plt.Axes, xy: tuple[float, float], title: str, value: str, colour: str, width: float = 1.1) -> None:
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.38), width, 0.76, boxstyle="round,pad=0.04",
                                fc="white", ec=colour, lw=2))
    ax.text(x, y + 0.14, title, ha="center", va="center", fontsize=12, fontweight="bold")
    ax.text(x, y - 0.19, value, ha="center", va="center", fontsize=10, color=colour)


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], colour: str = "k") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour, lw=1.4))


@_friendly
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
    cache = _call("forward", forward, xs, params)
    if not isinstance(cache, Mapping):
        raise _Unavailable("forward", TypeError(f"it returned {type(cache).__name__}, not a dict"))
    try:
        z1, a1, z2, yhat = (_first("forward", cache[k]) for k in ("z1", "a1", "z2", "yhat"))
    except KeyError as exc:
        raise _Unavailable("forward", KeyError(f"its dict has no key {exc}")) from None
    loss = float(-(y * np.log(max(yhat, 1e-12)) + (1 - y) * np.log(max(1 - yhat, 1e-12))))

    grads: dict[str, float] | None = None
    inner: dict[str, float] = {}
    if backward is not None:
        got = _call("backward", backward, xs, ys, params, cache)
        if not isinstance(got, Mapping):
            raise _Unavailable("backward", TypeError(f"it returned {type(got).__name__}, not a dict"))
        try:
            grads = {k: _first("backward", got[k]) for k in ("w1", "b1", "w2", "b2")}
        except KeyError as exc:
            raise _Unavailable("backward", KeyError(f"its dict has no key {exc}")) from None
        # The inner nodes' gradients follow from the forward values (one sample, so n = 1).
        dz2 = yhat - y
        da1 = dz2 * params["w2"]
        inner = {
            "yhat": (yhat - y) / max(yhat * (1 - yhat), 1e-300),
            "z2": dz2,
            "a1": da1,
            "z1": da1 * a1 * (1 - a1),
        }

    fig, ax = plt.subplots(figsize=(12, 4.4))
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


@_friendly
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
        cache = _call("forward", forward, x, params)
        yhat = np.clip(_numbers("forward", cache["yhat"], x.shape), 1e-12, 1 - 1e-12)
        losses.append(float(np.mean(-(y * np.log(yhat) + (1 - y) * np.log(1 - yhat)))))
        grads = _call("backward", backward, x, y, params, cache)
        params = {k: float(params[k] - learning_rate * float(_numbers("backward", grads[k]))) for k in params}
    grid = np.linspace(-4.5, 4.5, 200)
    fitted = _numbers("forward", _call("forward", forward, grid, params)["yhat"], grid.shape)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.plot(losses, color=RED, lw=2)
    left.set(xlabel="gradient-descent step", ylabel="mean BCE J", title=f"training with your gradients (α = {learning_rate:g})")
    right.scatter(x, y, color=GREY, s=18, label="data (y = 0 or 1)")
    right.plot(grid, fitted, color=BLUE, lw=2, label="trained network ŷ(x)")
    right.set(xlabel="x", ylabel="ŷ", title="what the trained network predicts", ylim=(-0.08, 1.08))
    right.legend(loc="upper left", fontsize=9)
    return fig


# ---- gradient descent -------------------------------------------------------------------------


def _curve(name: str, fn: Callable[..., Any], w: np.ndarray) -> np.ndarray:
    return _numbers(name, _call(name, fn, w), w.shape)


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


@_friendly
def quartic(g: Callable[..., Any], w_init: float = 2.5) -> plt.Figure:
    """The function to minimise, with the starting point and the minimum marked."""
    w = np.linspace(-2.6, 2.9, 300)
    values = _curve("g", g, w)
    w_min = _argmin(g)
    g_min, g_init = _curve("g", g, np.array([w_min, w_init]))

    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(w, values, color=BLUE, lw=2, label="g(w)")
    ax.plot([w_init], [g_init], "o", color=ORANGE, ms=8, label=f"start w = {w_init:g}")
    ax.plot([w_min], [g_min], "*", color=RED, ms=14, label=f"minimum near w = {w_min:.2f}")
    ax.set(xlabel="w", ylabel="g(w)", title="the quartic we will minimise")
    ax.legend()
    return fig


@_friendly
def slopes(g: Callable[..., Any], dg_dw: Callable[..., Any], points: Sequence[float] = (-2.2, -1.0, 0.7, 2.0)) -> plt.Figure:
    """Left: g with the tangent lines given by the learner's derivative. Right: dg_dw itself, which
    crosses zero at the minimum."""
    w = np.linspace(-2.6, 2.9, 300)
    values = _curve("g", g, w)
    slope = _curve("dg_dw", dg_dw, w)
    at = np.asarray(points, dtype=float)
    g_at = _curve("g", g, at)
    slope_at = _curve("dg_dw", dg_dw, at)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.9))
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


@_friendly
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
        return _call(grad_name, grad, v)

    paths = []
    for lr in learning_rates:
        path = _numbers("gradient_descent", _call("gradient_descent", gradient_descent, named_grad, w_init, lr, num_steps))
        if path.shape != (num_steps + 1,):
            raise _Unavailable("gradient_descent", ValueError(f"it returned shape {path.shape}, expected ({num_steps + 1},)"))
        paths.append(path)
    w_min = _argmin(g)
    g_min = float(_curve("g", g, np.array([w_min]))[0])
    top = float(values.max())

    colours = [GREEN, BLUE, RED, ORANGE, "purple", "brown"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.3))
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


@_friendly
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
        path = _numbers("gradient_descent", _call("gradient_descent", gradient_descent, bowl_grad, start.copy(), lr, num_steps))
        if path.shape != (num_steps + 1, 2):
            raise _Unavailable("gradient_descent", ValueError(f"for a vector w it returned shape {path.shape}, expected ({num_steps + 1}, 2)"))
        paths.append(path)
    a, b = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-2, 2, 81))

    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    ax.contour(a, b, a**2 + 5 * b**2, levels=14, colors=GREY, linewidths=0.7)
    for lr, path, colour in zip(learning_rates, paths, (GREEN, BLUE, RED)):
        ax.plot(path[:, 0], path[:, 1], "o-", color=colour, ms=3, lw=1.2, label=f"α = {lr:g}")
    ax.plot(*start, "s", color="k", ms=7)
    ax.plot(0, 0, "*", color="k", ms=12)
    ax.set(xlim=(-3, 3), ylim=(-2, 2), xlabel="w1", ylabel="w2", aspect="equal",
           title="vector w: each coordinate steps along its own partial derivative")
    ax.legend(fontsize=9, loc="upper right")
    return fig


# ---- dropout -------------------------------------------------------------------------------


def _mask_of(dropout_forward: Callable[..., Any], a: np.ndarray, p_drop: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    result = _call("dropout_forward", dropout_forward, a, p_drop, np.random.default_rng(seed))
    if not isinstance(result, tuple) or len(result) != 2:
        raise _Unavailable("dropout_forward", TypeError("it should return the pair (out, mask)"))
    out, mask = result
    if mask is None:
        raise _Unavailable("dropout_forward", ValueError("in training it returned mask None"))
    return _numbers("dropout_forward", out, a.shape), _numbers("dropout_forward", mask, a.shape) != 0


@_friendly
def dropout_masks(
    dropout_forward: Callable[..., Any],
    p_drops: Sequence[float] = (0.2, 0.5, 0.8),
    shape: tuple[int, int] = (16, 32),
    seed: int = 0,
) -> plt.Figure:
    """The learner's masks as images (white: kept, black: dropped), one per p_drop, on a batch of
    all-ones activations (rows: samples, columns: units)."""
    a = np.ones(shape)
    masks = [_mask_of(dropout_forward, a, p, seed)[1] for p in p_drops]

    fig, axes = plt.subplots(1, len(p_drops), figsize=(4.2 * len(p_drops), 2.9), squeeze=False)
    for ax, p, mask in zip(axes[0], p_drops, masks):
        ax.imshow(mask, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set(title=f"p_drop = {p:g}: kept {mask.mean():.0%} (expect {1 - p:.0%})", xlabel="unit", ylabel="sample")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


@_friendly
def kept_fraction(dropout_forward: Callable[..., Any], size: int = 10_000, seed: int = 0) -> plt.Figure:
    """Left: the fraction of units the learner's dropout keeps, against 1 - p_drop.
    Right: the mean of out divided by the mean of a, which inverted dropout keeps near 1."""
    p_drops = np.linspace(0.0, 0.9, 19)
    rng = np.random.default_rng(seed + 1)
    a = rng.uniform(0.5, 1.5, size=size)
    kept, ratio = [], []
    for i, p in enumerate(p_drops):
        out, mask = _mask_of(dropout_forward, a, float(p), seed + i)
        kept.append(mask.mean())
        ratio.append(out.mean() / a.mean())

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.plot(p_drops, 1 - p_drops, color=GREY, lw=2, ls="--", label="1 - p_drop")
    left.plot(p_drops, kept, "o", color=BLUE, label="kept fraction of your mask")
    left.set(xlabel="p_drop", ylabel="fraction of units kept", title=f"{size} units per draw")
    left.legend()
    right.axhline(1.0, color=GREY, lw=2, ls="--", label="no change on average")
    right.plot(p_drops, ratio, "o", color=ORANGE, label="mean(out) / mean(a)")
    right.set(xlabel="p_drop", ylabel="ratio", ylim=(0, 2), title="rescaling by 1/(1 - p_drop) keeps the mean")
    right.legend()
    return fig
