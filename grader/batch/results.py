"""One submission's result as a stable document, and the folder that keeps them across runs.

The document (``--json`` prints it; ``SCHEMA`` names its version)::

    {"schema": "dlcourse.grade/1", "student": ..., "assignment": ..., "fingerprint": ..., "timestamp": ...,
     "status": "graded" | "grading-failed", "error": null | "why nothing could be graded",
     "warnings": ["what was odd but did not stop grading (an unreadable timestamp.txt, say)"],
     "total": 7.5, "max": 10.0, "sandbox": "...",
     "raw_total": 7.5, "penalty": 0.0, "submitted_at": "ISO 8601 UTC" | "", "late_by_s": 0.0,
     "late": "the lateness and its penalty in words" | "", "feedback": "full" | "summary",
     "parts": {"<part>": {"points": 2.0, "max": 2.0, "status": "passed" | "failed" | "grading-failed" | "missing",
                          "message": "...", "diagnoses": ["..."]}}}

``ResultStore`` keeps one such file per submission, written atomically (a
temporary file, fsync, rename), so a batch killed at any moment leaves every
result either whole or absent, and a rerun grades exactly what is absent or
out of date. Its file names are ``storage_name``s: a learner id or assignment of
any length or character set gets a short, unique name; the real id is inside.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.nbgrader_glue.notebook import NotebookGrade
from grader.course.cells import grading_meta
from grader.nbgrader_glue.masters import Master
from grader.nbgrader_glue.reading import Submission, storage_name

SCHEMA = "dlcourse.grade/1"
PART_STATUSES = ("passed", "failed", "grading-failed", "missing")


def _finite(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


def _header(sub: Submission) -> dict[str, Any]:
    return {"schema": SCHEMA, "student": sub.student, "assignment": sub.assignment, "fingerprint": sub.fingerprint,
            "timestamp": sub.timestamp, "warnings": list(sub.warnings)}


def graded_document(sub: Submission, grade: NotebookGrade) -> dict[str, Any]:
    """``total`` is after the late penalty; the parts keep the points they earned (``raw_total`` in all)."""
    parts = {
        pid: {"points": _finite(p.points), "max": _finite(p.max_points),
              "status": "missing" if p.unanswered and p.status == "failed" else p.status,
              "message": p.message, "diagnoses": list(p.diagnoses)}
        for pid, p in grade.parts.items()
    }
    raw = sum(p["points"] for p in parts.values())
    late = grade.late_record()
    warning = grade.late.warning if grade.late is not None else None
    header = _header(sub)
    if warning:
        header["warnings"] = [*header["warnings"], warning]
    return {**header, "status": "graded", "error": None, "total": raw - late["penalty"],
            "max": sum(p["max"] for p in parts.values()), "sandbox": grade.sandbox, "parts": parts,
            "raw_total": raw, "penalty": late["penalty"], "submitted_at": late["submitted_at"],
            "late_by_s": late["late_by_s"], "late": late["words"], "feedback": grade.detail}


def failed_document(sub: Submission, master: Master | None, error: str, sandbox: str = "") -> dict[str, Any]:
    """Nothing could be graded (an unreadable notebook, say): every part scores 0 as grading-failed."""
    parts = {}
    for gid, cell in (master.cells.items() if master else ()):
        meta = grading_meta(cell)
        if meta.grade:
            parts[gid] = {"points": 0.0, "max": meta.max_points, "status": "grading-failed",
                          "message": f"This submission could not be graded: {error}", "diagnoses": []}
    return {**_header(sub), "status": "grading-failed", "error": error, "total": 0.0,
            "max": sum(p["max"] for p in parts.values()), "sandbox": sandbox, "parts": parts}


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds either its old contents or all of ``data``, whenever the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short temporary name: the final one may already be as long as a file name can be.
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class ResultStore:
    """``<root>/<assignment>/<student>.json``, one per submission."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, student: str, assignment: str) -> Path:
        return self.root / storage_name(assignment) / f"{storage_name(student)}.json"

    def load(self, student: str, assignment: str) -> dict[str, Any] | None:
        try:
            doc = json.loads(self.path(student, assignment).read_bytes())
        except (OSError, ValueError):
            return None
        return doc if isinstance(doc, dict) and doc.get("schema") == SCHEMA else None

    def is_current(self, sub: Submission) -> bool:
        """Graded already, from this very file (a failed grading is tried again)."""
        doc = self.load(sub.student, sub.assignment)
        return (doc is not None and doc.get("fingerprint") == sub.fingerprint and doc.get("status") == "graded"
                and doc.get("student") == sub.student and doc.get("assignment") == sub.assignment)

    def write(self, doc: dict[str, Any]) -> None:
        data = json.dumps(doc, indent=1, sort_keys=False, allow_nan=False).encode()
        write_atomic(self.path(doc["student"], doc["assignment"]), data)

    def documents(self) -> Iterator[dict[str, Any]]:
        for path in sorted(self.root.glob("*/*.json")):
            try:
                doc = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if isinstance(doc, dict) and doc.get("schema") == SCHEMA:
                yield doc
