"""`dlcourse validate`: the reference against its own checks, and the checks against known mistakes.

For every part, the reference must score full points, every known
mistake that can be simulated (those with a ``wrong`` function) must lose
points and be named in the diagnosis, and every answer that ignores its input
(``grader.learner.core.floor``: constants, None, the right shape filled with a
constant, zeros_like of an argument) must earn nothing. This proves both sides
of the grader on every run, before anything is released.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from grader.exercises import check_for
from grader.grading.runner import run_check
from grader.course.config import Course
from grader.grading.context import context_for
from grader.learner.core.floor import trivial_functions
from grader.learner.core.mistakes import WrongAnswer
from grader.learner.core.model import Check, Context, with_context


@dataclass
class PartValidation:
    assignment: str
    part: str
    points: float
    reference_points: float
    mistakes_caught: list[str] = field(default_factory=list)
    mistakes_missed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Input-ignoring answers that earned something, and where (must stay empty).
    trivial_earned: list[str] = field(default_factory=list)
    #: How many input-ignoring answers were tried on this part.
    trivial_tried: int = 0

    @property
    def ok(self) -> bool:
        return (not self.problems and not self.mistakes_missed and not self.trivial_earned
                and self.reference_points == self.points)


def reference_namespace(course: Course, assignment: str) -> dict[str, Any]:
    """The reference module's functions as a learner's namespace would hold them."""
    from grader.exercises import exercise

    try:
        namespace = dict(vars(importlib.import_module(f"reference.{assignment}")))
    except ModuleNotFoundError as exc:
        if exc.name != f"reference.{assignment}":
            raise
        namespace = {}  # a small exercise may keep its reference functions in its module (reference_extras)
    extras = getattr(exercise(assignment), "reference_extras", None)
    if extras is not None:
        namespace.update(extras(course))
    return namespace


def validate_part(course: Course, assignment: str, part_id: str, points: float, learner: str) -> PartValidation:
    """The reference, every simulated mistake and the trivial floor of one part, for one learner.

    A part built on a scaffold helper (``Check.via``) is validated twice: with the learner's helper
    (the reference's), and with the helper left as the notebook's stand-in and the work done in the
    function the contract names (``backward`` computing w1 and b1 itself): full marks, and the same
    mistakes named, either way.
    """
    check = check_for(assignment, part_id)
    ctx = context_for(course, learner=learner, randomized=True)
    namespace = reference_namespace(course, assignment)
    row = PartValidation(assignment, part_id, points, points)
    _validate_into(row, check, check, namespace, ctx, "")
    if check.via is not None:
        from grader.learner.core.found import stand_in

        scaffold = {**namespace, check.function: stand_in(check.stand_in)} if check.stand_in else dict(namespace)
        _validate_into(row, check, check.via, scaffold, ctx, left_as_stand_in(check))
    return row


def left_as_stand_in(check: Check) -> str:
    """How validation names what it found with the part's helper left as the notebook's stand-in."""
    return f" (with `{check.function}` left as the stand-in)"


def _validate_into(row: PartValidation, check: Check, judged: Check, namespace: dict[str, Any], ctx: Context,
                   where: str) -> None:
    """Grade the reference, each of ``judged``'s mistakes and the trivial family as ``judged.function``,
    always through ``run_check(check)``, the path a submission takes."""
    points = row.points
    result = run_check(check, namespace, ctx, points, trusted=True)
    row.reference_points = min(row.reference_points, result.points)
    if not result.passed:
        row.problems += [f"reference fails {o.label}{where}: {o.problem}" for o in result.failures()]
        if not result.judged:
            row.problems.append(f"{result.reason}{where}")
    for mistake in judged.mistakes:
        if not isinstance(mistake, WrongAnswer):
            continue
        wrong = with_context(mistake.wrong, ctx)
        wrong_ns = {**namespace, judged.function: lambda *a, _w=wrong, **k: _w(*a, **k)}
        wrong_result = run_check(check, wrong_ns, ctx, points, trusted=True)
        named = any(m.name == mistake.name for m in wrong_result.diagnoses)
        if wrong_result.points < points and named:
            row.mistakes_caught.append(mistake.name + where)
        else:
            row.mistakes_missed.append(
                f"{mistake.name}{where} (scored {wrong_result.points:g}/{points:g}, diagnosed as "
                f"{[m.name for m in wrong_result.diagnoses] or 'nothing'})"
            )
    tried, earned = trivial_earnings(check, namespace, ctx, points, judged)
    row.trivial_tried += tried
    row.trivial_earned += [e + where for e in earned]


def trivial_earnings(check: Check, namespace: dict[str, Any], ctx: Context, points: float,
                     judged: Check | None = None) -> tuple[int, list[str]]:
    """Every input-ignoring answer graded as ``judged``'s function (the part's own by default), through
    ``run_check(check)``: (how many were tried, what any of them earned)."""
    judged = judged or check
    if judged.shape_of is not None:
        shape_of = judged.shape_of
    elif judged.expected is not None:
        shape_of = with_context(judged.expected, ctx)
    else:
        return 0, [f"{judged.function} has neither an expected value nor a shape_of: the trivial floor is unknown"]
    members = trivial_functions(shape_of, 4 + 6 + 3 * len(judged.arg_names))
    earned = []
    for _name, fn in members:
        result = run_check(check, {**namespace, judged.function: fn}, ctx, points, trusted=True)
        if result.points > 0:
            what = _describe_trivial(fn, judged, ctx)
            passed = [o.label for o in result.outcomes if o.passed]
            earned.append(f"{what} earns {result.points:g}/{points:g} (it passes {'; '.join(passed)})")
    return len(members), earned


def _describe_trivial(fn: Any, check: Check, ctx: Context) -> str:
    cases = check.cases_for(ctx)
    if not cases:
        return f"an input-ignoring answer ({fn.__name__})"
    try:
        value = fn(*cases[0].args, **dict(cases[0].kwargs))
    except Exception:  # noqa: BLE001
        return f"an input-ignoring answer ({fn.__name__})"
    return f"an input-ignoring answer ({fn.__name__}: {repr(value)[:80]} on {cases[0].label!r})"


def validate_course(course: Course, learners: tuple[str, ...] = ("validation-a", "validation-b")) -> list[PartValidation]:
    rows = []
    for assignment in course.assignments:
        for part in assignment.parts:
            try:
                found = [validate_part(course, assignment.id, part.id, part.points, who) for who in learners]
            except KeyError as exc:
                rows.append(PartValidation(assignment.id, part.id, part.points, 0.0, problems=[str(exc)]))
                continue
            row = found[0]
            for other in found[1:]:
                row.problems += [p for p in other.problems if p not in row.problems]
                row.mistakes_missed += [m for m in other.mistakes_missed if m not in row.mistakes_missed]
                row.trivial_earned += [t for t in other.trivial_earned if t not in row.trivial_earned]
                row.reference_points = min(row.reference_points, other.reference_points)
            rows.append(row)
    return rows
