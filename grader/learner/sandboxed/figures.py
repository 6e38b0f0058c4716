"""A matplotlib backend for the sandboxed worker: ``plt.show()`` keeps each figure as a PNG.

Jupyter's inline backend shows a figure when ``plt.show()`` is called and again for any figure
still open at the end of a cell; the worker does the same with this backend
(``MPLBACKEND=module://grader.learner.sandboxed.figures``), so the learner's plots reach the graded
notebook and its feedback.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg, FigureManagerBase

from grader.learner.core.rendering import rendering

MAX_FIGURES = 8
MAX_BYTES = 2 * 1024 * 1024
FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase

_captured: list[bytes] = []


def _capture_open_figures() -> None:
    import matplotlib.pyplot as plt

    for number in plt.get_fignums() if rendering() else ():
        buf = io.BytesIO()
        try:
            plt.figure(number).savefig(buf, format="png", dpi=72, bbox_inches="tight")
        except Exception:  # noqa: BLE001 - a broken figure is simply not shown
            continue
        if len(_captured) < MAX_FIGURES and buf.tell() <= MAX_BYTES:
            _captured.append(buf.getvalue())
    plt.close("all")


def show(*args: object, **kwargs: object) -> None:
    _capture_open_figures()


def take() -> list[bytes]:
    """The PNGs shown since the last call, plus any figure still open (as at the end of a cell)."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        _capture_open_figures()
    images = list(_captured)
    _captured.clear()
    return images
