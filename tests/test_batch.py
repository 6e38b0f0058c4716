"""The batch grader, `dlcourse grade`: one notebook, a folder, resuming after kill -9, the gradebook, Dask.

Every test here grades in the real sandbox (warm bubblewrap sandboxes, one fork per submission).
That the batch path gives exactly nbgrader autograde's scores is shown in test_nbgrader_e2e.py
(the corpus) and test_adversarial.py (every attack).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from grader.batch.command import RESULTS_DIR, grade_many
from grader.nbgrader_glue.masters import master_notebooks, read_notebook
from grader.nbgrader_glue.restore import restore
from grader.batch.results import SCHEMA, ResultStore
from grader.batch.submissions import discover, read
from grader.cli.main import main
from submission_factory import make_submissions

ROOT = Path(__file__).resolve().parents[1]
PART_FIELDS = {"points", "max", "status", "message", "diagnoses"}


def _nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if _nbgrader_meta(c).get("grade_id") == grade_id)


def _docs(out: Path) -> dict[tuple[str, str], dict]:
    return {(d["student"], d["assignment"]): d for d in ResultStore(out / RESULTS_DIR).documents()}


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["student", "assignment", "part", "score", "max_score", "status", "diagnoses"]
    return frame[cols].sort_values(cols[:3]).reset_index(drop=True)


@pytest.fixture(scope="module")
def masters(course):
    return master_notebooks(course)


# ---- restoring a submission against the instructor's master --------------------------------------


def test_restore_undoes_what_nbgrader_undoes(course, masters) -> None:
    nb = read_notebook(course.path(course.assignment("perceptron").notebook).read_text())
    _cell(nb, "relu").source = "print('forged')\n1.0"          # a test cell edited
    _nbgrader_meta(_cell(nb, "relu"))["points"] = 100            # ... and its points
    _cell(nb, "setup").source = "import numpy as np"              # a locked cell edited
    _cell(nb, "predict_code").cell_type = "markdown"              # a solution cell made text
    nb.cells.remove(_cell(nb, "sigmoid"))                         # a test cell deleted
    forged = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade": True, "grade_id": "bonus",
                                                                        "points": 50, "solution": False}})
    duplicate = copy.deepcopy(_cell(nb, "predict"))
    duplicate.source = "# the learner's copy"
    nb.cells += [forged, duplicate]

    nb, changes = restore(nb, masters["perceptron"])

    master = masters["perceptron"].cells
    assert _cell(nb, "relu").source == master["relu"].source and _nbgrader_meta(_cell(nb, "relu"))["points"] == 1
    assert _cell(nb, "setup").source == master["setup"].source
    assert _cell(nb, "predict_code").cell_type == "code"
    ids = [_nbgrader_meta(c).get("grade_id") for c in nb.cells]
    assert ids.count("predict") == 1 and "bonus" not in ids and ids.count("sigmoid") == 1
    # Of a duplicated id the last cell is the one kept (nbgrader's DeduplicateIds), its source the master's.
    assert ids.index("predict") == len(nb.cells) - 1 and _cell(nb, "predict").source == master["predict"].source
    # The deleted test cell is back right after the cell that preceded it in the master.
    assert ids.index("sigmoid") == ids.index("sigmoid_code") + 1
    assert any("'bonus'" in c for c in changes) and any("Missing grade cell sigmoid" in c for c in changes)


def test_the_batch_restores_with_the_course_folders_own_steps(course, tmp_path) -> None:
    """One list of nbgrader steps: the course folder's nbgrader_config.py names exactly what the batch runs."""
    from traitlets.config import PyFileConfigLoader

    from grader.nbgrader_glue import pipeline
    from grader.nbgrader_glue.course import CourseDirectory

    CourseDirectory.prepare(course, tmp_path)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert config.Autograde.sanitize_preprocessors == pipeline.SANITIZE_STEPS
    assert config.GenerateAssignment.preprocessors == pipeline.RELEASE_STEPS
    assert pipeline.restore_steps() == pipeline.SANITIZE_STEPS[1:]  # all but the re-read of the file
    settings = pipeline.step_settings()
    assert config.ClearSolutions.code_stub == settings.ClearSolutions.code_stub
    assert config.OverwriteCells.add_missing_cells is settings.OverwriteCells.add_missing_cells is True


def test_a_notebook_is_recognised_by_its_test_cells(course, masters) -> None:
    from grader.nbgrader_glue.masters import detect_assignment

    assert detect_assignment(read_notebook(course.path(course.assignment("dropout").notebook).read_text()),
                             masters) == "dropout"
    assert detect_assignment(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), masters) is None


# ---- one notebook --------------------------------------------------------------------------------


