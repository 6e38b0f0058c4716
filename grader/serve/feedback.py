"""The learner's feedback page for one attempt, released where ``nbgrader fetch_feedback`` finds it.

The page is ``nbgrader generate_feedback``'s: nbconvert's HTMLExporter configured from the course
folder's ``nbgrader_config.py`` (``GenerateFeedback.HTMLExporter``: our offline template over
nbgrader's, its filters), with nbgrader's ``CSSHTMLHeaderPreprocessor``. Only where the scores come
from differs: nbgrader's ``GetGrades`` reads gradebook.db, which holds the attempt that *counts*;
``AttemptScores`` puts this attempt's own scores into the cells, as GetGrades would. A first cell
says which attempt this is, how many graded attempts remain today and which attempt counts.

Release is nbgrader's layout (``ExchangeReleaseFeedback``): ``<exchange>/<course>/feedback/<hash>.html``
with ``hash = notebook_hash(secret=<submission_secret.txt>, notebook_id=<notebook>)``, copied to a
temporary name and renamed, so ``fetch_feedback`` sees the old page or the new one, never half.
"""

from __future__ import annotations

import html
import os
import threading
from pathlib import Path
from typing import Any

import nbformat
from traitlets.config import Config

from grader.batch.results import write_atomic
from grader.course.config import Course
from grader.serve.inbound import SECRET, outbound_feedback_path

#: The exchange's feedback folder: learners may enter it but not list it (nbgrader's own 0711).
FEEDBACK_DIR_MODE = 0o711


def _attempt_scores() -> Any:
    from nbgrader.preprocessors import NbGraderPreprocessor

    from grader.course.cells import grading_meta, nbgrader_metadata

    class AttemptScores(NbGraderPreprocessor):
        """nbgrader's GetGrades, from one attempt's result document instead of gradebook.db."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            doc = resources["dlcourse_doc"]
            for cell in nb.cells:
                meta, read = nbgrader_metadata(cell), grading_meta(cell)
                if read.grade:
                    part = doc.get("parts", {}).get(read.grade_id, {})
                    meta["score"] = float(part.get("points", 0.0))
                    meta["points"] = float(part.get("max", read.max_points))
                if read.solution or meta.get("task"):
                    meta.setdefault("comment", None)
            resources["nbgrader"].update(score=float(doc["total"]), max_score=float(doc["max"]), late_penalty=0)
            return nb, resources

    return AttemptScores


class FeedbackPages:
    """Renders pages with the course folder's feedback configuration; one exporter per thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._local = threading.local()

    def _exporter(self) -> Any:
        exporter = getattr(self._local, "exporter", None)
        if exporter is None:
            from nbconvert.exporters import HTMLExporter
            from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
            from traitlets.config.loader import PyFileConfigLoader

            loaded = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
            c = Config()
            c.HTMLExporter = loaded.GenerateFeedback.get("HTMLExporter", Config())
            # What GenerateFeedback.__init__ adds: nbgrader's feedback template and its bootstrap CSS.
            import nbgrader

            base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
            c.HTMLExporter.setdefault("template_name", "feedback")
            c.HTMLExporter.setdefault("extra_template_basedirs", [str(base / "templates")])
            c.HTMLExporter.extra_template_paths = [str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
            exporter = HTMLExporter(config=c)
            exporter.register_preprocessor(_attempt_scores()(config=c), enabled=True)
            exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(config=c), enabled=True)
            self._local.exporter = exporter
        return exporter

    def graded(self, nb: Any, doc: dict[str, Any], notice: str) -> str:
        """The feedback page of a graded attempt; ``notice`` (plain text) opens it."""
        nb = nbformat.from_dict(nb) if not isinstance(nb, nbformat.NotebookNode) else nb
        nb = nbformat.from_dict(nbformat.from_dict(nb))  # a copy: the autograded notebook stays as graded
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(_markdown_text(notice)))
        resources = {"nbgrader": {"student": doc["student"], "assignment": doc["assignment"],
                                  "notebook": doc["assignment"]}, "dlcourse_doc": doc}
        body, _ = self._exporter().from_notebook_node(nb, resources=resources)
        return body


def _markdown_text(text: str) -> str:
    """Plain text as markdown that renders as that text (nothing in it is read as markup)."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_{}[]()#+-.!|>~$":
        escaped = escaped.replace(ch, "\\" + ch)
    return "\n\n".join(f"**{line}**" if i == 0 else line for i, line in enumerate(escaped.split("\n\n")))


def notice_page(assignment: str, text: str) -> str:
    """A short page for a submission that is not graded now (kept for later, or superseded)."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(assignment)}</title></head>"
            f"<body style=\"font-family: sans-serif; max-width: 48em; margin: 2em auto\">"
            f"<h1>{html.escape(assignment)}</h1>{paragraphs}</body></html>\n")


def release(course: Course, notebook_id: str, secret: str, page: str) -> Path | None:
    """Put ``page`` where ``nbgrader fetch_feedback`` looks for this submission's feedback; None without a secret."""
    from nbgrader.utils import notebook_hash

    if not secret:
        return None  # a submission made without nbgrader submit: nobody could fetch its page
    folder = outbound_feedback_path(course)
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, FEEDBACK_DIR_MODE)
    path = folder / f"{notebook_hash(secret=secret, notebook_id=notebook_id)}.html"
    write_atomic(path, page.encode("utf-8"))
    os.chmod(path, 0o644)
    return path


def keep_in_course_folder(root: Path, student: str, assignment: str, page: str, timestamp: bytes,
                          secret: str) -> None:
    """The page where ``nbgrader generate_feedback`` leaves it, so ``nbgrader release_feedback`` run by
    hand releases the same page."""
    folder = root / "feedback" / student / assignment
    write_atomic(folder / f"{assignment}.html", page.encode("utf-8"))
    if timestamp:
        write_atomic(folder / "timestamp.txt", timestamp)
    if secret:
        write_atomic(folder / SECRET, secret.encode())
