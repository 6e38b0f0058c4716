"""The backprop checks, beyond the contract every check meets (tests/test_check_contract.py):
other correct solutions score full points, each known mistake loses points in exactly the parts
it touches and is named, a mistake in one part never costs points in another part that is right
(the hidden layer is judged on the reference's dz2), the finite-difference explanation tells
forward and backward trouble apart, and broken code never breaks grading."""

from __future__ import annotations

import dataclasses
import json
import types

import numpy as np
import pytest

import reference.backprop as reference
from grader.exercises import backprop as checks
from grader.exercises import checks_of
from grader.learner.core.adapters import adapter_of
from grader.learner.core.model import Context, with_context
from grader.grading.runner import run_check
from grader.learner.core.feedback import render_part
from check_support import course, ctx_for, grade_all, points_of
from reference.perceptron import sigmoid  # the notebook hands learners this sigmoid

PARTS = ("forward", "backward_output", "backward_hidden")
POINTS = points_of("backprop")


def grade(namespace: dict, learner: str = "alice", ctx: Context | None = None, trusted: bool = False) -> dict:
    return grade_all("backprop", namespace, ctx or ctx_for(learner), trusted)


# ---- learners' code, written the way learners write it ---------------------------------------
# As in the notebook, backward (part 2) computes dz2, dw2 and db2 and then runs the given line
# `dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)`; hidden_layer_gradients is part 3.


def forward(x, params):
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * a1 + params["b2"]
    yhat = sigmoid(z2)
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": yhat}


def backward(x, y, params, cache):
    n = x.shape[0]
    a1, yhat = cache["a1"], cache["yhat"]
    dz2 = (yhat - y) / n
    dw2 = np.sum(dz2 * a1)
    db2 = np.sum(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return np.sum(dz1 * x), np.sum(dz1)


def forward_loop(x, params):
    import math

    out = {"z1": [], "a1": [], "z2": [], "yhat": []}
    for xi in x:
        z1 = params["w1"] * xi + params["b1"]
        a1 = 1.0 / (1.0 + math.exp(-z1))
        z2 = params["w2"] * a1 + params["b2"]
        out["z1"].append(z1)
        out["a1"].append(a1)
        out["z2"].append(z2)
        out["yhat"].append(1.0 / (1.0 + math.exp(-z2)))
    return {k: np.array(v) for k, v in out.items()}


def backward_loop(x, y, params, cache):
    n = len(x)
    dz2 = np.zeros(n)
    dw2 = db2 = 0.0
    for i in range(n):
        dz2[i] = (cache["yhat"][i] - y[i]) / n
        dw2 += dz2[i] * cache["a1"][i]
        db2 += dz2[i]
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


def hidden_loop(x, dz2, params, cache):
    dw1 = db1 = 0.0
    for i in range(len(x)):
        a1 = cache["a1"][i]
        d1 = dz2[i] * params["w2"] * a1 * (1 - a1)
        dw1 += d1 * x[i]
        db1 += d1
    return dw1, db1


def backward_via_dyhat(x, y, params, cache):
    """Every link of the chain on its own: dJ/dyhat, then sigmoid'(z2)."""
    yhat, a1 = cache["yhat"], cache["a1"]
    dyhat = (yhat - y) / (yhat * (1 - yhat)) / len(y)
    dz2 = dyhat * yhat * (1 - yhat)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dz2 @ a1, "b2": dz2.sum()}


def hidden_via_z1(x, dz2, params, cache):
    """sigmoid'(z1) recomputed from z1, the sums as a list of dot products."""
    da1 = dz2 * params["w2"]
    dz1 = da1 * sigmoid(cache["z1"]) * (1 - sigmoid(cache["z1"]))
    return [dz1 @ x, dz1.sum()]


def hidden_as_array(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return np.array([np.sum(dz1 * x), np.sum(dz1)])


# -- the output layer's mistakes (part 2): the hidden layer is the correct one above --


def backward_swapped(x, y, params, cache):
    dz2 = (cache["yhat"] - y) / len(x)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * x), "b2": np.sum(dz2)}


def backward_sum(x, y, params, cache):
    dz2 = cache["yhat"] - y
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * cache["a1"]), "b2": np.sum(dz2)}


