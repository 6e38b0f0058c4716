"""A cell's nbgrader metadata has one reader (grader/course/cells.py), whatever a notebook holds there."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from grader.course.cells import grading_meta, nbgrader_metadata

ROOT = Path(__file__).resolve().parents[1]
READER = ROOT / "grader" / "course" / "cells.py"
#: Reading the nbgrader key of a cell's metadata, by any spelling the code base has used.
READS_METADATA = re.compile(r"""((meta|metadata)\s*(\.get\(|\[)\s*["']nbgrader["']|\.metadata\.nbgrader\b)""")


def test_only_the_reader_reads_a_cells_nbgrader_metadata() -> None:
    readers = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "grader").rglob("*.py"))
               if p != READER and READS_METADATA.search(p.read_text(encoding="utf-8"))]
    assert readers == []


def test_the_pattern_finds_each_way_of_reading_it() -> None:
    for line in ('cell.metadata.get("nbgrader", {})', 'meta.get("nbgrader")', "cell['metadata'].get('nbgrader')", 'cell.metadata["nbgrader"]',
                 "cell.metadata.nbgrader['grade_id']"):
        assert READS_METADATA.search(line.replace("['metadata']", ".metadata")), line


def test_a_test_cell_is_read_with_its_points() -> None:
    cell = nbformat.v4.new_code_cell("exercise.check('relu')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "relu", "points": 2, "schema_version": 3}})
    meta = grading_meta(cell)
    assert (meta.present, meta.grade, meta.solution, meta.locked, meta.grade_id, meta.max_points) == (
        True, True, False, True, "relu", 2.0)
    nbgrader_metadata(cell)["points"] = 3  # the writers' handle is the cell's own dict
    assert grading_meta(cell).max_points == 3.0


@pytest.mark.parametrize("metadata", [{}, {"nbgrader": None}, {"nbgrader": []}, None])
def test_a_plain_or_odd_cell_is_no_grading_cell(metadata: object) -> None:
    meta = grading_meta({"cell_type": "code", "source": "", "metadata": metadata})
    assert not meta.present and not meta.grade and meta.grade_id is None and meta.max_points == 0.0


def test_a_grade_id_that_is_not_text_names_no_cell() -> None:
    assert grading_meta({"metadata": {"nbgrader": {"grade": True, "grade_id": 7}}}).grade_id is None


def test_an_emptied_mapping_is_still_there_to_be_made_plain() -> None:
    # nbgrader's DeduplicateIds empties a duplicate's mapping; DropUnknownGradeCells then removes it.
    meta = grading_meta({"metadata": {"nbgrader": {}}})
    assert meta.present and not meta.grade and meta.grade_id is None
