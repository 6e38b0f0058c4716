"""Restores in a process of their own give what the batch's own process gives, refusals included."""

from __future__ import annotations

import copy
import os
import signal
from pathlib import Path

import nbformat
import psutil
import pytest

from check_support import course
from grader.batch.engine import _why
from grader.batch.restore_pool import RestoreFailed, RestorePool, restore_workers
from grader.nbgrader_glue.masters import master_notebooks, read_notebook
from grader.nbgrader_glue.restore import restore
from test_restore_like_nbgrader import _tampered

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "perceptron" / "perceptron.ipynb"


@pytest.fixture(scope="module")
def pool():
    made = RestorePool(course(), 1)
    yield made
    made.close()


def _submissions() -> dict[str, nbformat.NotebookNode]:
    subs = _tampered(SOURCE)
    subs["untouched"] = nbformat.read(SOURCE, as_version=4)
    too_new = nbformat.read(SOURCE, as_version=4)
    next(c for c in too_new.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu_code"
         ).metadata["nbgrader"]["schema_version"] = 99
    subs["schema-too-new"] = too_new
    return subs


def _outcome(restorer, nb, master):
    try:
        restored, changes = restorer(copy.deepcopy(nb), master)
    except Exception as exc:  # noqa: BLE001 - the refusal is part of what is compared
        return "refused", _why(exc, 500)
    # A cell nbgrader puts back gets a fresh random id (uuid4) on every restore, in any process.
    had = {cell.get("id") for cell in nb.cells}
    for cell in restored.cells:
        if cell.get("id") not in had:
            cell["id"] = "put-back"
    return nbformat.writes(restored), changes


def test_every_submission_is_restored_or_refused_alike(pool) -> None:
    masters = master_notebooks(course())
    master = masters["perceptron"]
    outcomes = {}
    for name, nb in _submissions().items():
        nb = read_notebook(nbformat.writes(nb))
        here, there = _outcome(restore, nb, master), _outcome(pool.restore, nb, master)
        assert here == there, name
        outcomes[name] = here[0] == "refused"
    # Both kinds were tried: restored notebooks, and nbgrader's refusals, by the name of what it raised.
    assert outcomes["untouched"] is False and outcomes["dup-test"] is False
    assert outcomes["unflagged-test"] is True and outcomes["schema-too-new"] is True
    with pytest.raises(RestoreFailed) as refused:
        pool.restore(read_notebook(nbformat.writes(_submissions()["schema-too-new"])), master)
    assert refused.value.type_name == "SchemaTooNewError"


def test_a_killed_restoring_process_costs_nothing_but_time() -> None:
    made = RestorePool(course(), 1)
    try:
        master = master_notebooks(course())["perceptron"]
        nb = read_notebook(SOURCE.read_text(encoding="utf-8"))
        expected = nbformat.writes(restore(copy.deepcopy(nb), master)[0])
        assert nbformat.writes(made.restore(copy.deepcopy(nb), master)[0]) == expected
        restoring = [c for c in psutil.Process().children()
                     if any("spawn_main" in part for part in c.cmdline())]
        assert restoring, "the pool's process is a child of this one"
        for child in restoring:
            os.kill(child.pid, signal.SIGKILL)
        for _ in range(2):
            assert nbformat.writes(made.restore(copy.deepcopy(nb), master)[0]) == expected
    finally:
        made.close()


def test_one_core_or_one_slot_has_no_restoring_process() -> None:
    assert restore_workers(1) == 0
    cores = len(os.sched_getaffinity(0))
    assert restore_workers(2) == (1 if cores >= 2 else 0)
    assert restore_workers(64) == (max(1, min(64, cores) // 2) if cores >= 2 else 0)
