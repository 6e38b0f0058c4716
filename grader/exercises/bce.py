"""Checks for the bce exercise: binary cross-entropy, its gradient, its logits form, and MSE."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from grader.checks.gpu import SIZE as GPU_SIZE, GpuCase
from grader.checks.figures import RIGHT, YOURS, call, figure, numbers
from grader.learner.core.model import Case, Cases, Context, check_declarer
from grader.learner.core.mistakes import Warns, WrongAnswer
from grader.checks.numbers import scalar
from reference import bce as ref
from reference.perceptron import relu as _relu
from reference.perceptron import sigmoid as _sigmoid

ASSIGNMENT = "bce"
check = check_declarer(ASSIGNMENT)

#: p exactly 0 or 1 is clipped to [1e-12, 1 - 1e-12]. Clipping p, or clipping 1 - p separately
#: (np.maximum(1 - p, eps)), or adding eps inside the log are all correct, yet 1 - (1 - 1e-12) is
#: 1.0000889e-12 in floating point: they differ by up to ~1e-4 relative there, so those cases
#: are judged with rtol 1e-3 (mistakes are all off by far more than that).
AT_THE_CLIP = 1e3

LECTURE_Y = np.array([1.0, 0.0, 1.0, 0.0])
LECTURE_P = np.array([0.9, 0.2, 0.6, 0.7])


def _n(p) -> int:
    return max(1, int(np.size(p)))


def _clipped(p):
    return np.clip(np.asarray(p, dtype=float), ref.EPS, 1.0 - ref.EPS)


def _logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


# ---- bce_loss ------------------------------------------------------------------------------


def _loss_fixed(part: str) -> tuple[Case, ...]:
    """The fixed cases bce_loss and bce_grad share: (y, p) pairs."""
    value = "loss ln 2" if part == "bce_loss" else "gradient -2"
    return (
        Case(f"the lecture's p = 0.5 for y = 1 ({value})", (np.array([1.0]), np.array([0.5]))),
        Case("p = 0.5 for both labels", (np.array([0.0, 1.0]), np.array([0.5, 0.5]))),
        Case("four predictions y = (1, 0, 1, 0), p = (0.9, 0.2, 0.6, 0.7)", (LECTURE_Y, LECTURE_P)),
        Case(
            "integer labels y (an int array)",
            (np.array([1, 0, 0, 1, 1]), np.array([0.8, 0.3, 0.1, 0.45, 0.99])),
        ),
        Case("a single sample (n = 1) with y = 0", (np.array([0.0]), np.array([0.3]))),
        Case(
            "a column vector of shape (5, 1)",
            (np.array([[1.0], [0.0], [1.0], [1.0], [0.0]]), np.array([[0.7], [0.4], [0.95], [0.2], [0.05]])),
        ),
        Case(
            "perfect predictions, p exactly 0 and 1 (p is clipped to [1e-12, 1 - 1e-12])",
            (np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.0])),
            tolerance_factor=AT_THE_CLIP,
        ),
        Case(
            "confidently wrong predictions, p exactly 1 - y (p is clipped to [1e-12, 1 - 1e-12])",
            (np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 0.0, 1.0])),
            tolerance_factor=AT_THE_CLIP,
        ),
    )


def _loss_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    """The drawn cases bce_loss and bce_grad share (each from its own part's stream)."""
    n = int(rng.integers(5, 20))
    cases = [Case(f"random labels and probabilities (n = {n})", (rng.integers(0, 2, n), rng.uniform(0.01, 0.99, n)))]
    # Close to 0 and 1, yet far enough from the clip (>= 1e-5) that log(p + eps) also passes.
    m = int(rng.integers(4, 10))
    close = 10.0 ** -rng.uniform(2, 5, m)
    p = np.where(rng.uniform(size=m) < 0.5, close, 1.0 - close)
    cases.append(Case(f"random p close to 0 or 1 (n = {m})", (rng.integers(0, 2, m), p)))
    return cases


def _loss_log_base(base: float):
    return lambda y, p: ref.bce_loss(y, p) / math.log(base)


def _loss_positive_term_only(y, p):
    return np.mean(-np.asarray(y, dtype=float) * np.log(_clipped(p)))


@dataclass(frozen=True)
class ClipConvention:
    """A clip constant that is another library's convention, not the lesson's EPS."""

    eps: float
    #: How the constant is written in the mistake's name (machine epsilon is no round number).
    written: str
    #: Whose convention it is, as the name says it.
    whose: str
    #: Where exactly it comes from, as the hint says it.
    source: str


#: Learners bring these from code they have seen. Each only changes results where p is within eps of
#: 0 or 1, which among the cases means p exactly 0 or 1: a learner using one loses those cases alone.
CLIP_CONVENTIONS = (
    ClipConvention(1e-7, "1e-7", "Keras' epsilon", "1e-7 is Keras' epsilon (keras.backend.epsilon())"),
    ClipConvention(
        1e-15, "1e-15", "scikit-learn's log_loss", "1e-15 is the eps of scikit-learn's log_loss before version 1.2",
    ),
    ClipConvention(
        float(np.finfo(float).eps), "2.2e-16", "scikit-learn's log_loss",
        "2.2e-16 (np.finfo(float).eps) is the eps of scikit-learn's log_loss since version 1.2 (eps='auto')",
    ),
)


def _clip_name(convention: ClipConvention) -> str:
    return f"p clipped at {convention.written} ({convention.whose}), not the course's {ref.EPS:g}"


def _loss_of_clipped(y, p):
    """The reference's loss on a p the caller has clipped already."""
    return np.mean(-(np.asarray(y, dtype=float) * np.log(p) + (1.0 - np.asarray(y, dtype=float)) * np.log(1.0 - p)))


def _grad_of_clipped(y, p):
    """The reference's gradient on a p the caller has clipped already."""
    return (p - np.asarray(y, dtype=float)) / (p * (1.0 - p)) / _n(p)


class ClipChangesNothing(Exception):
    """No p of the case lies where the two clips differ."""


def _clipped_at(eps: float, of_clipped):
    """The loss or gradient with p clipped to [eps, 1 - eps] instead of [EPS, 1 - EPS].

    Not the reference on a pre-clipped p: the reference clips again at EPS, which would undo any eps below it.
    Where both clips leave p alike the value would be the right one, and a right value "explains" any case that
    failed for another reason (a warning, p changed in place): so there the mistake has no value (not computable).
    """

    def wrong(y, p):
        p = np.asarray(p, dtype=float)
        clipped = np.clip(p, eps, 1.0 - eps)
        if np.array_equal(clipped, np.clip(p, ref.EPS, 1.0 - ref.EPS)):
            raise ClipChangesNothing
        return of_clipped(y, clipped)

    return wrong


def _per_sample(fn):
    """``fn`` applied to every entry on its own: the losses of the samples, before the mean."""

    def wrong(y, second):
        y, second = np.broadcast_arrays(np.asarray(y), np.asarray(second, dtype=float))
        return np.vectorize(fn, otypes=[float])(y, second)

    return wrong


def _mean_over_axis_0(fn):
    """``fn`` (a mean over every entry) as np.mean(..., axis=0) computes it: one mean per column."""

    def wrong(y, second):
        y, second = np.broadcast_arrays(np.asarray(y), np.asarray(second, dtype=float))
        if second.ndim < 2:
            return fn(y, second)
        per_column = np.vectorize(fn, signature="(n),(n)->()", otypes=[float])
        return per_column(np.moveaxis(y, 0, -1), np.moveaxis(second, 0, -1))

    return wrong


AXIS_0_HINT = (
    "np.mean(..., axis=0) averages each column on its own, so for 2-D input (a column vector of shape (n, 1) "
    "too) you return an array instead of one number. The loss is the mean over every entry: np.mean(...) "
    "with no axis."
)


def _loss_minus_on_first_term_only(y, p):
    # -y log p + (1 - y) log(1 - p): the (1 - y) term keeps the sign it had inside the brackets
    positive = _loss_positive_term_only(y, p)
    return positive - (ref.bce_loss(y, p) - positive)


NO_CLIPPING_LOSS = Warns(
    "p not clipped",
    "np.log(0) is -inf, so p = 0 or p = 1 gives inf or NaN (0 * -inf). "
    "Clip first: p = np.clip(p, 1e-12, 1 - 1e-12), then take the logs.",
    warning="divide by zero",
)

BCE_LOSS = check(
    "bce_loss", ("y", "p"), Cases(_loss_fixed("bce_loss"), _loss_drawn), ref.bce_loss,
    mistakes=(
        NO_CLIPPING_LOSS,
        WrongAnswer(
            "log base 2",
            "your loss is the right one divided by ln 2: np.log2 gives bits. The loss uses the natural log, np.log.",
            wrong=_loss_log_base(2.0),
        ),
        WrongAnswer(
            "log base 10",
            "your loss is the right one divided by ln 10: np.log10 is the base-10 log. Use the natural log, np.log.",
            wrong=_loss_log_base(10.0),
        ),
        WrongAnswer(
            "sum instead of mean",
            "you added the losses of the samples; the loss is their mean (np.mean, or divide the sum by the number of samples).",
            wrong=lambda y, p: ref.bce_loss(y, p) * _n(p),
        ),
        WrongAnswer(
            "the (1 - y) log(1 - p) term is missing",
            "samples with y = 0 contribute nothing in your loss: add (1 - y) * log(1 - p), "
            "so the loss is -(y log p + (1 - y) log(1 - p)).",
            wrong=_loss_positive_term_only,
        ),
        WrongAnswer(
            "minus sign missing",
            "your loss is negative: log p <= 0, so the loss is minus the mean of y log p + (1 - y) log(1 - p).",
            wrong=lambda y, p: -ref.bce_loss(y, p),
        ),
        WrongAnswer(
            "minus sign only on the first term",
            "-y * log(p) + (1 - y) * log(1 - p) negates only the first term, so samples with y = 0 lower the loss. "
            "The minus applies to the whole bracket: -(y * log(p) + (1 - y) * log(1 - p)).",
            wrong=_loss_minus_on_first_term_only,
        ),
        *(
            WrongAnswer(
                _clip_name(c),
                f"{c.source}, a convention of that library; this course's choice is EPS = {ref.EPS:g} (the notebook's "
                "EPS): clip with np.clip(p, EPS, 1 - EPS). The constant only matters where p is 0 or 1: a confidently "
                f"wrong sample costs -ln({c.written}) = {-math.log(c.eps):.1f} with yours instead of "
                f"-ln({ref.EPS:g}) = {-math.log(ref.EPS):.1f}.",
                wrong=_clipped_at(c.eps, _loss_of_clipped),
            )
            for c in CLIP_CONVENTIONS
        ),
        WrongAnswer(
            "per-sample losses returned (no mean)",
            "you returned one loss per sample; bce_loss returns a single number, their mean: wrap the per-sample "
            "losses in np.mean(...).",
            wrong=_per_sample(ref.bce_loss),
        ),
        WrongAnswer("mean over axis 0 only", AXIS_0_HINT, wrong=_mean_over_axis_0(ref.bce_loss)),
    ),
)

# ---- bce_grad ------------------------------------------------------------------------------


def _grad_wrt_logit(y, p):
    return (_clipped(p) - np.asarray(y, dtype=float)) / _n(p)


def _grad_positive_term_only(y, p):
    return -np.asarray(y, dtype=float) / _clipped(p) / _n(p)


def _grad_second_term_sign_flipped(y, p):
    # -y/p - (1 - y)/(1 - p): the minus of d/dp log(1 - p) = -1/(1 - p) was lost
    positive = _grad_positive_term_only(y, p)
    return positive - (ref.bce_grad(y, p) - positive)


BCE_GRAD = check(
    "bce_grad", ("y", "p"), Cases(_loss_fixed("bce_grad"), _loss_drawn), ref.bce_grad,
    mistakes=(
        Warns(
            "p not clipped",
            "dividing by p or by 1 - p gives inf or NaN at p = 0 or p = 1. "
            "Clip first: p = np.clip(p, 1e-12, 1 - 1e-12), then divide.",
            warning="divide by zero",
        ),
        WrongAnswer(
            "gradient sign flipped",
            "the derivative of the loss is (p - y) / (p (1 - p)) / n: it is positive when p > y "
            "(raising p raises the loss). You have (y - p), or dropped the minus of the loss.",
            wrong=lambda y, p: -ref.bce_grad(y, p),
        ),
        WrongAnswer(
            "forgot 1/n",
            "the loss is a mean over the n samples, so each entry of its gradient is divided by n = p.size: "
            "(p - y) / (p (1 - p)) / n.",
            wrong=lambda y, p: ref.bce_grad(y, p) * _n(p),
        ),
        WrongAnswer(
            "gradient with respect to the logit z",
            "(p - y) / n is the derivative with respect to z, where p = sigmoid(z). With respect to p "
            "you also divide by p (1 - p): (p - y) / (p (1 - p)) / n.",
            wrong=_grad_wrt_logit,
        ),
        WrongAnswer(
            "the (1 - y) log(1 - p) term is missing",
            "-y / p / n is only the derivative of -y log p; the (1 - y) log(1 - p) term adds (1 - y) / (1 - p) / n.",
            wrong=_grad_positive_term_only,
        ),
        WrongAnswer(
            "(p - y) alone",
            "p - y is the gradient of one sample's loss with respect to the logit z. With respect to p, and for "
            "the mean over n samples, divide it by p (1 - p) and by n: (p - y) / (p (1 - p)) / n.",
            wrong=lambda y, p: _grad_wrt_logit(y, p) * _n(p),
        ),
        WrongAnswer(
            "sign of the (1 - y) / (1 - p) term",
            "d/dp log(1 - p) = -1 / (1 - p) (chain rule: the inner 1 - p has derivative -1), so the two minus signs "
            "cancel and the term is + (1 - y) / (1 - p): the gradient is (-y / p + (1 - y) / (1 - p)) / n.",
            wrong=_grad_second_term_sign_flipped,
        ),
        *(
            WrongAnswer(
                _clip_name(c),
                f"{c.source}, a convention of that library; this course's choice is EPS = {ref.EPS:g} (the notebook's "
                "EPS), in bce_grad exactly as in bce_loss: clip with np.clip(p, EPS, 1 - EPS). The constant only "
                "matters where p is 0 or 1: a confidently wrong sample's gradient has size about "
                f"1 / ({c.written} n) with yours instead of 1 / ({ref.EPS:g} n).",
                wrong=_clipped_at(c.eps, _grad_of_clipped),
            )
            for c in CLIP_CONVENTIONS
        ),
    ),
)

# ---- bce_with_logits -------------------------------------------------------------------------


LOGITS_FIXED = (
    Case("z = 0 for y = 1 (loss ln 2)", (np.array([1.0]), np.array([0.0]))),
    Case("the four predictions of bce_loss given as logits", (LECTURE_Y, _logit(LECTURE_P))),
    Case("integer labels y (an int array)", (np.array([0, 1, 1, 0, 1]), np.array([-2.0, 0.5, 3.0, 1.5, -0.25]))),
    Case("a single sample (n = 1) with y = 0, z = -3", (np.array([0.0]), np.array([-3.0]))),
    Case(
        "a column vector of shape (4, 1)",
        (np.array([[1.0], [0.0], [0.0], [1.0]]), np.array([[2.0], [-1.0], [4.0], [-6.0]])),
    ),
    Case(
        "very large |z| with the right label (±1000, ±10000; loss ≈ 0)",
        (np.array([1.0, 0.0, 1.0, 0.0]), np.array([1e4, -1e4, 1000.0, -1000.0])),
    ),
    Case(
        "very large |z| with the wrong label (±1000, ±10000; loss ≈ |z|)",
        (np.array([1, 0, 1, 0]), np.array([-1e4, 1e4, -1000.0, 1000.0])),
    ),
)


def _logits_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    n = int(rng.integers(5, 20))
    cases = [Case(f"random labels and logits (n = {n})", (rng.integers(0, 2, n), rng.normal(0, 4, n)))]
    m = int(rng.integers(4, 10))
    cases.append(Case(f"random large logits, |z| up to 800 (n = {m})", (rng.integers(0, 2, m), rng.uniform(-800, 800, m))))
    return cases


def _through_probabilities_clipped_at(eps: float):
    """bce_loss(y, sigmoid(z)) with p clipped at ``eps``: a learner's own bce_loss may clip at another library's constant."""
    return lambda y, z: _loss_of_clipped(y, np.clip(_sigmoid(np.asarray(z, dtype=float)), eps, 1.0 - eps))


THROUGH_PROBABILITIES_HINT = (
    "going through p = sigmoid(z) and a clipped log caps every sample's loss at -ln(eps) of the clip "
    "(27.6 with the course's EPS = 1e-12, 16.1 with Keras' 1e-7), so a confidently wrong z = 1000 costs "
    "that cap instead of its true loss, 1000. Work with z itself: mean(max(z, 0) - y * z + log1p(exp(-|z|)))."
)


def _np_max_for_positive_part(y, z):
    # np.max(z, 0) is the largest z (along axis 0), not max(z, 0) entry by entry
    z = np.asarray(z, dtype=float)
    return ref.bce_with_logits(y, z) + np.mean(np.max(z, 0) - _relu(z))


def _without_positive_part(y, z):
    z = np.asarray(z, dtype=float)
    return np.mean(-np.asarray(y, dtype=float) * z + np.log1p(np.exp(-np.abs(z))))


BCE_WITH_LOGITS = check(
    "bce_with_logits", ("y", "z"), Cases(LOGITS_FIXED, _logits_drawn), ref.bce_with_logits,
    mistakes=(
        Warns(
            "naive sigmoid then log",
            "forming p = 1 / (1 + exp(-z)) first (or exp(-z) of a very negative z) overflows, and for |z| "
            "beyond ~37 p rounds to exactly 0 or 1, so the log gives -inf. Never form p: use "
            "mean(max(z, 0) - y * z + log1p(exp(-|z|))), which only exponentiates -|z| <= 0.",
            warning="encountered in",
        ),
        WrongAnswer(
            "computed through clipped probabilities",
            THROUGH_PROBABILITIES_HINT,
            wrong=_through_probabilities_clipped_at(ref.EPS),
        ),
        # A bce_with_logits built on the learner's own bce_loss inherits its clip constant.
        *(
            WrongAnswer(
                f"computed through probabilities clipped at {c.written} ({c.whose})",
                THROUGH_PROBABILITIES_HINT,
                wrong=_through_probabilities_clipped_at(c.eps),
            )
            for c in CLIP_CONVENTIONS
        ),
        WrongAnswer(
            "sign of z flipped",
            "your loss is that of sigmoid(-z): the probability of class 1 is sigmoid(z) = 1 / (1 + exp(-z)), "
            "so the loss is max(z, 0) - y * z + log1p(exp(-|z|)).",
            wrong=lambda y, z: ref.bce_with_logits(y, -np.asarray(z, dtype=float)),
        ),
        WrongAnswer(
            "the max(z, 0) term is missing",
            "log(1 + exp(-z)) was replaced by log1p(exp(-|z|)) without adding max(z, 0) back: "
            "log(1 + exp(-z)) = max(-z, 0) + log1p(exp(-|z|)), which with the (1 - y) z term gives "
            "max(z, 0) - y * z + log1p(exp(-|z|)).",
            wrong=_without_positive_part,
        ),
        WrongAnswer(
            "sum instead of mean",
            "you added the losses of the samples; the loss is their mean.",
            wrong=lambda y, z: ref.bce_with_logits(y, z) * _n(z),
        ),
        WrongAnswer(
            "the - y z term is missing",
            "your loss does not depend on y: max(z, 0) + log1p(exp(-|z|)) alone is the loss of a sample with y = 0. "
            "Subtract y * z: max(z, 0) - y * z + log1p(exp(-|z|)).",
            wrong=lambda y, z: ref.bce_with_logits(np.zeros_like(np.asarray(y, dtype=float)), z),
        ),
        WrongAnswer(
            "np.max instead of np.maximum",
            "np.max(z, 0) is the largest entry of z (along axis 0), the same for every sample; max(z, 0) entry by "
            "entry is np.maximum(z, 0).",
            wrong=_np_max_for_positive_part,
        ),
        WrongAnswer(
            "per-sample losses returned (no mean)",
            "you returned one loss per sample; bce_with_logits returns a single number, their mean: "
            "wrap the per-sample losses in np.mean(...).",
            wrong=_per_sample(ref.bce_with_logits),
        ),
        WrongAnswer("mean over axis 0 only", AXIS_0_HINT, wrong=_mean_over_axis_0(ref.bce_with_logits)),
    ),
)

# ---- mse_loss ----------------------------------------------------------------------------------


MSE_FIXED = (
    Case(
        "the lecture's y = (3, -0.5, 2, 7), yhat = (2.5, 0, 2, 8) (loss 0.375)",
        (np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])),
    ),
    Case("integer targets y (an int array)", (np.array([1, 4, -2, 0, 3]), np.array([0.5, 4.25, -3.0, 0.1, 1.0]))),
    Case("a perfect prediction (loss 0)", (np.array([1.5, -2.0, 0.0]), np.array([1.5, -2.0, 0.0]))),
    Case("a single sample (n = 1)", (np.array([2.0]), np.array([0.5]))),
    Case(
        "2-D arrays of shape (2, 3) (the mean over every entry)",
        (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[1.5, 1.0, 3.0], [3.0, 5.25, 8.0]])),
    ),
)


