"""The dropout checks, beyond the contract every check meets (tests/test_check_contract.py):
differently written correct solutions score full points, each known mistake loses points in
exactly the parts it touches and is named, the statistical probes are tight enough to catch a
biased mask, and broken code never breaks grading."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from grader.exercises import dropout as checks
from grader.learner.core.mistakes import WrongAnswer
from grader.learner.core.model import Context, Status, with_context
from grader.learner.core.feedback import render_part
from check_support import ctx_for, grade_all, points_of

PARTS = ("dropout_forward", "dropout_inference", "dropout_backward")
POINTS = points_of("dropout")


def grade(namespace: dict, learner: str = "alice", ctx: Context | None = None, trusted: bool = False) -> dict:
    return grade_all("dropout", namespace, ctx or ctx_for(learner), trusted)


# ---- learners' code, written the way learners write it ---------------------------------------


def dropout_forward(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    keep = 1 - p_drop
    mask = rng.uniform(size=a.shape) < keep
    out = np.where(mask, a / keep, 0.0)
    return out, mask


def dropout_backward(dout, mask, p_drop):
    return np.where(mask, dout / (1 - p_drop), 0.0)


def dropout_forward_binomial(a, p_drop, rng, training=True):
    if p_drop < 0 or p_drop >= 1:
        raise ValueError(f"bad p_drop {p_drop}")
    if training:
        mask = rng.binomial(1, 1 - p_drop, size=a.shape).astype(bool)
        return a * mask * (1.0 / (1 - p_drop)), mask
    return a.copy(), None


def dropout_backward_multiply(dout, mask, p_drop):
    return dout * mask / (1 - p_drop)


def forward_not_inverted(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    mask = rng.random(a.shape) >= p_drop
    return a * mask, mask


def forward_scaled_by_p(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    mask = rng.random(a.shape) >= p_drop
    return a * mask / p_drop, mask


def forward_mask_true_dropped(a, p_drop, rng, training=True):
    """True marks the dropped units, and out keeps the True ones."""
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    mask = rng.random(a.shape) < p_drop
    return a * mask / (1 - p_drop), mask


def forward_mask_of_dropped_units(a, p_drop, rng, training=True):
    """out is right, but the returned mask marks the dropped units."""
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    dropped = rng.random(a.shape) < p_drop
    out = np.where(dropped, 0.0, a / (1 - p_drop))
    return out, dropped


def forward_drops_at_inference(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask


def forward_scales_at_inference(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a * (1 - p_drop), None
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask


def forward_global_random(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    mask = np.random.rand(*a.shape) < 1 - p_drop
    return a * mask / (1 - p_drop), mask


def forward_own_generator(a, p_drop, rng, training=True):
    if not 0 <= p_drop < 1:
        raise ValueError("p_drop must be in [0, 1)")
    if not training:
        return a, None
    mask = np.random.default_rng(0).random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask


def forward_unvalidated(a, p_drop, rng, training=True):
    if not training:
        return a, None
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask


def backward_unscaled(dout, mask, p_drop):
    return dout * mask


def backward_no_mask(dout, mask, p_drop):
    return dout / (1 - p_drop)


def backward_without_dout(dout, mask, p_drop):
    return mask / (1 - p_drop)


def backward_precedence(dout, mask, p_drop):
    return dout * mask / 1 - p_drop


def backward_in_place(dout, mask, p_drop):
    dout[~mask] = 0.0
    dout /= 1 - p_drop
    return dout


def learner(**overrides) -> dict:
    return {"dropout_forward": dropout_forward, "dropout_backward": dropout_backward, **overrides}


# ---- 2: correct code written differently scores full points --------------------------------------


@pytest.mark.parametrize(
    "namespace",
    [learner(), learner(dropout_forward=dropout_forward_binomial, dropout_backward=dropout_backward_multiply)],
    ids=["uniform < keep, np.where", "binomial mask, multiply"],
)
@pytest.mark.parametrize("who", ["alice", "bob", "erin"])
def test_correct_implementations_written_differently_score_full_marks(namespace: dict, who: str) -> None:
    results = grade(namespace, who)
    for part in PARTS:
        assert results[part].points == POINTS[part], render_part(results[part])


def test_grading_leaves_np_random_global_state_as_it_was() -> None:
    """The probe that reseeds np.random puts its state back (a learner's own np.random use aside)."""
    np.random.seed(1234)
    expected = np.random.rand(3)
    np.random.seed(1234)
    grade(learner())
    assert np.array_equal(np.random.rand(3), expected)


# ---- 3: every known mistake loses points exactly where it should, and is named ------------------

FORWARD, INFERENCE, BACKWARD = ("dropout_forward",), ("dropout_inference",), ("dropout_backward",)

MISTAKES = [
    ("not inverted: kept units equal a", learner(dropout_forward=forward_not_inverted), FORWARD),
    ("scaled by p_drop instead of 1 - p_drop", learner(dropout_forward=forward_scaled_by_p), FORWARD),
    ("mask meaning inverted", learner(dropout_forward=forward_mask_true_dropped), FORWARD),
    ("mask meaning inverted", learner(dropout_forward=forward_mask_of_dropped_units), FORWARD),
    ("ignoring rng", learner(dropout_forward=forward_global_random), FORWARD),
    ("ignoring rng", learner(dropout_forward=forward_own_generator), FORWARD),
    ("dropping at inference", learner(dropout_forward=forward_drops_at_inference), INFERENCE),
    ("scaled at inference", learner(dropout_forward=forward_scales_at_inference), INFERENCE),
    ("p_drop must be a probability in [0, 1)", learner(dropout_forward=forward_unvalidated), INFERENCE),
    ("backward without scaling", learner(dropout_backward=backward_unscaled), BACKWARD),
    ("mask not applied", learner(dropout_backward=backward_no_mask), BACKWARD),
    ("dout not used", learner(dropout_backward=backward_without_dout), BACKWARD),
    ("p_drop subtracted instead of divided by 1 - p_drop", learner(dropout_backward=backward_precedence), BACKWARD),
    ("dout changed in place", learner(dropout_backward=backward_in_place), BACKWARD),
]


@pytest.mark.parametrize(
    "name, namespace, touched",
    MISTAKES,
    ids=[next(f.__name__ for f in ns.values() if f not in (dropout_forward, dropout_backward)) for _, ns, _ in MISTAKES],
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


def test_ignoring_rng_is_caught_by_the_seed_probes_specifically() -> None:
    failed = {o.label for o in grade(learner(dropout_forward=forward_own_generator))["dropout_forward"].failures()}
    assert failed == {
        "generators with different seeds give different masks",
        "the mask is drawn from rng (its state advances)",
    }
    failed = {o.label for o in grade(learner(dropout_forward=forward_global_random))["dropout_forward"].failures()}
    assert failed == {
        "two generators with the same seed give the same mask",
        "the mask does not depend on np.random's global state",
        "the mask is drawn from rng (its state advances)",
    }


def test_a_mask_one_percent_short_of_the_keep_probability_fails_the_kept_fraction() -> None:
    def forward_biased(a, p_drop, rng, training=True):
        if not 0 <= p_drop < 1:
            raise ValueError("p_drop must be in [0, 1)")
        if not training:
            return a, None
        keep = 1 - p_drop
        mask = rng.random(a.shape) < keep - 0.01
        return a * mask / keep, mask

    result = grade(learner(dropout_forward=forward_biased))["dropout_forward"]
    failed = {o.label for o in result.failures()}
    for p in ("0", "0.2", "0.5", "0.8"):  # at p_drop = 0 the band is exact: nothing may be dropped
        assert f"kept fraction at p_drop = {p} (200,000 units)" in failed
    assert "the kept fraction should be" in render_part(result)


def test_the_backward_mistakes_are_diagnosed_from_the_cases() -> None:
    result = grade(learner(dropout_backward=backward_unscaled))["dropout_backward"]
    assert [m.name for m in result.diagnoses] == ["backward without scaling"]


def test_every_backward_mistake_differs_from_the_reference_on_some_fixed_case() -> None:
    check = checks.DROPOUT_BACKWARD
    ctx = ctx_for(randomized=False)
    cases = check.cases_for(ctx)
    expected = with_context(check.expected, ctx)
    with np.errstate(all="ignore"):
        for mistake in check.mistakes:
            if not isinstance(mistake, WrongAnswer):
                continue  # recognised by what the call does (a changed argument), not by a value
            wrong = with_context(mistake.wrong, ctx)
            assert any(not np.allclose(expected(*c.args), wrong(*c.args), equal_nan=True) for c in cases), mistake.name


# ---- 5: broken code: zero or partial, a specific message, never an exception -------------------------


def test_forward_raising_scores_zero_in_both_forward_parts_with_the_exception_named() -> None:
    def forward_broken(a, p_drop, rng, training=True):
        n, m = a.shape(0)
        return a, None

    results = grade(learner(dropout_forward=forward_broken))
    for part in ("dropout_forward", "dropout_inference"):
        assert results[part].points == 0
        assert "TypeError" in render_part(results[part])
    assert results["dropout_backward"].points == POINTS["dropout_backward"]


def test_hanging_forward_scores_zero_and_is_cut_off_quickly() -> None:
    def forward_forever(a, p_drop, rng, training=True):
        while True:
            pass

    ctx = dataclasses.replace(ctx_for(), timeout_s=0.5)
    start = time.perf_counter()
    results = grade(learner(dropout_forward=forward_forever), ctx=ctx)
    assert time.perf_counter() - start < 5  # one time-out per probe, not one per call
    for part in ("dropout_forward", "dropout_inference"):
        assert results[part].points == 0
        assert "did not finish within 0.5 s" in render_part(results[part])


def test_returning_only_out_gets_little_and_is_asked_for_the_pair() -> None:
    def forward_out_only(a, p_drop, rng, training=True):
        mask = rng.random(a.shape) >= p_drop
        return a * mask / (1 - p_drop)

    result = grade(learner(dropout_forward=forward_out_only))["dropout_forward"]
    assert result.points < 0.1 * POINTS["dropout_forward"]
    assert "expected the pair (out, mask)" in render_part(result)


def test_an_integer_mask_loses_only_the_mask_type_outcome() -> None:
    def forward_int_mask(a, p_drop, rng, training=True):
        if not 0 <= p_drop < 1:
            raise ValueError("p_drop must be in [0, 1)")
        if not training:
            return a, None
        mask = rng.binomial(1, 1 - p_drop, size=a.shape)
        return a * mask / (1 - p_drop), mask

    result = grade(learner(dropout_forward=forward_int_mask))["dropout_forward"]
    assert [o.label for o in result.failures()] == ["mask is a boolean array of a's shape"]
    assert 0 < result.points < POINTS["dropout_forward"]
    assert "it must be boolean" in render_part(result)


def test_a_flat_mask_is_told_its_shape() -> None:
    def forward_flat(a, p_drop, rng, training=True):
        if not 0 <= p_drop < 1:
            raise ValueError("p_drop must be in [0, 1)")
        if not training:
            return a, None
        mask = rng.random(a.size) >= p_drop
        return a * mask.reshape(a.shape) / (1 - p_drop), mask

    result = grade(learner(dropout_forward=forward_flat))["dropout_forward"]
    assert 0 <= result.points < POINTS["dropout_forward"]
    assert "mask has shape (24,); expected a's shape (2, 3, 4)" in render_part(result)


def test_a_list_instead_of_a_tuple_loses_only_that_outcome() -> None:
    def forward_list(a, p_drop, rng, training=True):
        out, mask = dropout_forward(a, p_drop, rng, training)
        return [out, mask]

    result = grade(learner(dropout_forward=forward_list))["dropout_forward"]
    assert [o.label for o in result.failures()] == ["returns a tuple (out, mask)"]
    assert "return a tuple" in render_part(result)


def test_changing_a_in_place_is_told() -> None:
    def forward_inplace(a, p_drop, rng, training=True):
        if not 0 <= p_drop < 1:
            raise ValueError("p_drop must be in [0, 1)")
        if not training:
            return a, None
        mask = rng.random(a.shape) >= p_drop
        a *= mask / (1 - p_drop)
        return a, mask

    result = grade(learner(dropout_forward=forward_inplace))["dropout_forward"]
    assert [o.label for o in result.failures()] == ["a is not changed in place"]
    assert "it changed `a` in place" in render_part(result)


def test_validation_raising_the_wrong_exception_is_told_which() -> None:
    def forward_assert(a, p_drop, rng, training=True):
        assert 0 <= p_drop < 1
        return dropout_forward(a, p_drop, rng, training)

    result = grade(learner(dropout_forward=forward_assert))["dropout_inference"]
    assert result.points == POINTS["dropout_inference"] / 2
    assert "raised AssertionError instead of ValueError" in render_part(result)


def test_validating_only_in_training_loses_the_inference_half_of_validation() -> None:
    def forward_late_check(a, p_drop, rng, training=True):
        if not training:
            return a, None
        return dropout_forward(a, p_drop, rng, training)

    result = grade(learner(dropout_forward=forward_late_check))["dropout_inference"]
    failed = {o.label for o in result.failures()}
    assert failed == {f"p_drop = {p} raises ValueError at inference" for p in ("1", "1.5", "-0.1")}
    assert "checked before looking at `training`" in render_part(result)


def test_backward_of_the_wrong_shape_scores_zero_with_the_shape_named() -> None:
    def backward_summed(dout, mask, p_drop):
        return np.sum(dout * mask / (1 - p_drop))

    result = grade(learner(dropout_backward=backward_summed))["dropout_backward"]
    assert result.points == 0
    assert "has shape ()" in render_part(result)


def test_a_mask_at_inference_with_out_right_is_told_to_return_none() -> None:
    def forward_mask_of_ones(a, p_drop, rng, training=True):
        if not 0 <= p_drop < 1:
            raise ValueError("p_drop must be in [0, 1)")
        if not training:
            return a, np.ones(a.shape, dtype=bool)
        return dropout_forward(a, p_drop, rng, training)

    result = grade(learner(dropout_forward=forward_mask_of_ones))["dropout_inference"]
    assert all(o.label.endswith("mask is None") for o in result.failures())
    assert "return None as the mask" in render_part(result)
    assert "dropping at inference" not in render_part(result)


def test_an_unwritten_forward_is_told_it_is_not_written_yet() -> None:
    def forward_todo(a, p_drop, rng, training=True):
        raise NotImplementedError()

    result = grade(learner(dropout_forward=forward_todo))["dropout_forward"]
    assert result.points == 0
    assert "`dropout_forward` is not written yet" in render_part(result)


def test_an_error_that_only_mentions_not_implemented_is_reported_as_raised() -> None:
    """Whether a probe-judged part is unwritten is decided on the call's kind, not on the words of an error."""

    def forward_words(a, p_drop, rng, training=True):
        raise RuntimeError("NotImplementedError is what my old version raised")

    results = grade(learner(dropout_forward=forward_words))
    for part in ("dropout_forward", "dropout_inference"):
        text = render_part(results[part])
        assert results[part].status is Status.GRADED and results[part].points == 0, text
        assert "not written yet" not in text and "it raised RuntimeError: NotImplementedError is what" in text, text


def test_an_unwritten_forward_is_judged_unwritten_in_both_of_its_parts() -> None:
    def forward_todo(a, p_drop, rng, training=True):
        raise NotImplementedError()

    results = grade(learner(dropout_forward=forward_todo))
    for part in ("dropout_forward", "dropout_inference"):
        assert results[part].status is Status.COULD_NOT_RUN and results[part].outcomes, part
        assert results[part].reason == "`dropout_forward` is not written yet (it still raises NotImplementedError)"
