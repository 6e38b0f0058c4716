from __future__ import annotations

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
