"""The backprop checks: the reference and other correct solutions score full points, each known
mistake loses points in exactly the parts it touches and is named, the finite-difference
explanation tells forward and backward trouble apart, and broken code never breaks grading."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import reference.backprop as reference
from grader.checks import backprop as checks
from grader.checks import checks_of
from grader.learner.model import Context
from grader.checks.runner import run_check
from grader.learner.feedback import render_part
from check_support import ctx_for, grade_all, points_of
from reference.perceptron import sigmoid  # the notebook hands learners this sigmoid

PARTS = ("forward", "backward_output", "backward_hidden")
POINTS = points_of("backprop")


def grade(namespace: dict, learner: str = "alice", ctx: Context | None = None, trusted: bool = False) -> dict:
    return grade_all("backprop", namespace, ctx or ctx_for(learner), trusted)


# ---- learners' code, written the way learners write it ---------------------------------------


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
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    dw1 = np.sum(dz1 * x)
    db1 = np.sum(dz1)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


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
    grads = {"w1": 0.0, "b1": 0.0, "w2": 0.0, "b2": 0.0}
    for i in range(n):
        a1 = cache["a1"][i]
        d2 = (cache["yhat"][i] - y[i]) / n
        grads["w2"] += d2 * a1
        grads["b2"] += d2
        d1 = d2 * params["w2"] * a1 * (1 - a1)
        grads["w1"] += d1 * x[i]
        grads["b1"] += d1
    return grads


def backward_via_dyhat(x, y, params, cache):
    """Every link of the chain on its own: dJ/dyhat, then sigmoid'(z2), w2, sigmoid'(z1), x."""
    yhat, a1 = cache["yhat"], cache["a1"]
    dyhat = (yhat - y) / (yhat * (1 - yhat)) / len(y)
    dz2 = dyhat * yhat * (1 - yhat)
    da1 = dz2 * params["w2"]
    dz1 = da1 * sigmoid(cache["z1"]) * (1 - sigmoid(cache["z1"]))
    return {"w1": dz1 @ x, "b1": dz1.sum(), "w2": dz2 @ a1, "b2": dz2.sum()}


def backward_no_sigmoid_prime(x, y, params, cache):
    n = x.shape[0]
    dz2 = (cache["yhat"] - y) / n
    dz1 = dz2 * params["w2"]
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * cache["a1"]), "b2": np.sum(dz2)}


def backward_swapped(x, y, params, cache):
    n = x.shape[0]
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / n
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * a1), "b1": np.sum(dz1), "w2": np.sum(dz2 * x), "b2": np.sum(dz2)}


def backward_sum(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = cache["yhat"] - y
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def backward_sign(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (y - cache["yhat"]) / len(x)
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def backward_zero_bias(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": 0.0, "w2": np.sum(dz2 * a1), "b2": 0.0}


def backward_no_bias_keys(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "w2": np.sum(dz2 * a1)}


def backward_no_w2(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def backward_sigmoid_prime_of_a1(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * params["w2"] * sigmoid(a1) * (1 - sigmoid(a1))
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def backward_not_summed(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": dz1 * x, "b1": dz1, "w2": dz2 * a1, "b2": dz2}


def backward_mean_forgotten(x, y, params, cache):
    a1 = cache["a1"]
    dz2 = cache["yhat"] - y
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": dz1 * x, "b1": dz1, "w2": dz2 * a1, "b2": dz2}


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


def backward_tanh(x, y, params, cache):
    """Consistent with forward_tanh: tanh'(z1) = 1 - a1**2."""
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / len(x)
    dz1 = dz2 * params["w2"] * (1 - a1**2)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}


def learner(**overrides) -> dict:
    return {"sigmoid": sigmoid, "forward": forward, "backward": backward, **overrides}


# ---- 1, 2: correct code scores full points -------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "7f3a9c"])
def test_reference_scores_full_points_on_every_part(who: str) -> None:
    results = grade({**vars(reference), "sigmoid": sigmoid}, who, trusted=True)
    for part in PARTS:
        assert results[part].passed, render_part(results[part])
        assert results[part].points == POINTS[part]


