"""Checks for the gradient_descent exercise: g' of the course's quartic, and the iterates of descent.

The quartic g is this exercise's own setting in course.yaml (``assignments: - id: gradient_descent
... settings: {quartic: ...}``, validated by ``Settings``) and reaches the checks as
``ctx.settings["gradient_descent"]``, so a course with other coefficients grades its own g'. The cases on g are built from the context, and the
expected value of dg_dw and every mistake that needs g (dg_dw's, and the gradient_descent mistake that
calls the quartic's dg_dw instead of the ``grad`` passed in) are marked ``needs_context``, so the runner
hands them the check's context and they read the quartic from it (``on_course_quartic``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import Field, field_validator

from grader.checks.gpu import SIZE as GPU_SIZE, GpuCase
from grader.course.typed import Number, Strict
from grader.checks.figures import RIGHT, YOURS, call, curve_against_right, figure, numbers
from grader.learner.core.model import Case, Cases, Context, NeedsContext, check_declarer, needs_context
from grader.learner.core.mistakes import Mutates, WrongAnswer
from grader.learner.core.wire import Rebuilt
from grader.checks.numbers import scalar
from reference import gradient_descent as ref
from reference.gradient_descent import DEFAULT_QUARTIC, Quartic

ASSIGNMENT = "gradient_descent"
check = check_declarer(ASSIGNMENT)


# ---- this exercise's settings in course.yaml --------------------------------------------------------


class QuarticSettings(Strict):
    """g(w) = (c4 w**4 + c3 w**3 + c2 w**2 + c1 w + c0) / scale, coefficients highest power first."""

    coefficients: tuple[Number, Number, Number, Number, Number]
    scale: Annotated[Number, Field(gt=0)] = 1.0

    @field_validator("coefficients")
    @classmethod
    def _bounded_below(cls, c: tuple[float, ...]) -> tuple[float, ...]:
        if c[0] <= 0:
            raise ValueError(
                f"the w**4 coefficient (first) must be > 0 so that g has a minimum, got {c[0]}"
            )
        return c

    def quartic(self) -> Quartic:
        return Quartic(coefficients=self.coefficients, scale=self.scale)


class Settings(Strict):
    """``settings:`` of the gradient_descent entry in course.yaml."""

    quartic: QuarticSettings


def quartic_of(settings: Settings | None) -> Quartic:
    """The course's g from this exercise's settings; the reference default where there are none."""
    return settings.quartic.quartic() if settings is not None else DEFAULT_QUARTIC


def course_quartic(ctx: Context) -> Quartic:
    """The course's g; the reference default when the context carries none."""
    return quartic_of(ctx.settings.get(ASSIGNMENT))


def stated_formulas(settings: Settings | None) -> dict[str, Any]:
    """g(w) and g'(w) of the course's quartic as exact sympy expressions of w: ``dlcourse validate``
    checks every statement of them the notebooks and quizzes make (grader.validate.consistency)."""
    import sympy  # only validate needs it

    quartic = quartic_of(settings)
    w = sympy.Symbol("w")
    degree = len(quartic.coefficients) - 1
    g = sum(sympy.nsimplify(c) * w ** (degree - k) for k, c in enumerate(quartic.coefficients)) / sympy.nsimplify(quartic.scale)
    return {"g(w)": sympy.expand(g), "g'(w)": sympy.expand(sympy.diff(g, w))}


def public_settings(settings: Settings) -> dict[str, Any]:
    """What the notebook reads as ``exercise.settings()``: the quartic's coefficients and scale."""
    q = settings.quartic
    return {"quartic": {"coefficients": [float(c) for c in q.coefficients], "scale": float(q.scale)}}


def on_course_quartic(fn: Callable[..., Any]) -> NeedsContext:
    """``fn(q, *args)`` as a reference computation on the learner function's arguments, q the course's g."""
    return needs_context(lambda ctx, *args, **kwargs: fn(course_quartic(ctx), *args, **kwargs))


