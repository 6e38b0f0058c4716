"""Checks for the backprop exercise.

The network has one input, one hidden sigmoid neuron and one sigmoid output:
z1 = w1 x + b1, a1 = sigmoid(z1), z2 = w2 a1 + b2, yhat = sigmoid(z2), and
J = mean BCE(y, yhat). ``forward`` is judged key by key. The notebook splits
the backward pass in two: ``backward`` (part 2) computes dz2 = dJ/dz2 of every
sample, dw2 and db2, and hands dz2 to ``hidden_layer_gradients`` (part 3),
which returns (dw1, db1). Each part is judged on the reference's upstream
values, so that a mistake in one part never costs points in another: the
output layer through ``backward``'s keys w2 and b2, the hidden layer by
calling ``hidden_layer_gradients`` with the *reference's* dz2; both always get
the reference forward's cache, so a wrong forward sinks neither. When a
backward part fails, its adapter's ``explain`` compares the learner's ``backward`` with
central finite differences of the learner's own forward (and of the
reference), which tells a learner whether to look at the forward, the
backward, or both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.checks.figures import NoFigure, bars_against_right, call, numbers
from grader.learner.core.adapters import PartAdapter, TupleResult
from grader.learner.core.model import Case, Cases, Context, check_declarer
from grader.learner.core.mistakes import WrongAnswer
from grader.learner.core.compare import compare_entries, describe
from grader.checks.finite_diff import numeric_param_gradient, relative_error
from grader.learner.core.calls import safe_call
from grader.checks.numbers import scalar
from reference import backprop as ref
from reference.bce import bce_loss
from reference.perceptron import sigmoid

ASSIGNMENT = "backprop"
check = check_declarer(ASSIGNMENT)
PARAMS = ref.PARAMETER_NAMES  # w1, b1, w2, b2
CACHE = ref.CACHE_NAMES  # z1, a1, z2, yhat

#: The lecture-sized network: one hidden neuron, weights of order one.
LECTURE_PARAMS = {"w1": 0.8, "b1": -0.4, "w2": 1.2, "b2": 0.1}
LECTURE_X1, LECTURE_Y1 = np.array([1.5]), np.array([1.0])
LECTURE_X4, LECTURE_Y4 = np.array([-2.0, -0.5, 1.0, 3.0]), np.array([0.0, 0.0, 1.0, 1.0])

#: Gradients that agree with finite differences to this relative error are "the same".
FD_AGREEMENT = 1e-4


def _floats(v: Any) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


# ---- forward -----------------------------------------------------------------------------


def _random_params(rng: np.random.Generator) -> dict[str, float]:
    return {k: float(v) for k, v in zip(PARAMS, rng.normal(0.0, 1.0, size=4))}


FORWARD_FIXED = (
    Case("the lecture's network on one sample x = 1.5", (LECTURE_X1, LECTURE_PARAMS)),
    Case("the lecture's network on four samples", (LECTURE_X4, LECTURE_PARAMS)),
    Case("all parameters zero (every yhat is 0.5)", (np.array([-1.0, 0.0, 2.0]), dict.fromkeys(PARAMS, 0.0))),
    Case("x = 0 everywhere (only the biases act)", (np.zeros(3), {"w1": 2.0, "b1": 0.7, "w2": -1.5, "b2": 0.3})),
    Case("negative weights", (np.array([0.5, -1.0, 2.5]), {"w1": -1.3, "b1": 0.2, "w2": -2.0, "b2": -0.6})),
    Case(
        "large |z1| that saturates the hidden unit (z1 = ±20)",
        (np.array([-10.0, 10.0]), {"w1": 2.0, "b1": 0.0, "w2": 3.0, "b2": -1.0}),
    ),
    Case("integer-valued x (dtype int)", (np.array([0, 1, 2, 3]), LECTURE_PARAMS)),
)


def _forward_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    n = int(rng.integers(5, 13))
    return [Case(f"random x of {n} samples, random parameters", (rng.normal(0.0, 2.0, size=n), _random_params(rng)))]


def _forward_no_output_sigmoid(x, params):
    out = ref.forward(x, params)
    return {**out, "yhat": out["z2"]}


def _forward_z2_from_z1(x, params):
    out = ref.forward(x, params)
    z2 = params["w2"] * out["z1"] + params["b2"]
    return {**out, "z2": z2, "yhat": sigmoid(z2)}


def _forward_no_hidden_sigmoid(x, params):
    out = ref.forward(x, params)
    z2 = params["w2"] * out["z1"] + params["b2"]
    return {**out, "a1": out["z1"], "z2": z2, "yhat": sigmoid(z2)}


def _forward_tanh_hidden(x, params):
    out = ref.forward(x, params)
    a1 = np.tanh(out["z1"])
    z2 = params["w2"] * a1 + params["b2"]
    return {**out, "a1": a1, "z2": z2, "yhat": sigmoid(z2)}


FORWARD = check(
    "forward", ("x", "params"), Cases(FORWARD_FIXED, _forward_drawn), ref.forward,
    keys=CACHE,
    mistakes=(
        WrongAnswer(
            "no sigmoid on the output",
            "yhat is a probability: yhat = sigmoid(z2), not z2 itself.",
            wrong=_forward_no_output_sigmoid,
            keys=("yhat",),
        ),
        WrongAnswer(
            "z2 computed from z1 instead of a1",
            "the output layer takes the hidden unit's activation: z2 = w2 * a1 + b2 with a1 = sigmoid(z1).",
            wrong=_forward_z2_from_z1,
            keys=("z2", "yhat"),
        ),
        WrongAnswer(
            "no sigmoid in the hidden unit",
            "the hidden unit's activation is a1 = sigmoid(z1); yours is a1 = z1, so the network is linear up to "
            "its output. Apply the sigmoid before the output layer: z2 = w2 * sigmoid(z1) + b2.",
            wrong=_forward_no_hidden_sigmoid,
            keys=("a1", "z2", "yhat"),
        ),
        WrongAnswer(
            "tanh instead of sigmoid in the hidden unit",
            "this network's hidden unit is a sigmoid: a1 = sigmoid(z1), with values in (0, 1); np.tanh has range (-1, 1).",
            wrong=_forward_tanh_hidden,
            keys=("a1", "z2", "yhat"),
        ),
    ),
)

# ---- backward: cases -----------------------------------------------------------------------


def _backward_case(label: str, x: Any, y: Any, params: Mapping[str, float]) -> Case:
    """backward's arguments, with the reference forward's cache so that backward is judged on its own."""
    x, y = _floats(x), _floats(y)
    return Case(label, (x, y, dict(params), ref.forward(x, params)))


BACKWARD_FIXED = (
    _backward_case("the lecture's network on one sample x = 1.5, y = 1", LECTURE_X1, LECTURE_Y1, LECTURE_PARAMS),
    _backward_case("the lecture's network on four samples", LECTURE_X4, LECTURE_Y4, LECTURE_PARAMS),
    _backward_case(
        "all labels 1, negative weights",
        [0.5, -1.0, 2.5],
        [1.0, 1.0, 1.0],
        {"w1": -1.3, "b1": 0.2, "w2": -2.0, "b2": -0.6},
    ),
    _backward_case(
        "w2 = 0 (no gradient reaches the hidden unit)",
        [-1.0, 0.5, 2.0],
        [0.0, 1.0, 0.0],
        {"w1": 0.9, "b1": 0.1, "w2": 0.0, "b2": 0.4},
    ),
    _backward_case(
        "a saturated hidden unit (z1 = ±20)",
        [-10.0, 10.0, 0.25],
        [1.0, 0.0, 1.0],
        {"w1": 2.0, "b1": 0.0, "w2": 3.0, "b2": -1.0},
    ),
    _backward_case(
        "x = 0 everywhere (only the biases act)",
        np.zeros(3),
        [0.0, 1.0, 1.0],
        {"w1": 2.0, "b1": 0.7, "w2": -1.5, "b2": 0.3},
    ),
)


def _backward_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    n = int(rng.integers(3, 11))
    x = rng.normal(0.0, 2.0, size=n)
    y = (rng.random(n) < 0.5).astype(np.float64)
    return [_backward_case(f"random data of {n} samples, random parameters", x, y, _random_params(rng))]


def _as_hidden(cases: Sequence[Case]) -> list[Case]:
    """Backward cases as hidden_layer_gradients' arguments: x, the reference's dz2, params, cache."""
    out = []
    for case in cases:
        x, y, params, cache = case.args
        n, dz2, _, _ = _signals(x, y, params, cache)
        out.append(Case(case.label, (x, dz2 / n, params, cache)))
    return out


def _hidden_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    # Drawn exactly as backward_output's, but from this part's own stream.
    return _as_hidden(_backward_drawn(rng, ctx))


# ---- backward: mistakes, computed from per-sample reference gradients ----------------------------


def _signals(x, y, params, cache) -> tuple[int, np.ndarray, np.ndarray, dict[str, Any]]:
    """n, the backward signals dJ_i/dz2_i and dJ_i/dz1_i of each sample, and the reference gradients.

    On one sample the mean is that sample, so the reference's bias gradients of
    sample i alone are exactly the signals at z2 and z1.
    """
    x, y = _floats(x), _floats(y)
    n = x.shape[0]
    dz2, dz1 = np.empty(n), np.empty(n)
    for i in range(n):
        one = {k: _floats(cache[k])[i : i + 1] for k in CACHE}
        g = ref.backward(x[i : i + 1], y[i : i + 1], params, one)
        dz2[i], dz1[i] = float(g["b2"]), float(g["b1"])
    return n, dz2, dz1, ref.backward(x, y, params, cache)


def _sum_not_mean(x, y, params, cache):
    n, _, _, g = _signals(x, y, params, cache)
    return {k: n * g[k] for k in PARAMS}


def _extra_output_sigmoid_prime(x, y, params, cache):
    """The squared error's delta, (yhat - y) * yhat * (1 - yhat), used with the log loss."""
    yhat = _floats(cache["yhat"])
    dz2 = (yhat - _floats(y)) * yhat * (1.0 - yhat) / _floats(x).shape[0]
    dw1, db1 = ref.hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * _floats(cache["a1"])), "b2": np.sum(dz2)}


