"""`dlcourse report`: one self-contained HTML page about a graded course, for its instructor.

    load.py       the grades, from nbgrader's course folder or gradebook.csv, in one shape (``Grades``)
    summaries.py  what the page says, as pandas tables (totals, pass rates, mistakes, missing work, quiz)
    figures.py    the score histograms, as PNG data URIs
    page.py       the HTML: static sections plus offline ITables for the learner tables
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.course.config import Course
from grader.report.load import Grades, ReportInputError, load_grades
from grader.report.page import render_page

__all__ = ["ReportInputError", "Written", "build_report", "write_report"]


@dataclass(frozen=True)
class Written:
    path: Path
    grades: Grades

    @property
    def empty(self) -> bool:
        return self.grades.parts.empty


def build_report(course: Course, work: Path, gradebook_csv: Path | None = None,
                 generated: str | None = None) -> tuple[str, Grades]:
    """The page's HTML and the grades it shows; ReportInputError for input the instructor must fix."""
    grades = load_grades(course, work, gradebook_csv)
    stamp = generated or datetime.now().strftime("%Y-%m-%d %H:%M")
    return render_page(grades, course.course.title, stamp), grades


def write_report(course: Course, work: Path, out: Path, gradebook_csv: Path | None = None) -> Written:
    """Build the report and write it to ``out`` (its folder is created)."""
    page, grades = build_report(course, work, gradebook_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return Written(out, grades)
