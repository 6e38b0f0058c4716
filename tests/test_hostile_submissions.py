"""Hostile submission folders on the path instructors use most: ``./course.sh grade course.yaml --submissions DIR``.

Each test is one finding of an adversarial learner's try (issue 15), reproduced on the landed main
before it was fixed, graded through the real command and the real sandbox, beside honest classmates:
a submission folder is learner input as much as the notebook in it (links, special files, names,
timestamps), and so is what a learner's code leaves behind for the next learner on the same slot.
The last tests run the same folders through real ``nbgrader autograde`` and compare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import nbformat
import pytest

from grader.batch.results import ResultStore
from grader.course.config import load_course
from grader.nbgrader_glue.course import CourseDirectory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
COURSE_FILE = ROOT / "course.yaml"
SOLUTION = ROOT / "exercises" / "perceptron" / "perceptron.ipynb"
FULL = 10.0
LONG_ID = "e" + "x" * 239
LEFTOVER_KEY = 0x0D1C0DE
QUIZ, FORMULA_QUESTION = "quiz_gradient_descent", "g4_quartic_derivative"

PLANT = f"""
import ctypes, os
_libc = ctypes.CDLL(None, use_errno=True)
_libc.mq_open(b"/dlcourse-leftover", os.O_CREAT | os.O_RDWR, 0o666, None)
_libc.shmget({LEFTOVER_KEY}, 4096, 0o1666)
for _folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), "/home/learner"):
    try:
        with open(os.path.join(_folder, "leftover.txt"), "w") as _f:
            _f.write("secret")
    except OSError:
        pass
"""
PROBE = f"""
import ctypes, json, os
_libc = ctypes.CDLL(None, use_errno=True)
_found = []
if _libc.mq_open(b"/dlcourse-leftover", os.O_RDONLY) >= 0:
    _found.append("a POSIX message queue")
if _libc.shmget({LEFTOVER_KEY}, 0, 0o666) >= 0:
    _found.append("SysV shared memory")
for _folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), "/home/learner"):
    for _dir, _subdirs, _files in os.walk(_folder):
        _found += [os.path.join(_dir, _n) for _n in _files if _n == "leftover.txt"]
print("LEFTOVERS", json.dumps(_found))
"""
FILL_TMP = """
import os
os.makedirs("/tmp/fill/deep", exist_ok=True)
_n = 0
try:
    while True:
        with open(f"/tmp/fill/deep/{_n}", "wb") as _f:
            for _ in range(48):
                _f.write(b"\\0" * (1 << 20))
        _n += 1
except OSError:
    pass