def _sign_flipped(x, y, params, cache):
    return {k: -v for k, v in ref.backward(x, y, params, cache).items()}


def _x_a1_swapped(x, y, params, cache):
    _, dz2, dz1, g = _signals(x, y, params, cache)
    return {**g, "w1": np.mean(dz1 * _floats(cache["a1"])), "w2": np.mean(dz2 * _floats(x))}


def _zero_bias(key: str):
    def wrong(x, y, params, cache):
        return {**ref.backward(x, y, params, cache), key: 0.0}

    return wrong


def _not_summed(divide_by_n: bool):
    def wrong(x, y, params, cache):
        n, dz2, dz1, _ = _signals(x, y, params, cache)
        scale = 1.0 / n if divide_by_n else 1.0
        x, a1 = _floats(x), _floats(cache["a1"])
        return {"w1": scale * dz1 * x, "b1": scale * dz1, "w2": scale * dz2 * a1, "b2": scale * dz2}

    return wrong


# ---- hidden_layer_gradients' mistakes: (dw1, db1) as the mistaken helper returns them, given the true dz2 ----


def _hidden_signal(x, dz2, params, cache) -> np.ndarray:
    """dJ/dz1 of each sample: the reference's db1 of that sample alone."""
    x, dz2 = _floats(x), _floats(dz2)
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        one = {k: _floats(cache[k])[i : i + 1] for k in CACHE}
        out[i] = float(ref.hidden_layer_gradients(x[i : i + 1], dz2[i : i + 1], params, one)[1])
    return out


