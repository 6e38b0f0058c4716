"""nbgrader's steps as this course runs them: one list each, for the course folder and the batch.

The course folder's ``nbgrader_config.py`` (``grader.nbgrader_glue.course``) names these steps to
real nbgrader; the batch (``grader.nbgrader_glue.restore``) runs the very same classes, with the
same settings, in its own process. So a change to the release or the sanitizing of submissions
is made here once and both paths follow it.

Kept free of heavy imports (no nbgrader, no pandas): the batch imports it in every worker process.
"""

from __future__ import annotations

import json
from typing import Any

#: The stub nbgrader's ClearSolutions writes for a solution region.
CODE_STUB = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

#: A deleted test cell comes back (and is graded) instead of silently costing its points.
ADD_MISSING_CELLS = True

#: ``GenerateAssignment.preprocessors``: nbgrader's release pipeline, plus quiz answer cells that let
#: "Run All" finish (answer = None).
RELEASE_STEPS = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "grader.quiz.release_stub.QuizAnswerStubs",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

#: The step that writes a master's cells into the gradebook; the release's steps up to it are what
#: the gradebook holds of each master.
SAVE_CELLS = "nbgrader.preprocessors.SaveCells"

#: The first step of the course folder's sanitizing: it re-reads the submitted file through the
#: batch's reader (``grader.nbgrader_glue.reading``), which the batch has already done.
CHECKED_SUBMISSION = "grader.nbgrader_glue.guard.CheckedSubmission"

#: ``Autograde.sanitize_preprocessors``: a submission restored from the gradebook before grading.
SANITIZE_STEPS = [
    CHECKED_SUBMISSION,
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grader.nbgrader_glue.sanitize.DropUnknownGradeCells",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def release_steps_to_save_cells() -> list[str]:
    """The release's steps whose result the gradebook stores: everything up to SaveCells, SaveCells included."""
    return RELEASE_STEPS[: RELEASE_STEPS.index(SAVE_CELLS) + 1]


def restore_steps() -> list[str]:
    """Autograde's sanitizing, less the re-read of a file the batch has already read as data."""
    return [step for step in SANITIZE_STEPS if step != CHECKED_SUBMISSION]


def step_settings() -> Any:
    """The settings of these steps, as the course folder's nbgrader_config.py sets them, for traitlets."""
    from traitlets.config import Config

    config = Config()
    config.ClearSolutions.code_stub = dict(CODE_STUB)
    config.OverwriteCells.add_missing_cells = ADD_MISSING_CELLS
    return config


def python_literal(value: Any) -> str:
    """``value`` (text, lists and mappings of text, booleans) as Python source for nbgrader_config.py;
    a list one item a line. JSON's spelling of these is Python's, with the double quotes instructors read."""
    if isinstance(value, list):
        return "[\n" + "".join(f"    {json.dumps(item)},\n" for item in value) + "]"
    return repr(value) if isinstance(value, bool) else json.dumps(value)
