"""The batch fuzzer: hundreds of malformed and hostile submissions in one batch, beside honest classmates.

``tests/fuzz_submissions.py`` generates the cases from a seed (at least 500: truncated and non-JSON
files, wrong nbformat versions, binary in sources, 50 MB outputs, 100,000 cells, duplicated and
missing grade ids, metadata of the wrong types, links, FIFOs, sockets, devices, folders and odd
names, lone surrogates and control characters in every text field, timestamps of every shape).
They are graded with the honest classmates in one run of ``./course.sh grade`` through the real
sandbox, and the batch must finish, record every hostile submission with a reason, give every
honest classmate exactly what it gets alone, write nothing outside the course folder and leave no
process behind.

CI grades the cases of one seed (520 of them, about 20 s on 2 cores). A longer search draws more seeds:
``DLCOURSE_FUZZ_SEEDS=20 ./course.sh test tests/test_fuzz_batch.py`` grades 20 × 520 in one batch, and
``DLCOURSE_FUZZ_SEED`` says where the seeds start (a failure names its case, which its seed rebuilds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from corpus_support import build_notebook, corpus
from fuzz_submissions import ASSIGNMENT, GOOD_STAMP, NOTEBOOK, SOLUTION, all_seeds
from grader.nbgrader_glue.reading import storage_name
from grader.batch.results import ResultStore
from grader.course.config import load_course
from grader.learner.core.text import clean_text, display_name
from grader.nbgrader_glue.course import CourseDirectory
from sandbox_support import settled

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COURSE_FILE = ROOT / "course.yaml"
SEED = int(os.environ.get("DLCOURSE_FUZZ_SEED", "15"))
SEEDS = int(os.environ.get("DLCOURSE_FUZZ_SEEDS", "1"))
#: Where a link, FIFO, socket, device or folder stands in for the notebook: never graded as work.
NEVER_GRADED = ("link-", "fifo-", "socket", "char-device", "notebook-folder")
HONEST = ("honest-a-solution", "m-honest-blank", "n-honest-wrong", "zz-honest-solution")


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry below ``folder`` (links not followed): its size and modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            out[os.path.relpath(path, folder)] = (st.st_size, st.st_mtime_ns)
    return out


def _honest(subs: Path) -> None:
    release = subs.parent / "course-work" / "release" / ASSIGNMENT / NOTEBOOK
    wrong = next(c for c in corpus(ASSIGNMENT) if not c.expect_full)
    notebooks = {"honest-a-solution": nbformat.read(SOLUTION, as_version=4),
                 "m-honest-blank": nbformat.read(release, as_version=4),
                 "n-honest-wrong": build_notebook(wrong, SOLUTION, SOLUTION),
                 "zz-honest-solution": nbformat.read(SOLUTION, as_version=4)}
    for student, nb in notebooks.items():
        folder = subs / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / NOTEBOOK)
        (folder / "timestamp.txt").write_text(GOOD_STAMP)


def _batch(tmp: Path, released: Path, fill, scratch: Path) -> tuple[subprocess.CompletedProcess[str], dict, Path]:
    work, subs = tmp / "course-work", tmp / "subs"
    shutil.copytree(released, work)
    CourseDirectory.prepare(load_course(COURSE_FILE), work)
    subs.mkdir()
    fill(subs)
    before = _snapshot(subs)
    run = subprocess.run([str(ROOT / "course.sh"), "grade", str(COURSE_FILE), "--work", str(work),
                          "--submissions", str(subs), "--workers", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=900 * SEEDS,
                         env={**os.environ, "TMPDIR": str(scratch)})
    assert _snapshot(subs) == before, "the batch changed the submissions it was given"
    docs = {d["student"]: d for d in ResultStore(work / "dlcourse-results").documents()}
    return run, docs, work


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("fuzz-release") / "course-work"
    CourseDirectory.prepare(load_course(COURSE_FILE), work).release(ASSIGNMENT)
    return work


@pytest.fixture(scope="module")
def alone(released, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("fuzz-alone")
    scratch = tmp / "scratch"
    scratch.mkdir()
    run, docs, _ = _batch(tmp, released, _honest, scratch)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return docs


@pytest.fixture(scope="module")
def fuzzed(released, tmp_path_factory):
    chosen = all_seeds(SEED, SEEDS)
    tmp = tmp_path_factory.mktemp("fuzz")
    scratch = tmp / "scratch"
    scratch.mkdir()
    outside = tmp / "outside"
    outside.mkdir()
    written: dict[str, str] = {}

    def fill(subs: Path) -> None:
        _honest(subs)
        for case in chosen:
            written[case.name] = case.write(subs)

    run, docs, work = _batch(tmp, released, fill, scratch)
    return chosen, written, run, docs, work, scratch, outside


def test_the_fuzzed_batch_finishes_and_names_what_it_could_not_grade(fuzzed) -> None:
    chosen, _written, run, docs, _work, _scratch, _outside = fuzzed
    assert len(chosen) >= 500 * SEEDS
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]  # failures are named, never a crash
    assert "Traceback" not in run.stdout + run.stderr, (run.stdout + run.stderr)[-5000:]
    assert "Gradebook:" in run.stdout


def test_every_hostile_submission_is_recorded_with_a_reason(fuzzed) -> None:
    chosen, written, run, docs, *_ = fuzzed
    unrecorded = []
    for case in chosen:
        student = clean_text(written[case.name])
        doc = docs.get(student)
        if doc is not None and doc["assignment"] == ASSIGNMENT:
            if doc["status"] != "graded":
                assert doc["error"], (case.name, doc)
            continue
        if f"{display_name(student, 60)}" in run.stdout and ("ignored" in run.stdout or "not graded" in run.stdout):
            continue
        unrecorded.append(case.name)
    assert not unrecorded, f"no record and no reason for {unrecorded}"


def test_no_link_or_special_file_earns_a_point(fuzzed) -> None:
    chosen, written, _run, docs, *_ = fuzzed
    earned = {c.name: docs[clean_text(written[c.name])]["total"] for c in chosen
              if c.name.startswith(NEVER_GRADED) and clean_text(written[c.name]) in docs
              and docs[clean_text(written[c.name])]["total"] > 0}
    assert not earned, earned


def test_every_honest_classmate_gets_exactly_what_it_gets_alone(fuzzed, alone) -> None:
    _chosen, _written, _run, docs, *_ = fuzzed
    assert set(HONEST) <= set(alone)
    for student in HONEST:
        got, expected = docs[student], alone[student]
        assert (got["status"], got["total"], got["parts"]) == (expected["status"], expected["total"],
                                                               expected["parts"]), student
    assert docs["honest-a-solution"]["total"] == docs["honest-a-solution"]["max"] == 10


def test_nothing_is_written_outside_the_course_folder_and_no_process_survives(fuzzed) -> None:
    _chosen, _written, _run, _docs, work, scratch, outside = fuzzed
    assert not list(scratch.iterdir()), f"left in the grader's TMPDIR: {sorted(p.name for p in scratch.iterdir())}"
    assert not list(outside.iterdir())
    assert set(p.name for p in work.parent.iterdir()) == {"course-work", "subs", "scratch", "outside"}
    leftover = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True).stdout
    assert "pwned" not in leftover and not (ROOT / "pwned").exists()
    assert not settled(str(scratch)), "sandbox processes outlived the batch"


def test_results_of_odd_ids_are_stored_under_safe_names(fuzzed) -> None:
    _chosen, _written, _run, docs, work, *_ = fuzzed
    names = [p.name for p in (work / "dlcourse-results" / ASSIGNMENT).iterdir()]
    assert all(len(os.fsencode(n)) <= 100 and "/" not in n for n in names), max(names, key=len)
    for student in docs:
        assert f"{storage_name(student)}.json" in names
