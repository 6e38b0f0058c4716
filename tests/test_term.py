"""Running a term: due dates, the late policy and extensions, the roster, LMS exports, feedback by policy.

The late policy is checked on its own (``grader.course.late``, the one definition), then through the batch
path (`dlcourse roster`, `dlcourse grade`, `dlcourse export`) on the issue's example; nbgrader autograde
and nbgrader export on the same example are in test_term_nbgrader.py.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
import yaml

from grader.batch.command import RESULTS_DIR
from grader.batch.results import ResultStore
from grader.cli.main import main
from grader.course.config import load_course, parse_course
from grader.errors import CourseError
from grader.course.late import lateness
from grader.term.lms import points
from grader.term.roster import RosterError, load_roster, read_roster
from term_support import EXAMPLE, EXAMPLE_SCORES, ROOT, example_course, submit, write_course

#: A Canvas gradebook export of real shape: sortable names with accents and commas, the Points Possible
#: row, Canvas's test student, a learner with no submission, one with no login id.
CANVAS_ROSTER = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,The perceptron (4711)
    Points Possible,,,,,10
"Müller, Zoë",1001,S-1001,on-time,Gruppe A,
"de la Peña, José María",1002,S-1002,late-1.5-days,Gruppe B,
"O'Brien-Ní Dhomhnaill, Siobhán",1003,,late-10-days,Gruppe A,
"Nguyễn, Thị Minh Khai",1004,S-1004,never-submitted,Gruppe B,
"Student, Test",9999,,,,
"Lost, Row",1005,,,Gruppe A
"""
#: The same learners as a plain CSV (nbgrader db student import's columns), with emails for Moodle.
PLAIN_ROSTER = """id,first_name,last_name,email,lms_user_id
on-time,Zoë,Müller,zoe.mueller@example.org,1001
late-1.5-days,José María,"de la Peña",,1002
late-10-days,Siobhán,O'Brien-Ní Dhomhnaill,siobhan@example.org,1003
never-submitted,Thị Minh Khai,Nguyễn,khai@example.org,1004
a+b,Bad,Id,bad@example.org,
"""


# ---- the policy, on its own ------------------------------------------------------------------------


def _course(tmp_path: Path):
    return load_course(example_course(tmp_path))


def _at(text: str) -> datetime:
    from nbgrader.utils import parse_utc

    return parse_utc(text)


def test_the_example_late_policy_in_numbers(tmp_path) -> None:
    course = _course(tmp_path)
    got = {s: 10.0 - lateness(course, "perceptron", s, _at(ts)).penalty(10.0) for s, ts in EXAMPLE.items()}
    assert got == EXAMPLE_SCORES
    late = lateness(course, "perceptron", "late-1.5-days", _at(EXAMPLE["late-1.5-days"]))
    assert (late.late_by_s, late.started_days, late.fraction) == (1.5 * 86400, 2, 0.2)
    assert "2 started days late" in late.words(10.0) and "2 of the 10 points" in late.words(10.0)
    zero = lateness(course, "perceptron", "late-10-days", _at(EXAMPLE["late-10-days"]))
    assert zero.zeroed and "more than 5 days late" in zero.words(10.0) and "still graded" in zero.words(10.0)
    assert "extension of 2 days" in lateness(course, "perceptron", "some-learner",
                                             _at(EXAMPLE["some-learner"])).words(10.0)


def test_grace_started_days_and_missing_times(tmp_path) -> None:
    course = _course(tmp_path)
    due = datetime(2026, 12, 10, 22, 59)  # naive UTC, as nbgrader keeps times

    def score(after: timedelta) -> float:
        return 10.0 - lateness(course, "perceptron", "x", due + after).penalty(10.0)

    assert score(timedelta(minutes=15)) == 10.0  # within the grace
    assert score(timedelta(minutes=16)) == 9.0   # the first started day
    assert score(timedelta(minutes=15, days=1)) == 9.0
    assert score(timedelta(minutes=15, days=1, seconds=1)) == 8.0
    assert score(timedelta(minutes=15, days=3)) == 7.0  # 0.1 * 3 is not 0.3 in binary: rounded
    assert score(timedelta(minutes=15, days=5)) == 5.0
    assert score(timedelta(minutes=15, days=5, seconds=1)) == 0.0  # later than zero_after_days
    unknown = lateness(course, "perceptron", "x", None)
    assert unknown.penalty(10.0) == 0.0 and "counted as on time" in (unknown.warning or "")
    assert lateness(course, "no-such-assignment", "x", due + timedelta(days=30)).penalty(10.0) == 0.0


