"""dlcourse: the instructor's command line.

    dlcourse run course.yaml [--work DIR] [--submissions DIR] [--demo-work DIR]
        validate → release → grade → feedback → gradebook, in one go. With --submissions those
        are copied into the course folder and graded by `nbgrader autograde`; without, two demo
        learners are graded by the batch, in a folder of their own (--demo-work), released by the
        same nbgrader process as the course folder
    dlcourse validate course.yaml
    dlcourse release course.yaml [--work DIR]
    dlcourse grade course.yaml [--work DIR] [--submissions DIR]
        the batch grader: every submission in the course folder's submitted/ tree (after copying
        --submissions in) not graded yet, through a pool of warm sandboxes; results, gradebook.csv,
        gradebook.parquet, autograded notebooks and nbgrader's gradebook.db in the course folder
    dlcourse grade FOLDER --course course.yaml [--out DIR]
        the same for a submitted/-style tree or a flat folder of <student>.ipynb
        (options: --assignment A, --workers N, --dask ADDRESS|local, --regrade, --figures)
    dlcourse grade NOTEBOOK.ipynb [--course course.yaml] [--assignment A] [--student ID] [--json]
        one notebook; prints its result (a stable JSON document with --json)
    dlcourse export course.yaml [--work DIR] [--format nbgrader|canvas|moodle] [--to FILE]
        the batch gradebook in nbgrader export's CSV layout (default: <work>/grades.csv, with the
        roster's names and emails, due dates and late penalties), or as Canvas's gradebook import
        CSV or Moodle's grade import CSV (<work>/grades-canvas.csv, grades-moodle.csv), from the roster
    dlcourse roster course.yaml FILE.csv [--work DIR] [--id-column COLUMN]
        learners from a Canvas or Moodle export or a plain CSV (id, first_name, last_name, email,
        lms_user_id) into nbgrader's gradebook.db and <work>/roster.csv; says what it added,
        changed or could not read
    dlcourse serve course.yaml [--work DIR] [--workers N] [--health-port N] [--figures]
        grade each submission as it arrives in course.yaml's nbgrader exchange and release its
        feedback for `nbgrader fetch_feedback` (docs/grading-on-submit.md)
    dlcourse gradebook course.yaml [--work DIR]
    dlcourse report course.yaml [--work DIR] [--gradebook FILE.csv] [--out FILE]
        one self-contained HTML page for the instructor (default: <work>/report.html), from
        nbgrader's gradebook.db and the autograded notebooks, or from a gradebook.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from grader.nbgrader_glue.library import skip_unused_format_checkers

skip_unused_format_checkers()  # before anything imports nbformat: see grader/nbgrader_glue/library.py

from grader.course.config import Course, load_course  # noqa: E402
from grader.errors import CourseError  # noqa: E402

if TYPE_CHECKING:  # imported where used: `dlcourse grade NOTEBOOK` answers in well under a second
    from grader.nbgrader_glue.course import CourseDirectory

console = Console(width=None if sys.stdout.isatty() else 200)
DEMO_STUDENTS = ("demo-solution", "demo-blank")


def cmd_validate(course: Course) -> bool:
    """The material against course.yaml, then the reference against its checks; True when all agree."""
    from grader.validate.consistency import course_problems
    from grader.validate.checks import validate_course

    mismatches = course_problems(course)
    for p in mismatches:
        console.print(f"[red]✗ {course.file.name} vs {p}[/]", highlight=False)
    rows = validate_course(course)
    table = Table(title=f"{course.course.title}: the reference against its checks")
    for col in ("assignment", "part", "reference score", "known mistakes caught", "input-ignoring answers earning",
                "status"):
        table.add_column(col)
    for r in rows:
        caught = f"{len(r.mistakes_caught)}/{len(r.mistakes_caught) + len(r.mistakes_missed)}"
        table.add_row(
            r.assignment, r.part, f"{r.reference_points:g}/{r.points:g}", caught,
            f"{len(r.trivial_earned)}/{r.trivial_tried}", "[green]ok[/]" if r.ok else "[red]FAIL[/]",
        )
    console.print(table)
    for r in rows:
        for p in (r.problems + [f"mistake not caught: {m}" for m in r.mistakes_missed]
                  + [f"no credit below the trivial floor: {t}" for t in r.trivial_earned]):
            console.print(f"[red]✗ {r.assignment}/{r.part}[/]: {p}")
    ok = all(r.ok for r in rows) and not mismatches
    total = sum(len(r.mistakes_caught) for r in rows)
    console.print(f"{'[green]Valid' if ok else '[red]Invalid'}[/]: {len(rows)} parts, {total} known mistakes recognised"
                  f"{f', {len(mismatches)} disagreement(s) with {course.file.name}' if mismatches else ''}.")
    return ok


def cmd_release(course: Course, *folders: Path) -> list[CourseDirectory] | None:
    """Release every assignment into each course folder, all by one nbgrader process; the folders,
    or None when a release failed or leaked an answer (each said, with the assignment)."""
    from grader.nbgrader_glue.course import CourseDirectory
    from grader.release.check import release_problems

    cdirs = [CourseDirectory.prepare(course, folder) for folder in folders]
    jobs = [(cdir, "generate_assignment", a) for cdir in cdirs for a in cdir.assignment_ids]
    ok = True
    for (cdir, _command, assignment_id), run in zip(jobs, CourseDirectory.in_one_process(jobs), strict=True):
        if run.returncode != 0:
            tail = "\n".join(run.log.strip().splitlines()[-25:])
            console.print(f"[red]✗ release of {assignment_id} failed[/]: {tail}", highlight=False)
            ok = False
            continue
        released = cdir.released_notebook(assignment_id)
        problems = release_problems(cdir.source_notebook(assignment_id), released)
        for p in problems:
            console.print(f"[red]✗ leak[/]: {p}")
        ok = ok and not problems
        console.print(f"{'[green]✓' if not problems else '[red]✗'}[/] released {assignment_id} → {released}")
    return cdirs if ok else None


def _demo_submissions(cdir: CourseDirectory) -> None:
    """The solution notebook and the untouched release, graded as two demo learners."""
    from grader.quiz.load import load_course_quizzes
    from grader.quiz.notebook import solved_notebook

    quizzes = {q.id: q for q in load_course_quizzes(cdir.course)}
    for assignment_id in cdir.assignment_ids:
        solution = (solved_notebook(quizzes[assignment_id], DEMO_STUDENTS[0]) if assignment_id in quizzes
                    else cdir.source_notebook(assignment_id))
        cdir.submit(DEMO_STUDENTS[0], assignment_id, solution)
        cdir.submit(DEMO_STUDENTS[1], assignment_id, cdir.root / "release" / assignment_id / f"{assignment_id}.ipynb")


def cmd_grade(cdir: CourseDirectory) -> bool:
    """Autograde every assignment with submissions; True only if every submission and part was graded."""
    ok = True
    for assignment_id in cdir.assignment_ids:
        submitted = sorted(p.parent.name for p in (cdir.root / "submitted").glob(f"*/{assignment_id}"))
        if not submitted:
            continue
        run = cdir.autograde(assignment_id)
        cdir.generate_feedback(assignment_id)
        graded = {p.parent.name for p in (cdir.root / "autograded").glob(f"*/{assignment_id}")}
        not_graded = [s for s in submitted if s not in graded]
        records = cdir.grading_records()
        records = records[records.assignment == assignment_id]
        failed_parts = records[records.status == "grading-failed"]
        sandboxes = sorted(set(records.sandbox))
        if not_graded or failed_parts.shape[0] or run.returncode != 0:
            ok = False
        mark = "[green]✓[/]" if not not_graded and failed_parts.empty else "[yellow]![/]"
        console.print(f"{mark} {assignment_id}: {len(submitted) - len(not_graded)} of {len(submitted)} submissions "
                      f"graded, {failed_parts.shape[0]} part(s) whose grading failed")
        for s in sandboxes:
            if s.startswith("NO SANDBOX"):
                console.print(f"    [red]{s}[/]")
        for student in not_graded:
            reason = _autograde_error(run.log, student)
            console.print(f"    [red]✗ {student}: not graded[/] ({reason})")
        for r in failed_parts.itertuples():
            console.print(f"    [yellow]✗ {r.student}/{r.part}: grading failed[/] (see the feedback)")
    return ok


def cmd_grade_batch(cdir: CourseDirectory) -> bool:
    """Grade the folder's submitted/ tree by the batch (warm sandboxes; what ``dlcourse grade
    course.yaml`` does), then nbgrader's feedback pages, all assignments in one process; True
    only if every submission and part was graded and every page written."""
    from grader.batch.command import grade_many
    from grader.nbgrader_glue.course import CourseDirectory

    code = grade_many(cdir.course, cdir.root, cdir.root, nbgrader_folder=cdir.root)
    graded = {p.name for p in (cdir.root / "autograded").glob("*/*") if p.is_dir()}
    jobs = [(cdir, "generate_feedback", a) for a in cdir.assignment_ids if a in graded]
    ok = code == 0
    for (_c, _command, assignment_id), run in zip(jobs, CourseDirectory.in_one_process(jobs), strict=True):
        if run.returncode != 0:
            ok = False
            tail = "\n".join(run.log.strip().splitlines()[-10:])
            console.print(f"[red]✗ feedback for {assignment_id} failed[/]: {tail}", highlight=False)
    if jobs and ok:
        console.print(f"[green]✓[/] feedback pages written to {cdir.root / 'feedback'}")
    return ok


def _autograde_error(log: str, student: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if student in ln and ("ERROR" in ln or "rror" in ln)]
    return lines[-1][:200] if lines else "nbgrader could not process the submission; see its log"


def cmd_gradebook(cdir: CourseDirectory) -> None:
    """Print points per learner and assignment out of each maximum ("missing" where nothing was
    submitted) and write the part-level gradebook.csv; 0-point information cells (gpu) are not grades."""
    df = cdir.gradebook()
    df = df[df.max_score > 0]
    if df.empty:
        console.print("No grades yet.")
        return
    out = cdir.root / "gradebook.csv"
    df.to_csv(out, index=False)
    per_assignment = df.groupby(["student", "assignment"])[["score", "max_score"]].sum()
    assignments = [a for a in cdir.assignment_ids if a in set(df.assignment)]
    maxima = per_assignment.groupby(level="assignment").max_score.max()
    table = Table(title="Gradebook (points per assignment, out of its maximum)")
    table.add_column("student")
    for a in assignments:
        table.add_column(f"{a} (/{maxima[a]:g})", justify="right")
    table.add_column("total", justify="right")
    course_max = sum(maxima[a] for a in assignments)
    for student in sorted(set(df.student)):
        cells, total = [], 0.0
        for a in assignments:
            if (student, a) in per_assignment.index:
                score = per_assignment.loc[(student, a), "score"]
                total += score
                cells.append(f"{score:g}")
            else:
                cells.append("[yellow]missing[/]")
        table.add_row(student, *cells, f"{total:g} / {course_max:g}")
    console.print(table)
    console.print(f"Part-level grades written to {out}")


def cmd_report(course: Course, work: Path, gradebook: Path | None, out: Path | None) -> int:
    """Write the instructor report; 2 (and a message naming the file) for input that cannot be read."""
    from grader.report import ReportInputError, write_report

    target = out or work / "report.html"
    try:
        written = write_report(course, work, target, gradebook)
    except ReportInputError as exc:
        console.print(f"[red]✗ {exc}[/]", highlight=False)
        return 2
    except OSError as exc:
        console.print(f"[red]✗ {target}: cannot write the report ({exc.strerror or exc})[/]", highlight=False)
        return 2
    grades = written.grades
    if written.empty:
        console.print(f"No grades yet: an empty report was written to {target}", highlight=False)
    else:
        console.print(f"Report on {len(grades.roster)} learner(s) and {len(grades.assignments)} assignment(s) "
                      f"written to {target}", highlight=False)
    return 0


def _grade_command(args: argparse.Namespace) -> int:
    """`dlcourse grade`: one notebook, a folder, or the course folder's submitted/ tree (the batch path)."""
    target: Path = args.course
    single = target.suffix == ".ipynb"
    folder = not single and target.is_dir()
    early = None
    if single:
        from grader.sandbox.warm import start_in_background, take_early

        early = take_early() or start_in_background()
    course_file = args.course_file if (single or folder) else target
    if course_file is None:
        course_file = Path("course.yaml")
    try:
        course = load_course(course_file)
    except CourseError as exc:
        console.print(f"[red]{exc}[/]", highlight=False)
        return 2
    from grader.batch import command

    if single:
        return command.grade_one(course, target, args.assignment, args.student, args.json, early)
    options = dict(assignment=args.assignment, workers=args.workers, dask=args.dask, regrade=args.regrade,
                   figures=args.figures)
    if folder:
        out = (args.out or target.parent / f"{target.name}-graded").resolve()
        return command.grade_many(course, target.resolve(), out, **options)
    from grader.nbgrader_glue.course import CourseDirectory

    if args.submissions is not None and not args.submissions.is_dir():
        console.print(f"[red]--submissions {args.submissions}: no such folder[/]", highlight=False)
        return 2
    work = (args.work or course.root / "course-work").resolve()
    if not (work / "gradebook.db").exists():
        CourseDirectory.prepare(course, work)
    imported = None
    if args.submissions is not None:
        from grader.nbgrader_glue.masters import master_notebooks

        imported = command.import_submissions(work, args.submissions, master_notebooks(course),
                                              course.grading.max_notebook_mb)
    return command.grade_many(course, work, work, nbgrader_folder=work, imported=imported, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlcourse", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("run", "validate", "release", "grade", "serve", "gradebook", "report",
                                            "export", "roster"))
    parser.add_argument("course", nargs="?", default="course.yaml", type=Path,
                        help="the course file; for grade also a notebook or a folder of submissions")
    parser.add_argument("file", nargs="?", default=None, type=Path, help="roster: the CSV file to import")
    parser.add_argument("--work", type=Path, default=None, help="nbgrader course folder (default: course-work/ beside course.yaml)")
    parser.add_argument("--submissions", type=Path, default=None, help="folder of <student>/<assignment>/<assignment>.ipynb to grade")
    parser.add_argument("--demo-work", type=Path, default=None,
                        help="run without --submissions: where the demo learners are graded "
                             "(default: course-demo/ beside course.yaml; never the course's own folder)")
    parser.add_argument("--gradebook", type=Path, default=None,
                        help="report: read grades from this gradebook.csv instead of the course folder's gradebook.db")
    parser.add_argument("--out", type=Path, default=None,
                        help="report: the HTML file to write (default: <work>/report.html); "
                             "grade FOLDER: where results and gradebook go (default: FOLDER-graded beside it)")
    grade = parser.add_argument_group("grade")
    grade.add_argument("--course", dest="course_file", type=Path, default=None,
                       help="grade NOTEBOOK or FOLDER: the course file (default: ./course.yaml)")
    grade.add_argument("--assignment", default=None, help="grade only this assignment (default: read from the cells)")
    grade.add_argument("--student", default=None, help="grade NOTEBOOK: the learner's id (default: from its path)")
    grade.add_argument("--json", action="store_true", help="grade NOTEBOOK: print the result as a JSON document")
    grade.add_argument("--workers", type=int, default=None,
                       help="warm sandboxes (default: one per CPU), or Dask LocalCluster processes (default 2)")
    grade.add_argument("--dask", default=None, metavar="ADDRESS",
                       help="grade on a Dask cluster: a scheduler address, or 'local' for a LocalCluster")
    grade.add_argument("--regrade", action="store_true", help="grade again what is already graded and unchanged")
    grade.add_argument("--figures", action="store_true",
                       help="draw the learner's plots and the feedback figures into the autograded notebooks (slower)")
    parser.add_argument("--to", type=Path, default=None, help="export: the CSV file (default: <work>/grades.csv)")
    parser.add_argument("--format", dest="export_format", default="nbgrader", choices=("nbgrader", "canvas", "moodle"),
                        help="export: nbgrader's CSV layout (default), Canvas's or Moodle's grade import CSV")
    parser.add_argument("--id-column", default=None,
                        help="roster: the column holding nbgrader's learner id (default: SIS Login ID for "
                             "Canvas, Username for Moodle, id for a plain CSV)")
    parser.add_argument("--health-port", type=int, default=None,
                        help="serve: answer GET /health on 127.0.0.1:PORT (the file <work>/dlcourse-serve/health.json always)")
    args = parser.parse_args(argv)
    if args.command == "grade":
        return _grade_command(args)
    try:
        course = load_course(args.course)
        # Its quiz files too: every command reads them, and a broken one is reported here, by file and key.
        from grader.quiz.load import load_course_quizzes

        load_course_quizzes(course)
    except CourseError as exc:
        console.print(f"[red]{exc}[/]", highlight=False)
        return 2
    work = args.work or course.root / "course-work"
    if args.submissions is not None and not args.submissions.is_dir():
        console.print(f"[red]--submissions {args.submissions}: no such folder[/]")
        return 2

    if args.command == "validate":
        return 0 if cmd_validate(course) else 1
    if args.command == "gradebook":
        from grader.nbgrader_glue.course import CourseDirectory

        cmd_gradebook(CourseDirectory(work.resolve(), course))
        return 0
    if args.command == "export":
        from grader.batch.command import export

        return export(course, work.resolve(), args.to, args.export_format)
    if args.command == "roster":
        from grader.batch.command import roster

        if args.file is None:
            console.print("[red]roster: name the CSV file to import: dlcourse roster course.yaml FILE.csv[/]")
            return 2
        return roster(course, work.resolve(), args.file, args.id_column)
    if args.command == "report":
        return cmd_report(course, work.resolve(), args.gradebook, args.out)
    if args.command == "serve":
        from grader.serve.command import serve

        return serve(course, work.resolve(), workers=args.workers, figures=args.figures, health_port=args.health_port)
    if args.command == "run" and not cmd_validate(course):
        return 1
    if args.command == "release" or (args.command == "run" and args.submissions is not None):
        released = cmd_release(course, work)
        if released is None:
            return 1
        if args.command == "release":
            return 0
        from grader.batch.command import import_submissions, print_import_problems
        from grader.nbgrader_glue.masters import master_notebooks

        cdir = released[0]
        imported = import_submissions(cdir.root, args.submissions, master_notebooks(course),
                                      course.grading.max_notebook_mb)
        print_import_problems(imported)
        graded = cmd_grade(cdir)
        cmd_gradebook(cdir)
        return 0 if graded else 1
    if args.command == "run":
        # The demo learners get a course folder of their own, so formgrader's averages and the
        # gradebook of the real course never include them.
        demo = (args.demo_work or course.root / "course-demo").resolve()
        if demo == work.resolve():
            console.print(f"[red]--demo-work {demo}: that is the course's own folder; choose another[/]")
            return 2
        released = cmd_release(course, work, demo)  # one nbgrader process releases both
        if released is None:
            return 1
        cdir = released[1]
        console.print(f"Demo learners {', '.join(DEMO_STUDENTS)} are graded in {demo}, not in {released[0].root}.")
        _demo_submissions(cdir)
        graded = cmd_grade_batch(cdir)
        cmd_gradebook(cdir)
        return 0 if graded else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
