"""Checks for the perceptron exercise."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from grader.checks.gpu import SIZE as GPU_SIZE, GpuCase
from grader.checks.figures import curve_against_right
from grader.learner.core.model import Case, Cases, Context, check_declarer
from grader.learner.core.mistakes import Mutates, Warns, WrongAnswer
from grader.checks.numbers import scalar
from reference import perceptron as ref

ASSIGNMENT = "perceptron"
check = check_declarer(ASSIGNMENT)
LECTURE_W = np.array([3.0, -2.0])
LECTURE_X = np.array([-1.0, 2.0])
LECTURE_W0 = 1.0


def _linear(X, W, w0):
    return w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)


# ---- sigmoid -------------------------------------------------------------------------


SIGMOID_FIXED = (
    Case("the lecture's z = -6", (np.float64(-6.0),)),
    Case("z = 0", (np.float64(0.0),)),
    Case("a vector of z", (np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),)),
    Case("a 2-D array of z", (np.array([[1.0, -2.0, 4.0], [-8.0, 16.0, 0.25]]),)),
    Case("very negative and very positive z (±1000, ±10000)", (np.array([-1e4, -1000.0, 1000.0, 1e4]),)),
)


def _sigmoid_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 3))))
    return [
        Case(f"random z of shape {shape}", (rng.normal(0, 5, size=shape),)),
        Case("random large |z|", (rng.uniform(-800, 800, size=7),)),
    ]


SIGMOID = check(
    "sigmoid", ("z",), Cases(SIGMOID_FIXED, _sigmoid_drawn), ref.sigmoid,
    mistakes=(
        Warns(
            "sigmoid overflow",
            "np.exp overflows when its argument is large and positive: np.exp(-z) for very negative z, "
            "np.exp(z) for very positive z. Only ever exponentiate a non-positive number: "
            "use exp(-|z|) and pick 1/(1+e) or e/(1+e) by the sign of z (np.where).",
            warning="overflow",
        ),
        WrongAnswer(
            "sign of z flipped",
            "you computed 1 / (1 + exp(z)), which is sigmoid(-z); the logistic function is 1 / (1 + exp(-z)).",
            wrong=lambda z: ref.sigmoid(-np.asarray(z)),
        ),
        WrongAnswer("tanh instead of the logistic", "np.tanh has range (-1, 1); the sigmoid's range is (0, 1).", wrong=np.tanh),
        WrongAnswer(
            "sigmoid of |z| for every z",
            "your values are right for z >= 0 but above 0.5 for negative z: 1 / (1 + exp(-|z|)) is sigmoid(|z|). "
            "With e = np.exp(-np.abs(z)) the sigmoid is 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0: "
            "choose between the two with np.where(z >= 0, ..., ...).",
            wrong=lambda z: ref.sigmoid(np.abs(np.asarray(z, dtype=float))),
        ),
    ),
)

# ---- relu ----------------------------------------------------------------------------


RELU_FIXED = (
    Case("a vector with both signs", (np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),)),
    Case("a 2-D array", (np.array([[-1.0, 3.0], [4.5, -0.1]]),)),
    Case("a single number", (np.float64(-3.0),)),
)


def _relu_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    return [Case("random z", (rng.normal(size=(3, 4)),))]


RELU = check(
    "relu", ("z",), Cases(RELU_FIXED, _relu_drawn), ref.relu,
    mistakes=(
        WrongAnswer(
            "returned the indicator z > 0",
            "ReLU keeps the value itself where z > 0: max(0, z), not 1.",
            wrong=lambda z: (np.asarray(z) > 0).astype(float),
        ),
        WrongAnswer("min instead of max", "ReLU is max(0, z); min(0, z) keeps the negative part.", wrong=lambda z: np.minimum(z, 0)),
        WrongAnswer(
            "np.max instead of np.maximum",
            "np.max(z, 0) is the largest entry along axis 0, not an elementwise comparison; "
            "np.maximum(z, 0) compares every entry with 0.",
            wrong=lambda z: np.max(z, 0),
        ),
        WrongAnswer(
            "absolute value instead of ReLU",
            "np.abs(z) turns negative z into positive values; ReLU sends them to 0 and keeps positive z as they are: "
            "np.maximum(z, 0).",
            wrong=lambda z: ref.relu(z) + ref.relu(-np.asarray(z, dtype=float)),
        ),
        WrongAnswer(
            "leaky ReLU (negative z scaled by 0.01)",
            "negative z must give exactly 0, not 0.01 * z: that is the leaky ReLU, a different activation. "
            "Use np.maximum(z, 0) (or np.where(z > 0, z, 0.0)).",
            wrong=lambda z: ref.relu(z) - 0.01 * ref.relu(-np.asarray(z, dtype=float)),
        ),
        WrongAnswer(
            "z + |z| not halved",
            "(z + |z|) is twice max(0, z): divide it by 2, or simply use np.maximum(z, 0).",
            wrong=lambda z: 2.0 * ref.relu(z),
        ),
        Mutates(
            "z changed in place",
            "you set the negative entries of the caller's array to 0 (z[z < 0] = 0 changes z itself, and "
            "np.asarray does not copy). Work on a copy, z = np.array(z, dtype=float), or return np.maximum(z, 0), "
            "a new array.",
            argument="z",
        ),
    ),
)

# ---- perceptron_forward ------------------------------------------------------------------


FORWARD_FIXED = (
    Case("the lecture's example x = (-1, 2), W = (3, -2), w0 = 1", (LECTURE_X, LECTURE_W, LECTURE_W0)),
    Case(
        "three samples at once (X of shape (3, 2))",
        (np.array([[-1.0, 2.0], [0.0, 0.0], [1.0, 1.0]]), LECTURE_W, LECTURE_W0),
    ),
    Case("a non-zero bias with zero inputs", (np.zeros((2, 3)), np.array([1.0, 2.0, 3.0]), -0.7)),
    # With w0 = 1, or with zero inputs, w0 * (X @ W) equals X @ W: only a bias other than 1 on non-zero
    # inputs tells a bias used as a factor from a missing one, in the public self-check too.
    Case(
        "a bias w0 = 2 with non-zero inputs",
        (np.array([[0.5, -1.0], [2.0, 1.0]]), np.array([1.5, 0.5]), 2.0),
    ),
)


def _forward_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    n, m = (int(v) for v in rng.integers(2, 7, size=2))
    return [Case(f"random X of shape ({n}, {m})", (rng.normal(size=(n, m)), rng.normal(size=m), float(rng.normal())))]


PERCEPTRON_FORWARD = check(
    "perceptron_forward", ("X", "W", "w0"), Cases(FORWARD_FIXED, _forward_drawn), ref.perceptron_forward,
    mistakes=(
        WrongAnswer(
            "bias missing",
            "the bias w0 is not added: the output should be sigmoid(w0 + X @ W).",
            wrong=lambda X, W, w0: ref.sigmoid(np.asarray(X) @ np.asarray(W)),
        ),
        WrongAnswer(
            "bias multiplied instead of added",
            "w0 * X @ W multiplies the weighted sum by the bias, so w0 scales z instead of shifting it. "
            "The bias is added: z = X @ W + w0 (the same as w0 + X @ W), then sigmoid(z).",
            wrong=lambda X, W, w0: ref.sigmoid(w0 * (np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))),
        ),
        WrongAnswer(
            "no non-linearity",
            "you returned the weighted sum z = w0 + X @ W; the perceptron passes it through the sigmoid.",
            wrong=_linear,
        ),
        WrongAnswer(
            "bias subtracted",
            "the bias is added, not subtracted: z = w0 + X @ W.",
            wrong=lambda X, W, w0: ref.sigmoid(np.asarray(X) @ np.asarray(W) - w0),
        ),
        WrongAnswer(
            "bias added after the sigmoid",
            "you computed sigmoid(X @ W) + w0, so the output can leave (0, 1). The bias belongs inside, with the "
            "weighted sum: z = w0 + X @ W first, then sigmoid(z).",
            wrong=lambda X, W, w0: ref.sigmoid(np.asarray(X) @ np.asarray(W)) + w0,
        ),
        WrongAnswer(
            "relu instead of the sigmoid",
            "you passed z = w0 + X @ W through relu; this perceptron's activation is the sigmoid, whose output is "
            "a probability in (0, 1): return sigmoid(z).",
            wrong=lambda X, W, w0: ref.relu(_linear(X, W, w0)),
        ),
        WrongAnswer(
            "weighted sums of the whole batch added together",
            "np.sum(X * W) (or a sum of X @ W) adds the terms of every sample into one number; each sample needs "
            "its own sum. X @ W gives one weighted sum per row of X: z = w0 + X @ W has shape (n,).",
            wrong=lambda X, W, w0: ref.sigmoid(w0 + np.sum(np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))),
        ),
        WrongAnswer(
            "X * W not summed",
            "X * W multiplies entry by entry and keeps every term x_i w_i; the weighted sum adds them up for each "
            "sample: z = w0 + X @ W (or np.sum(X * W, axis=-1)).",
            wrong=lambda X, W, w0: ref.sigmoid(w0 + np.asarray(X, dtype=float) * np.asarray(W, dtype=float)),
        ),
    ),
)

# ---- predict -----------------------------------------------------------------------------


PREDICT_FIXED = (
    Case("the lecture's example (z = -6)", (LECTURE_X, LECTURE_W, LECTURE_W0)),
    Case(
        "points on both sides of the line and exactly on it (z = 0)",
        (np.array([[1.0, 0.5], [2.0, 0.0], [0.0, 1.0], [3.0, 1.5]]), np.array([1.0, -2.0]), 0.0),
    ),
    Case("exactly on the boundary with a bias (z = 0)", (np.array([[2.0, 1.0]]), np.array([1.0, 1.0]), -3.0)),
)


def _predict_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    X = rng.integers(-3, 4, size=(8, 2)).astype(float)
    return [Case("random integer points, some on the boundary", (X, np.array([1.0, -1.0]), 0.0))]


PREDICT = check(
    "predict", ("X", "W", "w0"), Cases(PREDICT_FIXED, _predict_drawn), ref.predict,
    mistakes=(
        WrongAnswer(
            "boundary at z = 0 mishandled",
            "a point exactly on the line (z = 0, probability 0.5) belongs to class 1: use z >= 0, not z > 0.",
            wrong=lambda X, W, w0: (_linear(X, W, w0) > 0).astype(int),
        ),
        WrongAnswer(
            "probabilities instead of classes",
            "predict returns the class 0 or 1, not the probability sigmoid(z).",
            wrong=lambda X, W, w0: ref.sigmoid(_linear(X, W, w0)),
        ),
        WrongAnswer(
            "classes swapped",
            "class 1 is where w0 + X @ W >= 0; you return the opposite.",
            wrong=lambda X, W, w0: 1 - ref.predict(X, W, w0),
        ),
        WrongAnswer(
            "np.sign instead of classes 0/1",
            "np.sign(z) gives -1, 0 and +1 (the ±1 labels of the classic perceptron rule); the classes here are "
            "0 and 1, with 1 wherever z >= 0: return (z >= 0).astype(int).",
            wrong=lambda X, W, w0: np.sign(_linear(X, W, w0)),
        ),
        WrongAnswer(
            "probability compared with 0",
            "sigmoid(z) is always >= 0, so every point becomes class 1. Either compare the probability with 0.5 "
            "(p >= 0.5) or compare z itself with 0 (z >= 0).",
            wrong=lambda X, W, w0: (ref.perceptron_forward(X, W, w0) >= 0).astype(int),
        ),
    ),
)

# ---- count_parameters ----------------------------------------------------------------------


COUNT_FIXED = (
    Case("the heart-disease network [29, 16, 1]", ([29, 16, 1],)),
    Case("a single perceptron [2, 1]", ([2, 1],)),
    Case("a deeper stack [3, 4, 4, 2]", ([3, 4, 4, 2],)),
    Case("input layer only [7]", ([7],)),
)


def _count_drawn(rng: np.random.Generator, ctx: Context) -> list[Case]:
    sizes = [int(s) for s in rng.integers(1, 64, size=int(rng.integers(2, 6)))]
    return [Case(f"random layers {sizes}", (sizes,))]


def _pairs(sizes):
    sizes = [int(s) for s in sizes]
    return list(zip(sizes[:-1], sizes[1:]))


COUNT_PARAMETERS = check(
    "count_parameters", ("layer_sizes",), Cases(COUNT_FIXED, _count_drawn), ref.count_parameters,
    mistakes=(
        WrongAnswer(
            "biases not counted",
            "every unit of every layer after the input has a bias: add n_out biases per layer.",
            wrong=lambda sizes: sum(a * b for a, b in _pairs(sizes)),
        ),
        WrongAnswer(
            "biases counted for the input layer too",
            "the inputs have no bias; only layers that compute (hidden and output) do.",
            wrong=lambda sizes: ref.count_parameters(sizes) + int(sizes[0]),
        ),
        WrongAnswer(
            "only the last layer counted",
            "your count is that of the last layer alone: `total = n_in * n_out + n_out` inside the loop replaces "
            "the count of the layers before. Start from total = 0 and add each layer: total += ...",
            wrong=lambda sizes: ref.count_parameters([int(s) for s in sizes][-2:]),
        ),
        WrongAnswer(
            "one bias per layer instead of one per unit",
            "every unit of a layer has its own bias, so a layer of n_out units has n_out biases, not 1: "
            "n_in * n_out + n_out per layer.",
            wrong=lambda sizes: ref.count_parameters(sizes) - sum(b - 1 for _, b in _pairs(sizes)),
        ),
        WrongAnswer(
            "biases counted for the inputs of each layer",
            "you added n_in biases per layer; the biases belong to the layer's own units, so there are n_out of "
            "them: n_in * n_out + n_out.",
            wrong=lambda sizes: ref.count_parameters(sizes) + sum(a - b for a, b in _pairs(sizes)),
        ),
        WrongAnswer(
            "all the widths multiplied together",
            "the weights are not the product of every width: each pair of neighbouring layers has its own "
            "n_in * n_out weights, and those products are added up layer by layer (plus n_out biases each).",
            wrong=lambda sizes: ref.count_parameters(sizes) - sum(a * b for a, b in _pairs(sizes))
            + int(np.prod([int(s) for s in sizes])),
        ),
    ),
)

CHECKS = (SIGMOID, RELU, PERCEPTRON_FORWARD, PREDICT, COUNT_PARAMETERS)


# ---- GPU checks (grader.checks.gpu): 10**7 values of z, and a forward pass over a million examples ------------


def _gpu_z(xp, rng, n=GPU_SIZE):
    return (xp.asarray(rng.normal(0, 20, n)),)


def _gpu_forward(xp, rng, n=GPU_SIZE):
    return xp.asarray(rng.normal(size=(n // 10, 10))), xp.asarray(rng.normal(size=10)), 0.5


GPU_CASES = (
    GpuCase("sigmoid", _gpu_z, ref.sigmoid),
    GpuCase("relu", _gpu_z, ref.relu),
    GpuCase("perceptron_forward", _gpu_forward, ref.perceptron_forward),
)


# ---- feedback figures (grader.checks.figures): the learner's curve over the right one ---------------

_Z = np.linspace(-8.0, 8.0, 161)

FEEDBACK_FIGURES = {
    "sigmoid": lambda namespace, ctx: curve_against_right(namespace, ctx, "sigmoid", _Z, ref.sigmoid(_Z), "z"),
    "relu": lambda namespace, ctx: curve_against_right(namespace, ctx, "relu", _Z, ref.relu(_Z), "z"),
}


# ---- quiz "compute" questions (grader.quiz.compute) -------------------------------------------------


def _count_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of dense layers of these widths, input layer first."""
    return scalar(ref.count_parameters(layer_sizes))


def _perceptron_z(x: Sequence[float], W: Sequence[float], w0: float) -> float:
    """The weighted sum plus bias, w0 + x . W, before the non-linearity."""
    # The reference keeps this step private (_linear); the definition is one line.
    return scalar(w0 + np.dot(np.asarray(x, dtype=float), np.asarray(W, dtype=float)))


def _perceptron_output(x: Sequence[float], W: Sequence[float], w0: float) -> float:
    """sigmoid(w0 + x . W)."""
    return scalar(ref.perceptron_forward(np.asarray(x, dtype=float), W, w0))


def _perceptron_class(x: Sequence[float], W: Sequence[float], w0: float) -> int:
    """1 where w0 + x . W >= 0, else 0."""
    return scalar(ref.predict(np.asarray(x, dtype=float), W, w0))


def _sigmoid(z: float) -> float:
    return scalar(ref.sigmoid(z))


def _relu(z: float) -> float:
    return scalar(ref.relu(z))


COMPUTE = {
    "count_parameters": _count_parameters,
    "perceptron_z": _perceptron_z,
    "perceptron_output": _perceptron_output,
    "perceptron_class": _perceptron_class,
    "sigmoid": _sigmoid,
    "relu": _relu,
}
