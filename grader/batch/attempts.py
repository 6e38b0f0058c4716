"""Every graded attempt of a learner at an assignment, and which one is the grade (course.yaml's ``attempts:``).

``dlcourse grade`` and ``dlcourse serve`` both record here each submission they grade, one JSON
document per attempt (the result document of ``grader.batch.results`` plus an ``attempt`` block),
written atomically under a name made of its fingerprint: recording the same submission twice
(a service killed between two writes, then restarted) rewrites the same file, so nothing is counted
twice. ``ResultStore`` keeps holding the latest graded submission (the batch resumes from it); the
gradebook takes, per learner and assignment, the attempt the policy says counts.

Days for ``graded_per_day`` are the policy's time zone's calendar days of the moment an attempt was
graded: a submission kept back today is graded after midnight and takes one of that day's attempts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from grader.nbgrader_glue.reading import parse_timestamp, storage_name
from grader.batch.results import SCHEMA, ResultStore, write_atomic
from grader.course.config import Attempts, Course

ATTEMPTS_DIR = "dlcourse-attempts"
ATTEMPT_COLUMNS = ["student", "assignment", "attempt", "submitted", "graded_at", "by", "total", "max", "counts"]


def today(policy: Attempts, now: datetime) -> date:
    """The policy's calendar day at ``now`` (an aware time)."""
    return now.astimezone(ZoneInfo(policy.timezone)).date()


def _submitted_key(doc: dict[str, Any]) -> tuple[datetime, str]:
    when = parse_timestamp(doc.get("timestamp") or "")
    graded = doc.get("attempt", {}).get("graded_at", "")
    # A submission without a readable time sorts by when it was graded (both naive UTC).
    fallback = datetime.fromisoformat(graded).astimezone(timezone.utc).replace(tzinfo=None) if graded else datetime.min
    return (when if when is not None else fallback), doc.get("fingerprint", "")


@dataclass(frozen=True)
class History:
    """One learner's graded attempts at one assignment, oldest submission first."""

    docs: tuple[dict[str, Any], ...]

    def counted(self, policy: Attempts) -> int | None:
        """Index of the attempt that is the grade: the last one, or the best total (the earliest of equals)."""
        if not self.docs:
            return None
        if policy.counts == "last":
            return len(self.docs) - 1
        best = max(doc["total"] for doc in self.docs)
        return next(i for i, doc in enumerate(self.docs) if doc["total"] == best)

    def graded_on(self, policy: Attempts, day: date) -> int:
        """How many attempts were graded on ``day`` (the policy's calendar)."""
        zone = ZoneInfo(policy.timezone)
        return sum(1 for doc in self.docs
                   if datetime.fromisoformat(doc["attempt"]["graded_at"]).astimezone(zone).date() == day)

    def remaining_on(self, policy: Attempts, day: date) -> int | None:
        """Graded attempts left on ``day``; None where the policy sets no limit."""
        if policy.graded_per_day is None:
            return None
        return max(0, policy.graded_per_day - self.graded_on(policy, day))

    def latest_submitted(self) -> datetime | None:
        return _submitted_key(self.docs[-1])[0] if self.docs else None

    def number_of(self, fingerprint: str) -> int | None:
        """The 1-based number of the attempt with this fingerprint."""
        return next((i + 1 for i, d in enumerate(self.docs) if d.get("fingerprint") == fingerprint), None)


class AttemptStore:
    """``<root>/<assignment>/<student>/<fingerprint>.json``, one per graded attempt."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def beside(cls, results: ResultStore) -> AttemptStore:
        """The attempt store of the folder a ``ResultStore`` is in."""
        return cls(results.root.parent / ATTEMPTS_DIR)

    def folder(self, student: str, assignment: str) -> Path:
        return self.root / storage_name(assignment) / storage_name(student)

    def record(self, doc: dict[str, Any], now: datetime, by: str) -> dict[str, Any]:
        """Keep a graded result as an attempt (again: the same file, whatever happened before); returns it."""
        path = self.folder(doc["student"], doc["assignment"]) / f"{doc['fingerprint'][:32]}.json"
        try:
            earlier = json.loads(path.read_bytes())
            when = earlier["attempt"]["graded_at"]  # recorded already: it keeps the day it was first graded
        except (OSError, ValueError, KeyError, TypeError):
            when = now.astimezone(timezone.utc).isoformat()
        kept = {**doc, "attempt": {"graded_at": when, "by": by}}
        write_atomic(path, json.dumps(kept, indent=1, allow_nan=False).encode())
        return kept

    def history(self, student: str, assignment: str, latest: dict[str, Any] | None = None) -> History:
        """Every attempt, and ``latest`` (the ResultStore's document) where it was not recorded as one.

        The union is what makes the pair of writes safe in either order: a batch killed after writing
        its result but before recording the attempt still counts that attempt.
        """
        docs: dict[str, dict[str, Any]] = {}
        for path in sorted(self.folder(student, assignment).glob("*.json")):
            try:
                doc = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if (isinstance(doc, dict) and doc.get("schema") == SCHEMA and doc.get("status") == "graded"
                    and doc.get("student") == student and doc.get("assignment") == assignment):
                docs[doc["fingerprint"]] = doc
        if latest is not None and latest.get("status") == "graded" and latest.get("fingerprint") not in docs:
            graded_at = datetime.now(timezone.utc).isoformat()
            docs[latest["fingerprint"]] = {**latest, "attempt": {"graded_at": graded_at, "by": "grade"}}
        return History(tuple(sorted(docs.values(), key=_submitted_key)))


def counted_documents(course: Course, results: ResultStore,
                      docs: Iterable[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """The result document that is the grade, per learner and assignment: ``docs`` (default: every one in
    ``results``), each replaced by the attempt its assignment's policy counts."""
    attempts = AttemptStore.beside(results)
    for doc in (results.documents() if docs is None else docs):
        policy = course.attempts_for(doc["assignment"])
        if policy.counts == "last" or doc.get("status") != "graded":
            yield doc  # the latest graded submission is the grade, as without a policy
            continue
        history = attempts.history(doc["student"], doc["assignment"], doc)
        index = history.counted(policy)
        yield doc if index is None else {k: v for k, v in history.docs[index].items() if k != "attempt"}


def attempts_frame(course: Course, results: ResultStore) -> pd.DataFrame:
    """Every graded attempt, one row each, with ``counts`` True on the one that is the grade."""
    attempts = AttemptStore.beside(results)
    rows = []
    for latest in results.documents():
        history = attempts.history(latest["student"], latest["assignment"], latest)
        index = history.counted(course.attempts_for(latest["assignment"]))
        for number, doc in enumerate(history.docs):
            rows.append((doc["student"], doc["assignment"], number + 1, doc.get("timestamp", ""),
                         doc["attempt"]["graded_at"], doc["attempt"]["by"], float(doc["total"]), float(doc["max"]),
                         number == index))
    return pd.DataFrame(rows, columns=ATTEMPT_COLUMNS)


def write_attempts_table(course: Course, results: ResultStore, folder: Path) -> Path:
    path = folder / "gradebook-attempts.csv"
    write_atomic(path, attempts_frame(course, results).to_csv(index=False).encode())
    return path
