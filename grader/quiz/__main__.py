"""``python -m grader.quiz check FILE... [--course course.yaml]`` validates quiz files;
``python -m grader.quiz notebook FILE... --source-dir DIR [--course course.yaml]`` writes nbgrader source notebooks.

Compute questions are computed on the named course's settings (its quartic)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.course.config import load_course
from grader.errors import CourseError
from grader.quiz.compute import course_settings
from grader.quiz.load import load_quiz
from grader.quiz.notebook import write_source_notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.quiz", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate quiz files and report every problem")
    check.add_argument("files", nargs="+", type=Path)
    build = sub.add_parser("notebook", help="write nbgrader source notebooks")
    build.add_argument("files", nargs="+", type=Path)
    build.add_argument("--source-dir", type=Path, required=True, help="the nbgrader course's source/ folder")
    for command in (check, build):
        command.add_argument("--course", type=Path, default=Path("course.yaml"), help="the course file (default: course.yaml)")
    args = parser.parse_args(argv)
    try:
        course = load_course(args.course)
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 2
    settings = course_settings(course)

    failed = False
    for path in args.files:
        try:
            quiz = load_quiz(path, settings)
        except CourseError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        if args.command == "check":
            print(f"{path}: ok ({quiz.id}, {len(quiz.questions)} questions, {quiz.points:g} points)")
        else:
            print(f"{path}: wrote {write_source_notebook(quiz, args.source_dir, course.file)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
