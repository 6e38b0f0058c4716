"""What a released notebook must not contain: solutions, hidden tests, the reference."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
FORBIDDEN = (
    ("### BEGIN SOLUTION", "a solution marker"),
    ("### BEGIN HIDDEN TESTS", "a hidden-test marker"),
    ("exercise.grade(", "a hidden grading call"),
    ("import reference", "an import of the reference"),
    ("from reference", "an import of the reference"),
)


def _solution_lines(source: nbformat.NotebookNode) -> set[str]:
    """Substantial lines that appear only inside solution regions (given code may share a line)."""
    secret: set[str] = set()
    public: set[str] = set()
    for cell in source.cells:
        for region in SOLUTION_REGION.findall(cell.source):
            secret |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) >= 12 and not ln.strip().startswith("#")}
        public |= {ln.strip() for ln in SOLUTION_REGION.sub("", cell.source).splitlines()}
    return secret - public


def release_problems(source_path: Path, release_path: Path) -> list[str]:
    """Every way the release leaks; empty when it is clean."""
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(release_path, as_version=4)
    secret_lines = _solution_lines(source)
    problems = []
    for index, cell in enumerate(release.cells):
        where = f"{release_path}: cell {index + 1}"
        for needle, what in FORBIDDEN:
            if needle in cell.source:
                problems.append(f"{where} contains {what} ({needle!r})")
        for line in cell.source.splitlines():
            if line.strip() in secret_lines:
                problems.append(f"{where} contains a line of the solution: {line.strip()!r}")
    return problems
