"""What every plot shares: colours, the time limit on a learner's call, never raising, and pyplot
imported only when a picture is drawn (the trusted side imports an exercise's learner module for its
probes and stand-ins, and never draws with pyplot).

A plot wraps itself in ``friendly``: while a learner's function is unfinished or broken, it prints
one line saying which function and why, instead of raising, so an unfinished notebook still runs
from top to bottom.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.core.calls import CallTimeout, time_limit
from grader.learner.core.rendering import rendering

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"

#: Each call of a learner's function from a plot gets this long, as in the self-check: a hanging
#: function costs a plot a few seconds, never the notebook.
CALL_TIMEOUT_S = 5.0


def pyplot() -> ModuleType:
    import matplotlib.pyplot

    return matplotlib.pyplot


def subplots(*args: Any, **kwargs: Any) -> Any:
    """``plt.subplots``: a new figure in pyplot's list, which ``friendly`` shows or closes."""
    return pyplot().subplots(*args, **kwargs)


# ---- never raising ------------------------------------------------------------------------


class Unavailable(Exception):
    """A learner's function could not give the plot what it needs."""

    def __init__(self, name: str, error: BaseException | None) -> None:
        super().__init__(name)
        self.name = name
        self.error = error

    def advice(self) -> str:
        if self.error is None:
            return f"Implement `{self.name}` above to see this plot."
        if isinstance(self.error, NotImplementedError):
            inner = raised_in(self.error)
            if inner and inner != self.name:
                return f"Implement `{inner}` (which `{self.name}` uses) above to see this plot."
            return f"Implement `{self.name}` above to see this plot."
        detail = f"{type(self.error).__name__}: {self.error}"
        if len(detail) > 160:
            detail = detail[:157] + "..."
        return f"`{self.name}` does not work yet ({detail}); fix it above to see this plot."


def raised_in(error: BaseException) -> str | None:
    """The name of the function whose code raised the error (the innermost frame), if it is a plain name."""
    tb = error.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    name = tb.tb_frame.f_code.co_name
    return name if name.isidentifier() else None


def call_learner(name: str, fn: Callable[..., Any] | None, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs), quietly; any failure becomes Unavailable naming the function."""
    if fn is None or not callable(fn):
        raise Unavailable(name, None)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings(), time_limit(CALL_TIMEOUT_S):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except Unavailable:
        raise
    except CallTimeout as exc:
        raise Unavailable(name, TimeoutError(f"it {exc}")) from None
    except Exception as exc:  # noqa: BLE001 - whatever the learner's code does, the plot only reports it
        raise Unavailable(name, exc) from None


def as_numbers(name: str, value: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """value as a float array (of the given shape), or Unavailable explaining why not."""
    try:
        arr = np.asarray(value, dtype=float)
    except Exception as exc:  # noqa: BLE001
        raise Unavailable(name, TypeError(f"it returned {type(value).__name__}, not numbers")) from exc
    if shape is not None and arr.shape != shape:
        if arr.size == int(np.prod(shape)):
            return arr.reshape(shape)
        raise Unavailable(name, ValueError(f"it returned shape {arr.shape}, expected {shape}"))
    return arr


def show(fig: plt.Figure) -> None:
    """Show the figure (inline in Jupyter), then free it; silent on non-interactive backends."""
    fig.tight_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyplot().show()
    pyplot().close(fig)


def friendly(plot: Callable[..., plt.Figure]) -> Callable[..., None]:
    @functools.wraps(plot)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        if not rendering():
            # A grading batch that keeps no notebook shows nobody these pictures; they are never graded,
            # and drawing them would be most of a submission's time.
            return None
        before = set(pyplot().get_fignums())
        try:
            with np.errstate(all="ignore"):
                fig = plot(*args, **kwargs)
        except Unavailable as missing:
            close_new(before)
            print(missing.advice())
            return None
        except Exception as exc:  # noqa: BLE001 - a plot must never break the notebook
            close_new(before)
            print(f"This plot could not be drawn ({type(exc).__name__}: {exc}); check the functions it uses above.")
            return None
        show(fig)
        return None

    return wrapper


def close_new(before: set[int]) -> None:
    for number in set(pyplot().get_fignums()) - before:
        pyplot().close(number)
