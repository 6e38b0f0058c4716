"""docs/adding-an-exercise.md, followed to the letter: its two modules (trusted and learner side), its
reference, its notebook and its course.yaml entry make a sixth exercise, softmax and cross-entropy,
that validates with the table rows the page shows, names the mistakes validate cannot simulate,
releases and grades; and the walkthrough touches no other file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-an-exercise.md"
BLOCK = re.compile(r"```(?:python|yaml)\n# file: (?P<file>[^\n]+)\n(?P<body>.*?)```", re.S)


def _blocks() -> dict[str, str]:
    return {m["file"].strip(): m["body"] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


#: The files a new exercise consists of, and the only ones adding it may create or change.
EXERCISE_FILES = {"grader/exercises/softmax.py", "grader/learner/exercises/softmax.py", "reference/softmax.py",
                  "exercises/softmax/softmax.ipynb", "course.yaml"}
MODULES = ("grader/exercises/softmax.py", "grader/learner/exercises/softmax.py", "reference/softmax.py")
PARTS = ("softmax", "cross_entropy", "cross_entropy_grad")


def _tree(root: Path) -> dict[str, str]:
    """Every file under root (bytecode aside) -> a hash of its contents."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The repository's course, grader and reference copied, then the walkthrough's steps done; and the
    files those steps created or changed."""
    root = tmp_path_factory.mktemp("sixth")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("grader", "reference", "exercises"):
        shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    shutil.copy2(ROOT / "course.yaml", root / "course.yaml")
    before = _tree(root)
    blocks = _blocks()
    assert set(blocks) == {*MODULES, "make_softmax_notebook.py", "course.yaml (appended to assignments:)"}
    for module in MODULES:
        (root / module).write_text(blocks[module])
    subprocess.run([sys.executable, "-c", blocks["make_softmax_notebook.py"]], cwd=root, check=True)
    data = yaml.safe_load((root / "course.yaml").read_text())
    data["assignments"] += yaml.safe_load(blocks["course.yaml (appended to assignments:)"])
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    after = _tree(root)
    touched = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    return root, touched


@pytest.fixture(scope="module")
def course_copy(walkthrough: tuple[Path, set[str]]) -> Path:
    return walkthrough[0]


def test_adding_the_exercise_touches_its_two_modules_reference_notebook_and_course_entry_only(
        walkthrough: tuple[Path, set[str]]) -> None:
    assert walkthrough[1] == EXERCISE_FILES


def _dlcourse(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("│").split("│")]


def _page_rows() -> list[list[str]]:
    """The validate rows step 4 of the page says the new parts get."""
    return [_cells(line) for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("│ softmax ")]


def test_the_sixth_exercise_validates_with_the_rows_the_page_shows(course_copy: Path) -> None:
    run = _dlcourse(course_copy, "validate", "course.yaml")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(rf"Valid: {17 + len(PARTS)} parts, \d+ known mistakes recognised", run.stdout), run.stdout[-2000:]
    printed = [_cells(line) for line in run.stdout.splitlines() if line.startswith("│ softmax ")]
    assert [row[1] for row in _page_rows()] == list(PARTS)
    assert printed == _page_rows(), run.stdout[-3000:]
    # Every row: full marks for the reference, every computed mistake caught, no input-ignoring answer earning.
    for _assignment, _part, reference, caught, floor, status in printed:
        assert reference.split("/")[0] == reference.split("/")[1] and caught.split("/")[0] == caught.split("/")[1]
        assert floor.startswith("0/") and status == "ok"


#: Realistic learner code for the mistakes validate has no value to simulate (a warning, an argument
#: changed in place), graded in the walkthrough's copy: each must lose points and be named.
BEHAVIOURS = textwrap.dedent("""\
    import json
    import numpy as np
    from grader.course.config import load_course
    from grader.exercises import check_for
    from grader.grading.context import context_for
    from grader.grading.runner import run_check

    def stable_softmax(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def without_max(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def in_place(z):
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def log_of_probabilities(z, y):
        return -np.mean(np.log(stable_softmax(z)[np.arange(len(y)), y]))

    def grad_without_max(z, y):
        p = without_max(z)
        p[np.arange(len(y)), y] -= 1
        return p / len(y)

    course = load_course("course.yaml")
    ctx = context_for(course, learner="a learner")
    found = {}
    for part, fn in (("softmax", without_max), ("softmax", in_place), ("cross_entropy", log_of_probabilities),
                     ("cross_entropy_grad", grad_without_max)):
        result = run_check(check_for("softmax", part), {part: fn}, ctx, 2.0)
        found[fn.__name__] = [result.points, [m.name for m in result.diagnoses]]
    print(json.dumps(found))
    """)


def test_the_sixth_exercise_names_the_mistakes_validate_cannot_simulate(course_copy: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(course_copy), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, "-c", BEHAVIOURS], cwd=course_copy, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.splitlines()[-1])
    named = {"without_max": "max not subtracted", "in_place": "z changed in place",
             "log_of_probabilities": "log of a probability that rounded to 0", "grad_without_max": "max not subtracted"}
    for function, mistake in named.items():
        points, diagnoses = found[function]
        assert points < 2.0 and mistake in diagnoses, (function, found[function])


@pytest.mark.slow
def test_the_sixth_exercise_releases_and_its_solution_scores_full_marks(course_copy: Path) -> None:
    data = yaml.safe_load((course_copy / "course.yaml").read_text())
    data["assignments"] = [a for a in data["assignments"] if a["id"] == "softmax"]
    data["quizzes"] = []
    (course_copy / "softmax-only.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    run = _dlcourse(course_copy, "run", "softmax-only.yaml", "--work", "work", "--demo-work", "demo")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    book = (course_copy / "demo" / "gradebook.csv").read_text()
    for part in PARTS:
        assert f"demo-solution,softmax,{part},2.0,2.0,passed" in book, book
        assert f"demo-blank,softmax,{part},0.0,2.0,failed" in book, book
