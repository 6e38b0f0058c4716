"""The public half of each check, frozen into data at release: what a learner's self-check needs.

For every part: its fixed cases (inputs), the reference's value on each, and
what each known mistake returns there, so the "Likely mistake" line works
without the reference. Plus the course's public settings (tolerances, time
limit) and what the exercise publishes of its own settings (``public_settings``
in its module: gradient_descent's quartic). Written beside the released notebook as
``<assignment>.public.json`` in the wire format, and handed to the sandboxed
worker so a submission's set-up cell finds the same file. Nothing here is an
answer a learner could not see in the notebook: the fixed cases are the ones
the notebook's self-check shows, and the hidden grading draws its own.
"""

from __future__ import annotations

import json
from typing import Any

from grader.exercises import checks_of
from grader.exercises import exercise_modules
from grader.grading.context import context_for
from grader.grading.runner import ReferenceAnswers
from grader.course.config import Course
from grader.learner.core import wire
from grader.learner.core.adapters import public_fields
from grader.learner.core.mistakes import NotComputable, WrongAnswer
from grader.learner.kernel.selfcheck import PUBLIC_LEARNER, public_file_name

FORMAT_VERSION = 1


def _part(check: Any, ctx: Any) -> dict[str, Any]:
    answers = ReferenceAnswers(check, ctx)
    cases = []
    # ctx is not randomized: only the fixed cases, the ones the notebook's self-check shows.
    for case in check.cases_for(ctx):
        mistakes = {}
        for mistake in check.mistakes:
            if not isinstance(mistake, WrongAnswer):
                continue  # recognised by what the call does (a warning, a changed argument), not by a value
            try:
                mistakes[mistake.name] = wire.encode(answers.wrong(mistake, case), inline_arrays=True)
            except NotComputable:
                continue
        cases.append({
            "label": case.label,
            "args": [wire.encode(a, inline_arrays=True) for a in case.args],
            "kwargs": wire.encode(dict(case.kwargs), inline_arrays=True),
            "tolerance_factor": case.tolerance_factor,
            "expected": wire.encode(answers.expected(case), inline_arrays=True),
            "mistakes": mistakes,
        })
    return {
        "function": check.function,
        "arg_names": list(check.arg_names),
        "keys": list(check.keys) if check.keys else None,
        **public_fields(check),
        "stand_ins": [list(pair) for pair in check.stand_ins],
        "forbid_warnings": check.forbid_warnings,
        "mistakes": [m.public() for m in check.mistakes],
        "cases": cases,
        "stand_in": check.stand_in,
        # The part graded on the function its contract names while the helper is the stand-in.
        "via": _part(check.via, ctx) if check.via is not None else None,
    }


def public_data(course: Course, assignment: str, with_cases: bool = True) -> dict[str, Any]:
    """The release data; without cases (settings only) for the grading sandbox, which never self-checks."""
    ctx = context_for(course, PUBLIC_LEARNER, randomized=False)
    own = course.settings_of(assignment)
    publish = getattr(exercise_modules().get(assignment), "public_settings", None)
    points = {p.id: p.points for p in course.assignment(assignment).parts}
    return {
        "format": FORMAT_VERSION,
        "assignment": assignment,
        "rtol": course.grading.rtol,
        "atol": course.grading.atol,
        "timeout_s": ctx.timeout_s,
        "settings": publish(own) if publish is not None and own is not None else {},
        "parts": {c.part: {**_part(c, ctx), "points": points.get(c.part, 0.0)} for c in checks_of(assignment)}
        if with_cases else {},
    }


def public_file(course: Course, assignment: str, with_cases: bool = True) -> tuple[str, bytes | None]:
    """(file name, contents) of an assignment's public data; no contents for a quiz."""
    if assignment not in {a.id for a in course.assignments}:
        return public_file_name(assignment), None
    text = json.dumps(public_data(course, assignment, with_cases), separators=(",", ":"), allow_nan=True)
    return public_file_name(assignment), text.encode("utf-8")
