"""The grades a report is made from, read from either source and put in one shape.

Two sources hold the same facts: nbgrader's course folder (``gradebook.db`` for scores, the
autograded notebooks' ``dlcourse`` metadata for status and diagnoses, both joined by
``CourseDirectory.gradebook``) and the ``gradebook.csv`` that ``dlcourse gradebook`` writes from
them. Whichever is read, the result is a ``Grades``: one row per graded (student, assignment, part),
the roster of every learner, and what course.yaml says each assignment is worth. Everything the
page shows is computed from that, so both sources give the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from grader.course.config import Course

#: The columns of gradebook.csv the report reads (``sandbox`` is there too, but not needed).
REQUIRED_COLUMNS = ("student", "assignment", "part", "score", "max_score", "status", "diagnoses")
#: How ``dlcourse gradebook`` joins a part's diagnosed mistakes into one cell.
DIAGNOSES_SEPARATOR = "; "


class ReportInputError(Exception):
    """Input the instructor can fix (a file that is absent, malformed or lacks columns); names the file."""


@dataclass(frozen=True)
class AssignmentInfo:
    """What course.yaml says about one assignment (an exercise or a quiz), in course order."""

    id: str
    title: str
    kind: str  # "exercise" or "quiz"
    max_points: float
    #: Part id -> a short description (an exercise part's description, a quiz question's prompt).
    parts: dict[str, str]
    #: Part id -> its points in course.yaml (or the quiz file).
    part_points: dict[str, float] = field(default_factory=dict)


@dataclass
class Grades:
    """Everything the report needs, whichever source it came from."""

    #: One row per graded (student, assignment, part): REQUIRED_COLUMNS, 0-point info cells left out.
    parts: pd.DataFrame
    #: Every learner: nbgrader's students and everyone with a grade, sorted.
    roster: list[str]
    assignments: list[AssignmentInfo]
    #: Where the grades were read from, shown on the page.
    source: str
    #: (student, assignment) pairs nbgrader holds a submission for that has no grades: "not graded", not "missing".
    not_graded: set[tuple[str, str]] = field(default_factory=set)
    #: Work handed in after the learner's due date: (student, assignment, points deducted, in words).
    late: list[tuple[str, str, float, str]] = field(default_factory=list)

    def assignment(self, assignment_id: str) -> AssignmentInfo:
        return next(a for a in self.assignments if a.id == assignment_id)


def course_assignments(course: Course) -> list[AssignmentInfo]:
    """Exercises then quizzes, as nbgrader releases them, each with its parts and maximum from course.yaml."""
    from grader.quiz.load import load_course_quizzes

    infos = [AssignmentInfo(a.id, a.title, "exercise", a.points, {p.id: p.description for p in a.parts},
                            {p.id: p.points for p in a.parts})
             for a in course.assignments]
    infos += [AssignmentInfo(q.id, q.title, "quiz", q.points, {x.id: x.prompt for x in q.questions},
                             {x.id: float(x.points) for x in q.questions})
              for q in load_course_quizzes(course)]
    return infos


def read_gradebook_csv(path: Path) -> pd.DataFrame:
    """gradebook.csv as a table; ReportInputError naming the file when it is absent, unreadable or lacks columns."""
    if not path.is_file():
        raise ReportInputError(f"{path}: no such file")
    try:
        # Everything as text first: a student called "007" or a part called "nan" stays what it is.
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        # A file with nothing in it at all is a gradebook with no grades yet, not a malformed one.
        return pd.DataFrame(columns=list(REQUIRED_COLUMNS))
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ReportInputError(f"{path}: missing column(s) {', '.join(missing)} "
                               f"(found: {', '.join(map(str, df.columns)) or 'none'}); "
                               "write it with `dlcourse gradebook`")
    # The batch gradebook lists work never handed in as "missing" with no score; the report
    # finds missing work by its absence, so those rows go (their students stay on the roster).
    never = (df.status.str.strip() == "missing") & (df.score.str.strip() == "")
    roster = sorted(set(df.student))
    df = df[~never].reset_index(drop=True)
    df.attrs["roster"] = roster
    bad = []
    for column in ("score", "max_score"):
        numbers = pd.to_numeric(df[column], errors="coerce")
        rows = [str(i + 2) for i in numbers.index[numbers.isna()]]  # +2: the header is line 1
        if rows:
            bad.append(f"column {column} is not a number on line(s) {', '.join(rows[:10])}"
                       f"{' …' if len(rows) > 10 else ''}")
        df[column] = numbers
    if bad:
        raise ReportInputError(f"{path}: {'; '.join(bad)}")
    return df


def read_course_folder(course: Course, work: Path) -> tuple[pd.DataFrame, list[str], set[tuple[str, str]]]:
    """Grades, nbgrader's students and the submissions nbgrader holds no grades for, from a course folder."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    from grader.nbgrader_glue.course import CourseDirectory

    if not work.is_dir():
        raise ReportInputError(f"{work}: no such folder; pass the nbgrader course folder with --work, "
                               "or a gradebook.csv with --gradebook")
    db = work / "gradebook.db"
    students: list[str] = []
    try:
        table = CourseDirectory(work, course).gradebook()
        if db.exists():
            with Gradebook(f"sqlite:///{db}") as gb:
                students = [s.id for s in gb.students]
    except SQLAlchemyError as exc:
        raise ReportInputError(f"{db}: not a readable nbgrader gradebook ({type(exc).__name__})") from None
    submitted = {(p.parent.name, p.name) for p in (work / "submitted").glob("*/*") if p.is_dir()}
    graded = set(zip(table.student, table.assignment))
    return table, students, submitted - graded


