"""Pictures in a learner's feedback: their own result drawn next to the right one.

Each exercise module may define ``FEEDBACK_FIGURES``: part id → ``draw(namespace, ctx) -> Figure``
(found by ``grader.exercises.feedback_figure``; this module, which the exercises import for its drawing
helpers, knows no exercise).
A drawing calls the learner's functions the way the checks do (``safe_call``: across the wall,
with a time limit) and the reference on the trusted side, and is rendered here to a PNG that goes
into the part's test cell, so nbgrader's feedback HTML shows it. A figure never costs points and
never stops grading: when the learner's function gives nothing usable, there is simply no figure.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.core.calls import safe_call
from grader.learner.core.model import Context

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn: a batch without figures never pays for it
    from matplotlib.figure import Figure

#: Colours shared by every feedback figure: the learner's result, and the reference's.
YOURS, RIGHT, BAND = "#d62728", "#1f77b4", "#9ecae1"


class NoFigure(Exception):
    """The learner's function gave nothing a figure could show."""


def call(namespace: Mapping[str, Any], name: str, *args: Any, ctx: Context) -> Any:
    """The learner's ``name(*args)``, as the checks call it; NoFigure unless it returned normally."""
    fn = namespace.get(name)
    if not callable(fn):
        raise NoFigure(f"{name} is not defined")
    result = safe_call(fn, args, {}, (), ctx.timeout_s)
    if result.kind != "ok":
        raise NoFigure(f"{name}: {result.kind}")
    return result.value


def numbers(value: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as finite-or-not floats of the given shape; NoFigure when it is not numbers."""
    if value is None:
        raise NoFigure("returned None")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise NoFigure("not numbers") from None
    if not np.isfinite(arr).any():
        raise NoFigure("no finite number")  # nothing to draw: the message says what went wrong
    if shape is not None:
        if arr.size != int(np.prod(shape)):
            raise NoFigure(f"shape {arr.shape}, not {shape}")
        arr = arr.reshape(shape)
    return arr


def figure(width: float = 6.0, height: float = 3.4, ncols: int = 1) -> tuple[Figure, Any]:
    """A figure outside pyplot's global state (grading may run many at once)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols)
    return fig, axes


def png_base64(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


Draw = Callable[[Mapping[str, Any], Context], "Figure"]


def feedback_figures(draw: Draw | None, namespace: Mapping[str, Any], ctx: Context) -> list[str]:
    """A part's feedback figure (``grader.exercises.feedback_figure``) as base64 PNGs: none where the
    exercise draws none, or could not."""
    if draw is None:
        return []
    try:
        with np.errstate(all="ignore"):
            return [png_base64(draw(namespace, ctx))]
    except NoFigure:
        return []
    except Exception:  # noqa: BLE001 - a picture must never cost a learner their grade
        return []


def curve_against_right(namespace: Mapping[str, Any], ctx: Context, name: str, grid: np.ndarray,
                        right: np.ndarray, xlabel: str) -> Figure:
    """An elementwise function of the learner's over ``grid``, drawn over the right curve."""
    yours = numbers(call(namespace, name, grid.copy(), ctx=ctx), grid.shape)
    fig, ax = figure()
    ax.plot(grid, right, color=RIGHT, lw=4, alpha=0.5, label=f"the right {name}")
    ax.plot(grid, yours, color=YOURS, lw=1.6, ls="--", label=f"your {name}")
    ax.set(title=f"Your {name} against the right one", xlabel=xlabel, ylabel=f"{name}({xlabel})")
    ax.legend(loc="best")
    return fig


def bars_against_right(title: str, names: list[str], yours: list[float], right: list[float],
                       right_label: str) -> Figure:
    """Values of the learner's (gradients, say) side by side with the right ones."""
    fig, ax = figure()
    x = np.arange(len(names))
    ax.bar(x - 0.2, right, width=0.4, color=RIGHT, label=right_label)
    ax.bar(x + 0.2, yours, width=0.4, color=YOURS, label="yours")
    ax.set_xticks(x, names)
    ax.axhline(0.0, color="#7f7f7f", lw=0.8)
    ax.set(title=title)
    ax.legend(loc="best")
    return fig
