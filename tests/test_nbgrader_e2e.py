"""Real nbgrader, real kernels: release, autograde, feedback over the whole course and the corpus."""

from __future__ import annotations

from html import unescape

import json
from pathlib import Path

import pandas as pd
import pytest

from corpus_support import build_notebook, corpus
from grader.nbgrader_glue.course import CourseDirectory
from grader.release.check import release_problems

pytestmark = pytest.mark.slow

SOLUTION, BLANK, BROKEN = "solution-author", "blank-release", "broken-file"


@pytest.fixture(scope="module")
def graded(course, fresh_release, tmp_path_factory) -> tuple[CourseDirectory, pd.DataFrame, dict[str, int]]:
    # The run's one release of the course (conftest.py), copied: this folder gets submissions and grades.
    cdir = fresh_release(tmp_path_factory.mktemp("nbgrader-course") / "course")
    returncodes = {}
    for a in course.assignments:
        released = cdir.root / "release" / a.id / f"{a.id}.ipynb"
        cdir.submit(SOLUTION, a.id, course.path(a.notebook))
        cdir.submit(BLANK, a.id, released)
        for sub in corpus(a.id):
            cdir.submit(sub.student, a.id, build_notebook(sub, course.path(a.notebook), released))
    broken = cdir.root / "submitted" / BROKEN / "perceptron" / "perceptron.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ this is not a notebook")
    for a in course.assignments:
        returncodes[a.id] = cdir.autograde(a.id).returncode
        cdir.generate_feedback(a.id)
    return cdir, cdir.gradebook(), returncodes


def _scores(book: pd.DataFrame, student: str, assignment: str) -> dict[str, tuple[float, float]]:
    rows = book[(book.student == student) & (book.assignment == assignment)]
    return {r.part: (r.score, r.max_score) for r in rows.itertuples()}


def test_release_has_no_solutions_hidden_tests_or_reference(course, graded) -> None:
    cdir, _, _ = graded
    for a in course.assignments:
        released = cdir.root / "release" / a.id / f"{a.id}.ipynb"
        assert release_problems(course.path(a.notebook), released) == []
        text = released.read_text()
        assert "reference" not in text.replace("Reference", "")
        assert "BEGIN HIDDEN TESTS" not in text and "exercise.grade(" not in text


def test_release_check_catches_a_leak(course, tmp_path) -> None:
    import nbformat

    a = course.assignments[0]
    leaky = nbformat.read(course.path(a.notebook), as_version=4)
    leaky.cells[-1].source += "\n### BEGIN HIDDEN TESTS\nprint('hidden')\n### END HIDDEN TESTS"
    path = tmp_path / "leaky.ipynb"
    nbformat.write(leaky, path)
    problems = release_problems(course.path(a.notebook), path)
    assert any("solution marker" in p for p in problems)
    assert any("hidden" in p for p in problems)


def test_source_solutions_get_full_marks(course, graded) -> None:
    _, book, _ = graded
    for a in course.assignments:
        scores = _scores(book, SOLUTION, a.id)
        expected = {p.id: p.points for p in a.parts}
        assert {k: v[0] for k, v in scores.items() if k in expected} == expected, a.id


def test_untouched_release_gets_zero(course, graded) -> None:
    _, book, _ = graded
    for a in course.assignments:
        scores = _scores(book, BLANK, a.id)
        assert scores and all(s == 0 for s, _ in scores.values()), (a.id, scores)


def test_grading_ran_without_errors_except_the_broken_file(course, graded) -> None:
    cdir, book, codes = graded
    assert all(code == 0 for a, code in codes.items() if a != "perceptron"), codes
    # The unreadable notebook fails alone: every other perceptron submission was graded.
    assert codes["perceptron"] != 0
    autograded = cdir.root / "autograded"
    assert not (autograded / BROKEN / "perceptron" / "perceptron.ipynb").exists()
    submitted = {p.parent.parent.name for p in (cdir.root / "submitted").glob("*/perceptron/perceptron.ipynb")}
    graded_ok = {p.parent.parent.name for p in autograded.glob("*/perceptron/perceptron.ipynb")}
    assert graded_ok == submitted - {BROKEN}
    broken_scores = _scores(book, BROKEN, "perceptron")
    assert all(score == 0 for score, _ in broken_scores.values())