def _mse_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    n = int(rng.integers(5, 20))
    return [Case(f"random targets and predictions (n = {n})", (rng.normal(0, 3, n), rng.normal(0, 3, n)))]


def _errors(y, yhat):
    return np.asarray(y, dtype=float) - np.asarray(yhat, dtype=float)


def _mae(y, yhat):
    return np.mean(np.abs(_errors(y, yhat)))


MSE_LOSS = check(
    "mse_loss", ("y", "yhat"), Cases(MSE_FIXED, _mse_drawn), ref.mse_loss,
    mistakes=(
        WrongAnswer(
            "sum instead of mean",
            "you added the squared errors; the MSE is their mean (np.mean, or divide by the number of entries).",
            wrong=lambda y, yhat: ref.mse_loss(y, yhat) * _n(yhat),
        ),
        WrongAnswer(
            "absolute error instead of squared",
            "you took |y - yhat| (the mean absolute error); the MSE squares the difference: (y - yhat) ** 2.",
            wrong=_mae,
        ),
        WrongAnswer(
            "square root taken (RMSE)",
            "you returned the root mean squared error; the MSE is the mean of the squares, without np.sqrt.",
            wrong=lambda y, yhat: np.sqrt(ref.mse_loss(y, yhat)),
        ),
        WrongAnswer(
            "halved",
            "your MSE is half the right one: the 1/2 in 1/2 (y - yhat)**2 is a convention for nicer gradients, "
            "not part of this loss. Return mean((y - yhat) ** 2).",
            wrong=lambda y, yhat: ref.mse_loss(y, yhat) / 2,
        ),
        WrongAnswer(
            "errors not squared",
            "you averaged y - yhat itself, so positive and negative errors cancel out. Square each difference "
            "first: np.mean((y - yhat) ** 2).",
            wrong=lambda y, yhat: np.mean(_errors(y, yhat)),
        ),
        WrongAnswer(
            "the mean squared instead of the squares averaged",
            "np.mean(y - yhat) ** 2 squares the mean error (** binds to the result of np.mean); the MSE averages "
            "the squared errors: np.mean((y - yhat) ** 2).",
            wrong=lambda y, yhat: np.mean(_errors(y, yhat)) ** 2,
        ),
        WrongAnswer(
            "per-sample squared errors returned (no mean)",
            "you returned (y - yhat) ** 2 for every entry; mse_loss returns a single number, their mean: "
            "np.mean((y - yhat) ** 2).",
            wrong=_per_sample(ref.mse_loss),
        ),
        WrongAnswer("mean over axis 0 only", AXIS_0_HINT, wrong=_mean_over_axis_0(ref.mse_loss)),
    ),
)