def ungraded_submissions(df: pd.DataFrame) -> set[tuple[str, str]]:
    """(student, assignment) pairs nbgrader holds a submission for that nothing graded: no status, no points.

    nbgrader enters a submission it could not autograde (an unreadable notebook) into gradebook.db
    with every score 0; only the missing grading metadata tells it apart from work that earned 0.
    """
    blank = df.status.fillna("").astype(str).str.strip() == ""
    scores = pd.to_numeric(df.score, errors="coerce").fillna(0.0)
    per_submission = pd.DataFrame({"blank": blank, "scoreless": scores == 0}).groupby(
        [df.student, df.assignment]).all()
    return {(str(s), str(a)) for (s, a), row in per_submission.iterrows() if row.blank and row.scoreless}


def normalise(df: pd.DataFrame, assignments: list[AssignmentInfo]) -> pd.DataFrame:
    """The table every summary reads: typed columns, text never NaN, 0-point info cells left out."""
    df = df.reindex(columns=list(REQUIRED_COLUMNS)).copy()
    for column in ("student", "assignment", "part", "status", "diagnoses"):
        df[column] = df[column].fillna("").astype(str)
    for column in ("score", "max_score"):
        df[column] = pd.to_numeric(df[column], errors="coerce").fillna(0.0).astype(float)
    # A 0-point cell that course.yaml does not list as a part (the notebooks' `gpu` cell, which only
    # says the GPU checks were skipped) is information, not a grade: it would count as "passed" by
    # everyone and add nothing to a total, so it stays out of every table.
    listed = {(a.id, p) for a in assignments for p in a.parts}
    unlisted = [key not in listed for key in zip(df.assignment, df.part)]
    df = df[~((df.max_score == 0) & pd.Series(unlisted, index=df.index, dtype=bool))].copy()
    # A part without a recorded status (an autograded copy whose metadata could not be read) is
    # judged by its points, so it still counts in the pass rates instead of vanishing.
    unknown = df.status.str.strip() == ""
    df.loc[unknown, "status"] = (df.score[unknown] >= df.max_score[unknown]).map({True: "passed", False: "failed"})
    return df.reset_index(drop=True)


def load_grades(course: Course, work: Path, gradebook_csv: Path | None = None) -> Grades:
    """The grades from ``gradebook_csv`` when given, else from the nbgrader course folder ``work``.

    With a CSV, nbgrader's students still join the roster when ``work`` holds a gradebook.db, so a
    learner who never submitted is listed as missing either way.
    """
    assignments = course_assignments(course)
    not_graded: set[tuple[str, str]] = set()
    students: list[str] = []
    if gradebook_csv is not None:
        table = read_gradebook_csv(gradebook_csv)
        students = list(table.attrs.get("roster", []))
        source = str(gradebook_csv)
        if (work / "gradebook.db").is_file():
            _, enrolled, not_graded = read_course_folder(course, work)
            students += enrolled
    else:
        table, students, not_graded = read_course_folder(course, work)
        source = f"{work / 'gradebook.db'} and the autograded notebooks in {work / 'autograded'}"
    if not table.empty:
        ungraded = ungraded_submissions(table)
        if ungraded:
            table = table[[key not in ungraded for key in zip(table.student, table.assignment)]]
        not_graded |= ungraded
    parts = normalise(table, assignments)
    # An assignment in the grades that course.yaml no longer lists is still reported, worth what it was graded on.
    known = {a.id for a in assignments}
    for assignment_id, rows in parts[~parts.assignment.isin(known)].groupby("assignment", sort=True):
        worth = rows.groupby("part", sort=False).max_score.max()
        assignments.append(AssignmentInfo(str(assignment_id), str(assignment_id), "exercise", float(worth.sum()),
                                          {str(p): "" for p in worth.index}, {str(p): float(v) for p, v in worth.items()}))
    roster = sorted(set(students) | set(parts.student) | {s for s, _ in not_graded})
    times = _csv_times(table) if gradebook_csv is not None else _db_times(work)
    return Grades(parts, roster, assignments, source, not_graded, late_work(course, times))


def _csv_times(table: pd.DataFrame) -> dict[tuple[str, str], tuple[datetime | None, float]]:
    """(student, assignment) -> (submitted_at, points earned before the penalty), from gradebook.csv."""
    if "submitted_at" not in table.columns or table.empty:
        return {}
    raw = pd.to_numeric(table.get("raw_score", table.score), errors="coerce").fillna(0.0)
    out = {}
    for (student, assignment), rows in table.assign(_raw=raw).groupby(["student", "assignment"]):
        stamp = str(rows.submitted_at.iloc[0] or "").strip()
        try:
            when = datetime.fromisoformat(stamp) if stamp and stamp != "nan" else None
        except ValueError:
            when = None
        out[(str(student), str(assignment))] = (when, float(rows._raw.sum()))
    return out


def _db_times(work: Path) -> dict[tuple[str, str], tuple[datetime | None, float]]:
    """The same from nbgrader's gradebook.db: the submission time it recorded and its raw score."""
    from nbgrader.api import Gradebook

    db = work / "gradebook.db"
    if not db.is_file():
        return {}
    with Gradebook(f"sqlite:///{db}") as gb:
        return {(sub.student.id, a.name): (sub.timestamp, float(sub.score or 0.0))
                for a in gb.assignments for sub in a.submissions}


def late_work(course: Course, times: dict[tuple[str, str], tuple[datetime | None, float]]
              ) -> list[tuple[str, str, float, str]]:
    """Work handed in after the learner's due date, with its penalty in words (``grader.course.late``)."""
    from grader.course.late import lateness

    out = []
    for (student, assignment), (when, raw) in sorted(times.items()):
        late = lateness(course, assignment, student, when)
        if late.late_by_s > 0:
            out.append((student, assignment, late.penalty(raw), late.words(raw)))
    return out
