"""timestamp.txt is read as nbgrader reads it, without importing nbgrader on the grading path."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.nbgrader_glue.reading import parse_timestamp


def nbgrader_reads(text: str):
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text) if text.strip() else None
    except Exception:  # noqa: BLE001 - whatever it raises, nbgrader could not read it
        return None


@pytest.mark.parametrize("text", [
    "2026-11-30 12:00:00.000000 UTC", "2026-11-30 12:00:00.000000 Europe/Berlin", "2026-11-30 12:00:00 +0200",
    "2026-11-30 12:00:00 3600", "2026-11-30T12:00:00+05:30", "2026-11-30 12:00:00", "2026-11-30",
    "2026-11-30 12:00:00 Nowhere/Atlantis", "30 Nov 2026 1pm", "12:00 2026-11-30 EST", "not a time", "",
    "2026-02-30 12:00:00 UTC", "9999-12-31 23:59:59 -1", "0001-01-01 00:00:00 1", "1 2 3", "  ",
])
def test_the_same_time_as_nbgrader_or_none_where_nbgrader_reads_none(text: str) -> None:
    assert parse_timestamp(text) == nbgrader_reads(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-:. +TZUCESAMPtz/", max_size=32))
def test_any_text_reads_as_nbgrader_reads_it(text: str) -> None:
    assert parse_timestamp(text) == nbgrader_reads(text)


def test_reading_and_grading_a_submission_import_no_nbgrader() -> None:
    code = ("import sys; from grader.nbgrader_glue.reading import parse_timestamp; import grader.batch.engine; "
            "parse_timestamp('2026-11-30 12:00:00.000000 UTC'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'nbgrader'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