def test_one_notebook_prints_a_stable_json_document(course, capsys) -> None:
    code = main(["grade", str(course.path(course.assignment("backprop").notebook)), "--course", str(course.file),
                 "--student", "ann", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["schema"] == SCHEMA and (doc["student"], doc["assignment"]) == ("ann", "backprop")
    assert doc["status"] == "graded" and doc["error"] is None
    parts = {p.id: p.points for p in course.assignment("backprop").parts}
    assert {k: v["points"] for k, v in doc["parts"].items() if k in parts} == parts
    assert doc["total"] == doc["max"] == sum(parts.values())
    assert all(set(v) == PART_FIELDS and v["status"] == "passed" for v in doc["parts"].values())


def test_one_notebook_says_what_is_missing_and_what_is_wrong(course, tmp_path, capsys) -> None:
    nb = nbformat.read(course.path(course.assignment("perceptron").notebook), as_version=4)
    _cell(nb, "relu_code").source = "def relu(z):\n    raise NotImplementedError()\n"
    _cell(nb, "sigmoid_code").source = "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"
    path = tmp_path / "bob.ipynb"
    nbformat.write(nb, path)
    assert main(["grade", str(path), "--course", str(course.file), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["student"] == "bob" and doc["assignment"] == "perceptron"  # from the file name and the cells
    assert doc["parts"]["relu"]["status"] == "missing" and doc["parts"]["relu"]["points"] == 0
    assert doc["parts"]["sigmoid"]["status"] == "failed" and doc["parts"]["sigmoid"]["diagnoses"]
    assert doc["parts"]["count_parameters"]["status"] == "passed"

    assert main(["grade", str(path), "--course", str(course.file)]) == 0
    text = capsys.readouterr().out
    assert "perceptron for bob:" in text and "relu: 0/1 missing" in text and "not written yet" in text


def test_one_notebook_of_no_known_assignment_is_named_and_refused(course, tmp_path, capsys) -> None:
    path = tmp_path / "stray.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    assert main(["grade", str(path), "--course", str(course.file)]) == 2
    out = capsys.readouterr().out
    assert "stray.ipynb" in out and "--assignment" in out and "perceptron" in out


# ---- a batch -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("submitted")
    return root, make_submissions(course, root, 45)


@pytest.fixture(scope="module")
def uninterrupted(course, made, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("uninterrupted")
    assert grade_many(course, made[0], out, workers=2) == 0
    return out


def test_batch_scores_every_submission_as_it_was_made(made, uninterrupted) -> None:
    docs = _docs(uninterrupted)
    assert len(docs) == len(made[1])
    for m in made[1]:
        doc = docs[(m.student, m.assignment)]
        assert doc["status"] == "graded", doc["error"]
        assert (doc["total"] == doc["max"]) == m.expect_full, (m, {k: v["message"] for k, v in doc["parts"].items()})
    assert {m.assignment for m in made[1]} >= {"perceptron", "dropout", "quiz_loss", "quiz_backprop"}


def test_gradebook_has_a_row_per_student_assignment_part_and_missing_work_is_missing(course, made, uninterrupted) -> None:
    csv = pd.read_csv(uninterrupted / "gradebook.csv", keep_default_na=False, na_values=[""])
    parquet = pd.read_parquet(uninterrupted / "gradebook.parquet")
    pd.testing.assert_frame_equal(_comparable(csv.fillna({"diagnoses": ""})), _comparable(parquet), check_dtype=False)
    students = {m.student for m in made[1]}
    parts_per_assignment = parquet.groupby("assignment").part.nunique()
    assert len(parquet) == len(students) * parts_per_assignment.sum()
    submitted = {(m.student, m.assignment) for m in made[1]}
    # Work never handed in is missing, with no score (not 0); a part handed in blank is missing too, scored 0.
    was_submitted = [(s, a) in submitted for s, a in zip(parquet.student, parquet.assignment)]
    never = parquet[[not x for x in was_submitted]]
    assert not never.empty and set(never.status) == {"missing"} and never.score.isna().all()
    handed_in = parquet[was_submitted]
    assert handed_in.score.notna().all()
    blank = handed_in[handed_in.status == "missing"]
    assert not blank.empty and (blank.score == 0).all()


def test_a_rerun_grades_nothing_twice_and_a_resubmission_again(course, made, uninterrupted, tmp_path, capsys) -> None:
    tree, out = tmp_path / "submitted", tmp_path / "out"
    shutil.copytree(made[0], tree)
    shutil.copytree(uninterrupted / RESULTS_DIR, out / RESULTS_DIR)  # as if an earlier run had graded all
    before = {p: p.stat().st_mtime_ns for p in (out / RESULTS_DIR).glob("*/*.json")}
    capsys.readouterr()
    assert grade_many(course, tree, out) == 0
    assert f"Graded 0 submission(s)" in (text := capsys.readouterr().out) and f"{len(made[1])} unchanged" in text
    assert {p: p.stat().st_mtime_ns for p in before} == before

    changed, restamped = made[1][0], made[1][1]
    nb = tree / changed.student / changed.assignment / f"{changed.assignment}.ipynb"
    nb.write_text(nb.read_text().replace("def ", "def  ", 1))  # a changed file
    (tree / restamped.student / restamped.assignment / "timestamp.txt").write_text("2026-12-01 09:00:00.000000 UTC")
    assert grade_many(course, tree, out) == 0
    assert "Graded 2 submission(s)" in capsys.readouterr().out
    rewritten = {p for p in before if p.stat().st_mtime_ns != before[p]}
    assert {p.stem for p in rewritten} == {changed.student, restamped.student}
    assert _docs(out)[restamped.student, restamped.assignment]["timestamp"].startswith("2026-12-01 09:00")


def _snapshot(out: Path) -> dict[Path, tuple[int, str]]:
    return {p: (p.stat().st_ino, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in (out / RESULTS_DIR).glob("*/*.json")}


def _await_new_result(proc: subprocess.Popen, out: Path, before: int, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and len(list((out / RESULTS_DIR).glob("*/*.json"))) <= before:
        time.sleep(0.05)


def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_gradebook(course, made, uninterrupted,
                                                                                  tmp_path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader.cli.entry", "grade", str(made[0]), "--course", str(course.file),
               "--out", str(out), "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    rng = random.Random(9)
    kept: dict[Path, tuple[int, str]] = {}
    kills_mid_batch = 0
    for attempt in range(12):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        if attempt < 8:
            # Killed at a random moment after this run has written something of its own: on a slow or
            # busy machine a fixed delay could fall before the first result and prove nothing.
            _await_new_result(proc, out, len(kept))
            time.sleep(rng.uniform(0.0, 1.0))
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait(timeout=300)
        now = _snapshot(out)
        # Whatever was written before stays exactly as it was: not lost, not corrupted, not graded again.
        assert {p: now.get(p) for p in kept} == kept
        for p in now:
            json.loads(p.read_bytes())
        kills_mid_batch += code == -signal.SIGKILL and 0 < len(now) < len(made[1])
        kept = now
        if code == 0:
            break
    assert code == 0, "the batch never finished"
    assert kills_mid_batch >= 2, f"only {kills_mid_batch} kill(s) landed mid-batch; the test proves too little"
    final = pd.read_parquet(out / "gradebook.parquet")
    pd.testing.assert_frame_equal(_comparable(final), _comparable(pd.read_parquet(uninterrupted / "gradebook.parquet")))


def test_flat_folder_and_files_that_are_not_submissions(course, tmp_path, capsys) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy2(course.path(course.assignment("bce").notebook), flat / "ann.ipynb")
    (flat / "broken.ipynb").write_text("{ not json")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), flat / "stray.ipynb")
    out = tmp_path / "out"
    assert grade_many(course, flat, out) == 1
    text = capsys.readouterr().out
    assert "broken.ipynb: not graded: not a readable notebook" in text
    assert "stray.ipynb: not graded: it has none of the course's test cells" in text
    docs = _docs(out)
    assert list(docs) == [("ann", "bce")] and docs["ann", "bce"]["total"] == 10


def test_a_broken_submission_in_a_tree_is_recorded_and_the_batch_goes_on(course, tmp_path, capsys) -> None:
    tree = tmp_path / "submitted"
    for student in ("ann", "cat"):
        (tree / student / "perceptron").mkdir(parents=True)
    shutil.copy2(course.path(course.assignment("perceptron").notebook), tree / "ann" / "perceptron" / "perceptron.ipynb")
    (tree / "cat" / "perceptron" / "perceptron.ipynb").write_text('{"cells": 3}')
    out = tmp_path / "out"
    assert grade_many(course, tree, out) == 1
    assert "cat/perceptron: not graded" in capsys.readouterr().out
    docs = _docs(out)
    assert docs["ann", "perceptron"]["total"] == 10
    cat = docs["cat", "perceptron"]
    assert cat["status"] == "grading-failed" and cat["error"]
    assert {v["status"] for v in cat["parts"].values()} == {"grading-failed"}


def test_dask_local_cluster_gives_the_same_results(course, made, uninterrupted, tmp_path) -> None:
    pytest.importorskip("dask.distributed")
    sample = tmp_path / "submitted"
    for m in made[1][:12]:
        shutil.copytree(m.path.parent, sample / m.student / m.assignment)
    out = tmp_path / "out"
    assert grade_many(course, sample, out, dask="local", workers=2) == 0
    local = _docs(uninterrupted)
    for key, doc in _docs(out).items():
        for field in ("total", "max", "status", "fingerprint"):
            assert doc[field] == local[key][field], (key, field)
        assert doc["parts"] == local[key]["parts"], key
    assert len(_docs(out)) == 12


def _read_all(listing, masters) -> list:
    return [read(listing, found, masters) for found in listing.found]


def test_discover_reads_nbgrader_trees_and_course_folders(course, masters, made, tmp_path) -> None:
    listing = discover(made[0], masters)
    subs = _read_all(listing, masters)
    assert len(subs) == len(made[1]) and not listing.ignored and all(s.notebook for s in subs)
    folder = tmp_path / "course"
    shutil.copytree(made[0], folder / "submitted")
    again = _read_all(discover(folder, masters), masters)
    assert [(s.student, s.assignment, s.fingerprint) for s in again] == [(s.student, s.assignment, s.fingerprint) for s in subs]
    only = discover(folder, masters, "quiz_loss").found
    assert only and {s.assignment for s in only} == {"quiz_loss"}
    with pytest.raises(ValueError, match="not in the course"):
        discover(folder, masters, "nope")
