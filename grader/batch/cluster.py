"""The same grading on a Dask cluster: each Dask worker drives its own warm sandbox.

``dlcourse grade … --dask ADDRESS`` connects to a running scheduler;
``--dask local`` starts a ``LocalCluster`` on this machine. The trusted
process reads each submission and sends its bytes (workers need no access to
the submissions), a few per worker at a time; results stream back as they
finish, and only the trusted process writes them. Every Dask worker needs
this package installed and the course folder (course.yaml, notebooks,
reference) at the same path as here: see docs/grading-on-a-cluster.md.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from grader.batch.engine import Slot, grade_payload
from grader.nbgrader_glue.masters import Master, master_notebooks
from grader.nbgrader_glue.reading import Submission
from grader.batch.results import failed_document

# One per Dask worker process and course file: the warm sandbox and masters outlive a task.
_WORKER_STATE: dict[str, tuple[Slot, Mapping[str, Master]]] = {}
_WORKER_LOCK = threading.Lock()


def grade_on_worker(course_file: str, payload: Submission) -> dict[str, Any]:
    """Runs on a Dask worker: grade one submission there and return its document."""
    with _WORKER_LOCK:  # one sandbox per worker: its tasks take turns (threads_per_worker=1 is advised)
        if course_file not in _WORKER_STATE:
            from grader.course.config import load_course
            from grader.sandbox.launch import Sandbox

            course = load_course(course_file)
            _WORKER_STATE[course_file] = (Slot(course, Sandbox.detect(), figures=False), master_notebooks(course))
        slot, masters = _WORKER_STATE[course_file]
        doc, _nb = grade_payload(slot.grader, masters, payload)
    return doc


def local_cluster(workers: int) -> Any:
    from dask.distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


class DaskPool:
    """Grades on a Dask cluster; ``address`` "local" starts a LocalCluster of ``workers`` processes."""

    def __init__(self, course_file: str, address: str, workers: int = 2,
                 masters: Mapping[str, Master] | None = None) -> None:
        from dask.distributed import Client

        self.course_file = course_file
        self._cluster = local_cluster(workers) if address == "local" else None
        self.client = Client(self._cluster if self._cluster is not None else address)
        self.masters = masters or {}

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, subs: Iterable[Submission]) -> Iterator[tuple[Submission, dict[str, Any], Any]]:
        from dask.distributed import as_completed

        window = self.workers * 2
        subs = iter(subs)
        pending: dict[Any, Submission] = {}
        flow = as_completed()

        def feed() -> None:
            while len(pending) < window:
                sub = next(subs, None)
                if sub is None:
                    return
                # The submission travels as the bytes read here: workers never open a learner's files.
                future = self.client.submit(grade_on_worker, self.course_file, sub, pure=False)
                pending[future] = sub
                flow.add(future)

        feed()
        while True:
            if not pending:
                return
            future = next(flow)
            sub = pending.pop(future)
            try:
                doc = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails this submission (retried next run), not the batch
                doc = failed_document(sub, self.masters.get(sub.assignment),
                                      f"the Dask worker failed ({type(exc).__name__}: {str(exc)[:300]})")
            yield sub, doc, None
            feed()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