# ---- dg_dw -------------------------------------------------------------------------------------


def _minimiser(q: Quartic) -> float:
    """The real root of g' where g is smallest (near -1.52 for the course's default g)."""
    roots = [float(r.real) for r in np.roots(q.derivative_coefficients) if abs(r.imag) < 1e-9]
    return min(roots, key=lambda r: float(q.g(r)))


def _dg_fixed(ctx: Context) -> list[Case]:
    w_min = _minimiser(course_quartic(ctx))
    return [
        Case("the lecture's starting point w = 2.5", (2.5,)),
        Case("w = 0", (0.0,)),
        Case(f"the minimum of g, w = {w_min:.6g} (g' ≈ 0 there)", (np.float64(w_min),)),
        Case("a vector of w from -3 to 3", (np.linspace(-3.0, 3.0, 13),)),
        Case("a 2-D array of w", (np.array([[-2.5, -1.0, 0.5], [1.0, 2.0, 4.0]]),)),
        Case("integer w (an int array)", (np.array([-2, -1, 0, 1, 2, 3]),)),
    ]


def _dg_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 3))))
    return [Case(f"random w of shape {shape}", (rng.uniform(-4, 4, size=shape),))]


# dg_dw's expected value and mistakes, as functions of (q, w) with q the course's quartic.


def _dg(q: Quartic, w):
    return q.dg_dw(w)


def _dg_unscaled(q: Quartic, w):
    return q.dg_dw(w) * q.scale


def _dg_without_constant(q: Quartic, w):
    return q.dg_dw(w) - q.coefficients[3] / q.scale


def _dg_linear_term_kept(q: Quartic, w):
    """c w -> c w: the linear term copied into g' unchanged instead of becoming the constant c."""
    c = q.coefficients[3]
    return q.dg_dw(w) + c * (np.asarray(w, dtype=float) - 1.0) / q.scale


def _dg_only_constant_scaled(q: Quartic, w):
    """4 * w**3 - 6 * w + 5 / 16: without brackets only the last term is divided by the scale."""
    constant = q.derivative_coefficients[-1]
    return _dg_unscaled(q, w) - constant + constant / q.scale


def _dg_scaled_twice(q: Quartic, w):
    return q.dg_dw(w) / q.scale


def _dg_powers_not_lowered(q: Quartic, w):
    """c w**k -> k c w**k: the exponent brought down as a factor but not lowered by one."""
    return np.asarray(w, dtype=float) * q.dg_dw(w)


def _dg_quadratic_exponent_not_brought_down(q: Quartic, w):
    """c w**2 -> c w: the power lowered, but for this one term the exponent 2 not multiplied in."""
    return q.dg_dw(w) - q.coefficients[2] * np.asarray(w, dtype=float) / q.scale


def _dg_powers_only_lowered(q: Quartic, w):
    """c w**k -> c w**(k-1): each power lowered, but not brought down as a factor."""
    return Quartic((0.0, *q.coefficients[:4]), q.scale).g(w)


