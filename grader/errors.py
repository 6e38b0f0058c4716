"""Errors meant for people: each names the file and the place in it."""

from __future__ import annotations


class CourseError(Exception):
    """A problem an instructor can fix, reported without a traceback.

    ``str(error)`` is the whole message: which file, which key or cell, what
    was expected and what was found.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")
