"""Duplicated, edited, deleted and retyped cells: the batch restores them as ``nbgrader autograde`` does.

Both paths run nbgrader's own steps (``grader/nbgrader_glue/pipeline.py``): the course folder through
real nbgrader, the batch in its own process against a private gradebook. One real course folder,
a handful of tampered perceptron submissions, graded both ways: the same points and messages per part.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from grader.course.cells import grading_meta
from grader.nbgrader_glue.course import CourseDirectory

pytestmark = pytest.mark.slow

WRONG_RELU = "import numpy as np\n\ndef relu(z):\n    return np.asarray(z, dtype=float)\n"
RIGHT_RELU = "import numpy as np\n\ndef relu(z):\n    return np.maximum(0.0, np.asarray(z, dtype=float))\n"
FULL = 10.0


def _index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grading_meta(c).grade_id == grade_id)


def _tampered(source: Path) -> dict[str, nbformat.NotebookNode]:
    def solved() -> nbformat.NotebookNode:
        return nbformat.read(source, as_version=4)

    subs = {}
    # A copy of the relu test cell after the real one, holding a right relu, over a wrong relu of their own:
    # nbgrader keeps the last cell of an id as the test cell (its source the master's), so the copy never runs.
    nb = solved()
    nb.cells[_index(nb, "relu_code")].source = WRONG_RELU
    forged = copy.deepcopy(nb.cells[_index(nb, "relu")])
    forged.source, forged["id"] = RIGHT_RELU, "relu-copy"
    nb.cells.insert(_index(nb, "relu") + 1, forged)
    subs["dup-test"] = nb
    # The relu solution cell twice, the second copy wrong.
    nb = solved()
    second = copy.deepcopy(nb.cells[_index(nb, "relu_code")])
    second.source, second["id"] = WRONG_RELU, "relu-code-copy"
    nb.cells.insert(_index(nb, "relu_code") + 1, second)
    subs["dup-solution"] = nb
    # The locked setup cell (it imports NumPy for every later cell) emptied.
    nb = solved()
    nb.cells[_index(nb, "setup")].source = "pass"
    subs["edited-locked"] = nb
    # A test cell deleted.
    nb = solved()
    del nb.cells[_index(nb, "relu")]
    subs["deleted-test"] = nb
    # A solution cell and a test cell made markdown.
    nb = solved()
    nb.cells[_index(nb, "relu_code")].cell_type = "markdown"
    nb.cells[_index(nb, "predict")].cell_type = "markdown"
    for i in (_index(nb, "relu_code"), _index(nb, "predict")):
        nb.cells[i].pop("outputs", None)
        nb.cells[i].pop("execution_count", None)
    subs["type-changed"] = nb
    # What nbgrader refuses to restore, so neither path grades: a test cell's grade flag cleared (its
    # checksum can no longer match the master's), a solution cell deleted with its test cell (nbgrader puts
    # a deleted test cell back after the cell before it, which is gone too).
    nb = solved()
    nb.cells[_index(nb, "relu")].metadata["nbgrader"]["grade"] = False
    subs["unflagged-test"] = nb
    nb = solved()
    del nb.cells[_index(nb, "relu")]
    del nb.cells[_index(nb, "relu_code")]
    subs["pair-deleted"] = nb
    return subs


@pytest.fixture(scope="module")
def both(course, tmp_path_factory) -> tuple[dict[str, dict], dict[str, dict], dict[str, str]]:
    """(nbgrader's parts, the batch's parts) per graded student: {part: {points, message}}; and the batch's
    error per student it could not grade."""
    from grader.batch.command import RESULTS_DIR, grade_many
    from grader.batch.results import ResultStore

    cdir = CourseDirectory.prepare(course, tmp_path_factory.mktemp("restore-course"))
    cdir.release("perceptron")
    for student, nb in _tampered(course.path(course.assignment("perceptron").notebook)).items():
        cdir.submit(student, "perceptron", nb)
    run = cdir.autograde("perceptron")
    book = cdir.gradebook()
    nbgrader: dict[str, dict] = {}
    for nb_path in sorted((cdir.root / "autograded").glob("*/perceptron/perceptron.ipynb")):
        student = nb_path.parent.parent.name
        messages = json.loads(nb_path.read_text())["metadata"]["dlcourse"]["parts"]
        rows = book[book.student == student]
        nbgrader[student] = {r.part: {"points": float(r.score), "message": messages[r.part]["message"]}
                             for r in rows.itertuples()}
    assert nbgrader, run.log[-3000:]
    out = tmp_path_factory.mktemp("restore-batch")
    grade_many(course, cdir.root / "submitted", out)
    docs = list(ResultStore(out / RESULTS_DIR).documents())
    batch = {d["student"]: {p: {"points": v["points"], "message": v["message"]} for p, v in d["parts"].items()}
             for d in docs if d["status"] == "graded"}
    return nbgrader, batch, {d["student"]: d["error"] for d in docs if d["status"] != "graded"}


def test_both_paths_grade_every_tampered_submission_alike(both) -> None:
    nbgrader, batch, _ = both
    assert set(nbgrader) == set(batch) == {"dup-test", "dup-solution", "edited-locked", "deleted-test", "type-changed"}
    for student in nbgrader:
        assert batch[student] == nbgrader[student], student


def test_what_nbgrader_refuses_to_restore_the_batch_refuses_too(both) -> None:
    _, _, refused = both
    assert set(refused) == {"unflagged-test", "pair-deleted"}
    assert "Inconsistent checksums for cell relu" in refused["unflagged-test"]
    assert "KeyError" in refused["pair-deleted"] and "relu_code" in refused["pair-deleted"]


def test_a_duplicated_test_cell_is_the_last_copy_and_never_runs(both) -> None:
    nbgrader, batch, _ = both
    for parts in (nbgrader["dup-test"], batch["dup-test"]):
        assert parts["relu"]["points"] < 1.0  # their own wrong relu, not the right one in the copy
        assert sum(p["points"] for p in parts.values()) == FULL - 1.0 + parts["relu"]["points"]


def test_edited_locked_deleted_and_retyped_cells_are_restored(both) -> None:
    nbgrader, batch, _ = both
    for graded in (nbgrader, batch):
        for student in ("edited-locked", "deleted-test", "type-changed"):
            parts = graded[student]
            assert set(parts) >= {"sigmoid", "relu", "perceptron_forward", "predict", "count_parameters"}, student
            assert sum(p["points"] for p in parts.values()) == FULL, (student, parts)
        assert graded["dup-solution"]["relu"]["points"] < 1.0  # the later copy defines relu last
