"""Property probes for parts that a value comparison cannot judge (random layers)."""

from __future__ import annotations

from grader.learner.model import Probe
from grader.learner.probes import dropout

#: (assignment, part) -> its probes; the trusted checks and the self-check both read this.
PROBES: dict[tuple[str, str], tuple[Probe, ...]] = {**dropout.PROBES}