def _hidden_from_signal(x, dz1) -> tuple[Any, Any]:
    return np.sum(dz1 * _floats(x)), np.sum(dz1)


def _hidden_no_sigmoid_prime(x, dz2, params, cache):
    return _hidden_from_signal(x, _floats(dz2) * params["w2"])


def _hidden_no_w2(x, dz2, params, cache):
    # The reference's own chain rule with w2 = 1 in the backward step only (the cache stays the true forward).
    return ref.hidden_layer_gradients(x, dz2, {**params, "w2": 1.0}, cache)


def _hidden_w1_for_w2(x, dz2, params, cache):
    return ref.hidden_layer_gradients(x, dz2, {**params, "w2": params["w1"]}, cache)


def _hidden_sigmoid_prime_of_a1(x, dz2, params, cache):
    s = sigmoid(_floats(cache["a1"]))
    return _hidden_from_signal(x, _floats(dz2) * params["w2"] * s * (1.0 - s))


def _hidden_x_a1_swapped(x, dz2, params, cache):
    dz1 = _hidden_signal(x, dz2, params, cache)
    return np.sum(dz1 * _floats(cache["a1"])), np.sum(dz1)


def _hidden_sign_flipped(x, dz2, params, cache):
    dw1, db1 = ref.hidden_layer_gradients(x, dz2, params, cache)
    return -dw1, -db1


