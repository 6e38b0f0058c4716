"""The gradient_descent checks, beyond the contract every check meets
(tests/test_check_contract.py): other correct forms score full points, every known mistake
written the way a learner would is named, broken code scores zero or partial with a specific
message, and dg_dw is judged against the course's own quartic."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import reference.gradient_descent as R
from grader.exercises import check_for
from grader.exercises import gradient_descent as gd_checks
from grader.learner.core.mistakes import Mutates
from grader.learner.core.model import Check, Context, PartResult
from grader.learner.core.feedback import render_part
from check_support import ctx_for as shared_ctx_for, learner_mistake_tests
from check_support import grade_part, points_of
from check_support import course
from grader.grading.context import context_for
from reference.gradient_descent import Quartic

A = "gradient_descent"
PARTS = ("dg_dw", "gradient_descent")
POINTS = points_of(A)
LEARNERS = ("ada", "grace", "s1234567")

#: Another course's g: (2 w**4 - w**3 + 0.5 w**2 - 4 w + 7) / 3.
OTHER = Quartic((2.0, -1.0, 0.5, -4.0, 7.0), 3.0)
#: A steep g on which the lecture's learning rate 1 would diverge.
STEEP = Quartic((4.0, 0.0, -3.0, 5.0, 0.0), 1.0)


def ctx_for(learner: str = "ada", randomized: bool = True, quartic: Quartic | None = None) -> Context:
    ctx = shared_ctx_for(learner, randomized)
    return ctx if quartic is None else dataclasses.replace(ctx, settings={**ctx.settings, A: settings_of(quartic)})


def settings_of(quartic: Quartic) -> gd_checks.Settings:
    """gradient_descent's settings in a course.yaml whose quartic is this one."""
    return gd_checks.Settings(quartic=gd_checks.QuarticSettings(coefficients=quartic.coefficients, scale=quartic.scale))


def check(part: str) -> Check:
    return check_for(A, part)


def grade(part: str, namespace: dict, ctx: Context | None = None, trusted: bool = False) -> PartResult:
    return grade_part(A, part, namespace, ctx or ctx_for(), trusted)


# ---- correct learners, written differently from the reference -------------------------------


def explicit_dg_dw(w):
    return (4 * w**3 - 6 * w + 5) / 16


def list_descent(grad, w_init, learning_rate, num_steps):
    w = w_init
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path, dtype=float)


def polyval_dg_dw(w):
    return np.polyval(np.polyder([1, 0, -3, 5, 0]), w) / 16


def preallocated_descent(grad, w_init, learning_rate, num_steps):
    w = np.asarray(w_init, dtype=float)
    out = np.empty((num_steps + 1,) + w.shape)
    out[0] = w
    for k in range(num_steps):
        out[k + 1] = out[k] - learning_rate * grad(out[k])
    return out


def expanded_dg_dw(w):
    w = np.asarray(w, dtype=float)
    return w * w * w / 4 - 3 * w / 8 + 5 / 16


def copy_then_inplace_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)  # a copy
    path = [w.copy()]
    for _ in range(num_steps):
        w -= learning_rate * grad(w)
        path.append(w.copy())
    return np.stack(path)


CORRECT = {
    "explicit + list": {"dg_dw": explicit_dg_dw, "gradient_descent": list_descent},
    "polyval + preallocated": {"dg_dw": polyval_dg_dw, "gradient_descent": preallocated_descent},
    "expanded + in place on a copy": {"dg_dw": expanded_dg_dw, "gradient_descent": copy_then_inplace_descent},
}
BASE = CORRECT["explicit + list"]


def quartic_learner(coefficients, scale):
    """A correct dg_dw for another course's quartic, as its learner would write it."""

    def dg_dw(w):
        return np.polyval(np.polyder(np.array(coefficients)), w) / scale

    return dg_dw


# ---- the checks as data -------------------------------------------------------------------------


def test_the_only_argument_a_mistake_changes_in_place_is_w_init() -> None:
    mutations = [m.argument for m in check("gradient_descent").mistakes if isinstance(m, Mutates)]
    assert mutations == ["w_init"] and "w_init" in check("gradient_descent").arg_names


