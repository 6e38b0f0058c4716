"""``dlcourse grade`` and ``dlcourse export``: the batch from the command line.

    dlcourse grade NOTEBOOK.ipynb [--course FILE] [--assignment A] [--student ID] [--json]
    dlcourse grade course.yaml [--work DIR] [--submissions DIR]   the course folder's submitted/ tree
    dlcourse grade FOLDER --course FILE [--out DIR]                a submitted/-style tree or a flat folder
        [--workers N] [--dask ADDRESS|local] [--regrade] [--figures]
    dlcourse export course.yaml [--work DIR] [--to FILE]          nbgrader export's CSV layout
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from grader.nbgrader_glue.reading import Ignored
from grader.course.config import Course
from grader.learner.core.text import clean_text

console = Console(width=None if sys.stdout.isatty() else 200)
RESULTS_DIR = "dlcourse-results"


class RateColumn(ProgressColumn):
    def render(self, task: Any) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} submissions/s" if speed else "… submissions/s")


# -- one notebook ---------------------------------------------------------------------------------


def _identity(notebook: Path, masters: Any, assignment: str | None, student: str | None,
              nb: Any) -> tuple[str | None, str]:
    """The assignment (named, else read from the cells) and the learner (named, else from the path:
    ``<student>/<assignment>/<name>.ipynb`` in an nbgrader tree, the file's name otherwise)."""
    from grader.nbgrader_glue.masters import detect_assignment

    if assignment is None:
        # Exercises are told apart without loading the quizzes (which brings in SymPy).
        in_exercise_tree = notebook.parent.name in masters.exercise_ids
        assignment = notebook.parent.name if in_exercise_tree else detect_assignment(nb, masters)
    if student is None:
        in_tree = assignment == notebook.parent.name and notebook.parent.parent.name not in ("", ".")
        student = notebook.parent.parent.name if in_tree else notebook.stem
    return assignment, student


def readable(doc: dict[str, Any]) -> str:
    lines = [f"{doc['assignment']} for {doc['student']}: {doc['total']:g} / {doc['max']:g} points"]
    if doc.get("late"):
        lines.append(f"  {doc['late']}")
    if doc.get("error"):
        lines.append(f"  not graded: {doc['error']}")
        return "\n".join(lines)
    for part, info in doc["parts"].items():
        if info["max"] == 0 and info["status"] == "passed":
            continue
        lines.append(f"  {part}: {info['points']:g}/{info['max']:g} {info['status']}")
        lines.extend(f"    {ln}" for ln in info["message"].splitlines()[1:] if ln.strip())
    return "\n".join(lines)


def grade_one(course: Course, notebook: Path, assignment: str | None, student: str | None, as_json: bool,
              early: Any = None) -> int:
    """Grade a single notebook and print the result (JSON with ``as_json``); nothing is written.

    ``early``: a future of a warm sandbox started before the course was loaded (``start_in_background``).
    """
    from grader.batch.engine import Slot, grade_payload
    from grader.nbgrader_glue.masters import master_notebooks
    from grader.nbgrader_glue.reading import Refused, Submission, fingerprint_of, read_file, read_timestamp
    from grader.sandbox.launch import Sandbox

    masters = master_notebooks(course)
    limit = int(course.grading.max_notebook_mb * 1024 * 1024)
    try:
        # The instructor named this file, so a link to it is followed; it must still be a regular file.
        data = read_file(str(notebook), None, limit, follow=True, limit_key="grading.max_notebook_mb")
    except Refused as why:
        console.print(f"[red]{escape(str(notebook))}: not graded: it is {escape(str(why))}[/]", highlight=False)
        return 2
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        nb = {}
    if not isinstance(nb, dict):
        nb = {}
    assignment, student = _identity(notebook, masters, assignment, student, nb)
    if assignment not in masters:
        what = f"--assignment {assignment!r} is not in the course" if assignment else "it has none of the course's test cells"
        console.print(f"[red]{escape(str(notebook))}: cannot tell which assignment this is ({escape(what)}); "
                      f"name it with --assignment (one of: {', '.join(masters)})[/]", highlight=False)
        return 2
    try:
        folder = os.open(notebook.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            raw_ts, ts, warning = read_timestamp(folder)
        finally:
            os.close(folder)
    except OSError:
        raw_ts, ts, warning = b"", "", None
    sub = Submission(clean_text(student), assignment, str(notebook), fingerprint_of(data, raw_ts), data, ts, raw_ts,
                     warnings=(warning,) if warning else ())
    warm = early.result() if early is not None else None
    slot = Slot(course, warm.sandbox if warm is not None else Sandbox.detect(), figures=False, warm=warm)
    try:
        doc, _nb = grade_payload(slot.grader, masters, sub)
    finally:
        slot.close()
    print(json.dumps(doc, indent=2) if as_json else readable(doc))
    return 0 if doc["status"] == "graded" else 1


# -- a batch --------------------------------------------------------------------------------------


def autograded_path(root: Path, student: str, assignment: str) -> Path:
    """Where nbgrader keeps a learner's autograded notebook; an id that cannot be a folder name gets its
    storage name (formgrader then cannot find the notebook, but gradebook.db has the grades)."""
    from grader.nbgrader_glue.reading import storage_name, usable_as_folder

    folder = student if usable_as_folder(student) else storage_name(student)
    return root / "autograded" / folder / assignment / f"{assignment}.ipynb"


def _write_autograded(root: Path, sub: Any, nb: Any) -> None:
    import nbformat

    from grader.batch.results import write_atomic

    if nb is None:
        return
    write_atomic(autograded_path(root, sub.student, sub.assignment), nbformat.writes(nb).encode())


def _say(text: str, style: str = "") -> None:
    """One line of the summary: learner-chosen names in ``text`` can never be read as rich markup."""
    console.print(Text(text, style=style), highlight=False, soft_wrap=True)


def grade_many(course: Course, source: Path, out: Path, *, assignment: str | None = None, workers: int | None = None,
               dask: str | None = None, regrade: bool = False, figures: bool = False,
               nbgrader_folder: Path | None = None, imported: Imported | None = None) -> int:
    """Grade every submission under ``source`` not graded yet; results, gradebook and tables go to ``out``.

    ``imported``: what ``import_submissions`` just copied in (and refused) from an instructor's folder.
    """
    from grader.batch.attempts import AttemptStore, counted_documents, write_attempts_table
    from grader.batch.engine import LocalPool, pending, run_batch
    from grader.batch.gradebook import gradebook_frame, write_nbgrader_db, write_tables
    from grader.nbgrader_glue.masters import master_notebooks
    from grader.batch.results import ResultStore
    from grader.batch.submissions import discover, read

    masters = master_notebooks(course)
    # The pool first: its sandboxes start while the submissions are found and the masters built.
    if dask:
        from grader.batch.cluster import DaskPool

        pool: Any = DaskPool(str(course.file), dask, workers or 2, masters)
        where = f"Dask ({'a LocalCluster' if dask == 'local' else dask}, {pool.workers} worker(s))"
    else:
        pool = LocalPool(course, workers, figures=figures, masters=masters)
        where = f"{pool.slots} warm sandbox(es) on this machine"
    try:
        listing = discover(source, masters, assignment)
    except (ValueError, OSError) as exc:
        pool.close()
        _say(f"{exc}", "red")
        return 2
    if not dask:  # a Dask worker restores, so builds, on its own side
        masters.prepare_in_background(f.assignment for f in listing.found if f.assignment)
    ignored = list(imported.ignored if imported else ()) + listing.ignored
    refused = list(imported.refused if imported else [])
    for u in ignored:
        _say(f"! {u.where}: ignored: {u.reason}", "yellow")
    store = ResultStore(out / RESULTS_DIR)
    attempts = AttemptStore.beside(store)

    def on_result(sub: Any, doc: dict[str, Any], nb: Any) -> None:
        attempts.record(doc, datetime.now(timezone.utc), by="grade")
        if nbgrader_folder is not None:
            _write_autograded(nbgrader_folder, sub, nb)
    current: set[tuple[str, str]] = set()
    up_to_date = 0
    unknown: list[Any] = []

    def submissions() -> Iterator[Any]:
        """Each submission, read once, as the pool asks for it (memory stays flat in the batch size)."""
        yield from refused
        refused_keys = {s.key for s in refused}
        for found in listing.found:
            sub = read(listing, found, masters, course.grading.max_notebook_mb)
            if not sub.assignment:  # a flat folder's file whose assignment could not be told
                unknown.append(sub)
                progress.advance(task, 1)
                continue
            if sub.key in refused_keys:
                continue  # its newer copy was refused on import: that is the record of this run
            current.add(sub.key)
            yield sub

    def stale(sub: Any) -> bool:
        """Graded before the due date with a summary where the policy now releases everything."""
        from grader.course.feedback_release import feedback_detail

        doc = store.load(sub.student, sub.assignment)
        return doc is not None and doc.get("feedback", "full") != feedback_detail(course, sub.assignment, sub.student)

    def skipped(_sub: Any) -> None:
        nonlocal up_to_date
        up_to_date += 1
        progress.advance(task, 1)

    total = len(listing.found) + len(refused)
    _say(f"{total} submission(s) found in {source}; grading what is new or changed, on {where}.")
    with pool, Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                        TextColumn("time left"), TimeRemainingColumn(), console=console,
                        disable=not total) as progress:
        task = progress.add_task("grading", total=total)
        summary = run_batch(pending(submissions(), store, regrade, skipped, stale), store, pool.map, on_result=on_result,
                            progress=lambda n: progress.advance(task, n))
    summary.up_to_date = up_to_date
    current |= {s.key for s in refused}
    for sub in unknown:
        ignored.append(Ignored(sub.where, sub.problem or "its assignment could not be told"))
        _say(f"! {sub.where}: not graded: {sub.problem}", "yellow")

    def current_docs() -> Iterator[dict[str, Any]]:
        """This batch's results, read from disk one at a time: per learner, the attempt that counts."""
        return counted_documents(course, store, (d for d in store.documents()
                                                 if (d["student"], d["assignment"]) in current))

    failed_parts: list[tuple[str, str, str]] = []
    sandboxes: set[str] = set()

    def noting(docs: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for d in docs:
            failed_parts.extend(_failed_parts(d))
            sandboxes.add(d.get("sandbox", ""))
            yield d

    from grader.term.roster import load_roster

    # Learners on the roster with nothing handed in are in the gradebook too, as missing work.
    on_roster = load_roster(nbgrader_folder) if nbgrader_folder is not None else {}
    csv, parquet = write_tables(gradebook_frame(noting(current_docs()), masters, on_roster), out)
    write_attempts_table(course, store, out)
    db_problems: list[str] = []
    if nbgrader_folder is not None:
        db_problems = write_nbgrader_db(nbgrader_folder / "gradebook.db", current_docs(), course)
    _print_summary(summary, failed_parts, sandboxes, ignored)
    _print_term(course, current_docs(), nbgrader_folder)
    for p in db_problems:
        _say(f"! {p}", "yellow")
    _say(f"Gradebook: {csv} and {parquet}" + (f"; nbgrader's {nbgrader_folder / 'gradebook.db'}"
                                             if nbgrader_folder is not None else ""))
    return 0 if not summary.failed and not ignored and not failed_parts and not db_problems else 1


def _print_term(course: Course, docs: Iterator[dict[str, Any]], folder: Path | None) -> None:
    """Late work, and learners graded though not on the roster (where a roster was imported)."""
    from grader.learner.core.text import display_name as shown
    from grader.term.roster import load_roster

    roster = load_roster(folder) if folder is not None else {}
    strangers: set[str] = set()
    for doc in docs:
        if doc.get("penalty"):
            _say(f"    late: {shown(doc['student'])}/{doc['assignment']}: {doc['late']}", "yellow")
        if roster and doc["student"] not in roster:
            strangers.add(doc["student"])
    if strangers:
        _say(f"{len(strangers)} learner(s) graded but not on the roster: "
             f"{', '.join(shown(s) for s in sorted(strangers))}", "yellow")


def _failed_parts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    if doc["status"] != "graded":
        return []
    return [(doc["student"], doc["assignment"], part) for part, info in doc["parts"].items()
            if info["status"] == "grading-failed"]


def _print_summary(summary: Any, failed_parts: list[tuple[str, str, str]], sandboxes: set[str],
                   ignored: list[Any]) -> None:
    from grader.learner.core.text import display_name as shown

    _say(f"Graded {summary.graded + len(summary.failed)} submission(s) in {summary.seconds:.1f} s"
         f"{f' ({summary.rate:.1f}/s)' if summary.seconds else ''}; {summary.up_to_date} unchanged since "
         f"they were graded (not graded again); {len(summary.failed)} could not be graded.")
    for doc in summary.failed:
        _say(f"    ✗ {shown(doc['student'])}/{doc['assignment']}: not graded ({doc['error']})", "red")
    for student, assignment, part in failed_parts:
        _say(f"    ✗ {shown(student)}/{assignment}/{part}: grading failed (see its message)", "yellow")
    for student, assignment, what in summary.warnings:
        _say(f"    ! {shown(student)}/{assignment}: {what}", "yellow")
    for s in sorted(x for x in sandboxes if x.startswith("NO SANDBOX")):
        _say(f"    {s}", "red")
    if ignored:
        _say(f"{len(ignored)} thing(s) in the submissions were ignored (listed above).")


@dataclass
class Imported:
    """What ``import_submissions`` did: how many it copied, what it refused (as records), what it ignored."""

    copied: int = 0
    refused: list[Any] = field(default_factory=list)
    ignored: list[Any] = field(default_factory=list)


def import_submissions(root: Path, submissions: Path, masters: Any, limit_mb: float) -> Imported:
    """Copy a submitted/-style tree into the course folder's submitted/ (as ``nbgrader collect`` would).

    Each submission is read as data (``grader.nbgrader_glue.reading``) and only the bytes read are written:
    a link, a FIFO or a folder where the notebook should be is never copied, and becomes that
    submission's record instead; files the release does not name are not copied.
    """
    from grader.nbgrader_glue.reading import TIMESTAMP
    from grader.batch.results import write_atomic
    from grader.batch.submissions import discover, read

    done = Imported()
    listing = discover(submissions, masters)
    done.ignored = list(listing.ignored)
    for found in listing.found:
        sub = read(listing, found, masters, limit_mb)
        if not sub.assignment:
            done.ignored.append(Ignored(sub.where, sub.problem or "its assignment could not be told"))
            continue
        if sub.notebook is None:
            done.refused.append(sub)
            continue
        # The learner's folder name as the file system spells it: the same id is read back from the copy.
        student = found.folders[-2] if len(found.folders) >= 2 else sub.student
        dest = root / "submitted" / student / sub.assignment
        try:
            write_atomic(dest / found.notebook, sub.notebook)
            if sub.timestamp_bytes:
                write_atomic(dest / TIMESTAMP, sub.timestamp_bytes)
            elif (dest / TIMESTAMP).is_file():
                (dest / TIMESTAMP).unlink()  # an older submission's time is not this one's
            done.copied += 1
        except OSError as exc:
            done.refused.append(replace(sub, notebook=None, problem=f"could not be copied in ({exc.strerror})"))
    return done


def print_import_problems(imported: Imported) -> None:
    """What an import left out, one line each (``dlcourse run --submissions``, where nbgrader grades next)."""
    from grader.learner.core.text import display_name as shown

    for u in imported.ignored:
        _say(f"! {u.where}: ignored: {u.reason}", "yellow")
    for sub in imported.refused:
        _say(f"✗ {shown(sub.student)}/{sub.assignment}: not imported, so not graded: {sub.problem}", "red")


# -- export ---------------------------------------------------------------------------------------


EXPORT_FORMATS = ("nbgrader", "canvas", "moodle")


def export(course: Course, work: Path, to: Path | None, fmt: str = "nbgrader") -> int:
    """The batch gradebook as nbgrader export's CSV layout, or as Canvas's or Moodle's grade import file."""
    import pandas as pd

    from grader.batch.gradebook import export_frame
    from grader.batch.results import write_atomic
    from grader.course.late import naive_utc
    from grader.term.lms import canvas_file, moodle_file
    from grader.term.roster import load_roster

    table = work / "gradebook.parquet"
    if not table.exists():
        console.print(f"[red]{table}: no gradebook yet; run `dlcourse grade` first[/]", highlight=False)
        return 2
    frame = pd.read_parquet(table)
    roster = load_roster(work)
    target = to or work / {"nbgrader": "grades.csv", "canvas": "grades-canvas.csv", "moodle": "grades-moodle.csv"}[fmt]
    if fmt == "nbgrader":
        # As nbgrader export prints them: naive UTC; the learner's extension is not part of it.
        duedates = {a.id: str(naive_utc(a.due)) if a.due else "" for a in course.assignments}
        people = {r.id: {"first_name": r.first_name, "last_name": r.last_name, "email": r.email}
                  for r in roster.values()}
        write_atomic(target, export_frame(frame, duedates, people).to_csv(index=False).encode("utf-8"))
        console.print(f"Grades in nbgrader's export layout written to {target}", highlight=False)
        return 0
    if not roster:
        console.print(f"[red]{work / 'roster.csv'}: no roster yet; import one with `dlcourse roster` first "
                      f"({fmt} needs each learner's LMS identity)[/]", highlight=False)
        return 2
    made = (canvas_file if fmt == "canvas" else moodle_file)(course, frame, roster)
    write_atomic(target, made.table.to_csv(index=False).encode("utf-8"))
    for line in made.left_out:
        _say(f"! {line}", "yellow")
    _say(f"Grades for {fmt.capitalize()}'s grade import ({len(made.table) - (fmt == 'canvas')} learner(s)) written "
         f"to {target}" + (f"; {len(made.left_out)} left out (listed above)" if made.left_out else ""))
    return 0


def roster(course: Course, work: Path, file: Path, id_column: str | None) -> int:
    """`dlcourse roster`: learners from an LMS export or a plain CSV into the course folder."""
    from grader.learner.core.text import display_name as shown
    from grader.term.roster import RosterError, import_roster, read_roster

    try:
        read = read_roster(file, id_column)
    except RosterError as exc:
        _say(f"✗ {exc}", "red")
        return 2
    if not (work / "gradebook.db").exists():
        from grader.nbgrader_glue.course import CourseDirectory

        CourseDirectory.prepare(course, work)
    done = import_roster(work, read.learners, read.carries)
    _say(f"{file}: read as a {read.shape} roster: {len(read.learners)} learner(s); {len(done.added)} added, "
         f"{len(done.changed)} changed, {done.unchanged} unchanged; {len(read.unreadable)} row(s) could not be read.")
    for learner in done.added:
        _say(f"  + {shown(learner.id)} ({shown(learner.sortable_name) or 'no name'})")
    for learner, fields_changed in done.changed:
        _say(f"  ~ {shown(learner.id)}: {', '.join(fields_changed)} changed")
    for line in read.skipped:
        _say(f"  - {line}: not a learner, skipped")
    for line in read.unreadable:
        _say(f"  ✗ {line}", "red")
    _say(f"Roster: {work / 'roster.csv'} and nbgrader's {work / 'gradebook.db'}")
    return 0 if not read.unreadable else 1
