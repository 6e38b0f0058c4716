"""Outcomes as types: a mistake is one of three kinds with its own matcher, a part has one status
with its reason, and what the release freezes of both comes back as the same kinds."""

from __future__ import annotations

import numpy as np
import pytest

from check_support import ctx_for, grade_part
from grader.exercises import CHECKS, check_for
from grader.learner.core import adapters, mistakes
from grader.learner.core.calls import safe_call
from grader.learner.core.feedback import render_part
from grader.learner.core.mistakes import Mistake, Mutates, NotComputable, Warns, WrongAnswer
from grader.learner.core.model import Case, LostDefinition, Status
from grader.release.public_data import _part

ALL_MISTAKES = [(c, m) for c in CHECKS.values() for m in (*c.mistakes, *(c.via.mistakes if c.via else ()))]


class Values:
    """Mistakes' values as the runner gives them: the mistaken function on the case's arguments."""

    def wrong(self, mistake: WrongAnswer, case: Case):
        return mistake.wrong(*case.args)


def test_a_mistake_is_one_of_the_three_kinds() -> None:
    with pytest.raises(TypeError):
        Mistake("a name", "a hint")  # the base says what a kind must do, and is none itself
    kinds = {type(m) for _, m in ALL_MISTAKES}
    assert kinds == {WrongAnswer, Warns, Mutates}


def test_warns_matches_the_warning_of_any_failed_call_whatever_it_returned() -> None:
    check = check_for("perceptron", "sigmoid")
    case = Case("large z", (np.array([1000.0]),))
    warned = safe_call(lambda z: 1 / (1 + np.exp(-z)) + np.exp(z) * 0, case.args)
    quiet = safe_call(lambda z: np.zeros_like(z), case.args)
    overflow = Warns("overflow", "hint", warning="overflow")
    assert warned.warnings and overflow.explains(check, [(case, quiet), (case, warned)], ctx_for(), Values())
    assert not overflow.explains(check, [(case, quiet)], ctx_for(), Values())
    assert not Warns("log of zero", "hint", warning="divide by zero").explains(check, [(case, warned)], ctx_for(), Values())


def test_mutates_matches_the_argument_a_call_changed_in_place() -> None:
    check = check_for("perceptron", "relu")
    case = Case("z", (np.array([-1.0, 2.0]),))

    def relu_in_place(z):
        z[z < 0] = 0
        return z

    changed = safe_call(relu_in_place, case.args, arg_names=("z",))
    assert changed.mutated == ["z"]
    assert Mutates("in place", "hint", argument="z").explains(check, [(case, changed)], ctx_for(), Values())
    assert not Mutates("in place", "hint", argument="w").explains(check, [(case, changed)], ctx_for(), Values())


def test_a_wrong_answer_must_explain_every_failed_case_that_returned_a_value() -> None:
    check = check_for("perceptron", "relu")
    minimum = WrongAnswer("min instead of max", "hint", wrong=lambda z: np.minimum(z, 0))
    a, b = Case("a", (np.array([-1.0, 2.0]),)), Case("b", (np.array([3.0]),))
    like_it = [(c, safe_call(lambda z: np.minimum(z, 0), c.args)) for c in (a, b)]
    assert minimum.explains(check, like_it, ctx_for(), Values())
    other = (b, safe_call(lambda z: z * 3, b.args))
    assert not minimum.explains(check, [like_it[0], other], ctx_for(), Values())
    # A call that raised has no value: it neither confirms nor refutes, and alone it explains nothing.
    raised = (b, safe_call(lambda z: z.nope, b.args))
    assert raised[1].kind == "raised"
    assert minimum.explains(check, [like_it[0], raised], ctx_for(), Values())
    assert not minimum.explains(check, [raised], ctx_for(), Values())


@pytest.mark.parametrize("check,mistake", ALL_MISTAKES, ids=[f"{c.part}: {m.name}" for c, m in ALL_MISTAKES])
def test_a_mistake_frozen_for_the_self_check_comes_back_as_its_own_kind(check, mistake: Mistake) -> None:
    back = mistakes.from_public(mistake.public())
    assert type(back) is type(mistake) and (back.name, back.hint) == (mistake.name, mistake.hint)
    if isinstance(mistake, WrongAnswer):
        assert back.keys == mistake.keys
        with pytest.raises(NotComputable):  # its values come from the release data
            back.wrong()
    elif isinstance(mistake, Warns):
        assert back.warning == mistake.warning
    else:
        assert back.argument == mistake.argument