def test_autograde_resumes_without_regrading(course, graded) -> None:
    cdir, _, _ = graded
    autograded = cdir.root / "autograded" / SOLUTION / "bce" / "bce.ipynb"
    before = autograded.stat().st_mtime_ns
    run = cdir.autograde("bce")
    assert run.returncode == 0
    assert autograded.stat().st_mtime_ns == before
    assert "Skipping existing" in run.log


def test_feedback_html_carries_the_diagnosis(course, graded) -> None:
    cdir, _, _ = graded
    wrong = [s for s in corpus() if not s.expect_full]
    assert wrong, "the corpus has no wrong submissions"
    for sub in wrong:
        html = cdir.feedback_html(sub.student, sub.assignment).read_text()
        assert sub.mistake in unescape(html), sub.path


@pytest.mark.parametrize("sub", corpus(), ids=lambda s: f"{s.assignment}/{s.name}")
def test_corpus_scores_as_its_mistake_predicts(course, graded, sub) -> None:
    _, book, _ = graded
    a = course.assignment(sub.assignment)
    scores = _scores(book, sub.student, sub.assignment)
    for part in a.parts:
        score, max_score = scores[part.id]
        if sub.expect_full or part.id not in sub.parts:
            assert score == max_score, (part.id, score, max_score)
        else:
            assert score < max_score, (part.id, score, max_score)


def test_corpus_is_big_enough(course) -> None:
    for a in course.assignments:
        subs = corpus(a.id)
        assert sum(s.expect_full for s in subs) >= 3, a.id
        assert sum(not s.expect_full for s in subs) >= 8, a.id


def test_feedback_shows_the_learners_plots(course, graded) -> None:
    cdir, _, _ = graded
    html = cdir.feedback_html(SOLUTION, "gradient_descent").read_text()
    # The plot cells ran in the sandbox; their figures came back as checked PNGs.
    assert html.count("data:image/png;base64,") >= 3


def test_gradebook_keeps_status_and_the_sandbox_apart_from_scores(course, graded) -> None:
    from grader.sandbox.launch import Sandbox

    _, book, _ = graded
    mine = book[(book.student == SOLUTION) & (book.part != "gpu")]
    assert set(mine.status) == {"passed"}
    blank = book[(book.student == BLANK) & (book.part != "gpu")]
    assert set(blank.status) == {"failed"}
    expected = "sandbox: bubblewrap" if Sandbox.detect().isolated else "NO SANDBOX"
    assert all(s.startswith(expected) for s in book.sandbox.dropna())


def test_plain_nbgrader_without_the_course_config_gives_no_points(course, tmp_path) -> None:
    """Fail closed: if nbgrader ever runs the test cells itself, they raise instead of passing."""
    cdir = CourseDirectory.prepare(course, tmp_path / "plain")
    (cdir.root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(cdir.root)!r}\nc.CourseDirectory.course_id = 'plain'\n"
    )
    cdir.release("perceptron")
    cdir.submit(SOLUTION, "perceptron", course.path(course.assignment("perceptron").notebook))
    assert cdir.autograde("perceptron").returncode == 0
    scores = _scores(cdir.gradebook(), SOLUTION, "perceptron")
    assert scores and all(score == 0 for part, (score, _) in scores.items() if part != "gpu"), scores


