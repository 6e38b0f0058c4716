"""A course of the real notebooks with the keys of a term (due dates, late policy, extensions), for tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DUE = "2026-12-10T23:59:00+01:00"
#: The late policy and extension of the issue's example.
LATE_POLICY = {"grace_minutes": 15, "penalty_per_day": 0.10, "zero_after_days": 5}
EXTENSIONS = {"some-learner": {"perceptron": 2}}
#: The four submissions of the example: learner -> timestamp.txt as nbgrader submit writes it (UTC).
#: The due date is 22:59 UTC; 1.5 days after it is 10:59 UTC two days later.
EXAMPLE = {
    "on-time": "2026-12-10 20:00:00.000000 UTC",
    "late-1.5-days": "2026-12-12 10:59:00.000000 UTC",
    "late-10-days": "2026-12-20 22:59:00.000000 UTC",
    "some-learner": "2026-12-12 10:59:00.000000 UTC",
}
#: What each scores out of 10 (the issue's example).
EXAMPLE_SCORES = {"on-time": 10.0, "late-1.5-days": 8.0, "late-10-days": 0.0, "some-learner": 10.0}


def write_course(folder: Path, assignments: dict[str, dict[str, Any]], **keys: Any) -> Path:
    """course.yaml in ``folder``: the bundled course's settings, only ``assignments`` (id -> extra keys),
    the notebooks named by absolute path, no quizzes, and ``keys`` added at the top level."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    chosen = []
    for a in data["assignments"]:
        if a["id"] in assignments:
            chosen.append({**a, "notebook": str(ROOT / a["notebook"]), **assignments[a["id"]]})
    data.update(assignments=chosen, quizzes=[], **keys)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "course.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def example_course(folder: Path) -> Path:
    return write_course(folder, {"perceptron": {"due": DUE}}, late_policy=LATE_POLICY, extensions=EXTENSIONS)


def submit(tree: Path, student: str, assignment: str, notebook: Path, timestamp: str | None) -> Path:
    """A submitted/-style folder: <student>/<assignment>/<assignment>.ipynb and timestamp.txt."""
    dest = tree / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, dest / f"{assignment}.ipynb")
    if timestamp is not None:
        (dest / "timestamp.txt").write_text(timestamp)
    return dest
