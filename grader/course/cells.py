"""What nbgrader's metadata says of a notebook cell, read in one place.

nbgrader keeps a cell's role in ``cell.metadata.nbgrader``: ``grade`` (a test cell, worth
``points``), ``solution`` (the learner writes it), ``locked``, ``grade_id``, ``schema_version``.
A learner's notebook may hold anything there; ``grading_meta`` reads it the same way for the
release rules, restoring, grading and the gradebook, so no two of them can disagree about a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GradingMeta:
    """A cell's nbgrader metadata, read. ``present``: the cell has an nbgrader mapping, even an empty one
    (what nbgrader's DeduplicateIds leaves of a duplicate); False for a plain cell."""

    present: bool
    grade_id: str | None
    grade: bool
    solution: bool
    locked: bool
    #: As the notebook writes them: the release rules name a wrong value as it stands.
    points: Any
    schema_version: Any

    @property
    def max_points(self) -> float:
        return float(self.points or 0)


def nbgrader_metadata(cell: Any) -> dict[str, Any]:
    """The cell's ``metadata.nbgrader`` itself (for the steps that rewrite it), or an empty dict."""
    meta = cell.get("metadata", {})
    grading = meta.get("nbgrader") if isinstance(meta, dict) else None
    return grading if isinstance(grading, dict) else {}


def grading_shape_problem(cell: Any) -> str | None:
    """What in the cell's nbgrader metadata the reader above would have to guess at, in words; None if nothing.

    For a notebook read as data (a submission): such a notebook is named, never graded by a guess.
    """
    grading = cell.get("metadata", {}).get("nbgrader")
    if grading is not None and not isinstance(grading, dict):
        return f"metadata.nbgrader is {type(grading).__name__}, not a mapping"
    if isinstance(grading, dict) and not isinstance(grading.get("grade_id", ""), str):
        return "metadata.nbgrader.grade_id is not text"
    return None


def grading_meta(cell: Any) -> GradingMeta:
    raw = nbgrader_metadata(cell)
    grade_id = raw.get("grade_id")
    meta = cell.get("metadata", {})
    return GradingMeta(
        present=isinstance(meta, dict) and isinstance(meta.get("nbgrader"), dict), grade_id=grade_id if isinstance(grade_id, str) else None, grade=bool(raw.get("grade")),
        solution=bool(raw.get("solution")), locked=bool(raw.get("locked")), points=raw.get("points"),
        schema_version=raw.get("schema_version"),
    )


def make_plain(cell: Any) -> None:
    """The cell loses its nbgrader metadata: nothing grades it, restores it or counts it any more."""
    cell.get("metadata", {}).pop("nbgrader", None)

