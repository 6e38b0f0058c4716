"""The report's pictures, as PNG data URIs so the page needs no file beside it and no network.

Figures are built on matplotlib's object API with the Agg canvas (no pyplot): nothing global is
touched, so making many in a row (a course of ten assignments) leaks no open figures and works
with whatever backend the caller has selected.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def png_data_uri(fig: Figure, dpi: int = 100) -> str:
    """``fig`` rendered as ``data:image/png;base64,...``."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(totals: Sequence[float], max_points: float, title: str) -> str:
    """Histogram of assignment totals on the axis 0 … ``max_points`` (the maximum is always shown)."""
    fig = Figure(figsize=(4.6, 2.6), layout="constrained")
    ax = fig.add_subplot()
    top = max_points if max_points > 0 else max(list(totals) + [1.0])
    # One bin per point up to 20 points, so a whole-point total is one bar; finer grading gets 20 bins.
    bins = max(1, min(20, math.ceil(top)))
    ax.hist(list(totals), bins=bins, range=(0, top), color="#3b6ea5", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"total points (out of {top:g})")
    ax.set_ylabel("learners")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=10)
    return png_data_uri(fig)