DG_DW = check(
    "dg_dw", ("w",), Cases(_dg_fixed, _dg_drawn), on_course_quartic(_dg),
    mistakes=(
        WrongAnswer(
            "the scale factor is missing",
            "g is divided by a constant (16 in the lecture's g(w) = (w**4 - 3 w**2 + 5 w) / 16), and so is its "
            "derivative: divide your polynomial by the same constant.",
            wrong=on_course_quartic(_dg_unscaled),
        ),
        WrongAnswer(
            "sign flipped",
            "your values are minus g'(w): differentiate term by term, d/dw (c w**k) = k c w**(k-1), keeping each sign.",
            wrong=on_course_quartic(lambda q, w: -q.dg_dw(w)),
        ),
        WrongAnswer(
            "the linear term's derivative is missing",
            "the term c w of g has derivative c (the 5 w of the lecture's g gives + 5); it does not vanish — "
            "only a constant term does.",
            wrong=on_course_quartic(_dg_without_constant),
        ),
        WrongAnswer(
            "exponents not brought down",
            "you lowered each power (w**4 -> w**3) but did not multiply by the old exponent: "
            "d/dw (c w**k) = k c w**(k-1), e.g. w**4 -> 4 w**3 and -3 w**2 -> -6 w.",
            wrong=on_course_quartic(_dg_powers_only_lowered),
        ),
        WrongAnswer(
            "returned g instead of its derivative",
            "your values are g(w) itself; dg_dw returns the derivative g'(w), term by term k c w**(k-1).",
            wrong=on_course_quartic(lambda q, w: q.g(w)),
        ),
        WrongAnswer(
            "the linear term not differentiated",
            "the derivative of the linear term c w is the constant c (5 w gives 5), not c w again: only the powers "
            "w**2 and above keep a w after differentiating.",
            wrong=on_course_quartic(_dg_linear_term_kept),
        ),
        WrongAnswer(
            "only the last term divided by the scale",
            "without brackets, 4 * w**3 - 6 * w + 5 / 16 divides only the 5 by 16 (division binds tighter than + "
            "and -). Put the whole polynomial in brackets: (4 * w**3 - 6 * w + 5) / 16.",
            wrong=on_course_quartic(_dg_only_constant_scaled),
        ),
        WrongAnswer(
            "divided by the scale twice",
            "your derivative is the right one divided by the scale constant (16 in the lecture's g) once more: "
            "g'(w) is the derivative of the polynomial divided by the constant once, e.g. (4 w**3 - 6 w + 5) / 16.",
            wrong=on_course_quartic(_dg_scaled_twice),
        ),
        WrongAnswer(
            "powers not lowered",
            "you multiplied each term by its exponent but kept the power (w**4 -> 4 w**4): the power rule also "
            "lowers it by one, d/dw (c w**k) = k c w**(k-1), so w**4 -> 4 w**3 and 5 w -> 5.",
            wrong=on_course_quartic(_dg_powers_not_lowered),
        ),
        WrongAnswer(
            "the w**2 term's exponent not brought down",
            "the w**4 term is right, but the w**2 term lost its factor 2: d/dw (c w**2) = 2 c w, so the -3 w**2 of "
            "the lecture's g gives -6 w, not -3 w. Multiply that term by its exponent too: "
            "(4 w**3 - 6 w + 5) / 16.",
            wrong=on_course_quartic(_dg_quadratic_exponent_not_brought_down),
        ),
    ),
)

# ---- gradient_descent ------------------------------------------------------------------------


def _polynomial(coefficients: Sequence[float]) -> Rebuilt:
    """p(w) with these coefficients (highest power first): crosses the sandbox wall as them."""
    return Rebuilt(ASSIGNMENT, "polynomial", {"coefficients": [float(c) for c in coefficients]})


def _quadratic_grad(A_: np.ndarray) -> Rebuilt:
    """grad of the bowl w @ A w / 2 for a symmetric positive definite A (sent to the sandbox as A)."""
    return Rebuilt(ASSIGNMENT, "linear_map", {"matrix": np.asarray(A_, dtype=float)})


def _gradient_of(q: Quartic) -> Rebuilt:
    """g' as a polynomial that crosses the sandbox wall as its coefficients."""
    return _polynomial([c / q.scale for c in q.derivative_coefficients])


def _tame_rate(q: Quartic, w_init: float, learning_rate: float, num_steps: int) -> float:
    """Halve the rate until the run on q stays bounded: a course's own g may be steeper than the default."""
    for _ in range(40):
        with np.errstate(all="ignore"):
            path = ref.gradient_descent(q.dg_dw, w_init, learning_rate, num_steps)
        if np.all(np.isfinite(path)) and float(np.max(np.abs(path))) <= 10 * max(1.0, abs(w_init)):
            break
        learning_rate /= 2
    return learning_rate