def test_descent_cases_cover_scalar_vector_and_zero_steps() -> None:
    cases = check("gradient_descent").cases_for(ctx_for(randomized=False))
    assert any(np.ndim(c.args[1]) == 0 and c.args[3] == 0 for c in cases)
    assert any(isinstance(c.args[1], np.ndarray) and c.args[1].ndim == 1 and c.args[3] > 0 for c in cases)
    assert any(isinstance(c.args[1], np.ndarray) and c.args[3] == 0 for c in cases)
    assert any(isinstance(c.args[1], int) for c in cases)


def test_the_lecture_run_reaches_the_minimum_near_minus_1_52() -> None:
    case = check("gradient_descent").cases_for(ctx_for(randomized=False))[0]
    assert case.label.startswith("the lecture's run")
    grad, w_init, lr, steps = case.args
    assert (w_init, lr, steps) == (2.5, 1.0, 4)
    path = R.gradient_descent(grad, w_init, lr, steps)
    assert path.shape == (5,) and path[0] == 2.5
    assert path[-1] == pytest.approx(-1.52, abs=0.02)


# ---- 1. other correct forms score full points ----------------------------------------------------


@pytest.mark.parametrize("learner", LEARNERS)
@pytest.mark.parametrize("variant", CORRECT)
@pytest.mark.parametrize("part", PARTS)
def test_correct_alternatives_score_full_points(part: str, variant: str, learner: str) -> None:
    result = grade(part, CORRECT[variant], ctx_for(learner))
    assert result.passed, render_part(result)
    assert result.points == POINTS[part]


def test_a_list_of_iterates_is_accepted() -> None:
    def as_list(grad, w_init, learning_rate, num_steps):
        return list(list_descent(grad, w_init, learning_rate, num_steps))

    assert grade("gradient_descent", {"gradient_descent": as_list}).passed


# ---- 2. every mistake, written as a learner would ------------------------------------------------


def unscaled_dg_dw(w):
    return 4 * w**3 - 6 * w + 5


def flipped_dg_dw(w):
    return (-4 * w**3 + 6 * w - 5) / 16


def no_constant_dg_dw(w):
    return (4 * w**3 - 6 * w) / 16


def lowered_powers_dg_dw(w):
    return (w**3 - 3 * w + 5) / 16


def g_not_dg_dw(w):
    return (w**4 - 3 * w**2 + 5 * w) / 16


def ascent(grad, w_init, learning_rate, num_steps):
    w = w_init
    path = [w]
    for _ in range(num_steps):
        w = w + learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def without_w_init(grad, w_init, learning_rate, num_steps):
    w = w_init
    path = []
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def final_only(grad, w_init, learning_rate, num_steps):
    w = w_init
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
    return w


def one_short(grad, w_init, learning_rate, num_steps):
    path = [w_init]
    for i in range(num_steps - 1):
        path.append(path[i] - learning_rate * grad(path[i]))
    return np.array(path)


