"""Per-learner parameters: the same learner always draws the same values, neighbours differ.

The seed is ``stable_seed(quiz id, question id, learner id)`` (``grader.learner.core.seeds``,
the same one exercise cases are drawn from). Each parameter takes
``index = stable_seed(seed, name) mod len(choices)``, so no random-number generator
(and none of its version-to-version changes) is involved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from grader.learner.core.seeds import stable_seed

#: A personal value in a question's text or compute arguments: {{name}}.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
#: The draw that picks one of a question's authored variant sets.
VARIANT_SET = "variant"


def variant_seed(quiz_id: str, qid: str, learner_id: str) -> int:
    """A stable 64-bit seed for one learner's variant of one question."""
    return stable_seed(quiz_id, qid, learner_id)


def draw_index(seed: int, name: str, count: int) -> int:
    """Which of ``count`` choices parameter ``name`` takes for this seed."""
    if count <= 0:
        raise ValueError(f"parameter {name!r} has no choices")
    return stable_seed(str(seed), name) % count


def learner_values(
    quiz_id: str, qid: str, learner_id: str, draws: Mapping[str, Sequence[Any]]
) -> dict[str, Any]:
    """The learner's value of every parameter; an authored variant set contributes all its values."""
    seed = variant_seed(quiz_id, qid, learner_id)
    values: dict[str, Any] = {}
    for name, choices in draws.items():
        chosen = choices[draw_index(seed, name, len(choices))]
        if name == VARIANT_SET and isinstance(chosen, Mapping):
            values.update(chosen)
        else:
            values[name] = chosen
    return values


def variant_number(quiz_id: str, qid: str, learner_id: str, draws: Mapping[str, Sequence[Any]]) -> int:
    """Index of the learner's authored variant (for numeric questions with ``variants``)."""
    choices = draws[VARIANT_SET]
    return draw_index(variant_seed(quiz_id, qid, learner_id), VARIANT_SET, len(choices))


def format_value(value: Any) -> str:
    """A parameter as a learner should read it: 0.8, [29, 16, 1], -2."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def render(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with each ``{{name}}`` replaced by the learner's value (unknown names left as they are)."""

    def replace(match: Any) -> str:
        name = match.group(1)
        return format_value(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, template)


def substitute(args: Any, values: Mapping[str, Any]) -> Any:
    """Compute arguments with every exact "{{name}}" string replaced by the value itself (keeping its type)."""
    if isinstance(args, str):
        match = PLACEHOLDER.fullmatch(args.strip())
        if match:
            return values[match.group(1)]
        return args
    if isinstance(args, list):
        return [substitute(a, values) for a in args]
    if isinstance(args, dict):
        return {k: substitute(v, values) for k, v in args.items()}
    return args


def referenced(args: Any) -> set[str]:
    """Parameter names that compute arguments refer to."""
    if isinstance(args, str):
        match = PLACEHOLDER.fullmatch(args.strip())
        return {match.group(1)} if match else set()
    if isinstance(args, list):
        return set().union(*(referenced(a) for a in args)) if args else set()
    if isinstance(args, dict):
        return set().union(*(referenced(v) for v in args.values())) if args else set()
    return set()
