"""Checks for the dropout exercise.

``dropout_forward`` is random, so its training behaviour is judged by probes,
statistically and never against the reference's own draws: the kept fraction
of a large array lies inside a binomial confidence bound, kept units are
scaled by 1 / (1 - p_drop) and dropped ones are 0, and the mask comes from the
generator passed in (same seed, same mask; different seeds, different masks;
np.random's global state irrelevant). Because probes have no failed cases to
diagnose, each probe names the known mistake in its problem text itself.
``dropout_inference`` judges the same function with training=False and with
invalid p_drop; ``dropout_backward`` is deterministic given a mask and is
compared with the reference on fixed masks as usual.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.checks.gpu import SIZE as GPU_SIZE, GpuCase
from grader.checks.figures import BAND, RIGHT, YOURS, call, figure, numbers
from grader.learner.core.model import Case, Cases, Context, check_declarer
from grader.learner.core.mistakes import Mutates, WrongAnswer
from grader.learner.exercises.dropout import SIGMAS, ARG_NAMES, FORWARD_PROBES, INFERENCE_PROBES, shape_of
from grader.checks.numbers import scalar
from reference import dropout as ref

ASSIGNMENT = "dropout"
check = check_declarer(ASSIGNMENT)

DROPOUT_FORWARD = check(
    "dropout_forward", ARG_NAMES, Cases(), None,
    probes=FORWARD_PROBES, shape_of=shape_of,
    # dropout_forward calls check_p_drop (the inference part's); training is judged with valid p_drop only.
    stand_ins=(("check_p_drop", "dropout.p_drop_as_float"),),
)

DROPOUT_INFERENCE = check(
    "dropout_inference", ARG_NAMES, Cases(), None, function="dropout_forward",
    probes=INFERENCE_PROBES, shape_of=shape_of,
)

# ---- dropout_backward ------------------------------------------------------------------------------


BACKWARD_FIXED = (
    Case(
        "the lecture's 2x3 gradient, p_drop = 0.5",
        (np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]]), np.array([[True, False, True], [False, True, True]]), 0.5),
    ),
    Case("a vector, p_drop = 0.2", (np.array([0.3, -1.2, 2.0, 0.0, 5.5]), np.array([True, True, False, True, False]), 0.2)),
    Case("p_drop = 0 (nothing dropped)", (np.array([[1.5, -0.5], [2.0, 3.0]]), np.ones((2, 2), dtype=bool), 0.0)),
    Case("every unit dropped, p_drop = 0.7", (np.array([1.0, -2.0, 3.0]), np.zeros(3, dtype=bool), 0.7)),
    Case(
        "a 3-D gradient, p_drop = 0.25",
        (np.arange(1.0, 13.0).reshape(2, 3, 2) - 6.5, (np.arange(12).reshape(2, 3, 2) % 3) != 1, 0.25),
    ),
)


def _backward_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    shape = tuple(int(s) for s in rng.integers(1, 7, size=int(rng.integers(1, 4))))
    p = round(float(rng.uniform(0.05, 0.95)), 3)
    dout, mask = rng.normal(size=shape), rng.random(shape) >= p
    return [Case(f"random gradient of shape {shape}, p_drop = {p:g}", (dout, mask, p))]


def _f(v: Any) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


DROPOUT_BACKWARD = check(
    "dropout_backward", ("dout", "mask", "p_drop"), Cases(BACKWARD_FIXED, _backward_drawn),
    ref.dropout_backward,
    mistakes=(
        WrongAnswer(
            "backward without scaling",
            "the forward pass divided the kept units by 1 - p_drop, so their gradient is divided too: "
            "dx = dout * mask / (1 - p_drop).",
            wrong=lambda dout, mask, p: _f(dout) * _f(mask),
        ),
        WrongAnswer(
            "scaled by p_drop instead of 1 - p_drop",
            "divide by the keep probability 1 - p_drop, not by p_drop.",
            wrong=lambda dout, mask, p: _f(dout) * _f(mask) / p,
        ),
        WrongAnswer(
            "multiplied by 1 - p_drop instead of divided",
            "inverted dropout divides by 1 - p_drop, in the forward pass and so in the backward pass.",
            wrong=lambda dout, mask, p: _f(dout) * _f(mask) * (1.0 - p),
        ),
        WrongAnswer(
            "mask meaning inverted",
            "mask is True where a unit was kept; the gradient flows through the True entries, not the False ones.",
            wrong=lambda dout, mask, p: _f(dout) * ~np.asarray(mask, dtype=bool) / (1.0 - p),
        ),
        WrongAnswer(
            "mask not applied",
            "dropped units had no effect on the output, so their gradient is 0: multiply by the mask.",
            wrong=lambda dout, mask, p: _f(dout) / (1.0 - p),
        ),
        WrongAnswer(
            "dout not used",
            "you returned mask / (1 - p_drop), the local derivative d out / d a alone. The chain rule multiplies it "
            "by the gradient arriving from above: dx = dout * mask / (1 - p_drop).",
            wrong=lambda dout, mask, p: ref.dropout_backward(np.ones_like(_f(dout)), mask, p),
        ),
        WrongAnswer(
            "p_drop subtracted instead of divided by 1 - p_drop",
            "dout * mask / 1 - p_drop is (dout * mask / 1) - p_drop: division binds tighter than subtraction. "
            "Put the keep probability in brackets: dout * mask / (1 - p_drop).",
            wrong=lambda dout, mask, p: ref.dropout_backward(dout, mask, 0.0) - p,
        ),
        Mutates(
            "dout changed in place",
            "the caller's dout was overwritten (dout[~mask] = 0 or dout /= ... change the array that was passed in, "
            "which the layers below may still need). Compute a new array: np.where(mask, dout / (1 - p_drop), 0.0).",
            argument="dout",
        ),
    ),
)

CHECKS = (DROPOUT_FORWARD, DROPOUT_INFERENCE, DROPOUT_BACKWARD)


# ---- GPU checks (grader.checks.gpu): the backward pass over 10**7 units --------------------------------------


def _gpu_dout_mask(xp, rng, n=GPU_SIZE):
    return xp.asarray(rng.normal(size=n)), xp.asarray(rng.uniform(size=n) > 0.3), 0.3


GPU_CASES = (GpuCase("dropout_backward", _gpu_dout_mask, ref.dropout_backward),)


# ---- feedback figures (grader.checks.figures): the share of units kept, against the expected band ------


def _kept_fraction(namespace, ctx):
    size = 20_000
    ps = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    kept = []
    for i, p in enumerate(ps):
        value = call(namespace, "dropout_forward", np.ones(size), float(p), np.random.default_rng(i), True, ctx=ctx)
        out = value[0] if isinstance(value, tuple) else value
        kept.append(float(np.mean(numbers(out, (size,)) != 0)))
    grid = np.linspace(0.0, 1.0, 101)
    band = SIGMAS * np.sqrt(grid * (1 - grid) / size)
    fig, ax = figure()
    ax.fill_between(grid, 1 - grid - band, 1 - grid + band, color=BAND, label=f"1 - p_drop ± {SIGMAS:g} sigmas")
    ax.plot(grid, 1 - grid, color=RIGHT, lw=1.5, label="expected: 1 - p_drop")
    ax.plot(ps, kept, color=YOURS, marker="o", ls="none", label="kept by your dropout_forward")
    ax.set(title=f"Share of {size:,} units kept in training", xlabel="p_drop", ylabel="kept fraction",
           xlim=(0, 1), ylim=(-0.02, 1.02))
    ax.legend(loc="best")
    return fig


FEEDBACK_FIGURES = {"dropout_forward": _kept_fraction}


# ---- quiz "compute" questions (grader.quiz.compute) -------------------------------------------------


def _dropout_scale(p_drop: float) -> float:
    """The factor inverted dropout multiplies a kept unit by in training."""
    kept = np.array([True])
    return scalar(ref.dropout_backward(np.ones(1), kept, p_drop))


def _dropout_inference(a: float, p_drop: float) -> float:
    """What a dropout layer outputs for activation a at inference (training=False)."""
    out, _ = ref.dropout_forward(np.array([float(a)]), p_drop, np.random.default_rng(0), training=False)
    return scalar(out)


COMPUTE = {"dropout_scale": _dropout_scale, "dropout_inference": _dropout_inference}
