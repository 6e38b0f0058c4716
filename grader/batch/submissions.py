"""Which submissions a batch grades: nbgrader's submitted/ tree or a flat folder of notebooks.

Layouts, tried in this order:
    <course folder>/submitted/<student>/<assignment>/<name>.ipynb   (nbgrader's, timestamp.txt beside it)
    <folder>/<student>/<assignment>/<name>.ipynb                     (the same tree without the course folder)
    <folder>/<student>.ipynb                                          (flat: --assignment, or read from its cells)

A submission's fingerprint is the SHA-256 of its notebook and its
timestamp.txt: a resubmission (a newer timestamp or a changed file) gets a
new one and is graded again; an unchanged submission is not.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from grader.batch.masters import Masters, detect_assignment


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    path: Path
    fingerprint: str
    timestamp: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


@dataclass(frozen=True)
class Unusable:
    """A file that is not a gradable submission, and why."""

    path: Path
    reason: str


def fingerprint(notebook: Path) -> tuple[str, str]:
    """(fingerprint, nbgrader timestamp) of a submitted notebook."""
    digest = hashlib.sha256(notebook.read_bytes())
    stamp = notebook.parent / "timestamp.txt"
    timestamp = stamp.read_text(errors="replace").strip() if stamp.is_file() else ""
    digest.update(b"\0timestamp\0" + timestamp.encode())
    return digest.hexdigest(), timestamp


def _tree(root: Path, masters: Masters, only: str | None) -> tuple[list[Submission], list[Unusable]]:
    found, bad = [], []
    for nb in sorted(root.glob("*/*/*.ipynb")):
        if nb.name.startswith("."):
            continue  # checkpoints and editor files
        student, assignment = nb.parent.parent.name, nb.parent.name
        if only and assignment != only:
            continue
        if assignment not in masters:
            bad.append(Unusable(nb, f"assignment {assignment!r} is not in the course (known: {', '.join(masters)})"))
            continue
        fp, ts = fingerprint(nb)
        found.append(Submission(student, assignment, nb, fp, ts))
    return found, bad


def _flat(root: Path, masters: Masters, only: str | None) -> tuple[list[Submission], list[Unusable]]:
    found, bad = [], []
    for nb in sorted(root.glob("*.ipynb")):
        assignment = only
        if assignment is None:
            try:
                assignment = detect_assignment(json.loads(nb.read_text()), masters)
            except (OSError, ValueError, AttributeError) as exc:
                bad.append(Unusable(nb, f"not a readable notebook ({exc}); name its assignment with --assignment "
                                        "to have it graded (and recorded) anyway"))
                continue
            if assignment is None:
                bad.append(Unusable(nb, "it has none of the course's test cells; name its assignment with --assignment"))
                continue
        fp, ts = fingerprint(nb)
        found.append(Submission(nb.stem, assignment, nb, fp, ts))
    return found, bad


def discover(root: Path, masters: Masters, assignment: str | None = None) -> tuple[list[Submission], list[Unusable]]:
    """Every submission under ``root``, and the files that cannot be graded (with why)."""
    if assignment is not None and assignment not in masters:
        raise ValueError(f"--assignment {assignment!r} is not in the course (known: {', '.join(masters)})")
    if (root / "submitted").is_dir():
        return _tree(root / "submitted", masters, assignment)
    if any(root.glob("*/*/*.ipynb")):
        return _tree(root, masters, assignment)
    return _flat(root, masters, assignment)
