"""`dlcourse grade` on a course folder: a truthful summary and exit status, crashes kept apart from wrong
answers, and the grades in nbgrader's own gradebook (formgrader and `nbgrader export` read them there)."""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest

from grader.cli.main import main
from grader.nbgrader_glue.course import CourseDirectory


@pytest.mark.slow
def test_grade_summary_names_crashes_and_unreadable_files_and_fails(course, tmp_path, capsys) -> None:
    a = course.assignment("perceptron")
    source = course.path(a.notebook)
    # The instructor released the assignment into this course folder earlier (`dlcourse release`).
    release = CourseDirectory.prepare(course, tmp_path / "work").release("perceptron")
    submissions = tmp_path / "submissions"
    good = submissions / "ann" / "perceptron" / "perceptron.ipynb"
    good.parent.mkdir(parents=True)
    shutil.copy2(source, good)
    crash = nbformat.read(source, as_version=4)
    for cell in crash.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "relu_code":
            cell.source = "import os\nos._exit(0)\n" + cell.source
    crashed = submissions / "bob" / "perceptron" / "perceptron.ipynb"
    crashed.parent.mkdir(parents=True)
    nbformat.write(crash, crashed)
    broken = submissions / "cat" / "perceptron" / "perceptron.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not a notebook")
    assert release.exists()

    code = main(["grade", str(course.file), "--work", str(tmp_path / "work"), "--submissions", str(submissions)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Graded 3 submission(s)" in out and "1 could not be graded" in out
    assert "cat/perceptron: not graded (not a readable notebook" in out
    assert "bob/perceptron/relu: grading failed" in out

    book = CourseDirectory(tmp_path / "work", course).gradebook()
    ann = book[book.student == "ann"]
    assert set(ann[ann.part != "gpu"].status) == {"passed"}
    bob = book[book.student == "bob"].set_index("part")
    assert bob.loc["relu", "status"] == "grading-failed" and bob.loc["relu", "score"] == 0
    # The crash cost relu alone: every other part of bob's correct work keeps its points.
    assert all(bob.loc[p.id, "score"] == p.points for p in a.parts if p.id != "relu")

    # nbgrader's own export reads the batch's grades from gradebook.db; `dlcourse export` writes its layout.
    work = CourseDirectory(tmp_path / "work", course)
    work.nbgrader("export", "--to", str(tmp_path / "nbgrader.csv"))
    assert main(["export", str(course.file), "--work", str(tmp_path / "work"), "--to", str(tmp_path / "ours.csv")]) == 0
    theirs = pd.read_csv(tmp_path / "nbgrader.csv").set_index(["assignment", "student_id"])
    ours = pd.read_csv(tmp_path / "ours.csv")
    assert list(ours.columns) == list(pd.read_csv(tmp_path / "nbgrader.csv").columns)
    ours = ours.set_index(["assignment", "student_id"])
    for key in [("perceptron", "ann"), ("perceptron", "bob")]:
        for column in ("raw_score", "score", "max_score"):
            assert ours.loc[key, column] == pytest.approx(theirs.loc[key, column]), (key, column)
    assert ours.loc[("perceptron", "ann"), "score"] == 10


def test_gradebook_prints_points_out_of_each_maximum_and_missing_work_as_missing(course, tmp_path, capsys,
                                                                                 monkeypatch) -> None:
    import pandas as pd

    from grader.cli.main import cmd_gradebook

    rows = [("ann", "perceptron", "sigmoid", 2, 2), ("ann", "perceptron", "relu", 0.5, 1),
            ("ann", "perceptron", "gpu", 0, 0), ("ann", "bce", "bce_loss", 3, 3),
            ("bob", "perceptron", "sigmoid", 1, 2), ("bob", "perceptron", "relu", 1, 1)]
    book = pd.DataFrame(rows, columns=["student", "assignment", "part", "score", "max_score"])
    cdir = CourseDirectory(tmp_path, course)
    monkeypatch.setattr(CourseDirectory, "gradebook", lambda self: book)
    cmd_gradebook(cdir)
    out = capsys.readouterr().out
    assert "perceptron (/3)" in out and "bce (/3)" in out
    bob = next(line for line in out.splitlines() if "bob" in line)
    assert "missing" in bob and "2 / 6" in bob  # bob's bce is missing work, not a 0 he earned
    assert "5.5 / 6" in next(line for line in out.splitlines() if "ann" in line)
    written = pd.read_csv(tmp_path / "gradebook.csv")
    assert "gpu" not in set(written.part)