def test_term_keys_are_typed_and_every_error_names_its_key_path(tmp_path) -> None:
    data = yaml.safe_load(example_course(tmp_path).read_text())
    data["assignments"][0]["due"] = datetime(2026, 12, 10, 23, 59)  # YAML's reading of a time without zone
    data["late_policy"] = {"grace_minutes": -1, "penalty_per_day": 2, "zero_after": 3}
    data["extensions"] = {"ann": {"perceptorn": 2}, 20231234: {"perceptron": -1}}
    data["feedback"] = {"before_due": "hidden"}
    with pytest.raises(CourseError) as err:
        parse_course(data, "course.yaml", tmp_path)
    text = str(err.value)
    for where in ("assignments[0](id=perceptron).due: expected a date and time with its zone",
                  "late_policy.grace_minutes: must be greater than or equal to 0",
                  "late_policy.penalty_per_day: must be less than or equal to 1",
                  "late_policy.zero_after: unknown key",
                  "extensions.20231234.perceptron: must be greater than or equal to 0",
                  "feedback.before_due: must be 'summary' or 'full'"):
        assert where in text, text
    data = yaml.safe_load(example_course(tmp_path).read_text())
    data["extensions"] = {"ann": {"perceptorn": 2}}
    with pytest.raises(CourseError, match=r"extensions\.ann\.perceptorn: no assignment 'perceptorn'"):
        parse_course(data, "course.yaml", tmp_path)


def test_the_bundled_course_has_no_due_dates_and_keeps_its_behaviour() -> None:
    course = load_course(ROOT / "course.yaml")
    assert all(a.due is None for a in course.assignments) and course.extensions == {}
    assert lateness(course, "perceptron", "x", datetime(2030, 1, 1)).penalty(10.0) == 0.0


# ---- the roster ------------------------------------------------------------------------------------


def test_a_canvas_roster_of_real_shape_is_read(tmp_path) -> None:
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS_ROSTER, encoding="utf-8")
    read = read_roster(path)
    assert read.shape == "canvas"
    by_id = {r.id: r for r in read.learners}
    assert (by_id["late-1.5-days"].first_name, by_id["late-1.5-days"].last_name) == ("José María", "de la Peña")
    assert by_id["on-time"].section == "Gruppe A" and by_id["on-time"].lms_user_id == "1001"
    assert by_id["on-time"].sis_user_id == "S-1001"
    assert "1005" not in by_id and any("row 8" in u and "fields" in u for u in read.unreadable)
    assert any("Points Possible" in s for s in read.skipped) and any("Test" in s for s in read.skipped)