def _random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    M = rng.normal(size=(d, d))
    A_ = M @ M.T / d + np.eye(d)
    return A_ / np.linalg.eigvalsh(A_).max()


def _on_g(q: Quartic, label: str, w_init, learning_rate: float, num_steps: int) -> Case:
    """A run on the course's g, its learning rate tamed for that g."""
    lr = _tame_rate(q, float(w_init), learning_rate, num_steps)
    text = f"{label}: w_init = {w_init!r}, learning rate {lr:g}, {num_steps} steps"
    return Case(text, (_gradient_of(q), w_init, lr, num_steps))


#: A run whose steps shrink by 0.7 each: below 1e-12 long before its last step, so a learner who stops on a
#: tolerance (as library optimisers do) returns fewer iterates here, and only here. It is a parabola, not g:
#: ascent on g overflows within these many steps. With learning rate 1 every step equals the gradient, so
#: stopping on a small gradient and on a small step cut the run at the same iterate.
SETTLING_RUN = Case(
    "a long run that settles: grad(w) = 0.3 (w - 3), w_init = -1, learning rate 1, 90 steps "
    "(the last steps are tiny, yet every one is taken)",
    (_polynomial((0.3, -0.9)), -1.0, 1.0, 90),
)


def _gd_fixed(ctx: Context) -> list[Case]:
    q = course_quartic(ctx)
    bowl2 = np.array([[3.0, 1.0], [1.0, 2.0]])
    bowl3 = np.diag([1.0, 2.0, 4.0])
    return [
        _on_g(q, "the lecture's run on g", 2.5, 1.0, 4),
        _on_g(q, "a small learning rate on g", -0.5, 0.1, 10),
        _on_g(q, "num_steps = 0 (only w_init)", 1.0, 0.5, 0),
        _on_g(q, "an integer starting point on g", 2, 0.25, 3),
        Case(
            "a vector w_init = (1, -2) on the bowl grad(w) = A @ w, learning rate 0.1, 5 steps",
            (_quadratic_grad(bowl2), np.array([1.0, -2.0]), 0.1, 5),
        ),
        Case(
            "a vector w_init of length 3 with num_steps = 0",
            (_quadratic_grad(bowl3), np.array([0.5, -1.0, 2.0]), 0.2, 0),
        ),
        SETTLING_RUN,
    ]


def _gd_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    w0 = round(float(rng.uniform(-2.5, 2.5)), 3)
    lr, steps = round(float(rng.uniform(0.05, 0.3)), 3), int(rng.integers(3, 7))
    cases = [_on_g(course_quartic(ctx), "a random run on g", w0, lr, steps)]
    d = int(rng.integers(2, 5))
    steps = int(rng.integers(3, 8))
    lr = round(float(rng.uniform(0.1, 0.9)), 3)
    cases.append(
        Case(
            f"a random bowl in {d} dimensions, learning rate {lr:g}, {steps} steps",
            (_quadratic_grad(_random_spd(rng, d)), rng.normal(0, 2, d), lr, steps),
        )
    )
    return cases


def _ascent(grad, w_init, learning_rate, num_steps):
    return ref.gradient_descent(lambda w: -np.asarray(grad(w)), w_init, learning_rate, num_steps)


def _every_row_last(grad, w_init, learning_rate, num_steps):
    path = ref.gradient_descent(grad, w_init, learning_rate, num_steps)
    return np.broadcast_to(path[-1], path.shape).copy()


def _without_w_init(grad, w_init, learning_rate, num_steps):
    # as a list of the steps turned into an array: with no steps, np.array([]) has shape (0,)
    return np.array(list(ref.gradient_descent(grad, w_init, learning_rate, num_steps)[1:]))