def aliased_rows(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w -= learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def mutating(grad, w_init, learning_rate, num_steps):
    w = w_init
    path = [np.copy(w)]
    for _ in range(num_steps):
        w -= learning_rate * grad(w)
        path.append(np.copy(w))
    return np.array(path)


def linear_kept_dg_dw(w):
    return (4 * w**3 - 6 * w + 5 * w) / 16


def precedence_dg_dw(w):
    return 4 * w**3 - 6 * w + 5 / 16


def scaled_twice_dg_dw(w):
    return (4 * w**3 - 6 * w + 5) / 16 / 16


def powers_kept_dg_dw(w):
    return (4 * w**4 - 6 * w**2 + 5 * w) / 16


def quadratic_exponent_dropped_dg_dw(w):
    return (4 * w**3 - 3 * w + 5) / 16


def one_too_many(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps + 1):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def frozen_gradient(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    g0 = grad(w)
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * g0
        path.append(w)
    return np.array(path)


def never_updated(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        path.append(w - learning_rate * grad(w))
    return np.array(path)


def no_learning_rate(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w = w - grad(w)
        path.append(w)
    return np.array(path)


def learning_rate_on_w(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w = learning_rate * w - grad(w)
        path.append(w)
    return np.array(path)


def quartic_not_grad(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * explicit_dg_dw(w)
        path.append(w)
    return np.array(path)


def stopping_early(tol: float | None, step_kept: bool):
    """A learner's loop that stops once a step is below ``tol`` (np.allclose(w_new, w) for None), as
    scipy.optimize would; the small step's iterate kept before the break, or the break coming first."""

    def gradient_descent(grad, w_init, learning_rate, num_steps):
        w = np.array(w_init, dtype=float)
        path = [w]
        for _ in range(num_steps):
            w_new = w - learning_rate * np.asarray(grad(w))
            small = np.allclose(w_new, w) if tol is None else np.linalg.norm(w_new - w) < tol
            if small and not step_kept:
                break
            path.append(w_new)
            w = w_new
            if small:
                break
        return np.array(path)

    gradient_descent.__name__ = f"stopping_{'after' if step_kept else 'before'}_{tol or 'allclose'}"
    return gradient_descent


def stopping_rule(tol: float | None) -> str:
    return "a step np.allclose calls zero" if tol is None else f"a step below 1e-{round(-np.log10(tol))}"


STOPPING_EARLY = [
    ("gradient_descent", stopping_early(tol, kept), f"stopped early on a tolerance ({'after' if kept else 'before'} "
     f"{stopping_rule(tol)})")
    for tol in (*(10.0 ** -k for k in range(3, 13)), None)
    for kept in (False, True)
]


MISTAKES = [
    ("dg_dw", unscaled_dg_dw, "the scale factor is missing"),
    ("dg_dw", flipped_dg_dw, "sign flipped"),
    ("dg_dw", no_constant_dg_dw, "the linear term's derivative is missing"),
    ("dg_dw", lowered_powers_dg_dw, "exponents not brought down"),
    ("dg_dw", g_not_dg_dw, "returned g instead of its derivative"),
    ("dg_dw", linear_kept_dg_dw, "the linear term not differentiated"),
    ("dg_dw", precedence_dg_dw, "only the last term divided by the scale"),
    ("dg_dw", scaled_twice_dg_dw, "divided by the scale twice"),
    ("dg_dw", powers_kept_dg_dw, "powers not lowered"),
    ("dg_dw", quadratic_exponent_dropped_dg_dw, "the w**2 term's exponent not brought down"),
    ("gradient_descent", ascent, "ascent instead of descent"),
    ("gradient_descent", without_w_init, "w_init missing from the iterates"),
    ("gradient_descent", final_only, "only the final value returned"),
    ("gradient_descent", one_short, "one iterate short"),
    ("gradient_descent", aliased_rows, "every row is the final iterate"),
    ("gradient_descent", mutating, "w_init changed in place"),
    ("gradient_descent", one_too_many, "one iterate too many"),
    ("gradient_descent", frozen_gradient, "the gradient at w_init used in every step"),
    ("gradient_descent", never_updated, "w never updated"),
    ("gradient_descent", no_learning_rate, "learning rate not used"),
    ("gradient_descent", learning_rate_on_w, "learning rate multiplies w instead of the gradient"),
    ("gradient_descent", quartic_not_grad, "dg_dw called instead of grad"),
    *STOPPING_EARLY,
]


test_every_mistake_of_every_check_has_a_learner_style_test, test_learner_mistake_loses_points_and_is_named = (
    learner_mistake_tests(A, MISTAKES, BASE))


def test_mutating_w_init_fails_exactly_the_vector_runs_that_take_steps() -> None:
    ctx = ctx_for()
    result = grade("gradient_descent", {"gradient_descent": mutating}, ctx)
    expected_failures = [
        c.label for c in check("gradient_descent").cases_for(ctx) if isinstance(c.args[1], np.ndarray) and c.args[3] > 0
    ]
    assert len(expected_failures) >= 2
    assert [o.label for o in result.failures()] == expected_failures
    assert all(o.problem.startswith("it changed `w_init` in place") for o in result.failures())


@pytest.mark.parametrize("learner", LEARNERS)
@pytest.mark.parametrize("part, stopping, name", STOPPING_EARLY, ids=[f.__name__ for _, f, _ in STOPPING_EARLY])
def test_stopping_on_a_tolerance_costs_only_the_run_that_settles(part, stopping, name, learner: str) -> None:
    result = grade("gradient_descent", {"gradient_descent": stopping}, ctx_for(learner))
    assert [o.label for o in result.failures()] == [gd_checks.SETTLING_RUN.label]
    assert [m.name for m in result.diagnoses] == [name]
    text = render_part(result)
    assert "scipy.optimize.minimize" in text and "runs exactly num_steps steps" in text


def test_ascent_stays_finite_on_the_fixed_cases() -> None:
    # so that ascent is told by its values, not drowned in overflow warnings
    result = grade("gradient_descent", {"gradient_descent": ascent}, ctx_for())
    assert not any("warning" in o.problem for o in result.failures())


# ---- 3. broken code: zero or partial, never an exception, a specific message ---------------------


def raising(*args):
    raise IndexError("index 5 is out of bounds for axis 0 with size 5")


def hanging(*args):
    while True:
        pass


def text_result(*args):
    return "done"


def no_return(*args):
    pass


@pytest.mark.parametrize(
    "broken, expected_text",
    [
        (raising, "it raised IndexError: index 5 is out of bounds"),
        (text_result, "is text ('done')"),
        (no_return, "is None: did the function forget to `return` its result?"),
    ],
)
@pytest.mark.parametrize("part", PARTS)
def test_broken_results_score_zero_with_a_specific_message(part: str, broken, expected_text: str) -> None:
    result = grade(part, {part: broken}, ctx_for())
    assert result.points == 0
    assert result.failures() and all(expected_text in o.problem for o in result.failures())
    assert expected_text in render_part(result)


@pytest.mark.parametrize("part", PARTS)
def test_a_hang_is_stopped_and_scores_zero(part: str) -> None:
    result = grade(part, {part: hanging}, dataclasses.replace(ctx_for(), timeout_s=0.5))
    assert result.points == 0
    assert "did not finish within 0.5 s" in result.outcomes[0].problem
    # The cases not tried after the time-out still count, as failed: hanging never shrinks the test.
    assert all(o.problem == "not tried after the time limit was hit" for o in result.outcomes[1:])
    assert "remaining cases were not tried after the time limit was hit; they count as failed" in render_part(result)


def test_transposed_iterates_lose_only_the_vector_runs() -> None:
    def transposed(grad, w_init, learning_rate, num_steps):
        return list_descent(grad, w_init, learning_rate, num_steps).T

    ctx = ctx_for()
    result = grade("gradient_descent", {"gradient_descent": transposed}, ctx)
    failures = result.failures()
    assert {o.label for o in failures} == {
        c.label for c in check("gradient_descent").cases_for(ctx) if isinstance(c.args[1], np.ndarray)
    }
    assert all("has shape (" in o.problem and "; expected shape (" in o.problem for o in failures)
    assert 0 < result.points < POINTS["gradient_descent"]


def test_a_scalar_only_dg_dw_fails_the_arrays_with_its_error() -> None:
    import math

    def scalar_only(w):
        return (4 * math.pow(w, 3) - 6 * w + 5) / 16

    ctx = ctx_for()
    result = grade("dg_dw", {"dg_dw": scalar_only}, ctx)
    assert {o.label for o in result.failures()} == {c.label for c in check("dg_dw").cases_for(ctx) if np.ndim(c.args[0]) > 0}
    assert all("it raised TypeError" in o.problem for o in result.failures())
    assert 0 < result.points < POINTS["dg_dw"]


def test_a_list_from_dg_dw_for_an_array_is_judged_by_value_and_shape() -> None:
    def per_element(w):
        return [explicit_dg_dw(v) for v in np.ravel(w)]

    ctx = ctx_for()
    result = grade("dg_dw", {"dg_dw": per_element}, ctx)
    problems = {o.label: o.problem for o in result.failures()}
    assert "has shape (6,); expected shape (2, 3)" in problems["a 2-D array of w"]
    assert "a single number was expected" in problems["the lecture's starting point w = 2.5"]
    assert "a vector of w from -3 to 3" not in problems


# ---- 4. the same learner, the same verdict -------------------------------------------------------


# ---- 5. the course's own quartic -----------------------------------------------------------------


def test_dg_dw_is_graded_against_the_quartic_in_the_context() -> None:
    other = quartic_learner(OTHER.coefficients, OTHER.scale)
    assert grade("dg_dw", {"dg_dw": other}, ctx_for(quartic=OTHER)).points == POINTS["dg_dw"]
    # the very same code is wrong for the default course, and the default's answer is wrong for the other
    assert grade("dg_dw", {"dg_dw": other}, ctx_for()).points < POINTS["dg_dw"]
    assert grade("dg_dw", {"dg_dw": explicit_dg_dw}, ctx_for(quartic=OTHER)).points < POINTS["dg_dw"]
    assert not grade("dg_dw", vars(R), ctx_for(quartic=OTHER), trusted=True).passed
    assert grade("dg_dw", {"dg_dw": OTHER.dg_dw}, ctx_for(quartic=OTHER), trusted=True).passed


def test_a_course_yaml_with_another_quartic_reaches_the_check() -> None:
    changed = course().model_copy()
    changed._settings = {**changed._settings, A: settings_of(OTHER)}
    ctx = context_for(changed, learner="ada", randomized=True)
    other = quartic_learner(OTHER.coefficients, OTHER.scale)
    assert grade("dg_dw", {"dg_dw": other}, ctx).passed
    assert not grade("dg_dw", {"dg_dw": explicit_dg_dw}, ctx).passed


def test_mistakes_are_computed_from_the_quartic_in_the_context() -> None:
    def other_unscaled(w):
        return np.polyval(np.polyder(np.array(OTHER.coefficients)), w)

    result = grade("dg_dw", {"dg_dw": other_unscaled}, ctx_for(quartic=OTHER))
    assert [m.name for m in result.diagnoses] == ["the scale factor is missing"]


def test_the_quartic_of_one_run_does_not_leak_into_the_next() -> None:
    other = quartic_learner(OTHER.coefficients, OTHER.scale)
    for _ in range(2):
        assert grade("dg_dw", {"dg_dw": other}, ctx_for(quartic=OTHER)).passed
        assert grade("dg_dw", {"dg_dw": explicit_dg_dw}, ctx_for()).passed
        assert grade("dg_dw", {"dg_dw": no_constant_dg_dw}, ctx_for()).diagnoses[0].name == (
            "the linear term's derivative is missing"
        )


def test_the_minimum_case_follows_the_quartic() -> None:
    for q in (R.DEFAULT_QUARTIC, OTHER, STEEP):
        case = next(c for c in check("dg_dw").cases_for(ctx_for(quartic=q)) if c.label.startswith("the minimum of g"))
        assert abs(float(q.dg_dw(case.args[0]))) < 1e-12


@pytest.mark.parametrize("quartic", [OTHER, STEEP], ids=["other", "steep"])
def test_descent_on_another_quartic_uses_its_gradient_and_stays_finite(quartic: Quartic) -> None:
    ctx = ctx_for(quartic=quartic)
    cases = [
        c for c in check("gradient_descent").cases_for(ctx)
        if np.ndim(c.args[1]) == 0 and c.label != gd_checks.SETTLING_RUN.label  # the one run on a parabola
    ]
    for c in cases:
        assert np.isclose(c.args[0](1.25), quartic.dg_dw(1.25), rtol=1e-14)
        with np.errstate(all="raise"):
            path = R.gradient_descent(*c.args)
        assert np.all(np.isfinite(path)) and np.max(np.abs(path)) <= 10 * max(1, abs(c.args[1]))
    result = grade("gradient_descent", {**vars(R)}, ctx, trusted=True)
    assert result.passed, render_part(result)
    assert grade("gradient_descent", {"gradient_descent": list_descent}, ctx).passed
    assert grade("gradient_descent", {"gradient_descent": ascent}, ctx).diagnoses[0].name == "ascent instead of descent"


def test_the_steep_quartic_gets_a_smaller_lecture_learning_rate() -> None:
    lecture = check("gradient_descent").cases_for(ctx_for(quartic=STEEP))[0]
    assert lecture.args[2] < 1.0
    assert f"learning rate {lecture.args[2]:g}" in lecture.label
