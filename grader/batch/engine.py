"""Grading many submissions from one trusted process, through a pool of warm sandboxes.

Each pool slot is a thread that owns one ``WarmSandbox`` (one bubblewrap
sandbox whose zygote has NumPy and matplotlib loaded) and forks a fresh worker
from it per submission. The scores are computed here, by the same
``NotebookGrader`` that ``nbgrader autograde`` runs, on the submission restored
against the instructor's master exactly as nbgrader restores it, so both paths
give the same scores and messages. Only this process writes results.

``grade_payload`` is the unit of work, a pure function of (course, a read
``Submission``: notebook bytes and identity, no paths): the local pool and Dask
workers (``grader.batch.cluster``) both run it. Nothing that one submission
holds can stop a batch: every failure, wherever it happens, becomes that
submission's *grading failed* record, and the batch goes on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from grader.nbgrader_glue.notebook import NotebookGrader
from grader.nbgrader_glue.masters import Master, Masters, master_notebooks, read_notebook
from grader.nbgrader_glue.reading import Submission, parse_timestamp
from grader.nbgrader_glue.restore import restore
from grader.batch.results import ResultStore, failed_document, graded_document
from grader.course.config import Course
from grader.learner.core.text import clean_text
from grader.sandbox.launch import Sandbox, WorkerDied
from grader.sandbox.warm import WarmSandbox, take_early


class Slot:
    """One pool slot: a warm sandbox where one can be had, and the grader that uses it."""

    def __init__(self, course: Course, sandbox: Sandbox, figures: bool, warm: WarmSandbox | None = None) -> None:
        """``warm``: a warm sandbox already started (the single-notebook path starts it early).

        A warm sandbox that cannot start leaves the slot to ``Sandbox.detect``, which says why and
        starts a sandbox per submission (or none, saying so).
        """
        self.warm = warm
        if self.warm is None and WarmSandbox.usable(sandbox):
            try:
                self.warm = WarmSandbox(sandbox).start()
            except (RuntimeError, WorkerDied, OSError):
                sandbox = Sandbox.detect()
        self.grader = NotebookGrader(course, sandbox, warm=self.warm, figures=figures)

    def close(self) -> None:
        if self.warm is not None:
            self.warm.close()


def _why(exc: BaseException, limit: int = 300) -> str:
    return f"{type(exc).__name__}: {clean_text(str(exc))[:limit]}"


def grade_payload(grader: NotebookGrader, masters: Mapping[str, Master], sub: Submission) -> tuple[dict[str, Any], Any]:
    """(result document, graded notebook or None); never raises for anything the submission contains."""
    try:
        master = masters.get(sub.assignment)
    except Exception as exc:  # noqa: BLE001 - a quiz file that cannot be loaded, say
        return failed_document(sub, None, f"its assignment could not be loaded ({_why(exc)})"), None
    if master is None:
        return failed_document(sub, None, f"assignment {sub.assignment!r} is not in the course"), None
    if sub.notebook is None:
        return failed_document(sub, master, sub.problem or "nothing was read", grader.sandbox.describe()), None
    try:
        nb = read_notebook(sub.notebook)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with the file, the batch goes on
        return failed_document(sub, master, f"not a readable notebook ({_why(exc)})", grader.sandbox.describe()), None
    try:
        nb, _changes = restore(nb, master)
        submitted_at = parse_timestamp(sub.timestamp) if sub.timestamp else None
        grade = grader.grade(nb, sub.assignment, sub.student, submitted_at)
        return graded_document(sub, grade), nb
    except Exception as exc:  # noqa: BLE001 - a worker that cannot start, say: recorded, the batch goes on
        return failed_document(sub, master, _why(exc, 500), grader.sandbox.describe()), None


@dataclass
class BatchSummary:
    """What a run did; only the failures are kept whole (memory stays flat in the batch size)."""

    graded: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    #: (student, assignment, what): odd but graded (an unreadable timestamp.txt, say).
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    up_to_date: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        done = self.graded + len(self.failed)
        return done / self.seconds if self.seconds > 0 else 0.0


class LocalPool:
    """``slots`` threads, each with its own warm sandbox; results come back in completion order."""

    def __init__(self, course: Course, slots: int | None = None, figures: bool = False,
                 sandbox: Sandbox | None = None, masters: Masters | None = None) -> None:
        self.course = course
        self.slots = max(1, slots or os.cpu_count() or 1)
        self.figures = figures
        # bubblewrap as root is tried as is (each slot's warm sandbox proves it runs, or detects why not).
        self.sandbox = sandbox or WarmSandbox.candidate() or Sandbox.detect()
        # The sandbox `dlcourse grade` started before its imports serves the first slot.
        self._early = take_early() if sandbox is None else None
        self.masters = masters if masters is not None else master_notebooks(course)
        self._local = threading.local()
        self._made: list[Slot] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(self.slots, thread_name_prefix="grading-slot")
        # Every slot starts its sandbox now, while the caller finds the submissions.
        for _ in range(self.slots):
            self._executor.submit(self._slot)

    def _slot(self) -> Slot:
        slot = getattr(self._local, "slot", None)
        if slot is None:
            with self._lock:
                early, self._early = self._early, None
            warm = early.result() if early is not None else None
            slot = Slot(self.course, self.sandbox, self.figures, warm=warm)
            self._local.slot = slot
            with self._lock:
                self._made.append(slot)
        return slot

    def grade(self, sub: Submission) -> tuple[dict[str, Any], Any]:
        if sub.assignment and sub.assignment not in self.masters.exercise_ids and self.course.quizzes:
            from grader.quiz.symbolic import start_checker

            # At the first quiz this thread grades, not before: a batch without quizzes never pays
            # SymPy (half a second). Its checker process starts while the quiz's cells run.
            start_checker()
        try:
            grader = self._slot().grader
        except Exception as exc:  # noqa: BLE001 - no grader for this slot: this submission fails, the batch goes on
            return failed_document(sub, None, f"no grading worker could be started ({_why(exc)})"), None
        return grade_payload(grader, self.masters, sub)

    def submit(self, sub: Submission) -> Future[tuple[dict[str, Any], Any]]:
        """Grade one submission on the next free slot (a service hands them in as they arrive)."""
        return self._executor.submit(self.grade, sub)

    def map(self, subs: Iterable[Submission]) -> Iterator[tuple[Submission, dict[str, Any], Any]]:
        """Grade each submission; a few per slot are in flight at once, so memory stays flat in the batch size."""
        window = self.slots * 2
        pool = self._executor
        pending: dict[Future[tuple[dict[str, Any], Any]], Submission] = {}
        subs = iter(subs)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                sub = next(subs, None)
                if sub is None:
                    exhausted = True
                    break
                pending[pool.submit(self.grade, sub)] = sub
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                sub = pending.pop(future)
                try:
                    doc, nb = future.result()
                except Exception as exc:  # noqa: BLE001 - grade() never raises, but nothing here may stop the batch
                    doc, nb = failed_document(sub, None, f"grading stopped ({_why(exc)})"), None
                yield sub, doc, nb

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        for slot in self._made:
            slot.close()
        self._made.clear()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_batch(todo: Iterable[Submission], store: ResultStore,
              grade_all: Callable[[Iterable[Submission]], Iterator[tuple[Submission, dict[str, Any], Any]]],
              on_result: Callable[[Submission, dict[str, Any], Any], None] | None = None,
              progress: Callable[[int], Any] | None = None) -> BatchSummary:
    """Grade ``todo`` (``pending`` picks it), writing each result as it arrives.

    Recording one result can fail too (a full disk, an autograded copy nbgrader's tree cannot
    hold): that submission is named in the summary, and the batch goes on.
    """
    summary = BatchSummary()
    started = time.perf_counter()
    for sub, doc, nb in grade_all(todo):
        try:
            store.write(doc)
        except Exception as exc:  # noqa: BLE001
            doc = {**doc, "status": "grading-failed", "error": f"its result could not be written ({_why(exc)})"}
        if on_result is not None and doc["status"] == "graded":
            try:
                on_result(sub, doc, nb)
            except Exception as exc:  # noqa: BLE001
                summary.warnings.append((sub.student, sub.assignment,
                                         f"its autograded notebook could not be written ({_why(exc)})"))
        if doc["status"] == "graded":
            summary.graded += 1
        else:
            summary.failed.append({k: doc[k] for k in ("student", "assignment", "error")})
        summary.warnings.extend((sub.student, sub.assignment, w) for w in doc.get("warnings") or sub.warnings)
        if progress is not None:
            progress(1)
    summary.seconds = time.perf_counter() - started
    return summary


def pending(subs: Iterable[Submission], store: ResultStore, regrade: bool = False,
            skipped: Callable[[Submission], Any] | None = None,
            stale: Callable[[Submission], bool] | None = None) -> Iterator[Submission]:
    """What is not graded yet, or changed since it was (everything, with ``regrade``), lazily.

    ``skipped`` is told of each submission that is already graded from these very bytes; ``stale``
    says of one that its result is out of date all the same (its feedback was a summary before the
    due date, and the due date has passed).
    """
    for s in subs:
        if regrade or not store.is_current(s) or (stale is not None and stale(s)):
            yield s
        elif skipped is not None:
            skipped(s)
