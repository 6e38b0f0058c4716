"""The corpus judged in-process (no nbgrader): fast feedback on checks and mistakes.

The same corpus goes through real nbgrader in test_nbgrader_e2e.py; here each
submission's set-up, given and solution cells run in one namespace and every
part is judged by run_check, as the hidden test cells would judge it.
"""

from __future__ import annotations

import nbformat
import pytest

from corpus_support import build_notebook, corpus
from grader.exercises import check_for
from grader.grading.runner import run_check
from grader.learner.core.feedback import render_part
from check_support import course as current_course
from grader.grading.context import context_for


def _namespace(notebook: nbformat.NotebookNode) -> dict:
    namespace: dict = {"__name__": "__main__"}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta or meta.get("grade"):
            continue  # plots and test cells are not needed to judge the functions
        exec(compile(cell.source, f"<cell {meta.get('grade_id')}>", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("sub", corpus(), ids=lambda s: f"{s.assignment}/{s.name}")
def test_corpus_submission_is_judged_as_its_header_says(sub, in_public_dir) -> None:
    c = current_course()
    a = c.assignment(sub.assignment)
    source = c.path(a.notebook)
    # The source notebook stands in for the release here: build_notebook fills every solution cell.
    namespace = _namespace(build_notebook(sub, source, source))
    ctx = context_for(c, learner=sub.student, randomized=True)
    reports = []
    for part in a.parts:
        result = run_check(check_for(a.id, part.id), namespace, ctx, part.points)
        reports.append(render_part(result))
        if sub.expect_full or part.id not in sub.parts:
            assert result.points == part.points, render_part(result)
        else:
            assert result.points < part.points, render_part(result)
    if sub.mistake:
        assert sub.mistake in "\n".join(reports), "\n".join(reports)