@pytest.mark.parametrize(
    "namespace",
    [
        learner(),
        learner(forward=forward_loop, backward=backward_loop),
        learner(backward=backward_via_dyhat),
    ],
    ids=["vectorised", "loops and math.exp", "chain through dJ/dyhat"],
)
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_correct_implementations_written_differently_score_full_marks(namespace: dict, who: str) -> None:
    results = grade(namespace, who)
    for part in PARTS:
        assert results[part].points == POINTS[part], render_part(results[part])


# ---- 3: every known mistake loses points exactly where it should, and is named ------------------

BOTH = ("backward_output", "backward_hidden")
HIDDEN = ("backward_hidden",)

MISTAKES = [
    ("missing sigmoid'(z1)", learner(backward=backward_no_sigmoid_prime), HIDDEN),
    ("x and a1 swapped", learner(backward=backward_swapped), BOTH),
    ("sum instead of mean", learner(backward=backward_sum), BOTH),
    ("sign flipped", learner(backward=backward_sign), BOTH),
    ("missing bias gradients", learner(backward=backward_zero_bias), BOTH),
    ("missing bias gradients", learner(backward=backward_no_bias_keys), BOTH),
    ("w2 missing from the chain", learner(backward=backward_no_w2), HIDDEN),
    ("sigmoid' evaluated at a1 instead of z1", learner(backward=backward_sigmoid_prime_of_a1), HIDDEN),
    ("gradients not summed over the samples", learner(backward=backward_not_summed), BOTH),
    ("gradients not summed over the samples", learner(backward=backward_mean_forgotten), BOTH),
    ("no sigmoid on the output", learner(forward=forward_no_output_sigmoid), ("forward",)),
    ("z2 computed from z1 instead of a1", learner(forward=forward_z2_from_z1), ("forward",)),
    ("tanh instead of sigmoid in the hidden unit", learner(forward=forward_tanh), ("forward",)),
]


@pytest.mark.parametrize(
    "name, namespace, touched",
    MISTAKES,
    ids=[next(f.__name__ for f in ns.values() if f not in (sigmoid, forward, backward)) for _, ns, _ in MISTAKES],
)
def test_each_mistake_loses_points_in_exactly_its_parts_and_is_named(name, namespace, touched) -> None:
    results = grade(namespace, "dana")
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
            for case in check.cases(ctx):
                want, wrong = check.expected(*case.args), mistake.wrong(*case.args)
                differs |= any(
                    np.shape(want[k]) != np.shape(wrong[k]) or not np.allclose(want[k], wrong[k]) for k in keys
                )
            assert differs, f"{check.part}: {mistake.name}"


def test_missing_sigmoid_prime_passes_only_where_it_cannot_show() -> None:
    result = grade(learner(backward=backward_no_sigmoid_prime))["backward_hidden"]
    passed = {o.label for o in result.outcomes if o.passed}
    assert "w2 = 0 (no gradient reaches the hidden unit) [w1]" in passed
    assert not any(label.startswith("the lecture's network on four samples") for label in passed)


# ---- 4: the finite-difference explanation -----------------------------------------------------------


def notes(namespace: dict, part: str = "backward_hidden") -> str:
    result = grade(namespace)[part]
    assert not result.passed
    return " ".join(result.notes)


def test_explain_forward_wrong_but_backward_matches_own_forward() -> None:
    text = notes(learner(forward=forward_tanh, backward=backward_tanh))
    assert "your forward is wrong (see forward) but your backward matches your own forward" in text


def test_explain_backward_does_not_match_own_forward() -> None:
    text = notes(learner(backward=backward_no_sigmoid_prime))
    assert "your backward does not match finite differences of your own forward" in text
    assert "forward is wrong" not in text


def test_explain_both_differ_from_the_reference() -> None:
    text = notes(learner(forward=forward_tanh, backward=backward_no_sigmoid_prime))
    assert "both differ from the reference" in text


def test_explain_names_the_output_layer_gradients_for_the_output_part() -> None:
    text = notes(learner(backward=backward_sum), "backward_output")
    assert "dJ/dw2 and dJ/db2" in text and "does not match finite differences" in text


