"""``dlcourse serve``: grade each submission as it arrives in nbgrader's exchange, and release its feedback.

One trusted process per course. Each turn of its loop:

1. lists the exchange's inbound (names only) and drops what the ledger says is done;
2. per learner and assignment, only the newest waiting submission goes on: older waiting ones are
   *superseded* (their page says by which), and one older than an attempt already graded is too, so
   nothing is graded out of order; one submission per learner and assignment is graded at a time;
3. applies the attempt policy (``attempts:``): past today's ``graded_per_day``, a submission is
   *deferred* (kept, its page says so) and graded once the day has turned;
4. reads the submission as data (``grader.serve.inbound``), copies it into ``submitted/`` as
   ``nbgrader collect`` would, and hands it to the batch's pool of warm sandboxes
   (``LocalPool``: ``grade_payload``, the grader ``dlcourse grade`` and ``nbgrader autograde`` use);
5. records each result as the batch does: the autograded notebook, the attempt, ``ResultStore``'s
   atomic document; then the feedback page is released, one log line is written and the ledger
   marks the submission done; gradebook.db and the gradebook tables follow (a thread of their own,
   at most every 2 s).

Restart-safe: every write is atomic and keyed by the submission (its fingerprint, its inbound
name), and the ledger is written last. Killed anywhere, the service started again finds the
submission either done, or already recorded as an attempt (then its page is rendered again from the
autograded notebook, never graded twice), or not graded at all (then it is graded).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from grader.batch.attempts import AttemptStore, History, counted_documents, today, write_attempts_table
from grader.batch.command import RESULTS_DIR, _write_autograded, autograded_path
from grader.batch.results import ResultStore, write_atomic
from grader.nbgrader_glue.reading import storage_name
from grader.course.config import Course
from grader.learner.core.text import display_name
from grader.serve import feedback, notices
from grader.serve.inbound import Entry, Read, collect, inbound_path, read_entry, scan

log = logging.getLogger("dlcourse.serve")
STATE_DIR = "dlcourse-serve"
FINAL = ("graded", "superseded", "failed")
#: How long a folder in inbound may stay without its submission_secret.txt before it is graded as it is.
SUBMIT_GRACE_S = 10.0
#: The gradebook (gradebook.db, the tables) is rewritten at most this often while submissions arrive.
FLUSH_EVERY_S = 2.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Ledger:
    """What became of each inbound folder: ``<state>/inbound/<storage name>.json``, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.states: dict[str, str] = {}
        for path in folder.glob("*.json") if folder.is_dir() else ():
            try:
                record = json.loads(path.read_bytes())
                self.states[record["entry"]] = record["state"]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a torn file cannot exist (atomic writes); anything else is not ours

    def state(self, name: str) -> str | None:
        return self.states.get(name)

    def mark(self, entry: Entry, state: str, **extra: Any) -> None:
        record = {"entry": entry.name, "student": entry.student, "assignment": entry.assignment, "state": state,
                  "at": utc_now().isoformat(), **extra}
        write_atomic(self.folder / f"{storage_name(entry.name)}.json", json.dumps(record).encode())
        self.states[entry.name] = state


@dataclass
class InFlight:
    entry: Entry
    read: Read
    future: Future[tuple[dict[str, Any], Any]]


@dataclass
class Counts:
    graded: int = 0
    deferred: int = 0
    superseded: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)