CHECKS = (BCE_LOSS, BCE_GRAD, BCE_WITH_LOGITS, MSE_LOSS)


# ---- GPU checks (grader.checks.gpu): 10**7 labels with probabilities, and with logits ----------------------


def _gpu_labels_probabilities(xp, rng, n=GPU_SIZE):
    return xp.asarray(rng.integers(0, 2, n).astype(float)), xp.asarray(rng.uniform(0, 1, n))


def _gpu_labels_logits(xp, rng, n=GPU_SIZE):
    return xp.asarray(rng.integers(0, 2, n).astype(float)), xp.asarray(rng.normal(0, 20, n))


GPU_CASES = (
    GpuCase("bce_loss", _gpu_labels_probabilities, ref.bce_loss),
    GpuCase("bce_grad", _gpu_labels_probabilities, ref.bce_grad),
    GpuCase("bce_with_logits", _gpu_labels_logits, ref.bce_with_logits),
    GpuCase("mse_loss", _gpu_labels_probabilities, ref.mse_loss),
)


# ---- feedback figures (grader.checks.figures): the learner's loss curves over the right ones ---------


def _bce_curves(namespace, ctx):
    p = np.linspace(0.02, 0.98, 17)
    fig, ax = figure()
    for y, style in ((1.0, "-"), (0.0, ":")):
        yours = [float(numbers(call(namespace, "bce_loss", np.array([y]), np.array([pi]), ctx=ctx)).ravel()[0]) for pi in p]
        right = [float(ref.bce_loss(np.array([y]), np.array([pi]))) for pi in p]
        ax.plot(p, right, color=RIGHT, lw=4, alpha=0.5, ls=style, label=f"the right loss, y = {y:g}")
        ax.plot(p, yours, color=YOURS, lw=1.6, ls="--", marker=".", label=f"your loss, y = {y:g}")
    ax.set(title="Your bce_loss for one example, against the right one", xlabel="predicted p", ylabel="loss")
    ax.legend(loc="upper center", fontsize="small")
    return fig


FEEDBACK_FIGURES = {"bce_loss": _bce_curves}


# ---- quiz "compute" questions (grader.quiz.compute) -------------------------------------------------


def _bce_loss(y: Sequence[float] | float, p: Sequence[float] | float) -> float:
    """Mean binary cross-entropy (natural log) of labels y and probabilities p."""
    return scalar(ref.bce_loss(np.atleast_1d(np.asarray(y, dtype=float)), np.atleast_1d(np.asarray(p, dtype=float))))


def _mse_loss(y: Sequence[float] | float, yhat: Sequence[float] | float) -> float:
    return scalar(ref.mse_loss(np.atleast_1d(np.asarray(y, dtype=float)), np.atleast_1d(np.asarray(yhat, dtype=float))))


COMPUTE = {"bce_loss": _bce_loss, "mse_loss": _mse_loss}