def _hidden_zero_bias(x, dz2, params, cache):
    return ref.hidden_layer_gradients(x, dz2, params, cache)[0], 0.0


def _hidden_not_summed(x, dz2, params, cache):
    dz1 = _hidden_signal(x, dz2, params, cache)
    return dz1 * _floats(x), dz1


def _hidden_mean_again(x, dz2, params, cache):
    n = _floats(x).shape[0]
    dw1, db1 = ref.hidden_layer_gradients(x, dz2, params, cache)
    return dw1 / n, db1 / n


SUM_NOT_MEAN = WrongAnswer(
    "sum instead of mean",
    "J is the *mean* loss over the n samples, so every gradient carries a factor 1/n: "
    "dJ/dz2 = (yhat - y) / n. Yours are n times too large.",
    wrong=_sum_not_mean,
)
SIGN_FLIPPED = WrongAnswer(
    "sign flipped",
    "your gradients point the wrong way: for BCE with a sigmoid output dJ/dz2 = (yhat - y) / n, not (y - yhat) / n.",
    wrong=_sign_flipped,
)
X_A1_SWAPPED = WrongAnswer(
    "x and a1 swapped",
    "each weight's gradient is the signal times that weight's *input*: dJ/dw2 = sum(dz2 * a1) "
    "(w2 multiplies a1), dJ/dw1 = sum(dz1 * x) (w1 multiplies x).",
    wrong=_x_a1_swapped,
)
BIAS_HINT = (
    "the biases get gradients too, the sum of the signal over the samples: "
    "dJ/db2 = sum(dz2), dJ/db1 = sum(dz1); return them under the keys 'b2' and 'b1'."
)
NOT_SUMMED_HINT = (
    "a parameter is a single number, so its gradient is too: sum the per-sample terms over the samples "
    "(dJ/dw2 = np.sum(dz2 * a1) with dz2 = (yhat - y) / n)."
)


EXTRA_OUTPUT_SIGMOID_PRIME = WrongAnswer(
    "an extra sigmoid'(z2) at the output",
    "with the log loss the sigmoid's derivative cancels: dJ/dz2 = (yhat - y) / n. The factor "
    "yhat * (1 - yhat) belongs to the squared error's delta, which many XOR tutorials use; drop it here.",
    wrong=_extra_output_sigmoid_prime,
)

#: The output layer's mistakes: backward's own, dz2 included (wrong(x, y, params, cache) returns backward's dict).
OUTPUT_MISTAKES = (
    SUM_NOT_MEAN,
    SIGN_FLIPPED,
    EXTRA_OUTPUT_SIGMOID_PRIME,
    X_A1_SWAPPED,
    WrongAnswer("missing bias gradients", BIAS_HINT, wrong=_zero_bias("b2"), keys=("b2",)),
    WrongAnswer("gradients not summed over the samples", NOT_SUMMED_HINT, wrong=_not_summed(True)),
    WrongAnswer("gradients not summed over the samples", NOT_SUMMED_HINT, wrong=_not_summed(False)),
)

