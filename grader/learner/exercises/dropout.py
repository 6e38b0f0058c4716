"""Dropout, learner side: its random behaviour judged by properties, the stand-in for ``check_p_drop``,
and the notebook's plots (the masks it draws, the fraction of units it keeps).

The probes judge by properties, never by the reference's own draws. Shared by the trusted grader (with per-learner seeds) and the learner's
self-check (with fixed seeds): these probes know no answer, only what any
correct inverted dropout must do: keep about 1 - p_drop of the units, scale
kept units by 1 / (1 - p_drop), zero the others, draw the mask from the
generator it is given, and change nothing at inference. Each probe names the
known mistake in its problem text itself, because probes have no failed cases
to diagnose.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.core.calls import CallKind, CallResult, safe_call
from grader.learner.core.compare import Tolerance, compare_numbers, describe, to_numpy
from grader.learner.core.model import Context, Outcome, Probe
from grader.learner.core.numpy_errors import explain
from grader.learner.kernel.plots._common import BLUE, GREY, ORANGE, Unavailable, as_numbers, call_learner, friendly, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["dropout_masks", "kept_fraction"]  # its plots

A = "dropout"
ARG_NAMES = ("a", "p_drop", "rng", "training")

#: Elements of the array whose kept fraction is measured.
STAT_SHAPE = (500, 400)
#: Width of the accepted band around 1 - p_drop, in binomial standard deviations.
SIGMAS = 5.0
#: p_drop values every learner's forward is measured at (the hidden grading adds one drawn per learner).
FIXED_P = (0.0, 0.2, 0.5, 0.8)

NOT_INVERTED = (
    "not inverted: kept units equal a; inverted dropout divides them by 1 - p_drop "
    "(out = a * mask / (1 - p_drop)), so that the expected output equals a and inference needs no change"
)
SCALED_BY_P = (
    "scaled by p_drop instead of 1 - p_drop: kept units are a / p_drop; divide by the keep probability, 1 - p_drop"
)
MULTIPLIED = (
    "multiplied by 1 - p_drop instead of divided: that is classic dropout's test-time rule; "
    "inverted dropout divides the kept units by 1 - p_drop in training"
)
MASK_INVERTED = "mask meaning inverted: mask must be True where a unit is *kept* (probability 1 - p_drop)"
IGNORING_RNG = "ignoring rng"
RNG_ADVICE = "draw the mask from the generator passed in, e.g. `rng.random(a.shape) >= p_drop`"
DROPPING_AT_INFERENCE = (
    "dropping at inference: with training=False dropout does nothing; return a unchanged and None as the mask"
)


# ---- calling the learner's dropout_forward ---------------------------------------------------


@dataclass
class _Got:
    """One call of dropout_forward: out and mask when it returned a usable pair, else why not."""

    call: CallResult
    out: np.ndarray | None = None
    mask: Any = None
    #: Why out and mask cannot be used (an exception, a time-out, not a pair, out of the wrong shape).
    unusable: str | None = None
    #: Warnings raised on the way, a failure of their own.
    warned: str | None = None

    @property
    def problem(self) -> str | None:
        return _join(self.unusable, self.warned)


class _Caller:
    """Calls the learner's function; after one time-out it stops calling (each would cost the full limit)."""

    def __init__(self, fn: Callable[..., Any], ctx: Context) -> None:
        self.fn, self.ctx, self.hung = fn, ctx, None

    def call(self, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None,
             np_random_seed: int | None = None) -> CallResult:
        if self.hung is not None:
            return self.hung
        call = safe_call(self.fn, args, kwargs or {}, ARG_NAMES, self.ctx.timeout_s, np_random_seed,
                         stand_ins=self.ctx.stand_ins)
        if call.kind in ("timeout", "crashed"):
            self.hung = call
        return call

    def forward(self, a: np.ndarray, p: float, rng: np.random.Generator, np_random_seed: int | None = None,
                **kwargs: Any) -> _Got:
        call = self.call((a, p, rng), kwargs, np_random_seed)
        got = _Got(call)
        if call.kind != "ok":
            if call.kind == "not_implemented":
                got.unusable = "`dropout_forward` is not written yet (it still raises NotImplementedError)"
            elif call.kind in ("timeout", "crashed"):
                got.unusable = call.error
            else:
                why = explain(call.error_type, call.error, "dropout_forward", ARG_NAMES)
                got.unusable = f"it raised {call.error}" + (f"\n  ➜ {why}" if why else "")
            return got
        if call.warnings:
            got.warned = f"it raised a warning ({'; '.join(call.warnings)}), which counts as a failure here"
        value = call.value
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            got.unusable = f"dropout_forward returned {describe(value)}; expected the pair (out, mask), as a tuple"
            return got
        out, mask = (to_numpy(v) for v in value)
        try:
            out = np.asarray(out, dtype=np.float64)
        except Exception:  # noqa: BLE001 - anything that is not numbers is the learner's type error
            got.unusable = f"out is {describe(out)}, not an array of numbers"
            return got
        if out.shape != a.shape:
            got.unusable = f"out has shape {out.shape}; expected a's shape {a.shape}"
            return got
        got.out, got.mask = out, mask
        return got


