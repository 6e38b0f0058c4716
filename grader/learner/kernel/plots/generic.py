"""Plots any exercise can use before it has pictures of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREY, as_numbers, call_learner, friendly, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["function_curve"]


@friendly
def function_curve(fn: Callable[..., Any], name: str, lo: float = -6.0, hi: float = 6.0) -> plt.Figure:
    """The learner's elementwise function ``fn`` (called ``name`` in messages) over [lo, hi]."""
    z = np.linspace(lo, hi, 241)
    values = as_numbers(name, call_learner(name, fn, z), z.shape)
    fig, ax = subplots(figsize=(5.5, 3.4))
    ax.plot(z, values, color=BLUE, lw=2)
    ax.axvline(0.0, color=GREY, ls=":", lw=1)
    ax.set(title=f"your {name}", xlabel="z", ylabel=f"{name}(z)")
    return fig
