from __future__ import annotations

from pathlib import Path

import pytest

from grader.config import Course, load_course

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT / "course.yaml")