def _mask_bools(mask: Any, shape: tuple[int, ...]) -> tuple[np.ndarray | None, str | None]:
    """The mask as booleans (0/1 numbers tolerated here; its dtype is judged once, elsewhere)."""
    if mask is None:
        return None, "mask is None in training; return the boolean mask of kept units"
    try:
        m = np.asarray(mask)
    except Exception:  # noqa: BLE001
        return None, f"mask is {describe(mask)}, not an array"
    if m.shape != shape:
        return None, f"mask has shape {m.shape}; expected a's shape {shape}"
    if m.dtype.kind not in "biuf":
        return None, f"mask is {describe(m)}; expected booleans"
    return m != 0, None


def _seeds(ctx: Context, what: str, k: int) -> list[int]:
    return [int(s) for s in ctx.rng(A, "dropout_forward", what).integers(0, 2**63 - 1, size=k)]


def _nonzero_array(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values of either sign, none near 0, so that out != 0 exactly where a unit was kept."""
    return rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


# ---- dropout_forward: probes --------------------------------------------------------------------


def _probe_format(fn: Callable[..., Any], namespace: Any, ctx: Context) -> list[Outcome]:
    """A tuple (out, mask), a boolean mask of a's shape, out of a's shape, a untouched."""
    a = _nonzero_array(np.random.default_rng(_seeds(ctx, "format", 1)[0]), (2, 3, 4))
    got = _Caller(fn, ctx).forward(a, 0.5, np.random.default_rng(7))
    labels = (
        "returns a tuple (out, mask)",
        "out has a's shape",
        "mask is a boolean array of a's shape",
        "a is not changed in place",
    )
    w = 0.25
    if got.call.kind != "ok" or (got.unusable and not isinstance(got.call.value, (tuple, list))):
        # Nothing usable came back: nothing can be credited, "a untouched" included.
        return [Outcome(label, got.unusable, w, call_kind=got.call.kind) for label in labels]
    value = got.call.value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        pair = None if isinstance(value, tuple) else (
            f"dropout_forward returned a {type(value).__name__}; return a tuple (out, mask)"
        )
        out_problem = got.unusable  # out not numbers, or of the wrong shape
        mask = to_numpy(value[1])
        if mask is None:
            mask_problem = "mask is None in training; return the boolean mask of kept units"
        elif not isinstance(mask, np.ndarray):
            mask_problem = f"mask is {describe(mask)}; expected a boolean array of a's shape"
        elif mask.shape != a.shape:
            mask_problem = f"mask has shape {mask.shape}; expected a's shape {a.shape} (draw it with rng.random(a.shape))"
        elif mask.dtype != np.bool_:
            mask_problem = (
                f"mask has dtype {mask.dtype}; it must be boolean (True = kept), e.g. `rng.random(a.shape) >= p_drop`"
                + (" or `.astype(bool)`" if mask.dtype.kind in "iuf" else "")
            )
        else:
            mask_problem = None
    else:
        pair = out_problem = mask_problem = got.unusable
    mutated = (
        "it changed `a` in place; compute out as a new array (out = a * mask / (1 - p_drop))"
        if "a" in got.call.mutated
        else None
    )
    return [
        Outcome(labels[0], _join(pair, got.warned), w),
        Outcome(labels[1], out_problem, w),
        Outcome(labels[2], mask_problem, w),
        Outcome(labels[3], mutated, w),
    ]


def _join(*problems: str | None) -> str | None:
    text = "; ".join(p for p in problems if p)
    return text or None


def _p_values(ctx: Context) -> list[float]:
    ps = list(FIXED_P)
    if ctx.randomized:
        ps.append(round(float(ctx.rng(A, "dropout_forward", "p").uniform(0.05, 0.95)), 3))
    return ps


def _kept_fraction_problem(m: np.ndarray, p: float) -> str | None:
    keep = 1.0 - p
    frac = float(m.mean())
    band = SIGMAS * math.sqrt(keep * (1.0 - keep) / m.size)
    if abs(frac - keep) <= band + 1e-12:
        return None
    said = f"the mask keeps {frac:.4f} of the units; with p_drop = {p:g} the kept fraction should be {keep:g} ± {band:.4f}"
    if p != 0.5 and abs(frac - p) <= SIGMAS * math.sqrt(p * (1.0 - p) / m.size) + 1e-12:
        return f"{MASK_INVERTED}; yours is True for about p_drop of the units instead"
    return said


def _scaling_problem(out: np.ndarray, a: np.ndarray, m: np.ndarray, p: float, tol: Tolerance) -> str | None:
    kept_out, kept_a = out[m], a[m]
    if kept_out.size == 0:
        return None  # nothing kept: judged by the kept fraction
    problem = compare_numbers(kept_out, kept_a / (1.0 - p), tol, "out on the kept units")
    if problem is None:
        return None

    def close(candidate: np.ndarray) -> bool:
        return compare_numbers(kept_out, candidate, tol) is None

    with np.errstate(all="ignore"):
        if close(kept_a):
            return NOT_INVERTED
        if p > 0 and close(kept_a / p):
            return SCALED_BY_P
        if close(kept_a * (1.0 - p)):
            return MULTIPLIED
        if close(np.zeros_like(kept_a)) and np.any(out[~m] != 0):
            return f"{MASK_INVERTED}: out is 0 where your mask is True and non-zero where it is False"
    return f"kept units must be a / (1 - p_drop): {problem}"


def _dropped_problem(out: np.ndarray, a: np.ndarray, m: np.ndarray, p: float, tol: Tolerance) -> str | None:
    dropped = out[~m]
    bad = dropped != 0
    if not np.any(bad):
        return None
    if compare_numbers(dropped, a[~m] / (1.0 - p), tol) is None:
        return f"{MASK_INVERTED}: out keeps the units where your mask is False"
    return f"out must be exactly 0 where the mask is False; {int(bad.sum())} of {dropped.size} dropped units are not"


def _probe_statistics(fn: Callable[..., Any], namespace: Any, ctx: Context) -> list[Outcome]:
    """At each p_drop: kept fraction in the binomial band, kept units scaled, dropped units zero."""
    caller = _Caller(fn, ctx)
    ps = _p_values(ctx)
    seeds = _seeds(ctx, "statistics", len(ps) + 1)
    a = _nonzero_array(np.random.default_rng(seeds[-1]), STAT_SHAPE)
    outcomes = []
    for index, (p, seed) in enumerate(zip(ps, seeds)):
        at = f"p_drop = {p:g}"
        # The p_drop drawn for the learner is the same judgement for everyone (the trivial floor's identity).
        stable_at = at if index < len(FIXED_P) else "the p_drop drawn for you"
        labels = (
            f"kept fraction at {{}} ({a.size:,} units)",
            "kept units scaled by 1 / (1 - p_drop) at {}",
            "dropped units are 0 at {}",
        )
        weights = (3.0 / len(ps), 3.0 / len(ps), 1.0 / len(ps))

        def outcome(template: str, problem: str | None, weight: float, kind: CallKind | None = None) -> Outcome:
            return Outcome(template.format(at), problem, weight, stable=template.format(stable_at), call_kind=kind)

        got = caller.forward(a, p, np.random.default_rng(seed))
        if got.out is None:
            outcomes += [outcome(label, got.problem, w, got.call.kind) for label, w in zip(labels, weights)]
            continue
        m, mask_problem = _mask_bools(got.mask, a.shape)
        if m is None:
            outcomes += [outcome(label, _join(mask_problem, got.problem), w) for label, w in zip(labels, weights)]
            continue
        problems = (
            _kept_fraction_problem(m, p),
            _scaling_problem(got.out, a, m, p, ctx.tolerance),
            _dropped_problem(got.out, a, m, p, ctx.tolerance),
        )
        outcomes += [outcome(label, _join(pr, got.problem), w) for label, pr, w in zip(labels, problems, weights)]
    return outcomes


def _same_mask(g1: _Got, g2: _Got) -> bool | str:
    """Whether two calls drew the same mask, or why they cannot be compared."""
    for g in (g1, g2):
        if g.out is None:
            return g.problem or "no result"
        _, problem = _mask_bools(g.mask, g.out.shape)
        if problem:
            return problem
    return bool(np.array_equal(np.asarray(g1.mask) != 0, np.asarray(g2.mask) != 0))


def _probe_rng(fn: Callable[..., Any], namespace: Any, ctx: Context) -> list[Outcome]:
    """The mask is a function of rng alone: reproducible, seed-dependent, blind to np.random, rng advanced."""
    caller = _Caller(fn, ctx)
    s0, s1, g0, g1, a_seed = _seeds(ctx, "rng", 5)
    a = _nonzero_array(np.random.default_rng(a_seed), (40, 25))
    p, w = 0.5, 0.5
    fresh = np.random.default_rng

    same = _same_mask(caller.forward(a, p, fresh(s0)), caller.forward(a, p, fresh(s0)))
    other = _same_mask(caller.forward(a, p, fresh(s0)), caller.forward(a, p, fresh(s1)))
    first = caller.forward(a, p, fresh(s0), np_random_seed=g0)
    second = caller.forward(a, p, fresh(s0), np_random_seed=g1)
    global_state = _same_mask(first, second)
    rng = fresh(s0)
    before = copy.deepcopy(rng.bit_generator.state)
    drawn = caller.forward(a, p, rng)
    advanced: str | None
    if drawn.call.kind != "ok" or drawn.unusable:
        advanced = drawn.unusable
    else:
        advanced = None if rng.bit_generator.state != before else (
            f"{IGNORING_RNG}: the generator passed in was not used (its state did not change); {RNG_ADVICE}"
        )

    def judged(result: bool | str, want: bool, problem: str) -> str | None:
        if isinstance(result, str):
            return result
        return None if result == want else problem

    return [
        Outcome(
            "two generators with the same seed give the same mask",
            judged(same, True, f"{IGNORING_RNG}: two fresh generators with one seed gave different masks, "
                   f"so the mask depends on something besides rng (np.random.rand? a generator of your own?); {RNG_ADVICE}"),
            w,
        ),
        Outcome(
            "generators with different seeds give different masks",
            judged(other, False, f"{IGNORING_RNG}: different seeds gave the very same mask (a fixed seed inside "
                   f"the function?); {RNG_ADVICE}"),
            w,
        ),
        Outcome(
            "the mask does not depend on np.random's global state",
            judged(global_state, True, f"{IGNORING_RNG}: with the same rng but a different np.random.seed the mask "
                   f"changed, so it comes from np.random's global state (np.random.rand / np.random.binomial); {RNG_ADVICE}"),
            w,
        ),
        Outcome("the mask is drawn from rng (its state advances)", advanced, w),
    ]


# ---- dropout_inference ---------------------------------------------------------------------


FIXED_INFERENCE_INPUTS = 3


def _inference_inputs(ctx: Context) -> list[tuple[np.ndarray, float]]:
    rng = np.random.default_rng(_seeds(ctx, "inference", 1)[0])
    inputs = [
        (_nonzero_array(rng, (4, 5)), 0.5),
        (_nonzero_array(rng, (7,)), 0.0),
        (_nonzero_array(rng, (3, 2, 2)), 0.9),
    ]
    if ctx.randomized:
        r = ctx.rng(A, "dropout_inference")
        shape = tuple(int(s) for s in r.integers(1, 6, size=2))
        inputs.append((r.normal(size=shape), round(float(r.uniform(0.05, 0.95)), 3)))
    return inputs


def _probe_identity(fn: Callable[..., Any], namespace: Any, ctx: Context) -> list[Outcome]:
    """training=False: out equals a, mask None, whatever p_drop."""
    caller = _Caller(fn, ctx)
    inputs = _inference_inputs(ctx)
    w = 0.5 / len(inputs)
    outcomes = []
    for i, (a, p) in enumerate(inputs):
        at = f"training=False, p_drop = {p:g}, a of shape {a.shape}"
        stable_at = at if i < FIXED_INFERENCE_INPUTS else "training=False, the p_drop and shape drawn for you"

        def outcome(what: str, problem: str | None, kind: CallKind | None = None) -> Outcome:
            return Outcome(f"{at}: {what}", problem, w, stable=f"{stable_at}: {what}", call_kind=kind)

        got = caller.forward(a, p, np.random.default_rng(i), training=False)
        if got.out is None:
            kind = got.call.kind
            outcomes += [outcome("out equals a", got.problem, kind), outcome("mask is None", got.problem, kind)]
            continue
        out = got.out
        problem = compare_numbers(out, a, ctx.tolerance, "out")
        dropping = False
        if problem is not None:
            with np.errstate(all="ignore"):
                if got.mask is not None or np.any((out == 0) & (a != 0)):
                    dropping = True
                    problem = f"{DROPPING_AT_INFERENCE} ({problem})"
                elif compare_numbers(out, a * (1.0 - p), ctx.tolerance) is None or compare_numbers(
                    out, a / (1.0 - p), ctx.tolerance
                ) is None:
                    problem = (
                        "scaled at inference: inverted dropout already rescaled in training, so with training=False "
                        f"return a as it is ({problem})"
                    )
        if "a" in got.call.mutated:
            problem = _join(problem, "it changed `a` in place")
        if got.mask is None:
            mask_problem = None
        elif dropping:
            mask_problem = f"{DROPPING_AT_INFERENCE} (mask is {describe(got.mask)})"
        else:
            mask_problem = f"with training=False return None as the mask; yours is {describe(got.mask)}"
        outcomes += [outcome("out equals a", _join(problem, got.problem)), outcome("mask is None", mask_problem)]
    return outcomes


INVALID_P = (1, 1.5, -0.1)


def _probe_validation(fn: Callable[..., Any], namespace: Any, ctx: Context) -> list[Outcome]:
    """p_drop outside [0, 1) raises ValueError, in training and at inference alike."""
    caller = _Caller(fn, ctx)
    a = _nonzero_array(np.random.default_rng(3), (3, 4))
    w = 1.0 / (2 * len(INVALID_P))  # as much as the identity probe
    outcomes = []
    for training in (True, False):
        where = "in training" if training else "at inference"
        for p in INVALID_P:
            call = caller.call((a, p, np.random.default_rng(0)), {"training": training})
            if call.kind == "ok":
                warned = f" (it warned instead: {'; '.join(call.warnings)})" if call.warnings else ""
                problem = (
                    f"it returned normally{warned}; p_drop must be a probability in [0, 1): "
                    f"`if not 0 <= p_drop < 1: raise ValueError(...)` (the notebook's `check_p_drop`)"
                    + ("" if training else ", checked before looking at `training`")
                )
            elif call.error_type == "ValueError":
                problem = None
            elif call.kind in ("timeout", "crashed", "not_implemented"):
                problem = call.error
            else:
                problem = f"it raised {call.error_type} instead of ValueError: `raise ValueError(...)` for p_drop outside [0, 1)"
            outcomes.append(Outcome(f"p_drop = {p:g} raises ValueError {where}", problem, w, call_kind=call.kind))
    return outcomes



FORWARD_PROBES = (
    Probe("returns (out, mask) without touching a", _probe_format),
    Probe("kept fraction, scaling and zeros", _probe_statistics),
    Probe("the mask comes from rng", _probe_rng),
)
INFERENCE_PROBES = (
    Probe("identity at inference", _probe_identity),
    Probe("p_drop validated", _probe_validation),
)
#: The probes of each probe-judged part (``grader.learner.core.found.part_probes``), for the checks and the self-check.
PROBES = {"dropout_forward": FORWARD_PROBES, "dropout_inference": INFERENCE_PROBES}


def shape_of(a: Any, p_drop: Any = 0.5, rng: Any = None, training: bool = True) -> tuple[Any, Any]:
    """What dropout_forward returns, in shape only: (out like a, a boolean mask) in training, (out, None) after."""
    shape = np.shape(a)
    return np.zeros(shape), (np.zeros(shape, dtype=bool) if training else None)


#: The shape of the result of each probe-judged part, for the trivial floor (``grader.learner.core.floor``).
SHAPES = {"dropout_forward": shape_of, "dropout_inference": shape_of}


# ---- the stand-in: dropout_forward (training) calls check_p_drop, written in the later part -----


def p_drop_as_float(p_drop: Any) -> float:
    """check_p_drop while dropout's training behaviour is graded (with valid p_drop only)."""
    return float(p_drop)


#: Named by the checks as ``"dropout.<name>"`` (``grader.learner.core.found.stand_in``).
STAND_INS = {"p_drop_as_float": p_drop_as_float}


# ---- the notebook's plots: the masks it draws and the fraction of units it keeps -------------
def _mask_of(dropout_forward: Callable[..., Any], a: np.ndarray, p_drop: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    result = call_learner("dropout_forward", dropout_forward, a, p_drop, np.random.default_rng(seed))
    if not isinstance(result, tuple) or len(result) != 2:
        raise Unavailable("dropout_forward", TypeError("it should return the pair (out, mask)"))
    out, mask = result
    if mask is None:
        raise Unavailable("dropout_forward", ValueError("in training it returned mask None"))
    return as_numbers("dropout_forward", out, a.shape), as_numbers("dropout_forward", mask, a.shape) != 0


@friendly
def dropout_masks(
    dropout_forward: Callable[..., Any],
    p_drops: Sequence[float] = (0.2, 0.5, 0.8),
    shape: tuple[int, int] = (16, 32),
    seed: int = 0,
) -> plt.Figure:
    """The learner's masks as images (white: kept, black: dropped), one per p_drop, on a batch of
    all-ones activations (rows: samples, columns: units)."""
    a = np.ones(shape)
    masks = [_mask_of(dropout_forward, a, p, seed)[1] for p in p_drops]

    fig, axes = subplots(1, len(p_drops), figsize=(4.2 * len(p_drops), 2.9), squeeze=False)
    for ax, p, mask in zip(axes[0], p_drops, masks):
        ax.imshow(mask, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set(title=f"p_drop = {p:g}: kept {mask.mean():.0%} (expect {1 - p:.0%})", xlabel="unit", ylabel="sample")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


@friendly
def kept_fraction(dropout_forward: Callable[..., Any], size: int = 10_000, seed: int = 0) -> plt.Figure:
    """Left: the fraction of units the learner's dropout keeps, against 1 - p_drop.
    Right: the mean of out divided by the mean of a, which inverted dropout keeps near 1."""
    p_drops = np.linspace(0.0, 0.9, 19)
    rng = np.random.default_rng(seed + 1)
    a = rng.uniform(0.5, 1.5, size=size)
    kept, ratio = [], []
    for i, p in enumerate(p_drops):
        out, mask = _mask_of(dropout_forward, a, float(p), seed + i)
        kept.append(mask.mean())
        ratio.append(out.mean() / a.mean())

    fig, (left, right) = subplots(1, 2, figsize=(11, 3.8))
    left.plot(p_drops, 1 - p_drops, color=GREY, lw=2, ls="--", label="1 - p_drop")
    left.plot(p_drops, kept, "o", color=BLUE, label="kept fraction of your mask")
    left.set(xlabel="p_drop", ylabel="fraction of units kept", title=f"{size} units per draw")
    left.legend()
    right.axhline(1.0, color=GREY, lw=2, ls="--", label="no change on average")
    right.plot(p_drops, ratio, "o", color=ORANGE, label="mean(out) / mean(a)")
    right.set(xlabel="p_drop", ylabel="ratio", ylim=(0, 2), title="rescaling by 1/(1 - p_drop) keeps the mean")
    right.legend()
    return fig