def test_corpus_scores_exactly_as_the_in_process_judge(course, graded, in_public_dir) -> None:
    """The sandbox changes where code runs, not what it earns: every part's points are those of
    run_check on the same code in-process, with the same learner id."""
    from corpus_support import build_notebook as build
    from test_corpus_fast import _namespace

    from grader.exercises import check_for
    from grader.grading.context import context_for
    from grader.grading.runner import run_check

    cdir, book, _ = graded
    for sub in corpus():
        a = course.assignment(sub.assignment)
        namespace = _namespace(build(sub, course.path(a.notebook), course.path(a.notebook)))
        ctx = context_for(course, learner=sub.student, randomized=True)
        scores = _scores(book, sub.student, a.id)
        for part in a.parts:
            expected = run_check(check_for(a.id, part.id), namespace, ctx, part.points).points
            assert scores[part.id][0] == pytest.approx(expected, abs=1e-9), (sub.name, part.id)


def _figure_cells(cdir: CourseDirectory, student: str, assignment: str) -> dict[str, list[str]]:
    import nbformat

    nb = nbformat.read(cdir.root / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: [o["data"]["image/png"] for o in c.outputs
                                                  if o.get("output_type") == "display_data" and "image/png" in o.get("data", {})]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def test_feedback_draws_each_learners_result_against_the_right_one(course, graded) -> None:
    from grader.exercises import exercise

    cdir, _, _ = graded
    for a in course.assignments:
        drawn = set(getattr(exercise(a.id), "FEEDBACK_FIGURES", {}))
        if not drawn:
            continue
        solution = _figure_cells(cdir, SOLUTION, a.id)
        assert all(len(solution[part]) == 1 for part in drawn), (a.id, solution)
        # Wrong work that still returns numbers is drawn too (work that raises has nothing to draw).
        wrong_drawn = 0
        for sub in (s for s in corpus(a.id) if not s.expect_full):
            html = cdir.feedback_html(sub.student, a.id).read_text()
            for part, figures in _figure_cells(cdir, sub.student, a.id).items():
                assert len(figures) <= 1 and all(f[:200] in html for f in figures), (a.id, sub.student, part)
                wrong_drawn += bool(figures) and part in drawn
        assert wrong_drawn >= 2, a.id
        html = cdir.feedback_html(SOLUTION, a.id).read_text()
        assert all(solution[part][0][:200] in html for part in drawn), a.id
        # An untouched notebook has nothing to draw, and its feedback says what to do instead.
        assert all(not figs for figs in _figure_cells(cdir, BLANK, a.id).values()), a.id


def test_batch_grader_gives_nbgrader_autogrades_scores_and_messages(course, graded, tmp_path) -> None:
    """`dlcourse grade` (warm sandboxes, no nbgrader) on the very submissions nbgrader autograded."""
    from grader.batch.command import RESULTS_DIR, grade_many
    from grader.batch.results import ResultStore

    cdir, book, _ = graded
    out = tmp_path / "batch"
    assert grade_many(course, cdir.root / "submitted", out) == 1  # the broken file
    docs = {(d["student"], d["assignment"]): d for d in ResultStore(out / RESULTS_DIR).documents()}
    compared = 0
    for nb_path in sorted((cdir.root / "autograded").glob("*/*/*.ipynb")):
        student, assignment = nb_path.parent.parent.name, nb_path.parent.name
        parts = json.loads(nb_path.read_text())["metadata"]["dlcourse"]["parts"]
        doc = docs[(student, assignment)]
        scores = _scores(book, student, assignment)
        assert {p: v["points"] for p, v in doc["parts"].items()} == {p: scores[p][0] for p in doc["parts"]}, student
        assert {p: v["message"] for p, v in doc["parts"].items()} == {p: v["message"] for p, v in parts.items()}, student
        assert {p: v["diagnoses"] for p, v in doc["parts"].items()} == {p: v["diagnoses"] for p, v in parts.items()}
        compared += 1
    assert compared >= 70
    assert docs[(BROKEN, "perceptron")]["status"] == "grading-failed"
