"""Grades in the files an LMS imports: Canvas's gradebook CSV and Moodle's grade import CSV.

Both are built from the batch gradebook (``score`` after the late penalty) and the roster
(``grader.term.roster``): one row per learner on the roster, one column per assignment.

* Canvas: the columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one per
  assignment, and a second row ``Points Possible``, as Canvas's own gradebook export writes them and its
  import reads them back (Canvas Instructor Guide, "How do I import grades in the Gradebook?" and "How do
  I export grades in the Gradebook?", community.canvaslms.com: a row is matched to a learner by its
  identifying columns, and a column Canvas does not know becomes a new assignment).
* Moodle: "The import file format is the same as the corresponding export format" (MoodleDocs, Grade
  import, docs.moodle.org/en/Grade_import): ``First name``, ``Last name``, ``Email address``, then one
  column per grade item, the email being the identifier to map ("Map from: Email address", "Map to:
  useremail"). Learners without an email cannot be matched, so they are left out and named.

Numbers use a decimal point, at most two decimals, no thousands separator. Work never handed in is an
empty cell (both LMSs leave an empty cell's grade as it is), not a 0; learners graded but not on the
roster are left out and named, since the LMS would not know them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from grader.course.config import Course
from grader.term.roster import Learner

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["First name", "Last name", "Email address"]


@dataclass
class LmsFile:
    """The table to write, and who was left out of it and why."""

    table: pd.DataFrame
    left_out: list[str] = field(default_factory=list)


def points(x: float) -> str:
    """8, 7.5, 0.33: what both LMSs read as a number."""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def assignment_columns(course: Course, frame: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(assignment id, column title, points possible), in course.yaml's order, quizzes after."""
    titles = {a.id: a.title for a in course.assignments}
    order = [a.id for a in course.assignments] + [a for a in dict.fromkeys(frame.assignment) if a not in titles]
    present = set(frame.assignment)
    maxima = frame.groupby(["assignment", "student"]).max_score.sum().groupby(level="assignment").max()
    return [(a, titles.get(a, a), float(maxima[a])) for a in order if a in present]


def totals(frame: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    """(student, assignment) -> points after the penalty, None where nothing was handed in."""
    out: dict[tuple[str, str], float | None] = {}
    for (student, assignment), group in frame.groupby(["student", "assignment"], sort=False):
        out[(student, assignment)] = None if (group.status == "missing").all() else float(group.score.fillna(0).sum())
    return out


def _not_on_roster(frame: pd.DataFrame, roster: Mapping[str, Learner]) -> list[str]:
    graded = frame[frame.status != "missing"]
    return [f"{s}: graded, but not on the roster, so not in the file (import them with `dlcourse roster`)"
            for s in sorted(set(graded.student) - set(roster))]


def canvas_file(course: Course, frame: pd.DataFrame, roster: Mapping[str, Learner]) -> LmsFile:
    columns = assignment_columns(course, frame)
    got = totals(frame)
    rows = [["Points Possible", "", "", "", "", *(points(m) for _, _, m in columns)]]
    for learner in sorted(roster.values(), key=lambda r: (r.sortable_name.casefold(), r.id)):
        cells = [got.get((learner.id, a)) for a, _, _ in columns]
        rows.append([learner.sortable_name or learner.id, learner.lms_user_id, learner.sis_user_id,
                     learner.sis_login_id, learner.section,
                     *("" if c is None else points(c) for c in cells)])
    table = pd.DataFrame(rows, columns=[*CANVAS_IDENTITY, *(title for _, title, _ in columns)])
    return LmsFile(table, _not_on_roster(frame, roster))


def moodle_file(course: Course, frame: pd.DataFrame, roster: Mapping[str, Learner]) -> LmsFile:
    columns = assignment_columns(course, frame)
    got = totals(frame)
    rows, left_out = [], _not_on_roster(frame, roster)
    for learner in sorted(roster.values(), key=lambda r: (r.last_name.casefold(), r.first_name.casefold(), r.id)):
        if not learner.email:
            left_out.append(f"{learner.id}: no email on the roster, which Moodle's import identifies learners by")
            continue
        cells = [got.get((learner.id, a)) for a, _, _ in columns]
        rows.append([learner.first_name, learner.last_name, learner.email,
                     *("" if c is None else points(c) for c in cells)])
    table = pd.DataFrame(rows, columns=[*MOODLE_IDENTITY, *(title for _, title, _ in columns)])
    return LmsFile(table, left_out)
