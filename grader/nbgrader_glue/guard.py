"""``nbgrader autograde`` reads a submission the way the batch does: as data, never through a link.

nbgrader opens ``submitted/<student>/<assignment>/*.ipynb`` and ``timestamp.txt`` by path: a
symbolic link to the solution notebook would be graded as the learner's work, a FIFO would block
autograde for ever, and a timestamp it cannot parse stops that learner's grading. Two pieces,
both configured in the course folder's ``nbgrader_config.py``, close that:

* ``pre_convert_hook`` (nbgrader's ``BaseConverter.pre_convert_hook``, which runs before nbgrader
  reads anything of a submission and is handed the list of notebooks it is about to convert):
  every notebook of the release that ``grader.nbgrader_glue.reading`` refuses is taken off that list and
  named in nbgrader's log, so nbgrader never opens it (it then reports the submission as not
  graded, as the batch records it). nbgrader also copies every other file of the submission,
  following links, so links and special files are renamed ``<name>.refused`` (a pattern the
  course folder's ``CourseDirectory.ignore`` holds), and a ``timestamp.txt`` that is not a time
  nbgrader can read is renamed ``timestamp.txt.unreadable``: nothing is deleted, and the
  submission is graded as having no time, as the batch grades it.
* ``CheckedSubmission``, the first step of the sanitize pipeline: the notebook nbgrader read is
  replaced by the one read here, through the same reader, so what is graded is exactly the bytes
  that were checked (and its learner text is cleaned the same way).
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from grader.nbgrader_glue.masters import read_notebook
from grader.nbgrader_glue.reading import (DEFAULT_NOTEBOOK_MB, TIMESTAMP, Refused, entries, folder_path, kind_of, open_folder,
                                  read_file, read_timestamp, release_notebooks)
from grader.learner.core.text import display_name

UNREADABLE_SUFFIX = ".unreadable"
#: Links and special files in a submission get this suffix; the course folder's nbgrader_config.py
#: adds ``*.refused`` to ``CourseDirectory.ignore``.
REFUSED_SUFFIX = ".refused"


class SubmissionRefused(ValueError):
    """The submitted notebook is not a regular file that can be read; nbgrader fails that submission."""


def _app() -> Any:
    from traitlets.config import Application

    return Application.instance() if Application.initialized() else None


@functools.lru_cache(maxsize=8)
def _limit_bytes(course_file: str | None) -> int:
    megabytes: float = DEFAULT_NOTEBOOK_MB
    if course_file:
        try:
            from grader.course.config import load_course

            megabytes = float(load_course(course_file).grading.max_notebook_mb)
        except Exception:  # noqa: BLE001 - the preprocessor loads the course too, and says what is wrong with it
            pass
    return int(megabytes * 1024 * 1024)


def _course_file() -> str | None:
    app = _app()
    try:
        return str(app.config.SandboxedGrading.course_file) if app is not None else None
    except AttributeError:
        return None


def _split(notebook: str) -> tuple[Path, tuple[str, str, str], str]:
    """(course root, (submitted, student, assignment), file name) of a notebook nbgrader found."""
    path = Path(notebook)
    folder = path.parent
    return folder.parent.parent.parent, (folder.parent.parent.name, folder.parent.name, folder.name), path.name


def pre_convert_hook(assignment: str, student: str, notebooks: list[str]) -> None:
    """Called by nbgrader before it converts one learner's notebooks; edits ``notebooks`` in place.

    (nbgrader passes its own ``assignment`` and ``student`` patterns, often ``*``: the learner is
    read from the notebooks' paths.)
    """
    app = _app()
    log = app.log if app is not None else None
    limit = _limit_bytes(_course_file())
    for folder in sorted({str(Path(n).parent) for n in notebooks}):
        mine = [n for n in notebooks if str(Path(n).parent) == folder]
        root, names, _ = _split(mine[0])
        where = "/".join(display_name(n, 60) for n in names[1:])
        try:
            with folder_path(str(root), names) as fd:
                for notebook in mine:
                    name = Path(notebook).name
                    if name not in release_notebooks(names[2]):
                        continue  # nbgrader skips notebooks its gradebook does not know, without opening them
                    try:
                        read_file(name, fd, limit, limit_key="grading.max_notebook_mb")
                    except Refused as why:
                        notebooks.remove(notebook)
                        _say(log, "error", f"{where}: not graded: {display_name(name)} is {why}")
                _set_aside_special_files(fd, where, log)
                _set_aside_bad_timestamp(fd, where, log)
        except (Refused, OSError) as why:
            for notebook in mine:
                notebooks.remove(notebook)
            _say(log, "error", f"{where}: not graded: its folder is {why}")


def _say(log: Any, level: str, message: str) -> None:
    if log is not None:
        getattr(log, level)("%s", message)


def _set_aside_special_files(folder: int, where: str, log: Any, depth: int = 0) -> None:
    """Rename every link, FIFO, socket and device below ``folder`` to ``<name>.refused``.

    nbgrader copies every other file of a submission into autograded/ with ``shutil.copy``, which
    follows links (a link to ``/dev/zero`` would fill the disk) and raises on a FIFO; ``*.refused``
    is in the course folder's ``CourseDirectory.ignore``, so nbgrader leaves these alone. Nothing
    is deleted: the learner's entry stays, under the new name, for the instructor to look at.
    """
    if depth > 16:
        return
    for name, mode in entries(folder, hidden=True):
        if name.endswith(REFUSED_SUFFIX):
            continue
        if stat.S_ISDIR(mode):
            try:
                sub = open_folder(name, folder)
            except Refused:
                continue
            try:
                _set_aside_special_files(sub, f"{where}/{display_name(name, 60)}", log, depth + 1)
            finally:
                os.close(sub)
        elif not stat.S_ISREG(mode):
            try:
                os.rename(name, name + REFUSED_SUFFIX, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError:
                continue
            _say(log, "warning", f"{where}/{display_name(name, 60)} is {kind_of(mode)}: not copied by nbgrader; "
                                 f"kept as {display_name(name, 60)}{REFUSED_SUFFIX}")


def _set_aside_bad_timestamp(folder: int, where: str, log: Any) -> None:
    _raw, _text, warning = read_timestamp(folder)
    if warning is None:
        return
    try:
        os.rename(TIMESTAMP, TIMESTAMP + UNREADABLE_SUFFIX, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        return
    _say(log, "warning", f"{where}: {warning}; kept as {TIMESTAMP}{UNREADABLE_SUFFIX}")


class CheckedSubmission(NbGraderPreprocessor):
    """First step of autograde's sanitize pass: grade the bytes the reader checked, not what nbgrader opened."""

    course_file = Unicode("", help="The course.yaml whose limits (grading.max_notebook_mb) apply.").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        folder = (resources.get("metadata") or {}).get("path")
        key = resources.get("unique_key")
        if not folder or not key:
            return nb, resources
        root, names, name = _split(os.path.join(folder, f"{key}.ipynb"))
        try:
            with folder_path(str(root), names) as fd:
                data = read_file(name, fd, _limit_bytes(self.course_file or None), limit_key="grading.max_notebook_mb")
        except Refused as why:
            raise SubmissionRefused(f"{display_name(name)} is {why}") from None
        return read_notebook(data), resources