os.chmod("/tmp/fill/deep", 0)
os.chmod("/tmp/fill", 0)
"""


# ---- a released course folder, copied for each test -------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("released") / "course-work"
    cdir = CourseDirectory.prepare(load_course(COURSE_FILE), work)
    cdir.release("perceptron")
    cdir.release(QUIZ)
    return work


def copy_release(released: Path, work: Path) -> Path:
    """A copy of the released course folder at ``work``, its nbgrader_config.py pointing at the copy."""
    shutil.copytree(released, work)
    CourseDirectory.prepare(load_course(COURSE_FILE), work)
    return work


def solved(extra: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.read(SOLUTION, as_version=4)
    if extra is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    return nb


def put(subs: Path, student: str, what: nbformat.NotebookNode | Callable[[Path], None],
        timestamp: str | None = "2026-12-01 10:00:00.000000 UTC") -> Path:
    folder = subs / student / "perceptron"
    folder.mkdir(parents=True)
    if callable(what):
        what(folder / "perceptron.ipynb")
    else:
        nbformat.write(what, folder / "perceptron.ipynb")
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)
    return folder


@dataclass
class Graded:
    code: int
    out: str
    work: Path
    docs: dict[str, dict[str, Any]]

    def total(self, student: str) -> float | None:
        doc = self.docs.get(student)
        return None if doc is None or doc["status"] != "graded" else doc["total"]

    def db_scores(self) -> dict[str, float]:
        """What nbgrader's gradebook.db holds for perceptron, per learner (graded submissions only)."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.work / 'gradebook.db'}") as gb:
            return {s.student.id: float(s.score) for s in gb.assignment_submissions("perceptron")
                    if any(g.auto_score is not None for nb in s.notebooks for g in nb.grades)}

    def printed(self, student: str) -> str:
        """Everything the learner's cells printed, from their autograded notebook."""
        nb = nbformat.read(self.work / "autograded" / student / "perceptron" / "perceptron.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def course_sh(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "course.sh"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "300"})


def grade(released: Path, tmp: Path, fill: Callable[[Path], None], workers: int = 1) -> Graded:
    """``./course.sh grade course.yaml --work <copy of the release> --submissions <what fill made>``."""
    work, subs = copy_release(released, tmp / "course-work"), tmp / "subs"
    subs.mkdir()
    fill(subs)
    run = course_sh("grade", str(COURSE_FILE), "--work", str(work), "--submissions", str(subs),
                    "--workers", str(workers))
    docs = {d["student"]: d for d in ResultStore(work / "dlcourse-results").documents()
            if d["assignment"] == "perceptron"}
    return Graded(run.returncode, run.stdout + run.stderr, work, docs)


def honest_after(subs: Path, *names: str) -> None:
    for name in names or ("z-honest-classmate",):
        put(subs, name, solved())


# ---- full marks without solving ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["absolute", "proc-self-cwd", "course-source"])
def test_a_link_to_the_solution_earns_nothing(released, tmp_path, target) -> None:
    def fill(subs: Path) -> None:
        link = {"absolute": str(SOLUTION),
                "proc-self-cwd": "/proc/self/cwd/exercises/perceptron/perceptron.ipynb",
                "course-source": str(tmp_path / "course-work" / "source" / "perceptron" / "perceptron.ipynb")}[target]
        put(subs, "a-linker", lambda path: path.symlink_to(link))
        honest_after(subs)

    graded = grade(released, tmp_path, fill)
    doc = graded.docs["a-linker"]
    assert doc["status"] == "grading-failed" and doc["total"] == 0, (doc["total"], graded.out[-2000:])
    assert "symbolic link" in doc["error"] and "a-linker" in graded.out and graded.code == 1
    assert graded.total("z-honest-classmate") == FULL
    assert "a-linker" not in graded.db_scores()
    assert not (graded.work / "submitted" / "a-linker").exists()  # the link was never copied in


# ---- honest work lost --------------------------------------------------------------------------


def test_an_older_notebook_beside_the_solved_one_is_ignored_not_graded(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        folder = put(subs, "b-keeps-an-old-copy", solved())
        old = nbformat.read(released / "release" / "perceptron" / "perceptron.ipynb", as_version=4)
        nbformat.write(old, folder / "perceptron_old.ipynb")
        os.utime(folder / "perceptron_old.ipynb", (2e9, 2e9))  # written last

    graded = grade(released, tmp_path, fill, workers=2)
    assert graded.total("b-keeps-an-old-copy") == FULL, graded.out[-2000:]
    assert "perceptron_old.ipynb: ignored" in graded.out
    assert graded.db_scores()["b-keeps-an-old-copy"] == FULL


# ---- one submission stops the whole batch ---------------------------------------------------------


def test_a_folder_named_like_a_notebook_stops_nothing(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "c-has-a-folder", solved())
        (subs / "c-has-a-folder" / "perceptron" / "old-attempts.ipynb").mkdir()
        honest_after(subs)

    graded = grade(released, tmp_path, fill)
    assert graded.total("c-has-a-folder") == FULL and graded.total("z-honest-classmate") == FULL, graded.out[-2000:]
    assert "old-attempts.ipynb: ignored" in graded.out
    assert set(graded.db_scores()) == {"c-has-a-folder", "z-honest-classmate"}


def test_a_lone_surrogate_printed_stops_nothing(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "d-prints-a-surrogate", solved('print("caf\\udce9")'))
        honest_after(subs)

    graded = grade(released, tmp_path, fill)
    assert graded.total("d-prints-a-surrogate") == FULL and graded.total("z-honest-classmate") == FULL, graded.out[-2000:]
    assert "caf\\xe9" in graded.printed("d-prints-a-surrogate")  # escaped, not raised
    assert set(graded.db_scores()) == {"d-prints-a-surrogate", "z-honest-classmate"}


def test_a_240_character_learner_id_stops_nothing(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, LONG_ID, solved())
        honest_after(subs)

    graded = grade(released, tmp_path, fill)
    assert graded.total(LONG_ID) == FULL and graded.total("z-honest-classmate") == FULL, graded.out[-2000:]
    assert graded.db_scores() == {LONG_ID: FULL, "z-honest-classmate": FULL}


def test_a_240_character_file_name_in_a_flat_folder_stops_nothing(tmp_path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    nbformat.write(solved(), flat / f"{LONG_ID}.ipynb")
    nbformat.write(solved(), flat / "z-honest-classmate.ipynb")
    run = course_sh("grade", str(flat), "--course", str(COURSE_FILE), "--workers", "1")
    docs = {d["student"]: d for d in ResultStore(tmp_path / "flat-graded" / "dlcourse-results").documents()}
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
    assert docs[LONG_ID]["total"] == FULL and docs["z-honest-classmate"]["total"] == FULL


def test_a_fifo_in_place_of_the_notebook_stops_nothing(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "f-fifo", lambda path: os.mkfifo(path))
        honest_after(subs)

    graded = grade(released, tmp_path, fill)
    doc = graded.docs["f-fifo"]
    assert doc["status"] == "grading-failed" and "FIFO" in doc["error"], graded.out[-2000:]
    assert graded.total("z-honest-classmate") == FULL and graded.code == 1


def test_a_fifo_in_a_course_folder_graded_in_place_never_blocks(released, tmp_path) -> None:
    work = copy_release(released, tmp_path / "course-work")
    put(work / "submitted", "f-fifo", lambda path: os.mkfifo(path))
    honest_after(work / "submitted")
    run = course_sh("grade", str(COURSE_FILE), "--work", str(work), "--workers", "1", timeout=300)
    docs = {d["student"]: d for d in ResultStore(work / "dlcourse-results").documents()}
    assert "FIFO" in docs["f-fifo"]["error"] and docs["z-honest-classmate"]["total"] == FULL, run.stdout[-2000:]


def test_a_free_text_timestamp_is_named_and_every_classmate_reaches_the_gradebook(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "g-says-whenever", solved(), timestamp="whenever I felt like it")
        honest_after(subs, "h-classmate", "i-classmate")

    graded = grade(released, tmp_path, fill)
    assert graded.total("g-says-whenever") == FULL, graded.out[-2000:]
    assert "g-says-whenever/perceptron: timestamp.txt holds 'whenever I felt like it'" in graded.out
    assert graded.docs["g-says-whenever"]["timestamp"] == "" and graded.docs["g-says-whenever"]["warnings"]
    assert graded.db_scores() == {"g-says-whenever": FULL, "h-classmate": FULL, "i-classmate": FULL}


# ---- one learner reaches the next, one learner breaks a slot ----------------------------------------


def test_nothing_one_learner_leaves_reaches_the_next_on_the_same_slot(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "j-plants", solved(PLANT))
        put(subs, "k-looks", solved(PROBE))

    graded = grade(released, tmp_path, fill, workers=1)  # one slot: the same zygote forks both
    assert graded.total("j-plants") == FULL and graded.total("k-looks") == FULL, graded.out[-2000:]
    printed = graded.printed("k-looks")
    assert 'LEFTOVERS []' in printed, printed


def test_a_learner_who_fills_tmp_behind_chmod_0000_breaks_no_later_submission(released, tmp_path) -> None:
    def fill(subs: Path) -> None:
        put(subs, "l-fills-tmp", solved(FILL_TMP))
        honest_after(subs, "m-classmate", "n-classmate", "o-classmate")

    graded = grade(released, tmp_path, fill, workers=1)
    for student in ("l-fills-tmp", "m-classmate", "n-classmate", "o-classmate"):
        assert graded.total(student) == FULL, (student, graded.docs.get(student, {}).get("error"), graded.out[-2000:])



# ---- the SymPy checker outside every limit ----------------------------------------------------


def test_a_formula_answer_that_would_take_gigabytes_is_refused_and_the_batch_goes_on(released, tmp_path) -> None:
    from grader.learner.kernel.quiz import answer_name
    from grader.quiz.load import load_course_quizzes
    from grader.quiz.notebook import solved_notebook

    quiz = next(q for q in load_course_quizzes(load_course(COURSE_FILE)) if q.id == QUIZ)

    def fill(subs: Path) -> None:
        for student in ("p-bomb", "q-classmate"):
            nb = solved_notebook(quiz, student)
            if student == "p-bomb":
                cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                            == f"{FORMULA_QUESTION}_answer")
                cell.source = f"{answer_name(FORMULA_QUESTION)} = '(w + 1)**999999999'"
            folder = subs / student / QUIZ
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{QUIZ}.ipynb")

    graded = grade(released, tmp_path, fill, workers=1)
    docs = {d["student"]: d for d in ResultStore(graded.work / "dlcourse-results").documents()}
    bomb, classmate = docs["p-bomb"], docs["q-classmate"]
    question = bomb["parts"][FORMULA_QUESTION]
    assert question["points"] == 0 and "too large" in question["message"], question
    assert bomb["total"] == bomb["max"] - question["max"] and classmate["total"] == classmate["max"]


# ---- the same folders through real nbgrader autograde --------------------------------------------


def every_attack(subs: Path, work: Path) -> None:
    """All the folder-level attacks above at once, honest classmates between and after them."""
    put(subs, "a-linker", lambda path: path.symlink_to(SOLUTION))
    put(subs, "a-linker-proc", lambda path: path.symlink_to("/proc/self/cwd/exercises/perceptron/perceptron.ipynb"))
    put(subs, "a-linker-source", lambda path: path.symlink_to(work / "source" / "perceptron" / "perceptron.ipynb"))
    folder = put(subs, "b-keeps-an-old-copy", solved())
    nbformat.write(nbformat.read(work / "release" / "perceptron" / "perceptron.ipynb", as_version=4),
                   folder / "perceptron_old.ipynb")
    put(subs, "c-has-a-folder", solved())
    (subs / "c-has-a-folder" / "perceptron" / "old-attempts.ipynb").mkdir()
    put(subs, "d-prints-a-surrogate", solved('print("caf\\udce9")'))
    put(subs, LONG_ID, solved())
    put(subs, "f-fifo", lambda path: os.mkfifo(path))
    put(subs, "g-says-whenever", solved(), timestamp="whenever I felt like it")
    put(subs, "g-links-its-timestamp", solved(), timestamp=None)
    (subs / "g-links-its-timestamp" / "perceptron" / "timestamp.txt").symlink_to("/etc/hostname")
    put(subs, "g-fifo-timestamp", solved(), timestamp=None)
    os.mkfifo(subs / "g-fifo-timestamp" / "perceptron" / "timestamp.txt")
    (subs / "h-links-its-folder").mkdir()
    (subs / "h-links-its-folder" / "perceptron").symlink_to(subs / "b-keeps-an-old-copy" / "perceptron")
    put(subs, "j-plants", solved(PLANT))
    put(subs, "k-looks", solved(PROBE))
    put(subs, "l-fills-tmp", solved(FILL_TMP))
    honest_after(subs, "m-classmate", "z-classmate")


def test_nbgrader_autograde_gives_every_folder_attack_what_the_batch_gives(released, tmp_path) -> None:
    batch_work, nbgrader_work = tmp_path / "batch", tmp_path / "nbgrader"
    for work in (batch_work, nbgrader_work):
        copy_release(released, work)
        every_attack(work / "submitted", work)
    run = course_sh("grade", str(COURSE_FILE), "--work", str(batch_work), "--workers", "2")
    docs = {d["student"]: d for d in ResultStore(batch_work / "dlcourse-results").documents()}
    cdir = CourseDirectory(nbgrader_work, load_course(COURSE_FILE))
    autograde = cdir.autograde("perceptron")  # what an instructor runs by hand in the course folder
    nbgrader_graded = {p.parent.parent.name for p in (nbgrader_work / "autograded").glob("*/perceptron/perceptron.ipynb")}
    nbgrader = Graded(0, "", nbgrader_work, {}).db_scores()

    batch = {s: d["total"] for s, d in docs.items() if d["status"] == "graded"}
    assert {s for s in docs if s not in batch} == {"a-linker", "a-linker-proc", "a-linker-source", "f-fifo"}, run.stdout
    assert set(batch) == nbgrader_graded, autograde.log[-3000:]
    assert batch == {s: nbgrader[s] for s in nbgrader_graded}
    assert all(total == FULL for total in batch.values()), batch
    for student in ("a-linker", "f-fifo"):
        assert f"{student}/perceptron: not graded: perceptron.ipynb is" in autograde.log
    # Neither path took the linked folder for a learner's own, nor hung on a FIFO timestamp.
    assert "h-links-its-folder" not in batch and "h-links-its-folder" not in nbgrader_graded
    assert docs["g-fifo-timestamp"]["timestamp"] == "" and docs["g-links-its-timestamp"]["timestamp"] == ""