#: The hidden layer's mistakes: hidden_layer_gradients' own, given the right dz2 (wrong(x, dz2, params, cache)
#: returns the pair (dw1, db1)). Mistakes in dz2 itself (sum instead of mean, its sign) are backward's, above.
HIDDEN_MISTAKES = (
    WrongAnswer(
        "missing sigmoid'(z1)",
        "on the way back through the hidden unit multiply by its derivative: "
        "dz1 = dz2 * w2 * sigmoid'(z1), and sigmoid'(z1) = a1 * (1 - a1).",
        wrong=_hidden_no_sigmoid_prime,
    ),
    WrongAnswer(
        "w2 missing from the chain",
        "the signal reaches the hidden unit through the weight w2: dz1 = dz2 * w2 * a1 * (1 - a1).",
        wrong=_hidden_no_w2,
    ),
    WrongAnswer(
        "w1 instead of w2 in the chain",
        "on the way back from the output the signal passes through the weight that multiplies a1, w2: "
        "dz1 = dz2 * w2 * a1 * (1 - a1). w1 comes in nowhere here; it multiplies x on the way forward.",
        wrong=_hidden_w1_for_w2,
    ),
    WrongAnswer(
        "sigmoid' evaluated at a1 instead of z1",
        "sigmoid'(z1) = a1 * (1 - a1) uses a1 = sigmoid(z1) directly; "
        "sigmoid(a1) * (1 - sigmoid(a1)) applies the sigmoid twice.",
        wrong=_hidden_sigmoid_prime_of_a1,
    ),
    WrongAnswer(
        "x and a1 swapped",
        "each weight's gradient is the signal times that weight's *input*: dJ/dw1 = sum(dz1 * x), "
        "since w1 multiplies x (a1 is the input of w2, not of w1).",
        wrong=_hidden_x_a1_swapped,
        keys=("w1",),
    ),
    WrongAnswer(
        "sign flipped",
        "your dw1 and db1 point the wrong way: dz1 = dz2 * w2 * a1 * (1 - a1) keeps the sign of the dz2 "
        "you are given times w2, and a1 * (1 - a1) is positive (not a1 * (a1 - 1)).",
        wrong=_hidden_sign_flipped,
    ),
    WrongAnswer("missing bias gradients", BIAS_HINT, wrong=_hidden_zero_bias, keys=("b1",)),
    WrongAnswer("gradients not summed over the samples", NOT_SUMMED_HINT, wrong=_hidden_not_summed),
    WrongAnswer(
        "dz2 divided by n twice",
        "the dz2 that backward hands you is dJ/dz2 and already carries the 1/n of the mean loss "
        "(dz2 = (yhat - y) / n): sum the per-sample terms (np.sum), since np.mean divides by n a second time "
        "and makes dJ/dw1 and dJ/db1 n times too small.",
        wrong=_hidden_mean_again,
    ),
)


# ---- backward: explanation from finite differences ----------------------------------------------

#: A small example with gradients well away from zero, so relative errors mean something.
EXPLAIN_X = np.array([-1.5, 0.3, 2.0, 0.8])
EXPLAIN_Y = np.array([0.0, 1.0, 1.0, 0.0])
EXPLAIN_PARAMS = {"w1": 0.7, "b1": -0.2, "w2": -1.3, "b2": 0.4}


