"""What the learner's feedback says about attempts: which one this is, what is left today, what counts."""

from __future__ import annotations

from datetime import datetime

from grader.course.config import Attempts


def _points(x: float) -> str:
    return f"{x:g}"


def graded(number: int, total: float, maximum: float, remaining: int | None, counted: int, counted_total: float,
           policy: Attempts) -> str:
    lines = [f"Attempt {number}: {_points(total)} / {_points(maximum)} points."]
    if remaining is not None:
        lines.append(f"Graded attempts left today: {remaining} of {policy.graded_per_day} "
                     f"(days change at midnight, {policy.timezone}).")
    rule = "your best attempt" if policy.counts == "best" else "your last graded attempt"
    which = "this one" if counted == number else f"attempt {counted}"
    lines.append(f"The grade is {rule}: now {which}, {_points(counted_total)} / {_points(maximum)} points.")
    return "\n\n".join(lines)


def deferred(submitted: datetime, policy: Attempts) -> str:
    return "\n\n".join([
        f"Your submission of {submitted:%Y-%m-%d %H:%M:%S} UTC is kept, not graded yet: you have used today's "
        f"{policy.graded_per_day} graded attempt(s).",
        f"It is graded after midnight ({policy.timezone}), or by the instructor's grading after the due date; "
        "fetch the feedback again then. A newer submission takes its place.",
    ])


def superseded(submitted: datetime, newer: datetime) -> str:
    return (f"Your submission of {submitted:%Y-%m-%d %H:%M:%S} UTC was not graded: your submission of "
            f"{newer:%Y-%m-%d %H:%M:%S} UTC, newer, took its place.")


def failed(error: str) -> str:
    return f"This submission could not be graded: {error}"
