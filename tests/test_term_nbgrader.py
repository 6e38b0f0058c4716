"""The issue's example through real `nbgrader autograde` and `nbgrader export`, and through the batch path
into a released course folder: the same scores, penalties and dates on both; feedback pages by policy."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from html import unescape
from pathlib import Path

import pytest

from grader.cli.main import main
from grader.course.config import load_course
from grader.nbgrader_glue.course import CourseDirectory
from term_support import DUE, EXAMPLE, EXAMPLE_SCORES, EXTENSIONS, LATE_POLICY, submit, write_course
from test_term import wrong_bce

pytestmark = pytest.mark.slow

#: bce's due date is ten days ago: wrong-after's feedback is released in full; wrong-before has an
#: extension of ten years, so its feedback is the summary.
FEEDBACK_PAIR = ("wrong-before", "wrong-after")


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    import nbformat

    folder = tmp_path_factory.mktemp("term-nbgrader")
    bce_due = (datetime.now(timezone.utc) - timedelta(days=10)).replace(microsecond=0)
    course_file = write_course(
        folder, {"perceptron": {"due": DUE},
                 "bce": {"due": bce_due.isoformat(), "feedback": {"before_due": "summary", "after_due": "full"}}},
        late_policy=LATE_POLICY, extensions={**EXTENSIONS, "wrong-before": {"bce": 3650}})
    course = load_course(course_file)
    subs = folder / "subs"
    for student, ts in EXAMPLE.items():
        submit(subs, student, "perceptron", course.path(course.assignment("perceptron").notebook), ts)
    wrong = folder / "wrong-bce.ipynb"
    nbformat.write(wrong_bce(course), wrong)
    on_time = (bce_due - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    for student in FEEDBACK_PAIR:
        submit(subs, student, "bce", wrong, on_time)

    # nbgrader's own path: release, the submissions where nbgrader collects them, autograde, feedback, export.
    nb = CourseDirectory.prepare(course, folder / "nbgrader")
    for a in ("perceptron", "bce"):
        nb.release(a)
    for d in sorted(subs.glob("*/*")):
        dest = nb.submit(d.parent.name, d.name, d / f"{d.name}.ipynb")
        (dest.parent / "timestamp.txt").write_text((d / "timestamp.txt").read_text())
    for a in ("perceptron", "bce"):
        assert nb.autograde(a).returncode == 0
        nb.generate_feedback(a)
    nb.nbgrader("export", "--to", str(folder / "nbgrader-export.csv"))

    # The batch path into a released course folder of its own, then nbgrader export there too.
    batch = folder / "batch"
    assert main(["release", str(course_file), "--work", str(batch)]) == 0
    assert main(["grade", str(course_file), "--work", str(batch), "--submissions", str(subs), "--workers", "2"]) == 0
    CourseDirectory.prepare(course, batch).nbgrader("export", "--to", str(folder / "batch-nbgrader-export.csv"))
    assert main(["export", str(course_file), "--work", str(batch)]) == 0
    return folder, nb


def _export(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(io.StringIO(path.read_text("utf-8")))}


def test_nbgrader_autograde_scores_the_example(paths) -> None:
    folder, _ = paths
    rows = _export(folder / "nbgrader-export.csv")
    assert {s: float(rows[(s, "perceptron")]["score"]) for s in EXAMPLE} == EXAMPLE_SCORES
    late = rows[("late-1.5-days", "perceptron")]
    assert (float(late["raw_score"]), float(late["late_submission_penalty"])) == (10.0, 2.0)
    assert late["duedate"] == "2026-12-10 22:59:00" and late["timestamp"] == "2026-12-12 10:59:00"


def test_both_paths_give_nbgrader_export_the_same_numbers(paths) -> None:
    folder, _ = paths
    keys = ("duedate", "timestamp", "raw_score", "late_submission_penalty", "score", "max_score")
    nbgrader, batch = _export(folder / "nbgrader-export.csv"), _export(folder / "batch-nbgrader-export.csv")
    assert set(nbgrader) == set(batch)
    for key in nbgrader:
        assert {k: float(nbgrader[key][k]) if "score" in k or "penalty" in k else nbgrader[key][k] for k in keys} == \
               {k: float(batch[key][k]) if "score" in k or "penalty" in k else batch[key][k] for k in keys}, key
    ours = _export(folder / "batch" / "grades.csv")  # dlcourse export, nbgrader's layout
    for key, row in nbgrader.items():
        assert [float(ours[key][k]) for k in ("raw_score", "late_submission_penalty", "score")] == \
               [float(row[k]) for k in ("raw_score", "late_submission_penalty", "score")], key


def _page(nb: CourseDirectory, student: str, assignment: str) -> str:
    return unescape(nb.feedback_html(student, assignment).read_text(encoding="utf-8"))


def test_feedback_pages_say_how_late_and_what_it_cost(paths) -> None:
    _, nb = paths
    assert "2 started days late" in _page(nb, "late-1.5-days", "perceptron")
    assert "more than 5 days late, so it scores 0" in _page(nb, "late-10-days", "perceptron")
    assert "on time" in _page(nb, "on-time", "perceptron")


def test_a_feedback_page_before_the_due_date_holds_none_of_the_drawn_cases(paths) -> None:
    from grader.exercises import check_for
    from grader.grading.context import context_for

    folder, nb = paths
    course = load_course(folder / "course.yaml")
    check = check_for("bce", "bce_loss")
    before, after = (_page(nb, s, "bce") for s in FEEDBACK_PAIR)
    drawn_before = [c.label for c in check.drawn_for(context_for(course, FEEDBACK_PAIR[0]))]
    drawn_after = [c.label for c in check.drawn_for(context_for(course, FEEDBACK_PAIR[1]))]
    assert any(label in after for label in drawn_after) and "expected" in after.split(drawn_after[0])[-1][:200]
    assert not any(label in before for label in drawn_before)
    assert "cases drawn for you failed" in before and "shown once the due date has passed" in before
    assert "sum instead of mean" in before  # the named mistake is there before the due date too
