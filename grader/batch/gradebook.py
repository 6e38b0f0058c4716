"""The batch's gradebook: one row per student × assignment × part, written three ways.

* ``gradebook.csv`` and ``gradebook.parquet``: the pandas table (``dlcourse report --gradebook`` reads the CSV);
* nbgrader's ``gradebook.db``, through nbgrader's own API, so formgrader and ``nbgrader export`` show the
  same numbers as this batch;
* ``dlcourse export``: nbgrader's CSV layout (``nbgrader export``'s columns), from the same table.

Work never handed in is *missing* (no points, not 0) in the table; nbgrader's export layout, like
``nbgrader export`` itself, counts it as 0.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from grader.course.config import Course
from grader.course.cells import grading_meta
from grader.nbgrader_glue.masters import Master
from grader.batch.results import write_atomic
from grader.learner.core.text import display_name
from grader.course.late import PENALTY_DIGITS

#: ``score`` is after the late penalty, ``raw_score`` before it; ``penalty`` is the part's share of the
#: submission's penalty (the same share of every part's points); ``submitted_at`` is ISO 8601 in UTC and
#: ``late_by`` the seconds after the learner's due date (extension included), 0 when on time.
COLUMNS = ["student", "assignment", "part", "score", "max_score", "status", "diagnoses", "timestamp",
           "raw_score", "penalty", "submitted_at", "late_by"]
EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]


def graded_parts(master: Master) -> list[tuple[str, float]]:
    """(part, max points) of every test cell that is worth points, in notebook order."""
    out = []
    for gid, cell in master.cells.items():
        meta = grading_meta(cell)
        if meta.grade and meta.max_points > 0:
            out.append((gid, meta.max_points))
    return out


def gradebook_frame(docs: Iterable[dict[str, Any]], masters: Mapping[str, Master],
                    roster: Iterable[str] = ()) -> pd.DataFrame:
    """Every student (graded, or on ``roster``) × every assignment × every part worth points.

    ``docs`` is read once, as a stream: the documents themselves are never all in memory.
    """
    parts = {a: graded_parts(m) for a, m in masters.items()}
    rows: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    students = set(roster)
    nan = float("nan")
    for doc in docs:
        student, assignment = doc["student"], doc["assignment"]
        seen.add((student, assignment))
        students.add(student)
        raw_total, penalty = float(doc.get("raw_total", doc.get("total", 0.0))), float(doc.get("penalty", 0.0))
        share = penalty / raw_total if raw_total > 0 else 0.0
        when = (doc.get("timestamp", ""), doc.get("submitted_at", ""), float(doc.get("late_by_s", 0.0)))
        for part, max_points in parts.get(assignment, []):
            info = doc.get("parts", {}).get(part)
            if info is None:
                rows.append((student, assignment, part, 0.0, max_points, "grading-failed", "", when[0],
                             0.0, 0.0, *when[1:]))
            else:
                raw = float(info["points"])
                cut = round(raw * share, PENALTY_DIGITS)
                rows.append((student, assignment, part, raw - cut, float(info["max"]), info["status"],
                             "; ".join(info.get("diagnoses") or []), when[0], raw, cut, *when[1:]))
    for student in students:
        for assignment, worth in parts.items():
            if (student, assignment) not in seen:
                rows += [(student, assignment, part, nan, max_points, "missing", "", "", nan, nan, "", nan)
                         for part, max_points in worth]
    order = {a: i for i, a in enumerate(parts)}
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"score": "float64", "max_score": "float64",
                                                        "raw_score": "float64", "penalty": "float64",
                                                        "late_by": "float64"})
    frame["_order"] = frame.assignment.map(order)
    frame = frame.sort_values(["student", "_order"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def write_tables(frame: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    """gradebook.csv and gradebook.parquet in ``folder``, each replaced atomically."""
    csv, parquet = folder / "gradebook.csv", folder / "gradebook.parquet"
    write_atomic(csv, frame.to_csv(index=False).encode())
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    write_atomic(parquet, buffer.getvalue())
    return csv, parquet


def write_nbgrader_db(db: Path, docs: Iterable[dict[str, Any]], course: Course | None = None) -> list[str]:
    """Record each result in nbgrader's gradebook.db as ``nbgrader autograde`` would (auto scores per cell).

    Each submission is recorded on its own (its scores in one commit, after nbgrader's API has made
    its student and submission rows): one that nbgrader refuses costs that submission alone, and is
    named, and the learners sorted after it are still recorded.
    Returns problems, one line each: an assignment that was never released into that database
    cannot take grades (nbgrader creates its cells at release).
    With ``course``, the due date, the learner's extension and the late penalty go in too, as
    ``nbgrader autograde`` records them (``grader.nbgrader_glue.late``), so ``nbgrader export`` agrees.
    """
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    problems: list[str] = []
    if not db.exists():
        return [f"{db}: no nbgrader gradebook there (release the assignments into that folder first)"]
    with Gradebook(f"sqlite:///{db}") as gb, warnings.catch_warnings():
        # nbgrader's API under SQLAlchemy 2 says that a backref add "will not proceed" while it makes a
        # learner's first submission; the rows are written all the same (nbgrader autograde warns
        # alike), and the instructor's summary is no place for it.
        warnings.filterwarnings("ignore", message=".*not in session, add operation along", category=SAWarning)
        released = {a.name: {nb.name for nb in a.notebooks} for a in gb.assignments}
        for doc in docs:
            if doc.get("status") != "graded":
                continue  # nothing was graded: nbgrader's gradebook shows the submission as not graded
            assignment, student = doc["assignment"], doc["student"]
            if assignment not in released or not released[assignment]:
                line = f"{assignment}: never released into {db}, so its grades are not in nbgrader's gradebook"
                if line not in problems:
                    problems.append(line)
                continue
            try:
                _record(gb, doc, next(iter(released[assignment])), course)
                gb.db.commit()
            except Exception as exc:  # noqa: BLE001 - this submission is not recorded; the others still are
                gb.db.rollback()
                problems.append(f"{display_name(student)}/{assignment}: not recorded in {db.name} "
                                f"({type(exc).__name__}: {str(exc)[:200]})")
    return problems


def _record(gb: Any, doc: dict[str, Any], notebook: str, course: Course | None = None) -> None:
    from nbgrader.api import MissingEntry

    from grader.nbgrader_glue.reading import parse_timestamp
    from grader.nbgrader_glue.late import record_deadline

    assignment, student = doc["assignment"], doc["student"]
    gb.update_or_create_student(student)
    when = parse_timestamp(doc["timestamp"]) if doc.get("timestamp") else None
    stamp = {"timestamp": when} if when is not None else {}
    try:
        gb.find_submission(assignment, student)
        if stamp:
            gb.update_or_create_submission(assignment, student, **stamp)
    except MissingEntry:
        gb.add_submission(assignment, student, **stamp)
    for part, info in doc.get("parts", {}).items():
        try:
            grade = gb.find_grade(part, notebook, assignment, student)
        except MissingEntry:
            continue
        grade.auto_score = float(info["points"])
        grade.needs_manual_grade = False
    if course is not None:
        record_deadline(gb, course, assignment, student)
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        submitted.late_submission_penalty = float(doc.get("penalty", 0.0)) or None


def export_frame(frame: pd.DataFrame, duedates: dict[str, str] | None = None,
                 people: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame:
    """nbgrader export's CSV layout: one row per student × assignment, missing work as 0.

    ``duedates``: each assignment's due date as nbgrader writes it; ``people``: learner id -> its
    ``first_name``, ``last_name`` and ``email`` (the roster).
    """
    from grader.nbgrader_glue.reading import parse_timestamp

    duedates, people = duedates or {}, people or {}
    rows = []
    for (assignment, student), group in frame.groupby(["assignment", "student"], sort=False):
        missing = (group.status == "missing").all()
        raw_scores = group.raw_score if "raw_score" in group else group.score
        raw = 0.0 if missing else float(raw_scores.fillna(0).sum())
        score = 0.0 if missing else float(group.score.fillna(0).sum())
        stamp = "" if missing else str(group.timestamp.iloc[0] or "")
        when = parse_timestamp(stamp) if stamp else None  # as nbgrader export prints it
        person = people.get(student, {})
        rows.append({"assignment": assignment, "duedate": duedates.get(assignment, ""),
                     "timestamp": str(when) if when is not None else stamp, "student_id": student,
                     "last_name": person.get("last_name", ""), "first_name": person.get("first_name", ""),
                     "email": person.get("email", ""), "raw_score": raw,
                     "late_submission_penalty": round(raw - score, PENALTY_DIGITS), "score": score,
                     "max_score": float(group.max_score.sum())})
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)