def test_a_tuple_result_is_frozen_and_rebuilt_and_other_adapters_stay_trusted() -> None:
    hidden = check_for("backprop", "backward_hidden")
    ctx = ctx_for("public", randomized=False)
    frozen = _part(hidden, ctx)
    rebuilt = adapters.from_public(frozen)
    assert isinstance(rebuilt, adapters.TupleResult) and rebuilt.result_keys == ("w1", "b1")
    assert rebuilt.explain(None, {}, ctx) == []  # the finite-difference notes need the reference
    assert adapters.from_public(frozen["via"]) is None and frozen["via"]["result_keys"] is None


def test_a_part_has_one_status_and_its_reason() -> None:
    ctx = ctx_for()

    missing = grade_part("perceptron", "relu", {}, ctx)
    assert missing.status is Status.UNANSWERED and missing.gradebook_status == "failed"
    assert missing.reason == "no function named `relu` was found: did you run the cell that defines it?"

    def relu(z):
        raise NotImplementedError

    unwritten = grade_part("perceptron", "relu", {"relu": relu}, ctx)
    assert unwritten.status is Status.UNANSWERED and "not written yet" in unwritten.reason

    not_a_function = grade_part("perceptron", "relu", {"relu": 3}, ctx)
    assert not_a_function.status is Status.COULD_NOT_RUN and not_a_function.reason == "`relu` is int, not a function"

    lost = grade_part("perceptron", "relu", {"relu": LostDefinition("grading failed: out of memory")}, ctx)
    assert lost.status is Status.GRADING_FAILED and lost.gradebook_status == "grading-failed"
    assert lost.reason == "grading failed: out of memory" and not lost.outcomes and lost.points == 0

    for result in (missing, unwritten, not_a_function, lost):
        assert not result.judged and not result.passed and result.points == 0
        assert render_part(result).endswith(f"\n  ✗ {result.reason}")

    right = grade_part("perceptron", "relu", {"relu": lambda z: np.maximum(z, 0)}, ctx)
    assert right.status is Status.GRADED and right.reason is None and right.judged
    assert right.passed and right.gradebook_status == "passed"


# ---- a failed call is never a pass ----------------------------------------------------------------

#: A cell a learner could add after the set-up: the worker's own calls now report every call as
#: timed out, without a reason (the worker imports ``safe_call`` from this module for each call).
FORGED_FAILURES = '''
import grader.learner.core.calls as _calls
_real = _calls.safe_call
def _forged(*args, **kwargs):
    result = _real(*args, **kwargs)
    result.kind, result.error, result.value, result.warnings, result.mutated = "timeout", None, None, [], []
    return result
_calls.safe_call = _forged
'''


def test_a_call_result_that_did_not_return_must_say_why() -> None:
    from grader.learner.core.calls import CallResult

    for kind in ("raised", "timeout", "not_implemented", "crashed"):
        read = CallResult.from_wire({"kind": kind, "error": None, "value": None})
        assert read.kind == "crashed" and "without its reason" in read.error, kind
    assert CallResult.from_wire({"kind": "timeout", "error": "your function did not finish"}).kind == "timeout"


@pytest.mark.parametrize("assignment", ["perceptron", "dropout"])
def test_forged_failures_without_a_reason_earn_nothing_through_the_sandbox(assignment: str) -> None:
    """On the landed main this cell, with no function written, earned 1.54 of perceptron's 10 points and
    6.07 of dropout's 10: an outcome's problem was the call's error, and None reads as passed."""
    import re
    from pathlib import Path

    import nbformat
    from nbformat.v4 import new_code_cell

    from check_support import course
    from grader.nbgrader_glue.notebook import NotebookGrader

    root = Path(__file__).resolve().parents[1]
    nb = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:  # the release: every solution still raises NotImplementedError
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "raise NotImplementedError()",
                                 cell.source, flags=re.S)
    setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb.cells.insert(setup + 1, new_code_cell(FORGED_FAILURES))
    graded = NotebookGrader(course(), figures=False).grade(nb, assignment, "mallory")
    assert graded.parts and {k: p.points for k, p in graded.parts.items() if p.points} == {}
