"""nbgrader's restore of each submission, run in a process of its own beside the grading threads.

Restoring a submission (``grader.nbgrader_glue.restore``: nbgrader's own sanitizing steps against
the master's gradebook) is pure Python: about half of what the batch's process computes per
submission (its SQL queries, its schema check of every cell's metadata). The batch's grading
threads share one interpreter lock, so while one thread restored, the others waited, and a
2-core machine had a core to spare. Here the restores run in another process (started with
``spawn``: nothing of this process's threads or sandboxes is inherited), each the very same call
as in the batch's process, so the restored notebook is the same; the grading threads only wait for
their own submission's.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_MASTERS: Any = None


class RestoreFailed(Exception):
    """nbgrader refused the submission in the restoring process; says what it raised, by its name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


def _start(course: Any) -> None:
    global _MASTERS
    from grader.nbgrader_glue.library import enter_without_server_extensions, skip_unused_format_checkers

    skip_unused_format_checkers()
    enter_without_server_extensions()
    from grader.nbgrader_glue.masters import master_notebooks

    _MASTERS = master_notebooks(course)
    import nbgrader.api  # noqa: F401 - paid here, while the batch's sandboxes start
    import nbgrader.preprocessors  # noqa: F401


def _restore(nb: Any, assignment: str) -> tuple[bool, Any, Any]:
    from grader.nbgrader_glue.restore import restore

    try:
        restored, changes = restore(nb, _MASTERS[assignment])
    except Exception as exc:  # noqa: BLE001 - sent back by name: not every nbgrader error can be pickled
        return False, type(exc).__name__, str(exc)
    return True, restored, changes


def _ready() -> bool:
    return True


def _prepare(assignments: list[str]) -> None:
    for assignment in assignments:
        try:
            _MASTERS[assignment].db_url  # noqa: B018 - the master's gradebook, built on first use
        except Exception:  # noqa: BLE001, S112 - the submission's own restore says what failed
            continue


class RestorePool:
    """``workers`` restoring processes for one course; ``restore(nb, master)`` as the in-process call."""

    def __init__(self, course: Any, workers: int = 1) -> None:
        """``course``: the batch's own Course (sent as it is, so its masters are the batch's)."""
        self._executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(course,))
        self._executor.submit(_ready)  # its processes start now, beside the sandboxes

    def restore(self, nb: Any, master: Any) -> tuple[Any, list[str]]:
        try:
            ok, value, changes = self._executor.submit(_restore, nb, master.assignment).result()
        except BrokenProcessPool:
            from grader.nbgrader_glue.restore import restore

            return restore(nb, master)  # the restoring process died: this process restores instead
        if not ok:
            raise RestoreFailed(value, changes)
        return value, changes

    def prepare(self, assignments: list[str]) -> None:
        """Build these masters' gradebooks in the restoring process before their first submission."""
        self._executor.submit(_prepare, list(dict.fromkeys(assignments)))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def restore_workers(slots: int) -> int:
    """How many restoring processes a pool of ``slots`` grading threads gains from: none on one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if slots < 2 or cores < 2:
        return 0
    return max(1, min(slots, cores) // 2)
