"""Property probes for parts that a value comparison cannot judge (random layers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.learner.core.model import Probe
from grader.learner.core.probes import dropout

#: (assignment, part) -> its probes; the trusted checks and the self-check both read this.
PROBES: dict[tuple[str, str], tuple[Probe, ...]] = {**dropout.PROBES}
#: (assignment, part) -> the shape of its result (``Check.shape_of``), for the trivial floor.
SHAPES: dict[tuple[str, str], Callable[..., Any]] = {**dropout.SHAPES}
