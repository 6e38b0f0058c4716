"""Whether the worker draws figures: a batch that keeps no notebook closes them undrawn.

Kept apart from the matplotlib backend (``grader.learner.sandboxed.figures``) so that asking costs no import.
"""

from __future__ import annotations

import os

RENDER_ENV = "DLCOURSE_RENDER_FIGURES"


def rendering() -> bool:
    """False when the grading run that started this worker shows the learner's figures to nobody."""
    return os.environ.get(RENDER_ENV) != "0"
