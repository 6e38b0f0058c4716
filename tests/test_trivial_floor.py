"""Answers that ignore their input earn nothing (issue 16's findings, each one as it was measured).

Each answer below never looks at its input: a constant, zeros of the first argument's shape, a dict
or a pair of the right shape filled with a constant. Each earned points on the landed main, because
some case's right answer happened to be what the constant returns (ReLU of negative numbers, w
where g' is about 0, p_drop = 0...) or a consistency property held for it (shape, dtype, zeros
wherever the mask drops). The floor (``grader.learner.core.floor``) gives those cases credit only beside
a case that tells work from no work; every check of the course is held to it by the contract suite
(``tests/test_check_contract.py``) and by ``dlcourse validate``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

from check_support import ctx_for, grade_part, points_of
from grader.exercises import check_for
from grader.cli.main import main
from grader.learner.core.floor import trivial_answers, trivial_functions
from grader.learner.core.model import Outcome, PartResult, with_context

ROOT = Path(__file__).resolve().parents[1]


#: What the input-ignoring answers earned on the landed main, part by part (the best of the family).
BEFORE = {
    ("dropout", "dropout_forward"): 2.4, ("dropout", "dropout_inference"): 0.5, ("dropout", "dropout_backward"): 0.67, ("backprop", "backward_hidden"): 0.86,
    ("backprop", "forward"): 0.19, ("bce", "bce_loss"): 0.3, ("bce", "bce_with_logits"): 0.22,
    ("bce", "mse_loss"): 0.33, ("gradient_descent", "dg_dw"): 0.57, ("gradient_descent", "gradient_descent"): 0.75,
    ("perceptron", "sigmoid"): 0.29, ("perceptron", "relu"): 0.25, ("perceptron", "predict"): 0.5,
    ("perceptron", "count_parameters"): 0.4,
}


def family(check, ctx):
    """Every input-ignoring answer of ``grader.learner.core.floor`` as a learner's function for this part.

    Wrapped here, so that the grader does not refuse them as the course's own code (it would score
    them zero for that reason alone, and prove nothing).
    """
    shape_of = check.shape_of or with_context(check.expected, ctx)
    members = trivial_functions(shape_of, 4 + 6 + 3 * len(check.arg_names))
    return [(name, lambda *args, _fn=fn, **kwargs: _fn(*args, **kwargs)) for name, fn in members]


def best_trivial(assignment: str, part: str, learner: str) -> tuple[float, list[str]]:
    check, ctx = check_for(assignment, part), ctx_for(learner)
    best, passed = 0.0, []
    for _name, fn in family(check, ctx):
        result = grade_part(assignment, part, {check.function: fn, "check_p_drop": float}, ctx)
        if result.points > best:
            best, passed = result.points, [o.label for o in result.outcomes if o.passed]
    return best, passed


@pytest.mark.parametrize("assignment,part", list(BEFORE), ids=[f"{a}/{p}" for a, p in BEFORE])
@pytest.mark.parametrize("learner", ["ada", "grace", "issue-16"])
def test_no_answer_that_ignores_its_input_earns_anything(assignment, part, learner) -> None:
    best, passed = best_trivial(assignment, part, learner)
    assert best == 0, f"an input-ignoring answer earns {best} (it passes {passed})"


@pytest.fixture(scope="module")
def public_data_of():
    from check_support import course
    from grader.release.public_data import public_data

    return functools.cache(lambda assignment: json.loads(json.dumps(public_data(course(), assignment))))


CASE_JUDGED = [k for k in BEFORE if not check_for(*k).probes]


@pytest.mark.parametrize("assignment,part", CASE_JUDGED, ids=[f"{a}/{p}" for a, p in CASE_JUDGED])
def test_the_self_check_holds_the_floor_as_grading_does(assignment, part, public_data_of) -> None:
    """The self-check cuts the index off its case labels before showing them: the floor it computed by
    the same labels must be cut alike, or every input-ignoring answer earned there what grading refuses."""
    from grader.learner.kernel.selfcheck import check_part

    check, ctx = check_for(assignment, part), ctx_for("public", randomized=False)
    earned = []
    for name, fn in family(check, ctx):
        result = check_part(public_data_of(assignment), part, {check.function: fn, "check_p_drop": float})
        if result.points > 0:
            earned.append(f"{name}: {result.points} (passes {[o.label for o in result.outcomes if o.passed]})")
    assert earned == []


@pytest.mark.parametrize("assignment,part", list(BEFORE), ids=[f"{a}/{p}" for a, p in BEFORE])
def test_the_floor_is_what_stops_them(assignment, part) -> None:
    """Some member of the family passes cases of every one of these parts: the floor holds them."""
    check, ctx = check_for(assignment, part), ctx_for("ada")
    held = []
    for _name, fn in family(check, ctx):
        result = grade_part(assignment, part, {check.function: fn, "check_p_drop": float}, ctx)
        passed = [o for o in result.outcomes if o.passed]
        assert {o.label for o in passed} <= result.floor
        unfloored = PartResult(result.assignment, result.part, result.function, result.max_points, result.outcomes)
        held.append(unfloored.points)
    assert max(held) > 0


def test_a_case_the_floor_holds_still_counts_beside_real_work() -> None:
    """A relu that is right except for positive inputs keeps the credit of its all-negative case."""
    def half_relu(z):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, 2 * z, 0.0)

    result = grade_part("perceptron", "relu", {"relu": half_relu}, ctx_for("ada"))
    floored = [o for o in result.outcomes if o.label in result.floor]
    assert floored and all(o.passed for o in floored)
    right = PartResult("perceptron", "relu", "relu", 1.0,
                       [Outcome("work", None)] + [Outcome(o.label, o.problem) for o in floored], floor=result.floor)
    assert right.points == 1.0


def test_the_family_is_the_issue_s_list() -> None:
    names = [name for name, _ in trivial_answers({"w1": 1.0, "mask": np.ones(3, bool)}, (np.arange(3.0),))]
    assert names[:4] == ["None", "the constant 0", "the constant 1", "the constant 0.5"]
    assert any("filled with 0 and False" in n for n in names) and any("filled with 1 and True" in n for n in names)
    assert {"zeros_like(argument 1)", "ones_like(argument 1)"} <= set(names)


@pytest.mark.slow
def test_a_notebook_of_constants_scores_zero_through_the_sandbox(tmp_path, capsys) -> None:
    """The whole perceptron notebook answered with constants, graded like any submission."""
    nb = nbformat.read(ROOT / "exercises" / "perceptron" / "perceptron.ipynb", as_version=4)
    constants = {
        "sigmoid_code": "import numpy as np\ndef sigmoid(z):\n    return np.full(np.shape(z), 0.5)\n",
        "relu_code": "import numpy as np\ndef relu(z):\n    return np.zeros(np.shape(z))\n",
        "perceptron_forward_code": "import numpy as np\ndef perceptron_forward(X, W, w0):\n"
                                   "    return np.full(np.shape(X)[0], 0.5)\n",
        "predict_code": "import numpy as np\ndef predict(X, W, w0):\n    return np.zeros(np.shape(X)[0], dtype=int)\n",
        "count_parameters_code": "def count_parameters(layer_sizes):\n    return 1\n",
    }
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in constants:
            cell.source = constants[gid]
    path = tmp_path / "constant-learner.ipynb"
    nbformat.write(nb, path)
    assert main(["grade", str(path), "--course", str(ROOT / "course.yaml"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == 0, {p: v["points"] for p, v in doc["parts"].items() if v["points"]}
    assert sum(points_of("perceptron").values()) == doc["max"]