def test_a_plain_roster_names_rows_it_cannot_read_and_a_moodle_one_is_read(tmp_path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(PLAIN_ROSTER, encoding="utf-8")
    read = read_roster(plain)
    assert read.shape == "plain" and len(read.learners) == 4
    assert any("'a+b'" in u and "nbgrader" in u for u in read.unreadable)
    moodle = tmp_path / "moodle.csv"
    moodle.write_text("First name;Last name;ID number;Institution;Department;Email address\n"
                      "Zoë;Müller;12345;;;zoe.mueller@example.org\n", encoding="utf-8")
    [zoe] = read_roster(moodle).learners
    assert (zoe.id, zoe.first_name, zoe.email) == ("12345", "Zoë", "zoe.mueller@example.org")
    odd = tmp_path / "odd.csv"
    odd.write_text("name,mail\nx,y\n")
    with pytest.raises(RosterError, match="none of the known layouts"):
        read_roster(odd)


# ---- the example through the batch path ------------------------------------------------------------


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The example graded by `dlcourse grade`, after `dlcourse roster` (Canvas export, then the plain CSV)."""
    folder = tmp_path_factory.mktemp("term")
    course_file = example_course(folder)
    course = load_course(course_file)
    subs, work = folder / "subs", folder / "work"
    for student, ts in EXAMPLE.items():
        submit(subs, student, "perceptron", course.path(course.assignment("perceptron").notebook), ts)
    submit(subs, "no-timestamp", "perceptron", course.path(course.assignment("perceptron").notebook), None)
    (folder / "canvas.csv").write_text(CANVAS_ROSTER, encoding="utf-8")
    (folder / "plain.csv").write_text(PLAIN_ROSTER, encoding="utf-8")
    codes = {"canvas roster": main(["roster", str(course_file), str(folder / "canvas.csv"), "--work", str(work)])}
    codes["plain roster"] = main(["roster", str(course_file), str(folder / "plain.csv"), "--work", str(work)])
    codes["grade"] = main(["grade", str(course_file), "--work", str(work), "--submissions", str(subs),
                           "--workers", "2"])
    for fmt in ("nbgrader", "canvas", "moodle"):
        codes[fmt] = main(["export", str(course_file), "--work", str(work), "--format", fmt])
    return course, work, codes


def _totals(frame: pd.DataFrame) -> dict[str, float]:
    return frame.groupby("student").score.sum().to_dict()


def test_roster_import_says_what_it_added_and_changed(term) -> None:
    _, work, codes = term
    assert codes["canvas roster"] == 1 and codes["plain roster"] == 1  # each had rows it could not read
    roster = load_roster(work)
    assert set(roster) == {"on-time", "late-1.5-days", "late-10-days", "never-submitted"}
    # The plain CSV added the emails; what it has no column for (section, SIS ids) is kept from Canvas's export.
    assert roster["on-time"].email == "zoe.mueller@example.org"
    assert (roster["on-time"].section, roster["on-time"].sis_login_id) == ("Gruppe A", "on-time")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        zoe = gb.find_student("on-time")
        assert (zoe.first_name, zoe.last_name, zoe.email, zoe.lms_user_id) == (
            "Zoë", "Müller", "zoe.mueller@example.org", "1001")


def test_the_batch_path_scores_the_example(term) -> None:
    _, work, codes = term
    assert codes["grade"] == 1  # the submission without a timestamp is a warning of the summary
    frame = pd.read_csv(work / "gradebook.csv")
    graded = frame[frame.status != "missing"]
    assert _totals(graded) == {**EXAMPLE_SCORES, "no-timestamp": 10.0}
    assert graded.groupby("student").raw_score.sum().eq(10.0).all()
    late = graded[graded.student == "late-1.5-days"]
    assert late.penalty.sum() == pytest.approx(2.0) and late.late_by.iloc[0] == 1.5 * 86400
    assert late.submitted_at.iloc[0] == "2026-12-12T10:59:00+00:00"
    assert (frame[frame.student == "never-submitted"].status == "missing").all()  # on the roster, nothing handed in
    docs = {d["student"]: d for d in ResultStore(work / RESULTS_DIR).documents()}
    assert docs["late-10-days"]["total"] == 0 and docs["late-10-days"]["raw_total"] == 10
    assert "more than 5 days late" in docs["late-10-days"]["late"]
    assert any("counted as on time" in w for w in docs["no-timestamp"]["warnings"])


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_nbgrader_export_layout_has_names_due_dates_and_penalties(term) -> None:
    _, work, codes = term
    assert codes["nbgrader"] == 0
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO((work / "grades.csv").read_text("utf-8")))}
    assert list(next(csv.reader(io.StringIO((work / "grades.csv").read_text("utf-8"))))) == [
        "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
        "late_submission_penalty", "score", "max_score"]
    late = rows["late-1.5-days"]
    assert (late["duedate"], late["timestamp"]) == ("2026-12-10 22:59:00", "2026-12-12 10:59:00")
    assert (late["last_name"], late["first_name"]) == ("de la Peña", "José María")
    assert (float(late["raw_score"]), float(late["late_submission_penalty"]), float(late["score"])) == (10, 2, 8)
    assert rows["never-submitted"]["score"] == "0.0" and rows["never-submitted"]["timestamp"] == ""
    assert rows["some-learner"]["email"] == ""  # graded, not on the roster


def test_canvas_export_follows_canvas_s_format(term) -> None:
    _, work, codes = term
    assert codes["canvas"] == 0
    rows = _csv(work / "grades-canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "The perceptron"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10"]
    by_login = {r[3]: r for r in rows[2:]}
    assert by_login["late-1.5-days"] == ["de la Peña, José María", "1002", "S-1002", "late-1.5-days", "Gruppe B", "8"]
    assert by_login["late-10-days"][-1] == "0" and by_login["on-time"][-1] == "10"
    assert by_login["never-submitted"][-1] == ""  # no work handed in: the LMS keeps its own state
    assert "some-learner" not in by_login and "no-timestamp" not in by_login  # not on the roster
    # Sortable names holding commas survive a CSV reader.
    assert (work / "grades-canvas.csv").read_text("utf-8").count('"de la Peña, José María"') == 1


def test_moodle_export_identifies_learners_by_email(term) -> None:
    _, work, codes = term
    assert codes["moodle"] == 0
    rows = _csv(work / "grades-moodle.csv")
    assert rows[0] == ["First name", "Last name", "Email address", "The perceptron"]
    by_email = {r[2]: r for r in rows[1:]}
    assert set(by_email) == {"zoe.mueller@example.org", "siobhan@example.org", "khai@example.org"}  # José: no email
    assert by_email["zoe.mueller@example.org"] == ["Zoë", "Müller", "zoe.mueller@example.org", "10"]
    assert by_email["siobhan@example.org"][-1] == "0" and by_email["khai@example.org"][-1] == ""


def test_points_are_written_as_both_lms_read_them() -> None:
    assert [points(x) for x in (8.0, 7.5, 1 / 3, 0.0, 10.004, 2.999999)] == ["8", "7.5", "0.33", "0", "10", "3"]


# ---- feedback released by policy ---------------------------------------------------------------------

#: Right on the lecture's small examples (the public cases), a sum instead of the mean on larger inputs:
#: only the cases drawn for the learner show it.
WRONG_BCE_LOSS = (
    "EPS = 1e-12\n\n\ndef bce_loss(y, p):\n    y = np.asarray(y, dtype=float)\n"
    "    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)\n"
    "    losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))\n"
    "    return float(losses.sum() if losses.size > 5 else losses.mean())\n"
)


def wrong_bce(course) -> "nbformat.NotebookNode":
    import nbformat

    nb = nbformat.read(course.path(course.assignment("bce").notebook), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "bce_loss_code")
    cell.source = WRONG_BCE_LOSS
    return nb


def feedback_course(folder: Path, due: datetime):
    return load_course(write_course(folder, {"bce": {"due": due.isoformat(),
                                                     "feedback": {"before_due": "summary", "after_due": "full"}}}))


def hidden_lines(message: str, labels: list[str]) -> list[str]:
    """The lines of a full report that describe a drawn case."""
    return [ln for ln in message.splitlines() if any(label in ln for label in labels)]


def test_feedback_before_the_due_date_holds_none_of_the_drawn_cases(tmp_path) -> None:
    from grader.exercises import check_for
    from grader.grading.context import context_for
    from grader.nbgrader_glue.notebook import NotebookGrader

    due = datetime.now(timezone.utc) + timedelta(days=7)
    course = feedback_course(tmp_path, due)
    grader = NotebookGrader(course, figures=False)
    before = grader.grade(wrong_bce(course), "bce", "ann", now=due - timedelta(days=1))
    after = grader.grade(wrong_bce(course), "bce", "ann", now=due + timedelta(days=1))
    assert (before.detail, after.detail) == ("summary", "full")
    assert before.total == after.total < 10  # the policy changes what is shown, never the points
    drawn = [c.label for c in check_for("bce", "bce_loss").drawn_for(context_for(course, "ann"))]
    full, summary = after.parts["bce_loss"].message, before.parts["bce_loss"].message
    revealed = hidden_lines(full, drawn)
    assert revealed and any("expected" in ln for ln in revealed)  # after: the drawn cases' inputs and values
    assert hidden_lines(summary, drawn) == []
    for line in revealed:
        for number in (w for w in line.replace(",", " ").replace(")", " ").split() if any(ch.isdigit() for ch in w)):
            if len(number) > 3:  # values of the drawn cases, not "1" or "of"
                assert number not in summary, (number, summary)
    assert "cases drawn for you failed" in summary and "shown after the due date" in summary
    assert after.parts["bce_loss"].diagnoses and summary.count("Likely mistake") == full.count("Likely mistake")
    assert json.dumps(grader.grade(wrong_bce(course), "bce", "ann", now=due - timedelta(days=1)).metadata()
                      ).count("expected") == summary.count("expected")  # nothing more in the notebook's metadata


def test_an_extension_moves_the_release_of_the_full_feedback(tmp_path) -> None:
    from grader.course.feedback_release import feedback_detail

    due = datetime(2026, 12, 10, 23, 59, tzinfo=timezone(timedelta(hours=1)))
    path = write_course(tmp_path, {"bce": {"due": due.isoformat(), "feedback": {"before_due": "summary"}}},
                        extensions={"ann": {"bce": 2}}, late_policy={"grace_minutes": 15})
    course = load_course(path)
    day_after = due + timedelta(days=1)
    assert feedback_detail(course, "bce", "bob", day_after) == "full"
    assert feedback_detail(course, "bce", "ann", day_after) == "summary"
    assert feedback_detail(course, "bce", "ann", due + timedelta(days=2, minutes=14)) == "summary"  # the grace
    assert feedback_detail(course, "bce", "ann", due + timedelta(days=2, minutes=16)) == "full"
    assert feedback_detail(course, "perceptron", "ann", day_after) == "full"  # no such assignment here: as today