def _one_step_short(grad, w_init, learning_rate, num_steps):
    return ref.gradient_descent(grad, w_init, learning_rate, int(num_steps) - 1)


def _one_step_too_many(grad, w_init, learning_rate, num_steps):
    return ref.gradient_descent(grad, w_init, learning_rate, int(num_steps) + 1)


def _gradient_at_w_init(grad, w_init, learning_rate, num_steps):
    first = np.asarray(grad(np.array(w_init, dtype=float)), dtype=float)
    return ref.gradient_descent(lambda w: first, w_init, learning_rate, num_steps)


def _w_never_updated(grad, w_init, learning_rate, num_steps):
    # every step computed from w_init again: w_1 repeated num_steps times
    n = int(num_steps)
    first = ref.gradient_descent(grad, w_init, learning_rate, min(n, 1))
    return np.concatenate([first[:1], np.repeat(first[1:], n, axis=0)])


def _learning_rate_ignored(grad, w_init, learning_rate, num_steps):
    return ref.gradient_descent(grad, w_init, 1.0, num_steps)


def _learning_rate_on_w(grad, w_init, learning_rate, num_steps):
    # w <- learning_rate * w - grad(w), i.e. w - 1 * ((1 - learning_rate) w + grad(w))
    return ref.gradient_descent(
        lambda w: (1.0 - learning_rate) * w + np.asarray(grad(w), dtype=float), w_init, 1.0, num_steps
    )


def _quartic_instead_of_grad(q: Quartic, grad, w_init, learning_rate, num_steps):
    return ref.gradient_descent(q.dg_dw, w_init, learning_rate, num_steps)


class NoEarlyStop(Exception):
    """The run never gets to a step small enough to stop on: the early stop changes nothing here."""


def _stopped_early(small: Callable[[np.ndarray, np.ndarray], bool], step_kept: bool):
    """The reference's iterates, cut at the first step from w to w_new that ``small(w, w_new)`` calls converged.

    ``step_kept``: that step's iterate is appended before the loop breaks; else the loop breaks before taking it.
    Where nothing is cut the value would be the right one, and a right value "explains" any case that failed for
    another reason (w_init changed in place, a warning): so there the mistake has no value (not computable) and
    names only learners whose failures are all runs it cuts.
    """

    def wrong(grad, w_init, learning_rate, num_steps):
        path = ref.gradient_descent(grad, w_init, learning_rate, num_steps)
        for k in range(len(path) - 1):
            end = k + 2 if step_kept else k + 1
            if small(path[k], path[k + 1]) and end < len(path):
                return path[:end]
        raise NoEarlyStop

    return wrong


def _step_below(tol: float) -> Callable[[np.ndarray, np.ndarray], bool]:
    # The norm is abs() for a number; only the settling run (a number) stops early, so how a vector's step
    # would be measured (norm, largest entry) never decides a case.
    return lambda w, w_new: bool(np.linalg.norm(np.asarray(w_new) - np.asarray(w)) < tol)


#: What learners stop on, as the mistake's name says it: each power of ten from 1e-3 down to
#: 1e-12 (each cuts the settling run at another iterate), and np.allclose(w_new, w).
_STOPPING_RULES = (
    *((f"a step below 1e-{k}", _step_below(10.0 ** -k)) for k in range(3, 13)),
    ("a step np.allclose calls zero", lambda w, w_new: bool(np.allclose(w_new, w))),
)

STOPPED_EARLY_HINT = (
    "stopping once the step (or the gradient) is smaller than a tolerance is how library optimisers such as "
    "scipy.optimize.minimize (its tol) decide they are done; this exercise's gradient_descent runs exactly "
    "num_steps steps, however small they become, and returns all num_steps + 1 iterates. Remove the early exit "
    "(the break, or the extra condition of the while loop)."
)

