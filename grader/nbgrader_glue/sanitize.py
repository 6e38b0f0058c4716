"""``DropUnknownGradeCells``: a sanitizing step of ``nbgrader autograde``, just before ``OverwriteCells``.

A learner can add a cell carrying nbgrader metadata of their own: a grade id
the assignment does not have, or none at all. nbgrader 0.9 then deletes the
id but keeps the grade flags, and restoring missing cells fails on that cell,
so the whole submission goes ungraded. Cells whose grade id is not one of the
released notebook's lose their nbgrader metadata here and become plain cells.
"""

from __future__ import annotations

from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.course.cells import grading_meta, make_plain, nbgrader_metadata


class DropUnknownGradeCells(NbGraderPreprocessor):
    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                known = {c.name for c in gb.find_notebook(info["notebook"], info["assignment"]).source_cells}
            except MissingEntry:
                return nb, resources
        for cell in nb.cells:
            if grading_meta(cell).present and grading_meta(cell).grade_id not in known:
                self.log.warning("A cell with unknown nbgrader grade id %r becomes a plain cell",
                                 nbgrader_metadata(cell).get("grade_id"))
                make_plain(cell)
        return nb, resources
