"""Turning part results into the words a learner reads."""

from __future__ import annotations

from collections.abc import Collection

from grader.learner.core.model import PartResult

MAX_LISTED = 4


def _points(x: float) -> str:
    return f"{x:g}"


def render_part(result: PartResult, withheld: Collection[str] = frozenset()) -> str:
    """A short, specific report of one part: score, what failed, the likely mistake.

    ``withheld``: labels of outcomes whose inputs and values are not shown (the cases drawn for the
    learner, before the due date): their failures are counted, never described.
    """
    # The part, not the function: dropout_forward is graded as dropout_forward and dropout_inference.
    head = f"{result.part} — {_points(result.points)} / {_points(result.max_points)} points"
    if not result.judged:
        return f"{head}\n  ✗ {result.reason}"
    if result.passed:
        return "\n".join([f"{head}\n  ✓ all {len(result.outcomes)} checks passed"] + [f"  (note: {n})" for n in result.notes])
    failures = result.failures()
    passed = len(result.outcomes) - len(failures)
    lines = [head, f"  {passed} of {len(result.outcomes)} checks passed."]
    if passed and not result.above_floor:
        # Said plainly, so that "3 of 7 passed, 0 points" does not read as a grading error.
        lines[-1] += (" The ones that passed would pass for an answer that ignores its input too (a constant, "
                      "zeros of the right shape), so they count once one of the others passes.")
    # The same problem in many cases (an exception, say) is told once, with every case it hit.
    grouped: dict[str, list[str]] = {}
    hidden = [o for o in failures if o.label in withheld]
    for outcome in failures:
        if outcome.label not in withheld:
            grouped.setdefault(outcome.problem or "", []).append(outcome.label)
    for problem, labels in list(grouped.items())[:MAX_LISTED]:
        shown = "; ".join(labels[:3]) + (f" (and {len(labels) - 3} more)" if len(labels) > 3 else "")
        lines.append(f"  ✗ {shown}: {problem}")
    if len(grouped) > MAX_LISTED:
        more = len(grouped) - MAX_LISTED
        lines.append(f"  … and {more} more problem{'s' if more > 1 else ''}")
    if hidden:
        lines.append(f"  ✗ {len(hidden)} of the checks on cases drawn for you failed: their inputs and values "
                     "are shown after the due date")
    for mistake in result.diagnoses:
        lines.append(f"  ➜ Likely mistake — {mistake.name}: {mistake.hint}")
    lines += [f"  (note: {n})" for n in result.notes]
    return "\n".join(lines)
