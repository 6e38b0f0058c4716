"""The learner's self-check, from the data frozen at release: no reference, same messages.

``<assignment>.public.json`` (written by ``grader.release.public_data`` beside the
released notebook) holds each part's fixed cases, the right value on each and
what each known mistake returns there. This module judges the learner's
functions against it with ``grader.learner.core.judge``, the very code the trusted
grader uses, and adds the property probes of random layers (the exercise's learner-side module).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.learner.core import adapters, mistakes, wire
from grader.learner.core.compare import Tolerance
from grader.learner.core.judge import graded_via, judge, via_note
from grader.learner.core.mistakes import NotComputable, WrongAnswer
from grader.learner.core.model import Case, Check, Context, PartResult, Status
from grader.learner.core.found import part_probes, part_shape

#: The learner id the public cases are drawn for: the same for everyone, unlike the hidden ones.
PUBLIC_LEARNER = "public"


def public_file_name(assignment: str) -> str:
    return f"{assignment}.public.json"


class PublicDataMissing(FileNotFoundError):
    pass


def load_public(assignment: str, folder: str | Path | None = None) -> dict[str, Any]:
    """The released data of ``assignment``: beside the notebook (the working folder), or in ``folder``."""
    name = public_file_name(assignment)
    candidates = [Path(folder) / name] if folder is not None else [Path.cwd() / name]
    for path in candidates:
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise PublicDataMissing(
        f"{name} was not found next to this notebook; it comes with the released assignment "
        "(fetch the assignment again, or ask your instructor)"
    )


class FrozenAnswers:
    """Expected values and mistakes' values read from the release data, case by case."""

    def __init__(self, cases: list[dict[str, Any]]) -> None:
        self._cases = cases

    def _data(self, case: Case) -> dict[str, Any]:
        return self._cases[int(case.label.split("#", 1)[0])]

    def expected(self, case: Case) -> Any:
        return wire.decode(self._data(case)["expected"])

    def wrong(self, mistake: WrongAnswer, case: Case) -> Any:
        values = self._data(case).get("mistakes", {})
        if mistake.name not in values:
            raise NotComputable(mistake.name)
        return wire.decode(values[mistake.name])


def _frozen_check(assignment: str, part: str, data: dict[str, Any]) -> tuple[Check, list[Case]]:
    known = tuple(mistakes.from_public(m) for m in data.get("mistakes", []))
    # Case labels carry their index so FrozenAnswers finds the data; the index is cut before display.
    cases = [
        Case(f"{i}#{c['label']}", tuple(wire.decode(a) for a in c["args"]), wire.decode(c["kwargs"]),
             c.get("tolerance_factor", 1.0))
        for i, c in enumerate(data.get("cases", []))
    ]
    check = Check(
        assignment=assignment, part=part, function=data["function"], arg_names=tuple(data["arg_names"]),
        cases=lambda ctx: cases, expected=None, keys=tuple(data["keys"]) if data.get("keys") else None,
        mistakes=known, forbid_warnings=bool(data.get("forbid_warnings", True)),
        adapter=adapters.from_public(data),
        stand_ins=tuple((str(a), str(b)) for a, b in data.get("stand_ins") or ()),
        shape_of=part_shape(assignment, part),
        stand_in=data.get("stand_in"),
        via=_frozen_check(assignment, part, data["via"])[0] if data.get("via") else None,
    )
    return check, cases


def _strip_index(result: PartResult) -> PartResult:
    result.outcomes = [dataclasses.replace(o, label=_shown(o.label)) for o in result.outcomes]
    # The floor names outcomes by label too: cut alike, or nothing would match it and an answer that
    # ignores its input would earn in the self-check what grading never gives it.
    result.floor = frozenset(_shown(label) for label in result.floor)
    return result


def _shown(label: str) -> str:
    return label.split("#", 1)[-1]


def check_part(public: dict[str, Any], part: str, namespace: Mapping[str, Any]) -> PartResult:
    """Judge one part on the public cases and probes, exactly as the grader judges it."""
    assignment = public["assignment"]
    if part not in public.get("parts", {}):
        known = ", ".join(public.get("parts", {})) or "none"
        raise KeyError(f"no part {part!r} in {assignment!r} (known parts: {known})")
    data = public["parts"][part]
    check, cases = _frozen_check(assignment, part, data)
    ctx = Context(Tolerance(public["rtol"], public["atol"]), learner_id=PUBLIC_LEARNER, randomized=False,
                  timeout_s=float(public.get("timeout_s", 5.0)))
    probes = tuple((p.label, p.run) for p in part_probes(assignment, part))
    points = float(data.get("points", 1.0))
    result = judge(check, namespace, ctx, points, FrozenAnswers(data["cases"]), cases, probes=probes)
    if graded_via(check, result):
        via, via_cases = _frozen_check(assignment, part, data["via"])
        via_result = judge(via, namespace, ctx, points, FrozenAnswers(data["via"]["cases"]), via_cases)
        # Neither written: the helper's own message says what to write first.
        if via_result.status is not Status.UNANSWERED:
            via_result.notes.insert(0, via_note(check))
            result = via_result
    return _strip_index(result)


def in_validate_mode() -> bool:
    return os.environ.get("NBGRADER_EXECUTION") == "validate"


class NotTheGrader(RuntimeError):
    """A test cell run by plain nbgrader autograde: it must cost the points, never give them."""


def refuse_in_autograde() -> None:
    """Fail closed: if autograde ever executes a test cell (its config did not load), the cell errors.

    nbgrader gives a test cell full marks when it runs without error; the course's grader never runs
    test cells at all, so a test cell that runs under autograde means the sandboxed grader is not in
    charge, and it must score zero.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise NotTheGrader(
            "this notebook must be graded by the course's sandboxed grader (dlcourse); plain nbgrader "
            "autograde ran its test cells, so they score zero. Check nbgrader_config.py."
        )