def _finite(v: Any) -> np.ndarray:
    arr = np.asarray(v, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("not a finite number")
    return arr


def _all_nan(v: Any) -> bool:
    try:
        arr = np.asarray(v, dtype=np.float64)
    except Exception:  # noqa: BLE001 - not numbers at all: judged elsewhere
        return False
    return arr.size > 0 and bool(np.all(np.isnan(arr)))


def _names(keys: tuple[str, ...]) -> str:
    return " and ".join(f"dJ/d{k}" for k in keys)


def _fd_error(grads: Mapping[str, Any], fd: Mapping[str, float], keys: tuple[str, ...]) -> float:
    """Worst relative error over keys; inf for a value that is not a number."""
    worst = 0.0
    for k in keys:
        try:
            worst = max(worst, relative_error(_finite(grads[k]), fd[k]))
        except Exception:  # noqa: BLE001 - a non-numeric gradient simply does not agree
            return float("inf")
    return worst


def _explain_backward(keys: tuple[str, ...], culprit: str):
    """Notes from finite differences of the learner's whole ``backward`` (whichever part's function failed).

    ``culprit`` is where the error is when the forward is right and the gradients do not match it: the
    part's own function, since the part failed on the reference's upstream values.
    """
    bias = "b2" if "b2" in keys else "b1"

    def explain(fn: Callable[..., Any], namespace: Mapping[str, Any], ctx: Context) -> list[str]:
        timeout = min(ctx.timeout_s, 1.0)  # four samples: any working code takes microseconds
        x, y, params = EXPLAIN_X, EXPLAIN_Y, EXPLAIN_PARAMS
        ref_cache = ref.forward(x, params)
        notes: list[str] = []
        # Finite differences judge the whole backward pass; for the hidden part that is backward calling
        # the learner's hidden_layer_gradients, exactly as the notebook runs it.
        backward = namespace.get("backward")
        if not callable(backward):
            return notes

        given = safe_call(backward, (x, y, dict(params), ref_cache), {}, ("x", "y", "params", "cache"), timeout)
        if given.kind != "ok":
            return notes  # the exception or the hang is already reported case by case
        if isinstance(given.value, Mapping) and bias not in given.value:
            notes.append(f"missing bias gradients: your result has no key {bias!r}; {BIAS_HINT}")
        present = tuple(k for k in keys if isinstance(given.value, Mapping) and k in given.value)
        if not present:
            return notes
        what = _names(present)
        if all(_all_nan(given.value[k]) for k in present):
            notes.append(
                f"your {what} {_verb(present, 'are', 'is')} NaN everywhere: if that is the notebook's stand-in "
                f"(it returns NaN until you write that part), define your own `hidden_layer_gradients`; "
                f"otherwise look for 0/0 or a NaN in the cache."
            )
            return notes

        ref_fd = numeric_param_gradient(lambda p: bce_loss(y, ref.forward(x, p)["yhat"]), params)
        err_ref = _fd_error(given.value, ref_fd, present)
        vs_ref = (
            f"against finite differences of the reference's forward your {what} "
            f"{_verb(present, 'agree', 'agrees') if err_ref < FD_AGREEMENT else _verb(present, 'are off', 'is off')} "
            f"({_fmt_err(err_ref)})"
        )

        forward = namespace.get("forward")
        own = None
        own_problem = None
        if not callable(forward):
            own_problem = "there is no function `forward` to compare with"
        else:
            own = safe_call(forward, (x, dict(params)), {}, ("x", "params"), timeout)
            if own.kind != "ok":
                first = own.error.splitlines()[0]
                own_problem = first.replace("your function", "your forward", 1) if own.kind == "timeout" else (
                    f"your forward raised {first}"
                )
            elif not isinstance(own.value, Mapping) or "yhat" not in own.value:
                own_problem = f"your forward returned {describe(own.value)}, not a dict with 'yhat'"
        if own_problem is not None:
            notes.append(
                f"your gradients could not be checked against your own forward ({own_problem}); {vs_ref}."
            )
            return notes

        forward_right = all(
            p is None for p in compare_entries(own.value, ref_cache, CACHE, ctx.tolerance).values()
        )

        def own_loss(p: Mapping[str, float]) -> float:
            call = safe_call(forward, (x, dict(p)), {}, ("x", "params"), timeout)
            if call.kind != "ok":
                raise RuntimeError(call.error.splitlines()[0])
            with np.errstate(all="ignore"):
                return float(bce_loss(y, _finite(call.value["yhat"])))

        mine = safe_call(backward, (x, y, dict(params), own.value), {}, ("x", "y", "params", "cache"), timeout)
        try:
            own_fd = numeric_param_gradient(own_loss, params)
        except Exception as exc:  # noqa: BLE001 - a forward that breaks when nudged cannot be differentiated
            notes.append(f"finite differences of your own forward failed ({exc}); {vs_ref}.")
            return notes
        if mine.kind != "ok" or not isinstance(mine.value, Mapping) or not all(k in mine.value for k in present):
            err_own = float("inf")
        else:
            err_own = _fd_error(mine.value, own_fd, present)
        consistent = err_own < FD_AGREEMENT

        if not forward_right and consistent:
            notes.append(
                f"your forward is wrong (see forward) but your backward matches your own forward: "
                f"finite differences of the loss computed with your forward agree with your {what} "
                f"({_fmt_err(err_own)}); {vs_ref}. Fix forward, and keep the chain rule in step with it."
            )
        elif forward_right and not consistent:
            notes.append(
                f"your backward does not match finite differences of your own forward "
                f"(your forward is right; your {what} {_verb(present, 'are', 'is')} off by {_fmt_err(err_own)} "
                f"on x = {EXPLAIN_X.tolist()}): the error is in {culprit}."
            )
        elif not forward_right:
            notes.append(
                f"your forward and your backward both differ from the reference: your forward is wrong (see forward), "
                f"and your {what} {_verb(present, 'do', 'does')} not match finite differences of your own forward either "
                f"({_fmt_err(err_own)}); {vs_ref}."
            )
        elif present == keys and culprit != "backward":
            # backward is right, so it does not get these values from the helper this part judges.
            notes.append(
                f"your backward's {what} {_verb(present, 'agree', 'agrees')} with finite differences of your forward "
                f"({_fmt_err(err_own)}), so backward does not take {_verb(present, 'them', 'it')} from your "
                f"`{culprit}`; this part judges `{culprit}` itself, which is off on the cases listed above."
            )
        elif present == keys:
            notes.append(
                f"on a further example your {what} {_verb(present, 'agree', 'agrees')} with finite "
                f"differences of your forward ({_fmt_err(err_own)}), so look at the particular cases listed above."
            )
        return notes

    return explain


@dataclass(frozen=True)
class FiniteDifferenceNotes(PartAdapter):
    """A failed backward part gets notes from finite differences of the learner's own forward
    (``_explain_backward``) on the gradients ``grads``, naming ``culprit`` where the error must be."""

    grads: tuple[str, ...]
    culprit: str

    def explain(self, fn: Callable[..., Any], namespace: Mapping[str, Any], ctx: Context) -> list[str]:
        return _explain_backward(self.grads, self.culprit)(fn, namespace, ctx)


@dataclass(frozen=True)
class PairWithNotes(TupleResult):
    """``hidden_layer_gradients`` returns the pair (dw1, db1), judged as the keys w1 and b1; a failed
    part gets the same finite-difference notes as the backward parts."""

    notes: FiniteDifferenceNotes

    def explain(self, fn: Callable[..., Any], namespace: Mapping[str, Any], ctx: Context) -> list[str]:
        return self.notes.explain(fn, namespace, ctx)


def _verb(keys: tuple[str, ...], plural: str, singular: str) -> str:
    return plural if len(keys) > 1 else singular


def _fmt_err(err: float) -> str:
    return "not comparable (not a finite number)" if not np.isfinite(err) else f"relative error {err:.1e}"


BACKWARD_OUTPUT = check(
    "backward_output", ("x", "y", "params", "cache"), Cases(BACKWARD_FIXED, _backward_drawn),
    ref.backward, function="backward",
    keys=("w2", "b2"),
    mistakes=OUTPUT_MISTAKES,
    adapter=FiniteDifferenceNotes(("w2", "b2"), "backward"),
    # backward calls part 3's helper; an unwritten or broken one must not cost part 2 (w1, b1 are not looked at).
    stand_ins=(("hidden_layer_gradients", "backprop.nan_pair"),),
)

HIDDEN_FIXED = tuple(_as_hidden(BACKWARD_FIXED))


def _through_backward(mistake: WrongAnswer) -> WrongAnswer:
    """A hidden-layer mistake as ``backward`` returns it when the learner computed dw1 and db1 there."""
    hidden = mistake.wrong

    def wrong(x, y, params, cache):
        n, dz2, _, g = _signals(x, y, params, cache)
        dw1, db1 = hidden(x, dz2 / n, params, cache)
        return {**g, "w1": dw1, "b1": db1}

    return WrongAnswer(mistake.name, mistake.hint, wrong=wrong, keys=mistake.keys)


#: The hidden layer judged where the learner did its work when ``hidden_layer_gradients`` is still the
#: notebook's stand-in: ``backward``'s w1 and b1 (the contract: "Returns a dict with the numbers w1, b1,
#: w2, b2"), with the same mistakes named as in the helper, and those of a wrong dz2, which now reaches them.
BACKWARD_HIDDEN_VIA_BACKWARD = check(
    "backward_hidden", ("x", "y", "params", "cache"), Cases(BACKWARD_FIXED, _backward_drawn),
    ref.backward, function="backward",
    keys=("w1", "b1"),
    # A wrong dz2 reaches w1 and b1 too; it is named only when w2 and b2 show it as well.
    mistakes=tuple(_through_backward(m) for m in HIDDEN_MISTAKES)
    + tuple(dataclasses.replace(m, keys=PARAMS) for m in OUTPUT_MISTAKES if m.keys is None),
    adapter=FiniteDifferenceNotes(("w1", "b1"), "backward"),
)

#: The hidden layer on its own: the learner's helper gets the reference's dz2, so a wrong dz2 in backward
#: (part 2) costs nothing here. It returns the pair (dw1, db1), judged as the keys w1 and b1.
BACKWARD_HIDDEN = check(
    "backward_hidden", ("x", "dz2", "params", "cache"), Cases(HIDDEN_FIXED, _hidden_drawn),
    ref.hidden_layer_gradients, function="hidden_layer_gradients",
    keys=("w1", "b1"),
    adapter=PairWithNotes(("w1", "b1"), notes=FiniteDifferenceNotes(("w1", "b1"), "hidden_layer_gradients")),
    mistakes=HIDDEN_MISTAKES,
    stand_in="backprop.nan_pair", via=BACKWARD_HIDDEN_VIA_BACKWARD,
)

CHECKS = (FORWARD, BACKWARD_OUTPUT, BACKWARD_HIDDEN)


#: One example at a time is what this exercise is about; it has no GPU-sized part.
GPU_CASES = ()


def reference_extras(course: Any) -> dict[str, Any]:
    """The notebook's set-up gives learners the perceptron exercise's sigmoid."""
    return {"sigmoid": sigmoid}


# ---- feedback figures (grader.checks.figures): gradients against finite differences ------------------


def _finite_differences() -> dict[str, float]:
    def loss(params: Mapping[str, float]) -> float:
        return float(bce_loss(LECTURE_Y4, ref.forward(LECTURE_X4, params)["yhat"]))

    return numeric_param_gradient(loss, LECTURE_PARAMS)


def _output_gradients(namespace, ctx):
    cache = ref.forward(LECTURE_X4, LECTURE_PARAMS)
    yours = call(namespace, "backward", LECTURE_X4, LECTURE_Y4, dict(LECTURE_PARAMS), cache, ctx=ctx)
    if not isinstance(yours, Mapping):
        raise NoFigure("backward did not return a dict")
    fd = _finite_differences()
    keys = ["w2", "b2"]
    return bars_against_right("dJ/dw2 and dJ/db2 on the lecture's four samples", [f"dJ/d{k}" for k in keys],
                              [float(numbers(yours.get(k, np.nan)).ravel()[0]) for k in keys],
                              [fd[k] for k in keys], "finite differences")


def _hidden_gradients(namespace, ctx):
    x, y = LECTURE_X4, LECTURE_Y4
    cache = ref.forward(x, LECTURE_PARAMS)
    dz2 = (cache["yhat"] - y) / x.shape[0]
    title = "dJ/dw1 and dJ/db1 (given the right dJ/dz2)"
    try:
        yours = call(namespace, "hidden_layer_gradients", x, dz2, dict(LECTURE_PARAMS), cache, ctx=ctx)
        if not isinstance(yours, tuple) or len(yours) != 2:
            raise NoFigure("hidden_layer_gradients did not return a pair")
        values = [float(numbers(v).ravel()[0]) for v in yours]
    except NoFigure:
        # The helper is the stand-in or not written: the part is graded on backward's w1 and b1, so draw those.
        got = call(namespace, "backward", x, y, dict(LECTURE_PARAMS), cache, ctx=ctx)
        if not isinstance(got, Mapping):
            raise NoFigure("backward did not return a dict") from None
        values = [float(numbers(got.get(k, np.nan)).ravel()[0]) for k in ("w1", "b1")]
        title = "dJ/dw1 and dJ/db1 from your backward"
    fd = _finite_differences()
    return bars_against_right(title, ["dJ/dw1", "dJ/db1"], values, [fd["w1"], fd["b1"]], "finite differences")


FEEDBACK_FIGURES = {"backward_output": _output_gradients, "backward_hidden": _hidden_gradients}


# ---- quiz "compute" questions (grader.quiz.compute) -------------------------------------------------


def _network(w1: float, b1: float, w2: float, b2: float) -> dict[str, float]:
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2}


def _backprop_forward(x: float, w1: float, b1: float, w2: float, b2: float, value: str) -> float:
    """One of z1, a1, z2, yhat of the one-hidden-neuron network for a single input x."""
    cache = ref.forward(np.array([float(x)]), _network(w1, b1, w2, b2))
    return scalar(cache[value])


def _backprop_gradient(
    x: float, y: float, w1: float, b1: float, w2: float, b2: float, wrt: str
) -> float:
    """dJ/d<wrt> (wrt one of w1, b1, w2, b2) of the BCE loss for one example (x, y)."""
    params = _network(w1, b1, w2, b2)
    xs, ys = np.array([float(x)]), np.array([float(y)])
    return scalar(ref.backward(xs, ys, params, ref.forward(xs, params))[wrt])


COMPUTE = {"backprop_forward": _backprop_forward, "backprop_gradient": _backprop_gradient}