STOPPED_EARLY = tuple(
    WrongAnswer(
        f"stopped early on a tolerance ({'after' if kept else 'before'} {rule})",
        STOPPED_EARLY_HINT,
        wrong=_stopped_early(small, step_kept=kept),
    )
    for rule, small in _STOPPING_RULES
    for kept in (False, True)
)


GRADIENT_DESCENT = check(
    "gradient_descent", ("grad", "w_init", "learning_rate", "num_steps"), Cases(_gd_fixed, _gd_drawn),
    ref.gradient_descent,
    mistakes=(
        WrongAnswer(
            "ascent instead of descent",
            "you step along the gradient (w + learning_rate * grad(w)), which climbs g. Descent steps against it: "
            "w = w - learning_rate * grad(w).",
            wrong=_ascent,
        ),
        WrongAnswer(
            "w_init missing from the iterates",
            "the first row of the result is w_init itself, then one row per step: num_steps + 1 rows in all. "
            "Put w_init in the list before the loop.",
            wrong=_without_w_init,
        ),
        WrongAnswer(
            "only the final value returned",
            "return every iterate (w_init and the w after each step), stacked into an array with num_steps + 1 "
            "rows, not just the last w.",
            wrong=lambda grad, w_init, lr, n: ref.gradient_descent(grad, w_init, lr, n)[-1],
        ),
        WrongAnswer(
            "one iterate short",
            "num_steps steps after w_init make num_steps + 1 iterates; your last one is missing "
            "(check the size of your array and the range of your loop).",
            wrong=_one_step_short,
        ),
        WrongAnswer(
            "every row is the final iterate",
            "you stored the same array object at every step and then changed it in place (w -= ...), so every "
            "stored row shows the last value. Write w = w - learning_rate * grad(w) (a new array), or store w.copy().",
            wrong=_every_row_last,
        ),
        Mutates(
            "w_init changed in place",
            "the caller's w_init was overwritten: w = w_init does not copy an array, so w -= ... changes w_init too. "
            "Start from w = np.array(w_init, dtype=float) (a copy), or update with w = w - learning_rate * grad(w).",
            argument="w_init",
        ),
        WrongAnswer(
            "one iterate too many",
            "num_steps steps after w_init make num_steps + 1 iterates; you have one more (a loop over "
            "range(num_steps + 1) that appends after every step, or a <= in the loop condition).",
            wrong=_one_step_too_many,
        ),
        WrongAnswer(
            "the gradient at w_init used in every step",
            "every step moves by the same amount: grad is evaluated at w_init (or once, before the loop). "
            "Evaluate it at the current w inside the loop: w = w - learning_rate * grad(w).",
            wrong=_gradient_at_w_init,
        ),
        WrongAnswer(
            "w never updated",
            "every iterate after w_init is the same first step: each step starts from w_init again (w_new = w - ... "
            "without ever assigning it back to w). Update the current point itself: w = w - learning_rate * grad(w).",
            wrong=_w_never_updated,
        ),
        WrongAnswer(
            "learning rate not used",
            "your steps are w - grad(w), as if the learning rate were 1: multiply the gradient by it, "
            "w = w - learning_rate * grad(w).",
            wrong=_learning_rate_ignored,
        ),
        WrongAnswer(
            "learning rate multiplies w instead of the gradient",
            "you computed learning_rate * w - grad(w); the learning rate scales the step, not the point: "
            "w = w - learning_rate * grad(w).",
            wrong=_learning_rate_on_w,
        ),
        WrongAnswer(
            "dg_dw called instead of grad",
            "you called the quartic's dg_dw inside the loop, so every other function is minimised as if it were g. "
            "Use the function passed in as the argument grad: w = w - learning_rate * grad(w).",
            wrong=on_course_quartic(_quartic_instead_of_grad),
        ),
        *STOPPED_EARLY,
    ),
)

CHECKS = (DG_DW, GRADIENT_DESCENT)


# ---- GPU checks (grader.checks.gpu) and the learner's namespace ---------------------------------------------