def backward_sign(x, y, params, cache):
    dz2 = (y - cache["yhat"]) / len(x)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * cache["a1"]), "b2": np.sum(dz2)}


def backward_zero_bias(x, y, params, cache):
    dz2 = (cache["yhat"] - y) / len(x)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * cache["a1"]), "b2": 0.0}


def backward_no_bias_keys(x, y, params, cache):
    dz2 = (cache["yhat"] - y) / len(x)
    dw1, _ = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "w2": np.sum(dz2 * cache["a1"])}


def backward_not_summed(x, y, params, cache):
    dz2 = (cache["yhat"] - y) / len(x)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dz2 * cache["a1"], "b2": dz2}


def backward_mean_forgotten(x, y, params, cache):
    dz2 = cache["yhat"] - y
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dz2 * cache["a1"], "b2": dz2}


# -- the hidden layer's mistakes (part 3): backward is the correct one above --


def hidden_no_sigmoid_prime(x, dz2, params, cache):
    dz1 = dz2 * params["w2"]
    return np.sum(dz1 * x), np.sum(dz1)


def hidden_swapped(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return np.sum(dz1 * a1), np.sum(dz1)


def hidden_sign(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (a1 - 1)
    return np.sum(dz1 * x), np.sum(dz1)


def hidden_zero_bias(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return np.sum(dz1 * x), 0.0


def hidden_no_w2(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * a1 * (1 - a1)
    return np.sum(dz1 * x), np.sum(dz1)


def hidden_sigmoid_prime_of_a1(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * sigmoid(a1) * (1 - sigmoid(a1))
    return np.sum(dz1 * x), np.sum(dz1)


def hidden_not_summed(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return dz1 * x, dz1


def hidden_mean(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return np.mean(dz1 * x), np.mean(dz1)


def forward_no_output_sigmoid(x, params):
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": z2}


def forward_z2_from_z1(x, params):
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * z1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": sigmoid(z2)}


def forward_tanh(x, params):
    z1 = params["w1"] * x + params["b1"]
    a1 = np.tanh(z1)
    z2 = params["w2"] * a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": sigmoid(z2)}


def hidden_tanh(x, dz2, params, cache):
    """Consistent with forward_tanh: tanh'(z1) = 1 - a1**2."""
    dz1 = dz2 * params["w2"] * (1 - cache["a1"] ** 2)
    return np.sum(dz1 * x), np.sum(dz1)


def learner(**overrides) -> dict:
    """The namespace a notebook's cells leave behind; an override of None leaves that name undefined.

    As in a notebook, every function finds the others by name in that one namespace: the backward
    above calls whichever `hidden_layer_gradients` this learner has.
    """
    functions = {"sigmoid": sigmoid, "forward": forward, "backward": backward,
                 "hidden_layer_gradients": hidden_layer_gradients, **overrides}
    namespace = {k: v for k, v in functions.items() if v is not None}
    shared = {**globals(), **namespace}
    if "hidden_layer_gradients" not in namespace:
        del shared["hidden_layer_gradients"]
    for name, fn in namespace.items():
        mine = isinstance(fn, types.FunctionType) and fn.__module__ == __name__
        if mine and "hidden_layer_gradients" in fn.__code__.co_names:
            namespace[name] = shared[name] = types.FunctionType(
                fn.__code__, shared, fn.__name__, fn.__defaults__, fn.__closure__
            )
    return namespace


def test_learner_namespaces_run_backward_through_their_own_hidden_layer() -> None:
    x, y = checks.LECTURE_X4, checks.LECTURE_Y4
    cache = reference.forward(x, checks.LECTURE_PARAMS)
    right = learner()["backward"](x, y, checks.LECTURE_PARAMS, cache)
    wrong = learner(hidden_layer_gradients=hidden_zero_bias)["backward"](x, y, checks.LECTURE_PARAMS, cache)
    assert right["b1"] != 0 and wrong["b1"] == 0 and wrong["w1"] == right["w1"]


# ---- 2: correct code written differently scores full points --------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"forward": forward_loop, "backward": backward_loop, "hidden_layer_gradients": hidden_loop},
        {"backward": backward_via_dyhat, "hidden_layer_gradients": hidden_via_z1},
        {"hidden_layer_gradients": hidden_as_array},
    ],
    ids=["vectorised", "loops and math.exp", "chain through dJ/dyhat, a list of dot products", "an array pair"],
)
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_correct_implementations_written_differently_score_full_marks(overrides: dict, who: str) -> None:
    results = grade(learner(**overrides), who)
    for part in PARTS:
        assert results[part].points == POINTS[part], render_part(results[part])


# ---- 3: every known mistake loses points exactly where it should, and is named ------------------

OUTPUT = ("backward_output",)
HIDDEN = ("backward_hidden",)
BOTH = OUTPUT + HIDDEN

MISTAKES = [
    ("x and a1 swapped", {"backward": backward_swapped}, OUTPUT),
    ("sum instead of mean", {"backward": backward_sum}, OUTPUT),
    ("sign flipped", {"backward": backward_sign}, OUTPUT),
    ("missing bias gradients", {"backward": backward_zero_bias}, OUTPUT),
    ("missing bias gradients", {"backward": backward_no_bias_keys}, OUTPUT),
    ("gradients not summed over the samples", {"backward": backward_not_summed}, OUTPUT),
    ("gradients not summed over the samples", {"backward": backward_mean_forgotten}, OUTPUT),
    ("missing sigmoid'(z1)", {"hidden_layer_gradients": hidden_no_sigmoid_prime}, HIDDEN),
    ("x and a1 swapped", {"hidden_layer_gradients": hidden_swapped}, HIDDEN),
    ("x and a1 swapped", {"backward": backward_swapped, "hidden_layer_gradients": hidden_swapped}, BOTH),
    ("sign flipped", {"hidden_layer_gradients": hidden_sign}, HIDDEN),
    ("missing bias gradients", {"hidden_layer_gradients": hidden_zero_bias}, HIDDEN),
    ("w2 missing from the chain", {"hidden_layer_gradients": hidden_no_w2}, HIDDEN),
    ("sigmoid' evaluated at a1 instead of z1", {"hidden_layer_gradients": hidden_sigmoid_prime_of_a1}, HIDDEN),
    ("gradients not summed over the samples", {"hidden_layer_gradients": hidden_not_summed}, HIDDEN),
    ("dz2 divided by n twice", {"hidden_layer_gradients": hidden_mean}, HIDDEN),
    ("no sigmoid on the output", {"forward": forward_no_output_sigmoid}, ("forward",)),
    ("z2 computed from z1 instead of a1", {"forward": forward_z2_from_z1}, ("forward",)),
    ("tanh instead of sigmoid in the hidden unit", {"forward": forward_tanh}, ("forward",)),
]


@pytest.mark.parametrize(
    "name, overrides, touched", MISTAKES, ids=["+".join(f.__name__ for f in o.values()) for _, o, _ in MISTAKES]
)
def test_each_mistake_loses_points_in_exactly_its_parts_and_is_named(name, overrides, touched) -> None:
    results = grade(learner(**overrides), "dana")
    for part in PARTS:
        text = render_part(results[part])
        if part in touched:
            assert results[part].points < POINTS[part], text
            assert name in text, text
        else:
            assert results[part].points == POINTS[part], text
            assert name not in text


def test_every_mistake_differs_from_the_reference_on_some_fixed_case() -> None:
    """A mistake equal to the reference everywhere could never be told apart (nor diagnosed)."""
    ctx = ctx_for(randomized=False)
    for check in checks_of("backprop"):
        for mistake in check.mistakes:
            keys = mistake.keys or check.keys
            differs = False
            for case in check.cases_for(ctx):
                want = adapter_of(check).answer(check, with_context(check.expected, ctx)(*case.args))
                wrong = adapter_of(check).answer(check, with_context(mistake.wrong, ctx)(*case.args))
                differs |= any(
                    np.shape(want[k]) != np.shape(wrong[k]) or not np.allclose(want[k], wrong[k]) for k in keys
                )
            assert differs, f"{check.part}: {mistake.name}"


def test_missing_sigmoid_prime_passes_only_where_it_cannot_show() -> None:
    result = grade(learner(hidden_layer_gradients=hidden_no_sigmoid_prime))["backward_hidden"]
    passed = {o.label for o in result.outcomes if o.passed}
    assert "w2 = 0 (no gradient reaches the hidden unit) [w1]" in passed
    assert not any(label.startswith("the lecture's network on four samples") for label in passed)


# ---- 3b: a mistake in one part never costs points in another part that is right -------------------


@pytest.mark.parametrize(
    "wrong_backward, name",
    [(backward_sum, "sum instead of mean"), (backward_sign, "sign flipped"), (backward_mean_forgotten,
     "gradients not summed over the samples")],
    ids=["dz2 summed, not averaged", "dz2 with its sign flipped", "dz2 without 1/n, nothing summed"],
)
def test_a_wrong_dz2_costs_only_the_output_layer(wrong_backward, name) -> None:
    namespace = learner(backward=wrong_backward)
    # The learner's own backward does get dJ/dw1 and dJ/db1 wrong: its hidden layer was fed its wrong dz2...
    x, y, params = checks.LECTURE_X4, checks.LECTURE_Y4, checks.LECTURE_PARAMS
    cache = reference.forward(x, params)
    own, right = namespace["backward"](x, y, params, cache), reference.backward(x, y, params, cache)
    assert not np.allclose([own["w1"], own["b1"]], [right["w1"], right["b1"]])
    # ...but the hidden layer is graded on the reference's dz2, where it is right.
    results = grade(namespace)
    assert results["backward_hidden"].passed and results["backward_hidden"].points == POINTS["backward_hidden"]
    assert results["backward_output"].points < POINTS["backward_output"]
    assert name in [m.name for m in results["backward_output"].diagnoses], render_part(results["backward_output"])


def test_wrong_in_both_layers_each_part_names_only_its_own_mistake() -> None:
    results = grade(learner(backward=backward_sum, hidden_layer_gradients=hidden_no_sigmoid_prime))
    output = [m.name for m in results["backward_output"].diagnoses]
    hidden = [m.name for m in results["backward_hidden"].diagnoses]
    assert output == ["sum instead of mean"], render_part(results["backward_output"])
    assert hidden == ["missing sigmoid'(z1)"], render_part(results["backward_hidden"])
    assert results["forward"].points == POINTS["forward"]


def test_the_hidden_layer_is_graded_even_without_a_working_backward() -> None:
    def backward_todo(x, y, params, cache):
        raise NotImplementedError

    for namespace in (learner(backward=None), learner(backward=backward_todo)):
        results = grade(namespace)
        assert results["backward_output"].points == 0
        assert results["backward_hidden"].points == POINTS["backward_hidden"], render_part(results["backward_hidden"])


def test_the_hidden_layer_gets_the_reference_dz2_with_its_one_over_n() -> None:
    """The hidden part's dz2 is dJ/dz2 as the notebook defines it: (yhat - y) / n, on the same data."""
    ctx = ctx_for()
    # backward_output's cases, drawn from backward_hidden's stream as the hidden part draws its own.
    plain_cases = dataclasses.replace(checks.BACKWARD_OUTPUT, part="backward_hidden").cases_for(ctx)
    for plain, hidden in zip(plain_cases, checks.BACKWARD_HIDDEN.cases_for(ctx), strict=True):
        x, y, params, cache = plain.args
        hx, dz2, hparams, hcache = hidden.args
        assert hidden.label == plain.label and hparams == params and np.array_equal(hx, x)
        assert all(np.array_equal(hcache[k], cache[k]) for k in reference.CACHE_NAMES)
        np.testing.assert_allclose(dz2, (cache["yhat"] - y) / len(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "returned, shown",
    [
        (lambda dw1, db1: None, "returned None"),
        (lambda dw1, db1: {"w1": dw1, "b1": db1}, "returned a dict (keys 'w1', 'b1')"),
        (lambda dw1, db1: (dw1, db1, 0.0), "returned a tuple of 3 values"),
        (lambda dw1, db1: float(dw1), "returned float "),
    ],
    ids=["None", "a dict", "a 3-tuple", "one number"],
)
def test_hidden_layer_gradients_not_returning_the_pair_is_told_so(returned, shown) -> None:
    def hidden_odd(x, dz2, params, cache):
        return returned(*reference.hidden_layer_gradients(x, dz2, params, cache))

    result = grade(learner(hidden_layer_gradients=hidden_odd))["backward_hidden"]
    text = render_part(result)
    assert result.points == 0, text
    assert f"hidden_layer_gradients(...) {shown}" in text, text
    assert "expected a tuple of 2 values (for w1, b1, in that order)" in text, text
    assert all("expected a tuple of 2 values" in o.problem for o in result.outcomes)


def test_a_wrong_value_in_the_pair_is_named_by_its_position() -> None:
    text = render_part(grade(learner(hidden_layer_gradients=hidden_zero_bias))["backward_hidden"])
    assert "hidden_layer_gradients(...)[1] is off: expected" in text and "got 0" in text, text


def test_the_self_check_judges_the_hidden_layer_from_the_frozen_data_alike() -> None:
    from grader.learner.kernel.selfcheck import check_part
    from grader.release.public_data import public_file

    public = json.loads(public_file(course(), "backprop")[1])
    frozen = public["parts"]["backward_hidden"]
    assert frozen["function"] == "hidden_layer_gradients" and frozen["result_keys"] == ["w1", "b1"]
    assert frozen["arg_names"] == ["x", "dz2", "params", "cache"]
    assert check_part(public, "backward_hidden", learner()).passed
    mean = check_part(public, "backward_hidden", learner(hidden_layer_gradients=hidden_mean))
    assert mean.points < POINTS["backward_hidden"]
    assert [m.name for m in mean.diagnoses] == ["dz2 divided by n twice"], render_part(mean)
    summed = check_part(public, "backward_hidden", learner(backward=backward_sum))
    assert summed.passed, render_part(summed)


def backward_all_four(x, y, params, cache):
    """Every gradient inside backward, as its docstring promises; part 3's helper never called."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / x.size
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def backward_all_four_no_sigmoid_prime(x, y, params, cache):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dz2 = (cache["yhat"] - y) / x.size
    dz1 = dz2 * params["w2"]
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * cache["a1"]), "b2": np.sum(dz2)}


def nan_stand_in(x, dz2, params, cache):
    return np.nan, np.nan


def hidden_not_written(x, dz2, params, cache):
    raise NotImplementedError


@pytest.mark.parametrize("helper", [nan_stand_in, hidden_not_written], ids=["the NaN stand-in", "not written"])
def test_the_hidden_layer_done_inside_backward_earns_its_points_in_the_grader_and_the_self_check(helper) -> None:
    from grader.learner.kernel.selfcheck import check_part
    from grader.release.public_data import public_file

    public = json.loads(public_file(course(), "backprop")[1])
    right = learner(backward=backward_all_four, hidden_layer_gradients=helper)
    wrong = learner(backward=backward_all_four_no_sigmoid_prime, hidden_layer_gradients=helper)
    for judged_right, judged_wrong in ((grade(right)["backward_hidden"], grade(wrong)["backward_hidden"]),
                                       (check_part(public, "backward_hidden", right),
                                        check_part(public, "backward_hidden", wrong))):
        assert judged_right.points == POINTS["backward_hidden"], render_part(judged_right)
        assert "graded on the w1 and b1 that `backward` returns" in render_part(judged_right)
        assert judged_wrong.points < POINTS["backward_hidden"]
        assert [m.name for m in judged_wrong.diagnoses] == ["missing sigmoid'(z1)"], render_part(judged_wrong)
        assert "agree with finite differences" not in render_part(judged_wrong)  # no contradiction


# ---- 4: the finite-difference explanation -----------------------------------------------------------


def notes(namespace: dict, part: str = "backward_hidden") -> str:
    result = grade(namespace)[part]
    assert not result.passed
    return " ".join(result.notes)


def test_explain_forward_wrong_but_backward_matches_own_forward() -> None:
    text = notes(learner(forward=forward_tanh, hidden_layer_gradients=hidden_tanh))
    assert "your forward is wrong (see forward) but your backward matches your own forward" in text


def test_explain_backward_does_not_match_own_forward() -> None:
    text = notes(learner(hidden_layer_gradients=hidden_no_sigmoid_prime))
    assert "your backward does not match finite differences of your own forward" in text
    assert "the error is in hidden_layer_gradients" in text
    assert "forward is wrong" not in text


def test_explain_both_differ_from_the_reference() -> None:
    text = notes(learner(forward=forward_tanh, hidden_layer_gradients=hidden_no_sigmoid_prime))
    assert "both differ from the reference" in text


def test_explain_names_the_output_layer_gradients_for_the_output_part() -> None:
    text = notes(learner(backward=backward_sum), "backward_output")
    assert "dJ/dw2 and dJ/db2" in text and "does not match finite differences" in text
    assert "the error is in backward." in text


def test_explain_without_a_working_forward_falls_back_to_the_reference() -> None:
    def broken_forward(x, params):
        raise KeyError("W1")

    text = notes(learner(forward=broken_forward, backward=backward_sign), "backward_output")
    assert "could not be checked against your own forward" in text
    assert "KeyError" in text and "finite differences of the reference's forward" in text


def test_explain_is_silent_on_a_passing_part() -> None:
    result = grade(learner(hidden_layer_gradients=hidden_no_sigmoid_prime))["backward_output"]
    assert result.passed and result.notes == []


def test_explain_of_the_hidden_part_runs_the_learners_backward() -> None:
    """Finite differences judge the whole backward, which calls the learner's hidden layer: without
    a backward there is nothing to differentiate, and the part is still graded."""
    result = grade(learner(backward=None, hidden_layer_gradients=hidden_no_sigmoid_prime))["backward_hidden"]
    assert not result.passed and result.notes == []
    assert [m.name for m in result.diagnoses] == ["missing sigmoid'(z1)"]


# ---- 5: broken code: zero or partial, a specific message, never an exception -------------------------


def test_backward_raising_scores_zero_with_the_exception_named() -> None:
    def backward_typo(x, y, params, cache):
        return {"w1": cache["A1"]}

    results = grade(learner(backward=backward_typo))
    assert results["backward_output"].points == 0
    assert "KeyError: 'A1'" in render_part(results["backward_output"])
    for part in ("forward", "backward_hidden"):
        assert results[part].points == POINTS[part]


def test_hidden_layer_raising_scores_zero_there_with_the_exception_named() -> None:
    def hidden_typo(x, dz2, params, cache):
        return np.sum(dz2 * cache["A1"]), 0.0

    result = grade(learner(hidden_layer_gradients=hidden_typo))["backward_hidden"]
    assert result.points == 0 and "KeyError: 'A1'" in render_part(result)


def test_hanging_forward_is_cut_off_quickly_and_scores_zero() -> None:
    def forward_forever(x, params):
        while True:
            pass

    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    result = run_check(checks.FORWARD, learner(forward=forward_forever), ctx, POINTS["forward"])
    assert result.points == 0
    assert "did not finish within 0.5 s" in render_part(result)


@pytest.mark.parametrize("part", ["backward_output", "backward_hidden"])
def test_hanging_backward_scores_zero_and_the_explanation_does_not_hang_long(part: str) -> None:
    import time

    def backward_forever(x, y, params, cache):
        while True:
            pass

    def hidden_forever(x, dz2, params, cache):
        while True:
            pass

    check = checks.BACKWARD_OUTPUT if part == "backward_output" else checks.BACKWARD_HIDDEN
    # The hidden part's explanation runs backward, which hangs in the hidden layer too.
    namespace = learner(backward=backward_forever) if part == "backward_output" else learner(
        hidden_layer_gradients=hidden_forever
    )
    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    start = time.perf_counter()
    result = run_check(check, namespace, ctx, POINTS[part])
    assert time.perf_counter() - start < 3
    assert result.points == 0
    assert "did not finish within 0.5 s" in render_part(result)


def test_forward_returning_a_tuple_scores_zero_and_asks_for_a_dict() -> None:
    def forward_tuple(x, params):
        out = forward(x, params)
        return out["z1"], out["a1"], out["z2"], out["yhat"]

    result = grade(learner(forward=forward_tuple))["forward"]
    assert result.points == 0
    assert "expected a dict with keys z1, a1, z2, yhat" in render_part(result)


def test_forward_with_a_column_shaped_yhat_gets_partial_credit_and_the_shape_named() -> None:
    def forward_column(x, params):
        out = forward(x, params)
        return {**out, "yhat": out["yhat"].reshape(-1, 1)}

    result = grade(learner(forward=forward_column))["forward"]
    assert 0 < result.points < POINTS["forward"]
    assert all(o.passed for o in result.outcomes if not o.label.endswith("[yhat]"))
    assert "['yhat'] has shape (1, 1); expected shape (1,)" in render_part(result)


def test_backward_returning_a_list_scores_zero() -> None:
    def backward_list(x, y, params, cache):
        g = backward(x, y, params, cache)
        return [g["w1"], g["b1"], g["w2"], g["b2"]]

    results = grade(learner(backward=backward_list))
    assert results["backward_output"].points == 0
    text = render_part(results["backward_output"])
    assert "is list" in text and "expected a dict" in text
    assert results["backward_hidden"].points == POINTS["backward_hidden"]


def test_backward_changing_the_cache_in_place_loses_points_and_is_told() -> None:
    def backward_inplace(x, y, params, cache):
        cache["yhat"] -= y
        dz2 = cache["yhat"] / len(x)
        a1 = cache["a1"]
        dz1 = dz2 * params["w2"] * a1 * (1 - a1)
        return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}

    result = grade(learner(backward=backward_inplace))["backward_output"]
    assert result.points == 0
    assert "it changed `cache` in place" in render_part(result)


def test_missing_and_unwritten_functions_are_fatal_with_their_own_message() -> None:
    def backward_todo(x, y, params, cache):
        raise NotImplementedError

    def hidden_todo(x, dz2, params, cache):
        raise NotImplementedError

    missing = grade({"sigmoid": sigmoid, "forward": forward})
    assert missing["backward_output"].points == 0
    assert "no function named `backward`" in render_part(missing["backward_output"])
    assert missing["backward_hidden"].points == 0
    assert "no function named `hidden_layer_gradients`" in render_part(missing["backward_hidden"])
    todo = grade(learner(backward=backward_todo))["backward_output"]
    assert todo.points == 0 and "not written yet" in render_part(todo)
    todo = grade(learner(hidden_layer_gradients=hidden_todo))["backward_hidden"]
    assert todo.points == 0 and "`hidden_layer_gradients` is not written yet" in render_part(todo)


def test_the_reference_itself_is_refused_for_a_learner() -> None:
    result = grade(learner(backward=reference.backward))["backward_output"]
    assert result.points == 0 and "course's own" in render_part(result)
    result = grade(learner(hidden_layer_gradients=reference.hidden_layer_gradients))["backward_hidden"]
    assert result.points == 0 and "course's own" in render_part(result)


# ---- 6: the backward cases carry the reference's forward; more broken code -----------------------


def test_backward_cases_carry_the_reference_forward_cache() -> None:
    for check in (checks.BACKWARD_OUTPUT, checks.BACKWARD_HIDDEN):
        for case in check.cases_for(ctx_for()):
            x, _, params, cache = case.args  # (x, y, ...) for backward, (x, dz2, ...) for the hidden layer
            want = reference.forward(x, params)
            assert all(np.array_equal(cache[k], want[k]) for k in reference.CACHE_NAMES)


def test_explain_with_a_hanging_forward_says_so_and_stays_short() -> None:
    import time

    def forward_forever(x, params):
        while True:
            pass

    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    start = time.perf_counter()
    result = run_check(checks.BACKWARD_OUTPUT, learner(forward=forward_forever, backward=backward_sum), ctx, 3)
    assert time.perf_counter() - start < 3
    assert "your forward did not finish within 0.5 s" in " ".join(result.notes)


def test_the_notebooks_nan_stand_in_for_the_hidden_layer_is_recognised() -> None:
    def hidden_stand_in(x, dz2, params, cache):  # the notebook's locked cell, until part 3 is written
        return np.nan, np.nan

    results = grade(learner(hidden_layer_gradients=hidden_stand_in))
    assert results["backward_output"].points == POINTS["backward_output"]
    assert results["backward_hidden"].points == 0
    assert "define your own `hidden_layer_gradients`" in render_part(results["backward_hidden"])


def test_explain_tells_a_forward_that_raised_from_one_that_hung_by_the_call_not_its_words() -> None:
    def forward_words(x, params):
        raise RuntimeError("did not finish writing this yet, your function says")

    result = run_check(checks.BACKWARD_OUTPUT, learner(forward=forward_words, backward=backward_sum), ctx_for(), 3)
    notes = " ".join(result.notes)
    assert "your forward raised RuntimeError: did not finish writing this yet, your function says" in notes, notes