def test_explain_without_a_working_forward_falls_back_to_the_reference() -> None:
    def broken_forward(x, params):
        raise KeyError("W1")

    text = notes(learner(forward=broken_forward, backward=backward_sign))
    assert "could not be checked against your own forward" in text
    assert "KeyError" in text and "finite differences of the reference's forward" in text


def test_explain_is_silent_on_a_passing_part() -> None:
    result = grade(learner(backward=backward_no_sigmoid_prime))["backward_output"]
    assert result.passed and result.notes == []


# ---- 5: broken code: zero or partial, a specific message, never an exception -------------------------


def test_backward_raising_scores_zero_with_the_exception_named() -> None:
    def backward_typo(x, y, params, cache):
        return {"w1": cache["A1"]}

    results = grade(learner(backward=backward_typo))
    for part in BOTH:
        assert results[part].points == 0
        assert "KeyError: 'A1'" in render_part(results[part])
    assert results["forward"].points == POINTS["forward"]


def test_hanging_forward_is_cut_off_quickly_and_scores_zero() -> None:
    def forward_forever(x, params):
        while True:
            pass

    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    result = run_check(checks.FORWARD, learner(forward=forward_forever), ctx, POINTS["forward"])
    assert result.points == 0
    assert "did not finish within 0.5 s" in render_part(result)


def test_hanging_backward_scores_zero_and_the_explanation_does_not_hang_long() -> None:
    import time

    def backward_forever(x, y, params, cache):
        while True:
            pass

    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    start = time.perf_counter()
    result = run_check(checks.BACKWARD_HIDDEN, learner(backward=backward_forever), ctx, POINTS["backward_hidden"])
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
    for part in BOTH:
        assert results[part].points == 0
        assert "is list" in render_part(results[part]) and "expected a dict" in render_part(results[part])


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

    missing = grade({"sigmoid": sigmoid, "forward": forward})["backward_output"]
    assert missing.points == 0 and "no function named `backward`" in render_part(missing)
    todo = grade(learner(backward=backward_todo))["backward_hidden"]
    assert todo.points == 0 and "not written yet" in render_part(todo)


def test_the_reference_itself_is_refused_for_a_learner() -> None:
    result = grade(learner(backward=reference.backward))["backward_output"]
    assert result.points == 0 and "course's own" in render_part(result)


# ---- 6: cases depend on the learner, and only on the learner --------------------------------------


def same_cases(a, b) -> bool:
    def same(u, v) -> bool:
        if isinstance(u, dict):
            return isinstance(v, dict) and u.keys() == v.keys() and all(same(u[k], v[k]) for k in u)
        return np.shape(u) == np.shape(v) and bool(np.array_equal(u, v))

    return len(a) == len(b) and all(
        x.label == y.label and len(x.args) == len(y.args) and all(same(u, v) for u, v in zip(x.args, y.args))
        for x, y in zip(a, b)
    )


@pytest.mark.parametrize("check", checks.CHECKS, ids=lambda c: c.part)
def test_same_learner_same_cases_other_learner_other_cases(check) -> None:
    alice, again, bob = (check.cases(ctx_for(w)) for w in ("alice", "alice", "bob"))
    assert same_cases(alice, again)
    assert not same_cases(alice, bob)
    fixed_alice, fixed_bob = (check.cases(ctx_for(w, randomized=False)) for w in ("alice", "bob"))
    assert same_cases(fixed_alice, fixed_bob)
    assert len(fixed_alice) < len(alice)


def test_backward_cases_carry_the_reference_forward_cache() -> None:
    for check in (checks.BACKWARD_OUTPUT, checks.BACKWARD_HIDDEN):
        for case in check.cases(ctx_for()):
            x, _, params, cache = case.args
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
    def backward_part2_only(x, y, params, cache):
        g = backward(x, y, params, cache)
        return {**g, "w1": np.nan, "b1": np.nan}

    results = grade(learner(backward=backward_part2_only))
    assert results["backward_output"].points == POINTS["backward_output"]
    assert results["backward_hidden"].points == 0
    assert "define your own `hidden_layer_gradients`" in render_part(results["backward_hidden"])
