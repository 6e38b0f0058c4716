from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.config import Course, load_course

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT / "course.yaml")


@pytest.fixture(scope="session")
def public_dir(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every exercise's released self-check data, as a learner's notebook folder does."""
    from grader.release.public_data import public_file

    folder = tmp_path_factory.mktemp("public")
    for a in course.assignments:
        name, data = public_file(course, a.id)
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def in_public_dir(public_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from a folder with the released data, as notebook cells run beside it."""
    monkeypatch.chdir(public_dir)
    return public_dir


# ---- expensive set-ups built once per run and shared by every test file that needs them --------------


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """``build(folder)`` run once per test run, whichever xdist worker asks first; the others wait for it.

    Each xdist worker has its own session, so a session fixture alone would build once per worker: the
    folder lives where every worker's temporary folders do, and a lock file says who builds. A build
    that raised leaves no marker, so the next test that asks builds again (and fails with its own error).
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built-once"
    shared.mkdir(exist_ok=True)
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def learner_env_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of one learner environment (`./course.sh learner-env DIR`); tests only read it and run it."""
    from grader.release.learner_env import create

    return built_once(tmp_path_factory, "learner-env", create) / "bin" / "python"


@pytest.fixture(scope="session")
def released_course(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled course's nbgrader folder with every exercise and quiz released by real nbgrader.

    Read it, never write into it: a test that submits or grades works on ``fresh_release``'s copy.
    """
    from grader.nbgrader_glue.course import CourseDirectory

    def build(folder: Path) -> None:
        cdir = CourseDirectory.prepare(course, folder)
        for assignment in cdir.assignment_ids:
            cdir.release(assignment)

    return built_once(tmp_path_factory, "released-course", build)


@pytest.fixture(scope="session")
def fresh_release(course: Course, released_course: Path):
    """``fresh_release(dest)``: a copy of ``released_course`` at ``dest``, its nbgrader_config.py naming ``dest``."""
    from grader.nbgrader_glue.course import CourseDirectory

    def copy(dest: Path) -> CourseDirectory:
        shutil.copytree(released_course, dest, symlinks=True)
        return CourseDirectory.prepare(course, dest)

    return copy
