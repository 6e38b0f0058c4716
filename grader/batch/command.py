"""``dlcourse grade`` and ``dlcourse export``: the batch from the command line.

    dlcourse grade NOTEBOOK.ipynb [--course FILE] [--assignment A] [--student ID] [--json]
    dlcourse grade course.yaml [--work DIR] [--submissions DIR]   the course folder's submitted/ tree
    dlcourse grade FOLDER --course FILE [--out DIR]                a submitted/-style tree or a flat folder
        [--workers N] [--dask ADDRESS|local] [--regrade] [--figures]
    dlcourse export course.yaml [--work DIR] [--to FILE]          nbgrader export's CSV layout
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from grader.config import Course

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
    from grader.batch.masters import detect_assignment

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
    from grader.batch.engine import Payload, Slot, grade_payload
    from grader.batch.masters import master_notebooks
    from grader.batch.submissions import fingerprint
    from grader.sandbox.launch import Sandbox

    masters = master_notebooks(course)
    try:
        data = notebook.read_bytes()
    except OSError as exc:
        console.print(f"[red]{notebook}: cannot read it ({exc.strerror})[/]", highlight=False)
        return 2
    try:
        nb = json.loads(data)
    except ValueError:
        nb = {}
    if not isinstance(nb, dict):
        nb = {}
    assignment, student = _identity(notebook, masters, assignment, student, nb)
    if assignment not in masters:
        what = f"--assignment {assignment!r} is not in the course" if assignment else "it has none of the course's test cells"
        console.print(f"[red]{notebook}: cannot tell which assignment this is ({what}); "
                      f"name it with --assignment (one of: {', '.join(masters)})[/]", highlight=False)
        return 2
    warm = early.result() if early is not None else None
    slot = Slot(course, warm.sandbox if warm is not None else Sandbox.detect(), figures=False, warm=warm)
    try:
        fp, ts = fingerprint(notebook)
        doc, _nb = grade_payload(slot.grader, masters, Payload(student, assignment, fp, ts, data))
    finally:
        slot.close()
    print(json.dumps(doc, indent=2) if as_json else readable(doc))
    return 0 if doc["status"] == "graded" else 1


# -- a batch --------------------------------------------------------------------------------------


def _write_autograded(root: Path, sub: Any, nb: Any) -> None:
    import nbformat

    from grader.batch.results import write_atomic

    if nb is None:
        return
    path = root / "autograded" / sub.student / sub.assignment / f"{sub.assignment}.ipynb"
    write_atomic(path, nbformat.writes(nb).encode())


def grade_many(course: Course, source: Path, out: Path, *, assignment: str | None = None, workers: int | None = None,
               dask: str | None = None, regrade: bool = False, figures: bool = False,
               nbgrader_folder: Path | None = None) -> int:
    """Grade every submission under ``source`` not graded yet; results, gradebook and tables go to ``out``."""
    from grader.batch.engine import LocalPool, pending, run_batch
    from grader.batch.gradebook import gradebook_frame, write_nbgrader_db, write_tables
    from grader.batch.masters import master_notebooks
    from grader.batch.results import ResultStore
    from grader.batch.submissions import discover

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
        subs, unusable = discover(source, masters, assignment)
    except ValueError as exc:
        pool.close()
        console.print(f"[red]{exc}[/]", highlight=False)
        return 2
    for u in unusable:
        console.print(f"[yellow]! {u.path}: not graded: {u.reason}[/]", highlight=False)
    store = ResultStore(out / RESULTS_DIR)
    on_result = (lambda sub, doc, nb: _write_autograded(nbgrader_folder, sub, nb)) if nbgrader_folder else None
    todo = pending(subs, store, regrade)
    console.print(f"{len(subs)} submission(s) found in {source}; {len(todo)} to grade, on {where}.", highlight=False)
    with pool, Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                        TextColumn("time left"), TimeRemainingColumn(), console=console,
                        disable=not todo) as progress:
        task = progress.add_task("grading", total=len(todo))
        summary = run_batch(todo, store, pool.map, on_result=on_result, progress=lambda n: progress.advance(task, n))
    summary.up_to_date = len(subs) - len(todo)
    current = {s.key for s in subs}

    def current_docs() -> Iterator[dict[str, Any]]:
        """This batch's results, read from disk one at a time."""
        return (d for d in store.documents() if (d["student"], d["assignment"]) in current)

    failed_parts: list[tuple[str, str, str]] = []
    sandboxes: set[str] = set()

    def noting(docs: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for d in docs:
            failed_parts.extend(_failed_parts(d))
            sandboxes.add(d.get("sandbox", ""))
            yield d

    csv, parquet = write_tables(gradebook_frame(noting(current_docs()), masters), out)
    db_problems: list[str] = []
    if nbgrader_folder is not None:
        db_problems = write_nbgrader_db(nbgrader_folder / "gradebook.db", current_docs())
    _print_summary(summary, failed_parts, sandboxes, unusable)
    for p in db_problems:
        console.print(f"[yellow]! {p}[/]", highlight=False)
    console.print(f"Gradebook: {csv} and {parquet}" + (f"; nbgrader's {nbgrader_folder / 'gradebook.db'}"
                                                      if nbgrader_folder is not None else ""), highlight=False)
    return 0 if not summary.failed and not unusable and not failed_parts else 1


def _failed_parts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    if doc["status"] != "graded":
        return []
    return [(doc["student"], doc["assignment"], part) for part, info in doc["parts"].items()
            if info["status"] == "grading-failed"]


def _print_summary(summary: Any, failed_parts: list[tuple[str, str, str]], sandboxes: set[str],
                   unusable: list[Any]) -> None:
    console.print(f"Graded {summary.graded + len(summary.failed)} submission(s) in {summary.seconds:.1f} s"
                  f"{f' ({summary.rate:.1f}/s)' if summary.seconds else ''}; {summary.up_to_date} unchanged since "
                  f"they were graded (not graded again); {len(summary.failed)} could not be graded.", highlight=False)
    for doc in summary.failed:
        console.print(f"    [red]✗ {doc['student']}/{doc['assignment']}: not graded[/] ({doc['error']})", highlight=False)
    for student, assignment, part in failed_parts:
        console.print(f"    [yellow]✗ {student}/{assignment}/{part}: grading failed[/] (see its message)", highlight=False)
    for s in sorted(x for x in sandboxes if x.startswith("NO SANDBOX")):
        console.print(f"    [red]{s}[/]", highlight=False)
    if unusable:
        console.print(f"{len(unusable)} file(s) were not submissions that could be graded (listed above).")


def import_submissions(root: Path, submissions: Path) -> None:
    """Copy a submitted/-style tree into the course folder's submitted/ (as ``nbgrader collect`` would)."""
    for nb in sorted(submissions.glob("*/*/*.ipynb")):
        dest = root / "submitted" / nb.parent.parent.name / nb.parent.name
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(nb, dest / nb.name)
        stamp = nb.parent / "timestamp.txt"
        if stamp.is_file():
            shutil.copy2(stamp, dest / "timestamp.txt")


# -- export ---------------------------------------------------------------------------------------


def export(course: Course, work: Path, to: Path | None) -> int:
    """nbgrader export's CSV layout from this course folder's batch gradebook."""
    import pandas as pd

    from grader.batch.gradebook import export_frame
    from grader.batch.results import write_atomic

    table = work / "gradebook.parquet"
    if not table.exists():
        console.print(f"[red]{table}: no gradebook yet; run `dlcourse grade` first[/]", highlight=False)
        return 2
    frame = pd.read_parquet(table)
    duedates = {a.id: "" for a in course.assignments}
    target = to or work / "grades.csv"
    write_atomic(target, export_frame(frame, duedates).to_csv(index=False).encode())
    console.print(f"Grades in nbgrader's export layout written to {target}", highlight=False)
    return 0
