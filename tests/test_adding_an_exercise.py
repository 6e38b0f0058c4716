"""docs/adding-an-exercise.md, followed to the letter: its two modules (trusted and learner side), its
reference, its notebook and its course.yaml entry make a sixth exercise that validates, releases and
grades, and the walkthrough touches no other file."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-an-exercise.md"
BLOCK = re.compile(r"```(?:python|yaml)\n# file: (?P<file>[^\n]+)\n(?P<body>.*?)```", re.S)


def _blocks() -> dict[str, str]:
    return {m["file"].strip(): m["body"] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


#: The files a new exercise consists of, and the only ones adding it may create or change.
EXERCISE_FILES = {"grader/exercises/softplus.py", "grader/learner/exercises/softplus.py", "reference/softplus.py",
                  "exercises/softplus/softplus.ipynb", "course.yaml"}
MODULES = ("grader/exercises/softplus.py", "grader/learner/exercises/softplus.py", "reference/softplus.py")


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
    assert set(blocks) == {*MODULES, "make_softplus_notebook.py", "course.yaml (appended to assignments:)"}
    for module in MODULES:
        (root / module).write_text(blocks[module])
    (root / "exercises" / "softplus").mkdir()
    subprocess.run([sys.executable, "-c", blocks["make_softplus_notebook.py"]], cwd=root, check=True)
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


def test_the_sixth_exercise_validates_with_its_mistakes_caught(course_copy: Path) -> None:
    run = _dlcourse(course_copy, "validate", "course.yaml")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"Valid: 18 parts, \d+ known mistakes recognised", run.stdout), run.stdout[-2000:]
    assert re.search(r"softplus\s+│\s+softplus\s+│\s+2/2\s+│\s+2/2", run.stdout), run.stdout[-2000:]


@pytest.mark.slow
def test_the_sixth_exercise_releases_and_its_solution_scores_full_marks(course_copy: Path) -> None:
    data = yaml.safe_load((course_copy / "course.yaml").read_text())
    data["assignments"] = [a for a in data["assignments"] if a["id"] == "softplus"]
    data["quizzes"] = []
    (course_copy / "softplus-only.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    run = _dlcourse(course_copy, "run", "softplus-only.yaml", "--work", "work", "--demo-work", "demo")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    book = (course_copy / "demo" / "gradebook.csv").read_text()
    assert "demo-solution,softplus,softplus,2.0,2.0,passed" in book, book
    assert "demo-blank,softplus,softplus,0.0,2.0,failed" in book, book