GPU_CASES = (
    GpuCase("dg_dw", lambda xp, rng, n=GPU_SIZE: (xp.asarray(rng.uniform(-3, 3, n)),), on_course_quartic(lambda q, w: q.dg_dw(w))),
)


def reference_extras(course: Any) -> dict[str, Any]:
    """The notebook's set-up defines the course's g; the reference's dg_dw is the course's too."""
    quartic = quartic_of(course.settings_of(ASSIGNMENT))
    return {"g": quartic.g, "dg_dw": quartic.dg_dw}


# ---- quiz "compute" questions (grader.quiz.compute): on the course's quartic ---------------------------


def _compute_quartic(w: float, coefficients: Sequence[float], scale: float) -> float:
    """g(w) for the quartic with these coefficients (highest power first) and scale."""
    return scalar(Quartic(tuple(coefficients), scale).g(w))  # type: ignore[arg-type]


def _compute_quartic_derivative(w: float, coefficients: Sequence[float], scale: float) -> float:
    """dg/dw at w."""
    return scalar(Quartic(tuple(coefficients), scale).dg_dw(w))  # type: ignore[arg-type]


def _compute_gradient_descent_iterate(
    w_init: float,
    learning_rate: float,
    num_steps: int,
    coefficients: Sequence[float],
    scale: float,
) -> float:
    """w after ``num_steps`` steps of gradient descent on the quartic, starting at w_init."""
    g = Quartic(tuple(coefficients), scale)  # type: ignore[arg-type]
    iterates = ref.gradient_descent(g.dg_dw, float(w_init), learning_rate, int(num_steps))
    return scalar(iterates[-1])


COMPUTE = {
    "quartic": _compute_quartic,
    "quartic_derivative": _compute_quartic_derivative,
    "gradient_descent_iterate": _compute_gradient_descent_iterate,
}


def compute_settings(settings: Settings | None) -> dict[str, Any]:
    """The course's values of the compute functions' keyword arguments ``coefficients`` and ``scale``."""
    q = quartic_of(settings)
    return {"coefficients": [float(c) for c in q.coefficients], "scale": float(q.scale)}


#: The keyword arguments ``compute_settings`` gives (named in a quiz loaded outside its course).
COMPUTE_SETTINGS = ("coefficients", "scale")


# ---- feedback figures (grader.checks.figures): on the course's quartic -------------------------------

_W = np.linspace(-2.5, 2.5, 101)


def _dg_dw_curve(namespace, ctx):
    return curve_against_right(namespace, ctx, "dg_dw", _W, course_quartic(ctx).dg_dw(_W), "w")


def _descent_path(namespace, ctx):
    """The learner's iterates from the lecture's start next to the reference's, on g itself."""
    q = course_quartic(ctx)
    steps = 8
    yours = numbers(call(namespace, "gradient_descent", _gradient_of(q), 2.5, 1.0, steps, ctx=ctx)).ravel()
    right = np.asarray(ref.gradient_descent(q.dg_dw, 2.5, 1.0, steps), dtype=float).ravel()
    w = np.linspace(min(-2.5, np.nanmin(right)), max(3.0, np.nanmax(right)), 201)
    fig, ax = figure()
    ax.plot(w, q.g(w), color="#7f7f7f", lw=1.5, label="g(w)")
    ax.plot(right, q.g(right), color=RIGHT, marker="o", lw=3, alpha=0.5, label="the right iterates")
    shown = yours[np.isfinite(yours) & (np.abs(yours) < 10)]
    ax.plot(shown, q.g(shown), color=YOURS, marker="x", ls="--", lw=1.2, label="your iterates")
    ax.set(title=f"gradient_descent from w = 2.5, learning rate 1, {steps} steps", xlabel="w", ylabel="g(w)")
    ax.legend(loc="best")
    return fig


FEEDBACK_FIGURES = {"dg_dw": _dg_dw_curve, "gradient_descent": _descent_path}
