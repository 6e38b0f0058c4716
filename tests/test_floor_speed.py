"""The probe floor made cheaply: each member of the family made alone, each part's floor computed once.

Dropout's probes call a learner's function with 10**5-element arrays. The family used to make
every member's value on every call just to answer with one of them (2.4 s of CPU per process for
``dropout_forward``), and two grading threads meeting dropout at once each computed the floor.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from check_support import ctx_for
from grader.exercises import CHECKS, check_for
from grader.learner.core import floor
from grader.learner.core.floor import trivial_answers, trivial_functions

PROBED = [k for k in CHECKS if check_for(*k).probes]


def _deduplicated_family(shape_of, count):
    """The family as it was defined before: member i answers the i-th *deduplicated* trivial answer."""
    def member(i):
        def answer(*args, **kwargs):
            answers = trivial_answers(shape_of(*args, **kwargs), args)
            return answers[i][1] if i < len(answers) else None
        return answer
    return [member(i) for i in range(count)]


def _floor_of(members, check, ctx):
    plain = dataclasses.replace(ctx, stand_ins={}, learner_id="trivial-floor")
    passed = set()
    for randomized in (False, True):
        context = dataclasses.replace(plain, randomized=randomized)
        for fn in members:
            for probe in check.probes:
                try:
                    passed |= {o.identity for o in probe.run(fn, {}, context) if o.passed}
                except Exception:  # noqa: BLE001 - as probe_floor: such a probe credits nothing
                    continue
    return frozenset(passed)


@pytest.mark.parametrize("assignment,part", PROBED, ids=[f"{a}/{p}" for a, p in PROBED])
def test_the_floor_is_the_same_as_the_deduplicated_family_s(assignment, part) -> None:
    check, ctx = check_for(assignment, part), ctx_for("ada")
    count = 4 + 6 + 3 * len(check.arg_names)
    old = _floor_of(_deduplicated_family(check.shape_of, count), check, ctx)
    new = _floor_of([fn for _name, fn in trivial_functions(check.shape_of, count)], check, ctx)
    assert new == old
    assert new, "the family passes some probe property (zeros where the mask drops, the shape...)"
    floor._PROBE_FLOORS.clear()
    probes = tuple((p.label, p.run) for p in check.probes)
    assert floor.probe_floor(check, probes, ctx) == old


def test_a_member_makes_only_its_own_value() -> None:
    made: list[float] = []
    real_full = np.full

    def counting_full(shape, value, *args, **kwargs):
        made.append(value)
        return real_full(shape, value, *args, **kwargs)

    members = trivial_functions(lambda x: x, 4 + 6 + 3)
    np.full, saved = counting_full, np.full
    try:
        value = members[11][1](np.arange(5.0))  # ones_like(argument 1)
    finally:
        np.full = saved
    assert np.array_equal(value, np.ones(5))
    assert made == [1.0], f"member 11 made {len(made)} arrays: {made}"


def test_threads_meeting_a_part_at_once_compute_its_floor_once() -> None:
    check, ctx = check_for("dropout", "dropout_inference"), ctx_for("grace")
    runs: list[int] = []
    gate = threading.Barrier(4)

    def counted(fn, stand_ins, context, _run=check.probes[0].run):
        runs.append(1)
        return _run(fn, stand_ins, context)

    probes = (("counted", counted),)
    floor._PROBE_FLOORS.clear()
    results: list[frozenset[str]] = []

    def grade() -> None:
        gate.wait()
        results.append(floor.probe_floor(check, probes, ctx))

    threads = [threading.Thread(target=grade) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    members = 4 + 6 + 3 * len(check.arg_names)
    assert len(runs) == 2 * members, f"the probe ran {len(runs)} times for 4 threads"
    assert len(set(results)) == 1 and len(results) == 4
    floor._PROBE_FLOORS.clear()
