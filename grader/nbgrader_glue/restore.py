"""A submission restored against its master by nbgrader's own steps, in the batch's process.

``nbgrader autograde`` restores a submission from the course's gradebook before grading it: outputs
cleared, duplicated grade ids left to their last cell, unknown ones made plain cells, locked cells
and points put back, deleted test cells added back (``Autograde.sanitize_preprocessors``). The
batch runs the very same classes, with the same settings (``grader.nbgrader_glue.pipeline``), so
both paths grade the same cells, however a learner edited, duplicated or deleted them.

nbgrader's steps read the master from a gradebook. The batch keeps a private one per assignment,
holding exactly what ``nbgrader generate_assignment`` stores there: the release's own steps up to
``SaveCells``, run here on the master. Each is a SQLite file in a temporary folder of this process,
built on first use (so a Dask worker builds its own from the masters it reads) and then only read,
by any number of grading threads.
"""

from __future__ import annotations

import copy
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.nbgrader_glue.pipeline import release_steps_to_save_cells, restore_steps, step_settings

if TYPE_CHECKING:
    from grader.nbgrader_glue.masters import Master


class ReleaseGradebooks:
    """One private gradebook per assignment, built from its master on first use."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._urls: dict[str, str] = {}
        self._building: dict[str, threading.Lock] = {}
        self._files = 0
        self._lock = threading.Lock()

    def _new_file(self) -> Path:
        with self._lock:
            if self._folder is None:
                # In memory where the system has it: saving a master commits once per cell, and on a disk
                # each commit waits for the disk.
                shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
                self._folder = tempfile.TemporaryDirectory(prefix="dlcourse-masters-", dir=shm)
            self._files += 1
            return Path(self._folder.name) / f"{self._files}.db"

    def url(self, assignment: str, master: Any) -> str:
        """The database URL of ``assignment``'s gradebook, ``master`` (its notebook) saved into it."""
        with self._lock:
            building = self._building.setdefault(assignment, threading.Lock())
        # One lock per assignment: a submission of one assignment never waits for another's to be built.
        with building:
            if assignment not in self._urls:
                # One file per assignment: once built it is only read, so grading threads never wait on a writer.
                url = f"sqlite:///{self._new_file()}"
                _save_master(master, assignment, url)
                self._urls[assignment] = url
            return self._urls[assignment]


def _run(steps: list[str], nb: Any, assignment: str, db_url: str, log: logging.Logger) -> Any:
    from traitlets.utils.importstring import import_item

    settings = step_settings()
    # What nbgrader's converters hand every step; the notebook's name is the assignment's, as released.
    resources: dict[str, Any] = {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": ".",
                                              "db_url": db_url}, "unique_key": assignment}
    for name in steps:
        # A fresh instance per notebook: nbgrader's steps keep per-notebook state on themselves.
        step = import_item(name)(config=settings, log=log)
        nb, resources = step(nb, resources)
    return nb


def _save_master(master: Any, assignment: str, db_url: str) -> None:
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine

    # nbgrader's own tables, made before its first open: a new file would have it run `alembic heads` in a
    # subprocess (seconds) only to stamp a schema version, which no one reads of a gradebook no one upgrades.
    engine = create_engine(db_url)
    Base.metadata.create_all(bind=engine)
    engine.dispose()
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(assignment)  # what GenerateAssignment.init_assignment does first
    _run(release_steps_to_save_cells(), copy.deepcopy(master), assignment, db_url, _quiet("release"))


class _Changes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _quiet(name: str) -> logging.Logger:
    # Made directly, not through logging.getLogger: one per call, so none is kept in logging's registry.
    log = logging.Logger(f"grader.nbgrader_glue.restore.{name}")
    log.propagate = False
    log.addHandler(logging.NullHandler())  # else logging's last resort prints each warning to stderr
    return log


def restore(nb: Any, master: Master) -> tuple[Any, list[str]]:
    """``nb`` restored by autograde's sanitizing steps against ``master``'s gradebook, and what they
    changed (nbgrader's own warnings, one line each, for the log).

    Raises what nbgrader raises there (a notebook whose nbgrader metadata fails its validation,
    say): ``nbgrader autograde`` fails that submission, and so does the batch.
    """
    log = _quiet("submission")
    changes = _Changes()
    log.addHandler(changes)
    return _run(restore_steps(), nb, master.assignment, master.db_url, log), changes.lines
