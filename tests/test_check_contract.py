"""The contract every check meets, whatever its exercise: one suite over ``grader.exercises.CHECKS``.

In the spirit of scikit-learn's ``parametrize_with_checks``: each test below runs once per check
(ids like ``perceptron/sigmoid``), so a new check is held to all of it without a line of test code.
For every check:

1. the reference scores full marks, for two different learners;
2. the public self-check uses only fixed cases: the cases of a context with randomized=False are
   exactly those no learner's draw changes, the same for every learner, and exactly those are
   frozen into the release's public data (``grader.release.public_data``);
3. every simulated mistake (a ``WrongAnswer``) loses points and is named, for two learners;
4. the same learner always gets the same cases, and two learners get different drawn ones; the
   hidden grading draws something for every learner;
5. no answer that ignores its input (``grader.learner.core.floor``: None, constants, the right shape
   filled with a constant, zeros_like of an argument) earns anything, for two learners;
6. work split differently into helpers earns the same;
7. every exercise has one check per course.yaml part, in course order, and the same learner gets
   the same verdict, word for word, every time it is judged.

Grading goes through ``grader.validate.checks.validate_part`` (what ``dlcourse validate`` runs) and
``grader.grading.runner.run_check``; cases are built in one place, ``cases_of``. Facts about one
exercise (its lecture values, its learner-written mistakes, its edge cases) stay in
tests/test_checks_<exercise>.py.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from grader.exercises import CHECKS, check_for
from grader.grading.context import context_for
from grader.grading.runner import run_check
from grader.course.config import Course
from grader.exercises import exercise_modules
from grader.learner.core.feedback import render_part
from grader.learner.core import wire
from grader.learner.core.mistakes import WrongAnswer
from grader.learner.core.model import Case, Check, PartResult
from grader.release.public_data import public_data
from grader.validate.checks import PartValidation, left_as_stand_in, reference_namespace, validate_part

#: Two learners; their ids seed the drawn cases (sha256), so what they draw is the same on every run.
LEARNERS = ("ada", "grace")
A, B = LEARNERS

_ALL = list(CHECKS.values())
parametrize_with_checks = pytest.mark.parametrize("check", _ALL, ids=[f"{c.assignment}/{c.part}" for c in _ALL])


# ---- building cases and comparing them ----------------------------------------------------------


def cases_of(check: Check, course: Course, learner: str, randomized: bool = True) -> list[Case]:
    """The cases ``check`` judges for ``learner``, built afresh (a new context) on every call.

    The one place this suite builds cases itself, since comparing argument values needs them.
    """
    return list(check.cases_for(context_for(course, learner, randomized)))


def same_value(u: Any, v: Any) -> bool:
    """Equal as data, compared with numpy: same types, shapes and dtypes, same values (NaN equals NaN)."""
    if type(u) is not type(v):
        return False
    if isinstance(u, np.random.Generator):
        return same_value(u.bit_generator.state, v.bit_generator.state)
    if isinstance(u, dict):
        return u.keys() == v.keys() and all(same_value(u[k], v[k]) for k in u)
    if isinstance(u, (list, tuple)):
        return len(u) == len(v) and all(same_value(x, y) for x, y in zip(u, v))
    if dataclasses.is_dataclass(u):  # a gradient that travels as its data (wire.Rebuilt)
        return all(same_value(getattr(u, f.name), getattr(v, f.name)) for f in dataclasses.fields(u))
    if isinstance(u, str) or callable(u):
        return u is v or u == v
    a, b = np.asarray(u), np.asarray(v)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def same_case(c: Case, d: Case) -> bool:
    return (
        c.label == d.label
        and same_value(tuple(c.args), tuple(d.args))
        and same_value(dict(c.kwargs), dict(d.kwargs))
        and c.tolerance_factor == d.tolerance_factor
    )


def assert_same_cases(got: list[Case], want: list[Case], what: str) -> None:
    assert [c.label for c in got] == [c.label for c in want], what
    for c, d in zip(got, want):
        assert same_case(c, d), f"{what}: case {c.label!r} has other arguments"


def probe_labels(result: PartResult, cases: list[Case]) -> list[str]:
    """The labels of what a run judged beyond its cases (the probes' outcomes)."""

    def of_a_case(label: str) -> bool:
        return any(label == c.label or label.startswith(c.label + " [") for c in cases)

    return [o.label for o in result.outcomes if not of_a_case(o.label)]


# ---- results shared by the tests of a module run ------------------------------------------------


def _points(course: Course, check: Check) -> float:
    return next(p.points for p in course.assignment(check.assignment).parts if p.id == check.part)


@pytest.fixture(scope="module")
def validated(course: Course) -> Callable[[Check, str], PartValidation]:
    """``validate_part`` of a check for a learner: the reference's score and every simulated mistake's."""

    @functools.cache
    def run(assignment: str, part: str, learner: str) -> PartValidation:
        check = CHECKS[(assignment, part)]
        return validate_part(course, assignment, part, _points(course, check), learner)

    return lambda check, learner: run(check.assignment, check.part, learner)


@pytest.fixture(scope="module")
def judged(course: Course) -> Callable[..., PartResult]:
    """The reference judged by ``run_check`` for a learner; ``fresh=True`` judges it again, uncached."""

    def judge(assignment: str, part: str, learner: str, randomized: bool) -> PartResult:
        check = CHECKS[(assignment, part)]
        ctx = context_for(course, learner, randomized)
        namespace = reference_namespace(course, assignment)
        return run_check(check, namespace, ctx, _points(course, check), trusted=True)

    cached = functools.cache(judge)

    def run(check: Check, learner: str, randomized: bool = True, fresh: bool = False) -> PartResult:
        return (judge if fresh else cached)(check.assignment, check.part, learner, randomized)

    return run


@pytest.fixture(scope="module")
def frozen_parts(course: Course) -> Callable[[str], dict[str, Any]]:
    """The parts of an assignment's public data as the release freezes them."""
    return functools.cache(lambda assignment: public_data(course, assignment)["parts"])


# ---- 1. the reference scores full marks -----------------------------------------------------------


@parametrize_with_checks
@pytest.mark.parametrize("learner", LEARNERS)
def test_reference_scores_full_marks(check: Check, learner: str, validated, course: Course) -> None:
    row = validated(check, learner)
    assert row.problems == []
    assert row.reference_points == row.points == _points(course, check)


# ---- 2. the public self-check uses only fixed cases ----------------------------------------------


@parametrize_with_checks
def test_public_self_check_uses_only_fixed_cases(check: Check, course: Course, judged, frozen_parts) -> None:
    fixed = {w: cases_of(check, course, w, randomized=False) for w in LEARNERS}
    assert_same_cases(fixed[B], fixed[A], "the fixed cases differ between learners")
    assert not any("random" in c.label.lower() for c in fixed[A]), "a fixed case calls itself random"
    assert probe_labels(judged(check, B, False), fixed[B]) == probe_labels(judged(check, A, False), fixed[A])

    # The fixed cases are exactly the hidden grading's cases that no learner's draw changes.
    graded = {w: cases_of(check, course, w) for w in LEARNERS}
    undrawn = [c for c in graded[A] if any(same_case(c, d) for d in graded[B])]
    assert_same_cases(fixed[A], undrawn, "the fixed cases are not the hidden grading's undrawn ones")

    # ...and exactly those are frozen into the release for the learner's self-check.
    frozen = frozen_parts(check.assignment)[check.part]["cases"]
    assert [f["label"] for f in frozen] == [c.label for c in fixed[A]]
    for f, c in zip(frozen, fixed[A]):
        args = tuple(wire.decode(a) for a in f["args"])
        assert same_value(args, tuple(c.args)), f"the public data's arguments of {c.label!r} differ"
        assert same_value(wire.decode(f["kwargs"]), dict(c.kwargs)), c.label
        assert f["tolerance_factor"] == c.tolerance_factor, c.label


# ---- 3. every simulated mistake loses points and is named ---------------------------------------


@parametrize_with_checks
@pytest.mark.parametrize("learner", LEARNERS)
def test_every_simulated_mistake_loses_points_and_is_named(check: Check, learner: str, validated) -> None:
    row = validated(check, learner)
    assert row.mistakes_missed == []
    expected = [m.name for m in check.mistakes if isinstance(m, WrongAnswer)]
    if check.via is not None:  # the same mistakes again, made where the contract's function does the work
        expected += [m.name + left_as_stand_in(check) for m in check.via.mistakes if isinstance(m, WrongAnswer)]
    assert row.mistakes_caught == expected


# ---- 4. the same learner, the same cases; another learner, other drawn ones ----------------------


@parametrize_with_checks
def test_same_learner_same_cases_other_learner_other_draws(check: Check, course: Course, judged) -> None:
    assert_same_cases(cases_of(check, course, A), cases_of(check, course, A), "built twice for one learner")
    again = judged(check, A, fresh=True)
    assert [o.label for o in again.outcomes] == [o.label for o in judged(check, A).outcomes]

    fixed = cases_of(check, course, A, randomized=False)
    drawn = {w: [c for c in cases_of(check, course, w) if not any(same_case(c, f) for f in fixed)] for w in LEARNERS}
    for c in drawn[A]:
        assert not any(same_case(c, d) for d in drawn[B]), f"{A} and {B} both drew {c.label!r}"

    # Draws a probe makes show in its outcomes' labels (dropout's p_drop, say).
    fixed_probes = probe_labels(judged(check, A, False), fixed)
    probes = {w: probe_labels(judged(check, w), cases_of(check, course, w)) for w in LEARNERS}
    drawn_probes = {w: [label for label in probes[w] if label not in fixed_probes] for w in LEARNERS}
    if drawn_probes[A] or drawn_probes[B]:
        assert drawn_probes[A] != drawn_probes[B]


@parametrize_with_checks
def test_hidden_grading_draws_for_every_learner(check: Check, course: Course, judged) -> None:
    """Beyond the public fixed cases, each learner is judged on something drawn for them alone."""
    fixed = cases_of(check, course, A, randomized=False)
    graded = cases_of(check, course, A)
    extra_probes = set(probe_labels(judged(check, A), graded)) - set(probe_labels(judged(check, A, False), fixed))
    assert len(graded) > len(fixed) or extra_probes


# ---- 5. answers that ignore their input earn nothing ----------------------------------------------


@parametrize_with_checks
@pytest.mark.parametrize("learner", LEARNERS)
def test_no_answer_that_ignores_its_input_earns_anything(check: Check, learner: str, validated) -> None:
    row = validated(check, learner)
    assert row.trivial_tried >= 13, "the family of input-ignoring answers was not tried"
    assert row.trivial_earned == []


# ---- 6. work split differently into helpers earns the same ---------------------------------------

#: Every scaffold helper of the course: (assignment, helper) -> the notebook's stand-in for it.
SCAFFOLDS = sorted({(c.assignment, name, key) for c in _ALL for name, key in c.stand_ins})


@pytest.mark.parametrize("assignment,helper,stand_in", SCAFFOLDS, ids=[f"{a}/{h}" for a, h, _ in SCAFFOLDS])
@pytest.mark.parametrize("learner", LEARNERS)
def test_a_solution_that_inlines_a_scaffold_helper_scores_full_marks(assignment, helper, stand_in, learner,
                                                                      course: Course) -> None:
    """The helper left as the notebook's stand-in, its work done inline (the reference's functions
    compute everything themselves): every part of the assignment still scores full marks."""
    from grader.learner.core.found import stand_in as declared_stand_in

    namespace = {**reference_namespace(course, assignment), helper: declared_stand_in(stand_in)}
    ctx = context_for(course, learner, True)
    for check in (c for c in _ALL if c.assignment == assignment):
        result = run_check(check, namespace, ctx, _points(course, check), trusted=True)
        assert result.points == _points(course, check), (check.part, [o.label for o in result.failures()])


VIA = [c for c in _ALL if c.via is not None]


@pytest.mark.parametrize("check", VIA, ids=[f"{c.assignment}/{c.part}" for c in VIA])
def test_a_wrong_inlined_helper_gets_the_diagnosis_of_the_wrong_helper(check: Check, course: Course) -> None:
    from grader.learner.core.model import with_context
    from grader.learner.core.found import stand_in

    ctx = context_for(course, A, True)
    base = reference_namespace(course, check.assignment)
    inlined = {m.name: m for m in check.via.mistakes}
    compared = 0
    for mistake in (m for m in check.mistakes if isinstance(m, WrongAnswer)):
        assert mistake.name in inlined, f"{mistake.name!r} has no version made inside {check.via.function}"
        in_helper = {**base, check.function: with_context(mistake.wrong, ctx)}
        inline = {**base, check.function: stand_in(check.stand_in),
                  check.via.function: with_context(inlined[mistake.name].wrong, ctx)}
        for namespace in (in_helper, inline):
            result = run_check(check, namespace, ctx, _points(course, check), trusted=True)
            assert result.points < _points(course, check) and [m.name for m in result.diagnoses] == [mistake.name]
        compared += 1
    assert compared == len([m for m in check.mistakes if isinstance(m, WrongAnswer)])


# ---- 7. one check per part, in course order; one verdict per learner -----------------------------


@pytest.mark.parametrize("assignment", sorted(exercise_modules()))
def test_one_check_per_course_part_in_course_order(assignment: str, course: Course) -> None:
    checks = exercise_modules()[assignment].CHECKS
    assert [c.part for c in checks] == [p.id for p in course.assignment(assignment).parts]
    for c in checks:
        assert c.assignment == assignment
        assert check_for(assignment, c.part) is c
        # Two mistakes of one name are two ways of making it (backprop's mean taken or not): one diagnosis.
        hints = {m.name: m.hint for m in c.mistakes}
        assert all(m.hint == hints[m.name] for m in c.mistakes), f"{c.part}: one mistake name with two hints"
        for m in c.mistakes:
            assert m.hint.strip()


def test_every_course_assignment_has_an_exercise_module(course: Course) -> None:
    assert sorted(exercise_modules()) == sorted(a.id for a in course.assignments)


@parametrize_with_checks
def test_same_learner_same_verdict(check: Check, course: Course) -> None:
    """Judged twice from scratch, a learner gets the same outcomes and the same words: the reference,
    and the first simulated mistake (whose diagnosis is where an unstable order would show)."""
    from grader.learner.core.model import with_context

    def verdict(wrong: Any) -> tuple[Any, str]:
        ctx = context_for(course, "s1234567", True)
        namespace = reference_namespace(course, check.assignment)
        if wrong is not None:
            namespace = {**namespace, check.function: with_context(wrong, ctx)}
        result = run_check(check, namespace, ctx, _points(course, check), trusted=True)
        return result.outcomes, render_part(result)

    wrong = next((m.wrong for m in check.mistakes if isinstance(m, WrongAnswer)), None)
    for learner in {None, wrong}:
        assert verdict(learner) == verdict(learner)
