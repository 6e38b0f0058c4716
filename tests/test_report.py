"""`dlcourse report`: the instructor's page states facts that can be checked by hand.

A small hand-written gradebook (three learners who submitted, one on nbgrader's roster who never
did) pins exact numbers; a synthetic class of 300 learners is checked against counts made with
plain Python; every bad input gets a message or an explicit empty state; a real browser opens the
page with no network; and one slow test grades real submissions with nbgrader and reports on them
from both sources.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from grader.exercises import CHECKS
from grader.cli.main import main
from grader.report import build_report, summaries
from grader.report.load import REQUIRED_COLUMNS, load_grades
from grader.report.synthetic import course_gradebook

ROOT = Path(__file__).resolve().parents[1]


# --- a gradebook small enough to check by hand -----------------------------------------------

def _rows(course, student: str, assignment: str, changes: dict[str, tuple[str, float, str]]) -> list[dict]:
    """Every part of ``assignment`` passed with full points, except ``changes[part] = (status, score, diagnoses)``."""
    from grader.report.load import course_assignments

    info = next(a for a in course_assignments(course) if a.id == assignment)
    rows = []
    for part, worth in info.part_points.items():
        status, score, diagnoses = changes.get(part, ("passed", worth, ""))
        rows.append({"student": student, "assignment": assignment, "part": part, "score": score,
                     "max_score": worth, "status": status, "diagnoses": diagnoses, "sandbox": "bubblewrap"})
    if info.kind == "exercise":  # the 0-point gpu cell every exercise notebook has
        rows.append({"student": student, "assignment": assignment, "part": "gpu", "score": 0.0, "max_score": 0.0,
                     "status": "passed", "diagnoses": "", "sandbox": "bubblewrap"})
    return rows


@pytest.fixture(scope="module")
def small_book(course) -> pd.DataFrame:
    rows = []
    rows += _rows(course, "ann", "perceptron", {})  # 10 / 10
    rows += _rows(course, "bob", "perceptron", {     # 1 + 0 + 3 + 1 + 2 = 7 / 10
        "sigmoid": ("failed", 1.0, "sigmoid overflow"),
        "relu": ("failed", 0.0, "min instead of max"),
        "predict": ("failed", 1.0, "boundary at z = 0 mishandled"),
    })
    rows += _rows(course, "cat", "perceptron", {     # 0 + 1 + 1.5 + 2 + 0 = 4.5 / 10
        "sigmoid": ("failed", 0.0, "sigmoid overflow"),
        "perceptron_forward": ("failed", 1.5, "bias missing; no non-linearity"),
        "count_parameters": ("grading-failed", 0.0, ""),
    })
    rows += _rows(course, "ann", "bce", {"bce_grad": ("failed", 1.5, "p not clipped")})
    rows += _rows(course, "ann", "quiz_perceptron", {"p1_what_it_computes": ("failed", 0.0, ""),
                                                     "p2_sigmoid_range": ("failed", 0.0, "")})
    rows += _rows(course, "bob", "quiz_perceptron", {"p1_what_it_computes": ("failed", 0.0, "")})
    rows += _rows(course, "ann", "quiz_loss", {"l1_what_loss_measures": ("failed", 0.0, "")})
    return pd.DataFrame(rows)


def _work_with_roster(path: Path, students: list[str]) -> Path:
    """A course folder whose nbgrader gradebook.db knows ``students`` (as `nbgrader db student add` does)."""
    from nbgrader.api import Gradebook

    path.mkdir(parents=True, exist_ok=True)
    with Gradebook(f"sqlite:///{path / 'gradebook.db'}") as gb:
        for student in students:
            gb.add_student(student)
    return path


@pytest.fixture(scope="module")
def small(course, small_book: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("small")
    book = folder / "gradebook.csv"
    small_book.to_csv(book, index=False)
    # dan is on nbgrader's roster and never submitted anything.
    work = _work_with_roster(folder / "work", ["ann", "bob", "cat", "dan"])
    return load_grades(course, work, book), work, book


def _interactive_rows(page: str, table_id: str) -> list[list]:
    """The rows an ITables table of the page holds (its data travels as JSON inside the page)."""
    start = page.index(f'querySelectorAll("#{table_id}:not(.dataTable)")')
    match = re.search(r'"data_json": ("(?:[^"\\]|\\.)*")', page[start:])
    return json.loads(json.loads(match.group(1)))


def test_pass_rates_are_the_hand_computed_shares_of_learners_who_submitted(small) -> None:
    grades, _, _ = small
    rates = summaries.pass_rates(grades).set_index(["assignment", "part"])
    # perceptron: ann, bob and cat submitted (dan did not, and does not count).
    expected = {"sigmoid": 1 / 3, "relu": 2 / 3, "perceptron_forward": 2 / 3, "predict": 2 / 3,
                "count_parameters": 2 / 3}
    for part, rate in expected.items():
        assert rates.loc[("perceptron", part), "rate"] == pytest.approx(rate), part
        assert rates.loc[("perceptron", part), "submitted"] == 3
    assert rates.loc[("perceptron", "count_parameters"), "grading_failed"] == 1
    assert rates.loc[("bce", "bce_grad"), "rate"] == 0 and rates.loc[("bce", "bce_loss"), "rate"] == 1
    assert rates.loc[("quiz_perceptron", "p1_what_it_computes"), "rate"] == 0
    assert rates.loc[("quiz_perceptron", "p2_sigmoid_range"), "rate"] == pytest.approx(1 / 2)
    # Nobody submitted backprop: no rate rather than 0 %.
    assert rates.loc[("backprop", "forward"), "submitted"] == 0 and pd.isna(rates.loc[("backprop", "forward"), "rate"])
    # The 0-point gpu cell is not a part of any table.
    assert "gpu" not in set(grades.parts.part) and ("perceptron", "gpu") not in rates.index


def test_totals_are_out_of_the_maximum_and_missing_is_never_zero(small) -> None:
    grades, _, _ = small
    wide = summaries.totals_table(grades).set_index("student")
    assert wide.loc["ann", "perceptron"] == 10 and wide.loc["bob", "perceptron"] == 7
    assert wide.loc["cat", "perceptron"] == 4.5
    assert wide.loc["bob", "bce"] == "missing" and wide.loc["cat", "bce"] == "missing"
    assert set(wide.loc["dan"].drop(["missing"])) == {"missing"}  # every assignment and the total
    assert wide.loc["dan", "missing"] == len(grades.assignments)
    assert wide.loc["bob", "total"] == 7 + 17 - 1  # perceptron and the quiz (17 points, p1 missed)
    missing = summaries.missing_work(grades).set_index("student")
    assert missing.loc["dan", "count"] == len(grades.assignments)
    assert "bce" in missing.loc["bob", "missing"].split(", ") and "perceptron" not in missing.loc["bob", "missing"]


def test_frequent_mistakes_are_counted_per_learner_with_the_checks_hint(small) -> None:
    grades, _, _ = small
    mistakes = summaries.frequent_mistakes(grades)
    perceptron = mistakes[mistakes.assignment == "perceptron"].set_index("mistake")
    assert perceptron.loc["sigmoid overflow", "learners"] == 2
    assert perceptron.index[0] == "sigmoid overflow"  # the most frequent comes first
    # Two mistakes diagnosed in one part are both counted.
    assert {"bias missing", "no non-linearity"} <= set(perceptron.index)
    hints = {m.name: m.hint for m in CHECKS[("perceptron", "sigmoid")].mistakes}
    assert perceptron.loc["sigmoid overflow", "hint"] == hints["sigmoid overflow"]
    assert mistakes[mistakes.assignment == "bce"].mistake.tolist() == ["p not clipped"]


def test_quiz_questions_are_ranked_by_the_share_that_missed_them(small) -> None:
    grades, _, _ = small
    ranking = summaries.quiz_ranking(grades)
    top = list(zip(ranking.quiz, ranking.question, ranking.missed, ranking.submitted))[:3]
    # p1: 2 of 2 missed; l1: 1 of 1 (same share, fewer learners); p2: 1 of 2.
    assert top == [("quiz_perceptron", "p1_what_it_computes", 2, 2), ("quiz_loss", "l1_what_loss_measures", 1, 1),
                   ("quiz_perceptron", "p2_sigmoid_range", 1, 2)]
    assert set(ranking.missed[3:]) == {0}
    assert "quiz_backprop" not in set(ranking.quiz)  # nobody submitted it


def test_the_page_says_it_all_and_lists_missing_learners_as_missing(course, small, tmp_path: Path, capsys) -> None:
    _, work, book = small
    out = tmp_path / "report.html"
    assert main(["report", str(course.file), "--work", str(work), "--gradebook", str(book), "--out", str(out)]) == 0
    assert f"written to {out}" in capsys.readouterr().out
    page = out.read_text()
    totals = {row[0]: row for row in _interactive_rows(page, "learner-totals")}
    assert set(totals) == {"ann", "bob", "cat", "dan"}
    assert totals["dan"][1:-1] == ["missing"] * (len(totals["dan"]) - 2)  # every assignment, and the total
    assert totals["bob"][1] == "7" and totals["bob"][2] == "missing"
    missing = {row[0]: row for row in _interactive_rows(page, "missing-work")}
    assert missing["dan"][-1] == 10 and "perceptron" in missing["dan"][1]
    assert "1 learner(s) submitted nothing at all" in page and "dan" in page
    assert "Nobody has submitted <b>Backpropagation by hand</b>" in page
    # Totals with their maximum: (10 + 7 + 4.5) / 3 learners, out of 10.
    assert "mean 7.17 / 10, median 7 / 10" in page and "total points (out of 10)" not in page  # that is in the PNG
    assert "33% (1 of 3)" in page  # sigmoid's pass rate
    assert CHECKS[("perceptron", "sigmoid")].mistakes[0].hint.split(":")[0] in page
    parts = _interactive_rows(page, "part-grades")
    assert all(row[2] != "gpu" for row in parts)
    assert page.count('src="data:image/png;base64,') == 4  # perceptron, bce and two quizzes were submitted


def _loads_from_network(page: str) -> list[str]:
    """Everything in the page a browser would fetch from elsewhere (links to read are not fetched)."""
    patterns = (r"<script[^>]*\bsrc=", r"<link[^>]*\bhref=[\"']?https?:", r"<img[^>]*\bsrc=(?![\"']?data:)",
                r"url\([\"']?https?:", r"\bimport\b[^;\n]*from\s*[\"']https?:", r"@import")
    return [m.group(0) for p in patterns for m in re.finditer(p, page)]


def test_the_page_is_self_contained(course, small) -> None:
    _, work, book = small
    page, _ = build_report(course, work, book)
    assert _loads_from_network(page) == []
    # The table library travels inside the page (base64, imported from a blob: URL by ITables' loader).
    bundle = re.search(r'injectModule\("([A-Za-z0-9+/=]{100000,})"\)', page)
    assert bundle and b"DataTable" in base64.b64decode(bundle.group(1))


def test_a_submission_nbgrader_holds_but_never_graded_is_not_graded_rather_than_zero(course, small_book, tmp_path) -> None:
    # What nbgrader leaves for an unreadable notebook: the submission in gradebook.db, every score 0,
    # no grading record (so no status) in the CSV.
    unreadable = pd.DataFrame(_rows(course, "fay", "perceptron", {})).assign(score=0.0, status="", diagnoses="",
                                                                             sandbox="")
    book = tmp_path / "gradebook.csv"
    pd.concat([small_book, unreadable]).to_csv(book, index=False)
    grades = load_grades(course, tmp_path / "no-work", book)
    assert grades.not_graded == {("fay", "perceptron")} and "fay" in grades.roster
    states = summaries.assignment_totals(grades).set_index(["student", "assignment"]).state
    assert states[("fay", "perceptron")] == "not graded"
    rates = summaries.pass_rates(grades).set_index(["assignment", "part"])
    assert rates.loc[("perceptron", "sigmoid"), "submitted"] == 3  # ann, bob and cat; fay was never graded
    assert summaries.missing_work(grades).set_index("student").loc["fay", "not_graded"] == "perceptron"


# --- a synthetic class, checked with plain Python -------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(course, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("synthetic")
    book = folder / "gradebook.csv"
    course_gradebook(course, learners=300, seed=7, missing_share=0.1).to_csv(book, index=False)
    with book.open() as f:
        rows = list(csv.DictReader(f))
    return load_grades(course, folder / "no-work", book), rows, book


def test_synthetic_class_pass_rates_and_mistakes_match_a_plain_count(synthetic) -> None:
    grades, rows, _ = synthetic
    graded = [r for r in rows if not (r["part"] == "gpu" and float(r["max_score"]) == 0)]
    submitted: dict[str, set[str]] = defaultdict(set)
    passed: Counter[tuple[str, str]] = Counter()
    mistakes: Counter[tuple[str, str, str]] = Counter()
    for r in graded:
        submitted[r["assignment"]].add(r["student"])
        passed[(r["assignment"], r["part"])] += r["status"] == "passed"
        for name in filter(None, r["diagnoses"].split("; ")):
            mistakes[(r["assignment"], r["part"], name)] += 1
    rates = summaries.pass_rates(grades)
    assert len(rates) == len(passed)
    for r in rates.itertuples():
        assert r.submitted == len(submitted[r.assignment])
        assert r.rate == pytest.approx(passed[(r.assignment, r.part)] / len(submitted[r.assignment]))
    top = summaries.frequent_mistakes(grades)
    for r in top.itertuples():
        assert r.learners == mistakes[(r.assignment, r.part, r.mistake)]
    for assignment in {a for a, _, _ in mistakes}:
        most = max(n for (a, _, _), n in mistakes.items() if a == assignment)
        assert top[top.assignment == assignment].learners.iloc[0] == most


def test_synthetic_class_missing_work_and_quiz_ranking(synthetic) -> None:
    grades, rows, _ = synthetic
    done = {(r["student"], r["assignment"]) for r in rows}
    students = sorted({r["student"] for r in rows})
    ids = [a.id for a in grades.assignments]
    absent = {(s, a) for s in students for a in ids if (s, a) not in done}
    assert absent  # 10 % of the work is missing
    totals = summaries.assignment_totals(grades)
    assert {(r.student, r.assignment) for r in totals.itertuples() if r.state == "missing"} == absent
    assert totals[totals.state == "missing"].score.isna().all()
    ranking = summaries.quiz_ranking(grades)
    shares = ranking.share_missed.tolist()
    assert shares == sorted(shares, reverse=True) and len(ranking) == sum(
        len(a.parts) for a in grades.assignments if a.kind == "quiz")


# --- bad input ----------------------------------------------------------------------------------

def test_a_csv_with_missing_columns_exits_2_naming_the_file_and_the_columns(course, tmp_path: Path, capsys) -> None:
    book = tmp_path / "gradebook.csv"
    book.write_text("student,assignment,score\nann,perceptron,3\n")
    assert main(["report", str(course.file), "--gradebook", str(book), "--out", str(tmp_path / "r.html")]) == 2
    out = capsys.readouterr().out
    assert str(book) in out and "missing column(s) part, max_score, status, diagnoses" in out
    assert "Traceback" not in out and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("content, problem", [
    ("student,assignment,part,score,max_score,status,diagnoses\nann,perceptron,relu,lots,1,passed,\n",
     "column score is not a number on line(s) 2"),
    (None, "no such file"),
])
def test_unreadable_gradebooks_exit_2_with_the_reason(course, tmp_path: Path, capsys, content, problem) -> None:
    book = tmp_path / "gradebook.csv"
    if content is not None:
        book.write_text(content)
    assert main(["report", str(course.file), "--gradebook", str(book), "--out", str(tmp_path / "r.html")]) == 2
    out = capsys.readouterr().out
    assert str(book) in out and problem in out


def test_a_course_folder_that_does_not_exist_exits_2(course, tmp_path: Path, capsys) -> None:
    assert main(["report", str(course.file), "--work", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().out


@pytest.mark.parametrize("source", ["header-only csv", "empty csv", "course folder without grades"])
def test_an_empty_gradebook_gives_the_no_grades_yet_page(course, tmp_path: Path, capsys, source) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(course.file), "--out", str(out)]
    if source == "course folder without grades":
        args += ["--work", str(_work_with_roster(tmp_path / "work", ["eve"]))]
    else:
        book = tmp_path / "gradebook.csv"
        book.write_text(",".join(REQUIRED_COLUMNS) + "\n" if source == "header-only csv" else "")
        args += ["--gradebook", str(book)]
    assert main(args) == 0
    assert "No grades yet" in capsys.readouterr().out
    page = out.read_text()
    assert "<b>No grades yet.</b>" in page and "Backpropagation by hand" in page
    if source == "course folder without grades":
        assert "eve" in page  # on the roster, nothing graded
    assert _loads_from_network(page) == []


# --- in a real browser -------------------------------------------------------------------------

def test_the_report_in_a_real_browser_shows_its_images_and_sorts_and_filters(course, synthetic, tmp_path: Path) -> None:
    from browser_support import headless_chromium, screenshot

    _, _, book = synthetic
    work = _work_with_roster(tmp_path / "work", ["zoe-never-submitted"])
    out = tmp_path / "report.html"
    assert main(["report", str(course.file), "--work", str(work), "--gradebook", str(book), "--out", str(out)]) == 0
    with headless_chromium(window_size=(1400, 1300)) as driver:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        driver.get(out.as_uri())
        WebDriverWait(driver, 30, poll_frequency=0.2).until(
            lambda d: d.execute_script("return document.querySelectorAll('table.dataTable').length") == 3)
        widths = driver.execute_script("return [...document.images].map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 10 and min(widths) > 0

        def column(index: int) -> list[str]:
            return driver.execute_script(
                f"return [...document.querySelectorAll('#learner-totals tbody tr')]"
                f".map(r => r.children[{index}].textContent)")

        def search(text: str) -> None:
            box = driver.find_element(By.CSS_SELECTOR, "#learner-totals_wrapper input[type=search], "
                                                       "div:has(> #learner-totals) input[type=search]")
            box.clear()
            box.send_keys(text)
            time.sleep(0.5)

        total_header = driver.execute_script(
            "return [...document.querySelectorAll('#learner-totals thead th')].findIndex(h => h.textContent.trim() === 'total')")
        header = driver.find_elements(By.CSS_SELECTOR, "#learner-totals thead th")[total_header]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", header)
        header.click()
        time.sleep(0.3)
        ascending = column(total_header)
        assert ascending[0] == "missing"  # zoe, below every score
        header.click()
        time.sleep(0.3)
        descending = [float(t.split(" / ")[0]) for t in column(total_header)]
        assert descending == sorted(descending, reverse=True) and all(t.endswith(" / 129") for t in column(total_header))

        search("learner-0007")
        assert column(0) == ["learner-0007"]
        search("zoe")
        assert column(0) == ["zoe-never-submitted"] and set(column(1)) == {"missing"}
        search("")

        # A view an instructor would see first: the histograms and the pass rates below them.
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        shot = screenshot(driver, tmp_path, "report.png")
        assert shot.stat().st_size > 20_000


# --- from a real grading run -------------------------------------------------------------------

@pytest.mark.slow
def test_a_real_grading_run_reports_the_same_from_gradebook_db_and_gradebook_csv(course, tmp_path: Path, capsys) -> None:
    from corpus_support import build_notebook, corpus
    from grader.nbgrader_glue.course import CourseDirectory

    a = course.assignment("perceptron")
    work = tmp_path / "work"
    cdir = CourseDirectory.prepare(course, work)
    release = cdir.release("perceptron")
    cdir.nbgrader("db", "student", "add", "dan")  # on the roster, never submits
    submissions = tmp_path / "submissions"
    for student, notebook in (("ann", None), ("bob", "wrong_relu_min")):
        dest = submissions / student / "perceptron" / "perceptron.ipynb"
        dest.parent.mkdir(parents=True)
        if notebook is None:
            shutil.copy2(course.path(a.notebook), dest)
        else:
            sub = next(s for s in corpus("perceptron") if s.name == notebook)
            nbformat.write(build_notebook(sub, course.path(a.notebook), release), dest)
    broken = submissions / "cat" / "perceptron" / "perceptron.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not a notebook")
    main(["grade", str(course.file), "--work", str(work), "--submissions", str(submissions)])
    main(["gradebook", str(course.file), "--work", str(work)])
    capsys.readouterr()

    from_db = load_grades(course, work)
    from_csv = load_grades(course, work, work / "gradebook.csv")
    for grades in (from_db, from_csv):
        assert grades.roster == ["ann", "bob", "cat", "dan"]
        rates = summaries.pass_rates(grades).set_index(["assignment", "part"])
        assert rates.loc[("perceptron", "relu"), "passed"] == 1 and rates.loc[("perceptron", "relu"), "submitted"] == 2
        assert rates.loc[("perceptron", "sigmoid"), "rate"] == 1
        mistakes = summaries.frequent_mistakes(grades)
        assert mistakes[["part", "mistake", "learners"]].values.tolist() == [["relu", "min instead of max", 1]]
        states = summaries.assignment_totals(grades).set_index(["student", "assignment"]).state
        assert states[("dan", "perceptron")] == "missing" and states[("cat", "perceptron")] == "not graded"
        assert states[("ann", "perceptron")] == "submitted"
    pd.testing.assert_frame_equal(summaries.pass_rates(from_db), summaries.pass_rates(from_csv))

    assert main(["report", str(course.file), "--work", str(work)]) == 0
    page = (work / "report.html").read_text()
    assert "ReLU is max(0, z); min(0, z) keeps the negative part." in page
    totals = {row[0]: row for row in _interactive_rows(page, "learner-totals")}
    assert totals["ann"][1] == "10" and 9 <= float(totals["bob"][1]) < 10  # relu (1 point) earns partial credit
    assert totals["dan"][1] == "missing" and totals["cat"][1] == "not graded"