class Service:
    """The grading service of one course folder (``root``, an nbgrader course directory)."""

    def __init__(self, course: Course, root: Path, workers: int | None = None, figures: bool = False,
                 clock: Callable[[], datetime] = utc_now, pool: Any = None) -> None:
        from grader.batch.engine import LocalPool
        from grader.nbgrader_glue.masters import master_notebooks

        self.course, self.root, self.clock = course, root, clock
        self.inbound = inbound_path(course)
        self.masters = master_notebooks(course)
        self.store = ResultStore(root / RESULTS_DIR)
        self.attempts = AttemptStore.beside(self.store)
        self.ledger = Ledger(root / STATE_DIR / "inbound")
        self.pages = feedback.FeedbackPages(root)
        self.pool = pool or LocalPool(course, workers, figures=figures, masters=self.masters)
        self.in_flight: dict[tuple[str, str], InFlight] = {}
        self.dirty: dict[tuple[str, str], None] = {}
        self.counts = Counts()
        self.started = utc_now()
        self.last_scan: datetime | None = None
        self._missing_inbound_said = False
        self._flush_lock = threading.Lock()
        self._flush_wanted = threading.Event()
        self._deferred_on: dict[str, Any] = {}
        self._first_seen: dict[str, float] = {}

    # -- one turn ---------------------------------------------------------------------------------

    def step(self) -> None:
        self._collect_finished()
        try:
            found = scan(self.inbound, set(self.masters))
        except (OSError, ValueError) as exc:
            if not self._missing_inbound_said:
                log.warning("inbound %s cannot be listed yet (%s); waiting for `nbgrader release_assignment`",
                            self.inbound, exc)
                self._missing_inbound_said = True
            found = []
        self.last_scan = utc_now()
        waiting: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in found:
            if self.ledger.state(entry.name) not in FINAL:
                waiting[entry.key].append(entry)
        for key, group in waiting.items():
            if key not in self.in_flight:
                self._consider(group)
        self._collect_finished()
        if self.dirty:
            self._flush_wanted.set()

    def _consider(self, group: list[Entry]) -> None:
        newest = group[-1]
        for older in group[:-1]:
            self._supersede(older, newest.submitted)
        policy = self.course.attempts_for(newest.assignment)
        day = today(policy, self.clock())
        if self._deferred_on.get(newest.name) == day:
            return  # kept back today already: nothing to read again until the day turns
        history = self._history(newest.key)
        read = read_entry(self.inbound, newest, self.course.grading.max_notebook_mb)
        if not self._complete(newest, read):
            return
        if history.number_of(read.sub.fingerprint) is not None:
            try:  # graded before the service was stopped; its page may not be out yet
                self._finish_again(newest, read, history)
                return
            except (OSError, ValueError):
                pass  # its autograded notebook is gone: graded again, the same attempt (same fingerprint)
        latest = history.latest_submitted()
        if latest is not None and newest.submitted <= latest and history.number_of(read.sub.fingerprint) is None:
            self._supersede(newest, latest, read)
            return
        if history.remaining_on(policy, day) == 0:
            if self.ledger.state(newest.name) != "deferred":
                self._release_notice(newest, read, notices.deferred(newest.submitted, policy))
                self.ledger.mark(newest, "deferred")
                self.counts.deferred += 1
                log.info("deferred student=%s assignment=%s (today's %s graded attempts used)",
                         display_name(newest.student), newest.assignment, policy.graded_per_day)
            self._deferred_on[newest.name] = day
            return
        try:
            collect(self.root, read)
        except OSError as exc:
            log.warning("student=%s assignment=%s: not copied into submitted/ (%s)",
                        display_name(newest.student), newest.assignment, exc.strerror)
        self.in_flight[newest.key] = InFlight(newest, read, self.pool.submit(read.sub))

    def _complete(self, entry: Entry, read: Read) -> bool:
        """Whether ``nbgrader submit`` has finished writing the folder.

        It copies the learner's files, then writes timestamp.txt, then submission_secret.txt (128 hex
        digits): a folder without its whole secret is still being written. One that stays so for
        ``SUBMIT_GRACE_S`` was not written by nbgrader submit, and is graded as it is (its page cannot be
        released: nobody could fetch it).
        """
        if len(read.secret) >= 128:
            self._first_seen.pop(entry.name, None)
            return True
        first = self._first_seen.setdefault(entry.name, time.monotonic())
        return time.monotonic() - first > SUBMIT_GRACE_S

    def _history(self, key: tuple[str, str]) -> History:
        return self.attempts.history(*key, self.store.load(*key))

    # -- outcomes ---------------------------------------------------------------------------------

    def _collect_finished(self) -> None:
        for key, job in list(self.in_flight.items()):
            if not job.future.done():
                continue
            del self.in_flight[key]
            try:
                doc, nb = job.future.result()
            except Exception as exc:  # noqa: BLE001 - LocalPool.grade never raises; the service goes on anyway
                doc, nb = {"status": "grading-failed", "error": f"{type(exc).__name__}: {exc}"}, None
            try:
                self._finish(job.entry, job.read, doc, nb)
            except Exception:  # noqa: BLE001 - a full disk, say: logged; the ledger is not marked, so it is retried
                log.exception("student=%s assignment=%s: its result could not be recorded",
                              display_name(job.entry.student), job.entry.assignment)

    def _finish(self, entry: Entry, read: Read, doc: dict[str, Any], nb: Any) -> None:
        if doc.get("status") != "graded":
            self._release_notice(entry, read, notices.failed(doc.get("error") or "unknown"))
            self.ledger.mark(entry, "failed", error=doc.get("error"))
            self.counts.failed += 1
            log.warning("failed student=%s assignment=%s error=%s latency=%.2fs", display_name(entry.student),
                        entry.assignment, doc.get("error"), self._latency(entry))
            return
        _write_autograded(self.root, read.sub, nb)
        self.attempts.record(doc, self.clock(), by="serve")
        self.store.write(doc)
        self._release_graded(entry, read, doc, nb)

    def _finish_again(self, entry: Entry, read: Read, history: History) -> None:
        import nbformat

        doc = next(d for d in history.docs if d["fingerprint"] == read.sub.fingerprint)
        doc = {k: v for k, v in doc.items() if k != "attempt"}
        if self.store.load(entry.student, entry.assignment) is None or \
                self.store.load(entry.student, entry.assignment).get("fingerprint") != doc["fingerprint"]:
            self.store.write(doc)
        path = autograded_path(self.root, entry.student, entry.assignment)
        nb = nbformat.read(path, as_version=4)
        self._release_graded(entry, read, doc, nb, again=True)

    def _release_graded(self, entry: Entry, read: Read, doc: dict[str, Any], nb: Any, again: bool = False) -> None:
        """The page, the ledger, the log line; ``again``: graded by an earlier run, whose page may not be out."""
        history = self._history(entry.key)
        policy = self.course.attempts_for(entry.assignment)
        number = history.number_of(doc["fingerprint"]) or len(history.docs)
        counted = history.counted(policy)
        counted = number - 1 if counted is None else counted
        text = notices.graded(number, doc["total"], doc["max"], history.remaining_on(policy, today(policy, self.clock())),
                              counted + 1, history.docs[counted]["total"] if history.docs else doc["total"], policy)
        page = self.pages.graded(nb, doc, text)
        feedback.keep_in_course_folder(self.root, entry.student, entry.assignment, page, read.sub.timestamp_bytes,
                                       read.secret)
        feedback.release(self.course, entry.assignment, read.secret, page)
        latency = self._latency(entry)
        # The line before the ledger: a grading recorded but not logged (killed in between) is logged by the
        # restart, as released-again, so every grading leaves a line, and one grading never two "graded".
        log.info("%s student=%s assignment=%s attempt=%d score=%g/%g counts=%d latency=%.2fs%s",
                 "released-again" if again else "graded", display_name(entry.student), entry.assignment, number,
                 doc["total"], doc["max"], counted + 1, latency,
                 f" warning={read.owner_mismatch!r}" if read.owner_mismatch else "")
        self.ledger.mark(entry, "graded", fingerprint=doc["fingerprint"], attempt=number, latency_s=round(latency, 3))
        with self._flush_lock:
            self.dirty[entry.key] = None
        self.counts.graded += not again
        self.counts.latencies.append(latency)

    def _supersede(self, entry: Entry, newer: datetime, read: Read | None = None) -> None:
        read = read or read_entry(self.inbound, entry, self.course.grading.max_notebook_mb)
        self._release_notice(entry, read, notices.superseded(entry.submitted, newer))
        self.ledger.mark(entry, "superseded")
        self.counts.superseded += 1
        log.info("superseded student=%s assignment=%s submitted=%s", display_name(entry.student), entry.assignment,
                 f"{entry.submitted:%Y-%m-%d %H:%M:%S}")

    def _release_notice(self, entry: Entry, read: Read, text: str) -> None:
        feedback.release(self.course, entry.assignment, read.secret, feedback.notice_page(entry.assignment, text))

    def _latency(self, entry: Entry) -> float:
        """From the time nbgrader stamped on the submission to now."""
        return (utc_now().replace(tzinfo=None) - entry.submitted).total_seconds()

    # -- the gradebook ----------------------------------------------------------------------------

    def flush(self) -> None:
        """gradebook.db for what was graded since the last flush, then the tables, as `dlcourse grade` writes them."""
        from grader.batch.gradebook import gradebook_frame, write_nbgrader_db, write_tables

        with self._flush_lock:
            keys, self.dirty = list(self.dirty), {}
        docs = [d for d in (self.store.load(*k) for k in keys) if d is not None]
        db = self.root / "gradebook.db"
        if db.exists():
            for problem in write_nbgrader_db(db, counted_documents(self.course, self.store, docs)):
                log.warning("%s", problem)
        write_tables(gradebook_frame(counted_documents(self.course, self.store), self.masters), self.root)
        write_attempts_table(self.course, self.store, self.root)

    def _flushing(self, stop: threading.Event) -> None:
        """The gradebook's writer, a thread of its own: no learner's page waits for gradebook.db or the tables."""
        while not stop.is_set():
            if self._flush_wanted.wait(0.5):
                self._flush_wanted.clear()
                try:
                    self.flush()
                except Exception:  # noqa: BLE001 - logged; the results are on disk, the next flush writes them
                    log.exception("the gradebook could not be written")
                stop.wait(FLUSH_EVERY_S)

    # -- health -----------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        fresh = self.last_scan is not None and (utc_now() - self.last_scan).total_seconds() < 30
        return {"ok": fresh, "pid": os.getpid(), "course": self.course.course.id, "inbound": str(self.inbound),
                "started": self.started.isoformat(), "last_scan": self.last_scan.isoformat() if self.last_scan else None,
                "in_flight": len(self.in_flight), "graded": self.counts.graded, "deferred": self.counts.deferred,
                "superseded": self.counts.superseded, "failed": self.counts.failed}

    def write_health(self) -> None:
        write_atomic(self.root / STATE_DIR / "health.json", json.dumps(self.health()).encode())

    # -- running ----------------------------------------------------------------------------------

    def warm_up(self) -> float:
        """Grade each exercise's own solution once, recording nothing; returns the seconds it took.

        What every learner's grading shares is computed once per process (the fixed cases' expected
        values, the input-ignoring answers' floors: a dozen seconds for dropout's statistics; the
        feedback page's templates), so the first learner of each assignment does not wait for it,
        nor everyone queued behind them.
        """
        from grader.nbgrader_glue.reading import Submission, fingerprint_of

        started = time.perf_counter()
        futures = []
        for a in self.course.assignments:
            data = self.course.path(a.notebook).read_bytes()
            futures.append(self.pool.submit(Submission("dlcourse-warm-up", a.id, f"warm-up/{a.id}",
                                                       fingerprint_of(data, b""), data)))
        for future in futures:
            doc, nb = future.result()
            if doc.get("status") == "graded" and nb is not None:
                self.pages.graded(nb, doc, "")  # nbconvert's templates compile on a first page: 2 s
        return time.perf_counter() - started

    def run(self, stop: threading.Event, poll_s: float = 0.2) -> None:
        """Until ``stop`` is set; then what is in flight is finished and recorded."""
        log.info("warmed up in %.1fs; serving course=%s inbound=%s folder=%s", self.warm_up(), self.course.course.id,
                 self.inbound, self.root)
        if self.store.root.is_dir():
            self.dirty.update({(d["student"], d["assignment"]): None for d in self.store.documents()})
        flusher = threading.Thread(target=self._flushing, args=(stop,), name="gradebook", daemon=True)
        flusher.start()
        last_health = 0.0
        while not stop.is_set():
            self.step()
            if time.monotonic() - last_health > 1:
                self.write_health()
                last_health = time.monotonic()
            if self.in_flight:  # a grade that comes back is recorded and released at once
                wait([job.future for job in self.in_flight.values()], timeout=poll_s, return_when=FIRST_COMPLETED)
            else:
                stop.wait(poll_s)
        while self.in_flight:
            time.sleep(0.05)
            self._collect_finished()
        flusher.join()
        if self.dirty:
            self.flush()
        self.write_health()

    def close(self) -> None:
        self.pool.close()
