"""grader.learner.core.numpy_errors: NumPy's common errors explained in the words of the exercise.

Every error here is raised for real, by running the bad NumPy code a learner writes, and ``explain`` gets the
caught exception's type name and message: both as ``str(exc)`` and as the grader has them after a call
(``safe_call``'s ``CallResult.error_type`` and ``error``, the message with the learner's traceback lines).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from grader.learner.core.calls import safe_call
from grader.learner.core.numpy_errors import explain

GD_ARGS = ("grad", "w_init", "learning_rate", "num_steps")
XWW0 = ("X", "W", "w0")


def raised(fn: Callable[..., Any], *args: Any) -> tuple[str, str]:
    """The type name and message of what ``fn(*args)`` raises."""
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001 - the exception is what is tested
        return type(exc).__name__, str(exc)
    raise AssertionError(f"{fn.__name__} did not raise")


def explained(fn: Callable[..., Any], args: tuple[Any, ...], function: str, arg_names: tuple[str, ...]) -> str:
    """``explain`` of fn's error, the same whether it gets the bare message or the grader's call result."""
    error_type, message = raised(fn, *args)
    call = safe_call(fn, args, arg_names=arg_names, timeout_s=None)
    assert call.kind == "raised" and call.error_type == error_type
    direct = explain(error_type, message, function, arg_names)
    assert direct is not None, message
    assert explain(call.error_type, call.error, function, arg_names) == direct
    return direct


# ---- learners' functions that raise -----------------------------------------------------------------


def preallocated_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    iterates = np.zeros(num_steps + 1)  # one number per iterate: no room for a vector w
    iterates[0] = w
    for k in range(num_steps):
        w = w - learning_rate * grad(w)
        iterates[k + 1] = w
    return iterates


def rows_too_narrow(grad, w_init, learning_rate, num_steps):
    iterates = np.zeros((num_steps + 1, 2))
    iterates[0] = w_init
    return iterates


def ragged_descent(grad, w_init, learning_rate, num_steps):
    path = [float(np.mean(w_init))]  # a number first, then vectors
    w = np.array(w_init, dtype=float)
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def math_exp_sigmoid(z):
    return 1 / (1 + math.exp(-z))


def math_log_loss(y, p):
    return -np.mean(y * math.log(p) + (1 - y) * math.log(1 - p))


def math_pow_dg_dw(w):
    return (4 * math.pow(w, 3) - 6 * w + 5) / 16


def float_of_array(z):
    return float(z) * 2


def looping_predict(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.array([1 if s >= 0 else 0 for s in z])


def looping_over_0d_array(X, W, w0):
    z = np.asarray(w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))
    return np.array([1 if s >= 0 else 0 for s in z])


def len_of_scores(X, W, w0):
    z = np.asarray(w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))
    return np.array([int(z[i] >= 0) for i in range(len(z))])


def len_of_numpy_scalar(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.array([int(z[i] >= 0) for i in range(len(z))])


def indexing_scores_by_sample(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.array([int(z[i] >= 0) for i in range(np.shape(X)[0])])


def indexing_0d_array(X, W, w0):
    z = np.asarray(w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))
    return np.array([int(z[i] >= 0) for i in range(np.shape(X)[0])])


def loop_over_num_steps(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in num_steps:
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def if_on_array_sigmoid(z):
    if z >= 0:
        return 1 / (1 + np.exp(-z))
    return np.exp(z) / (1 + np.exp(z))


def bowl(w):
    return 2 * np.asarray(w)


ONE_SAMPLE = (np.array([-1.0, 2.0]), np.array([3.0, -2.0]), 1.0)


# ---- broadcasting into an array made beforehand ---------------------------------------------------


def test_a_vector_stored_in_an_array_of_numbers_is_told_how_to_make_room() -> None:
    text = explained(preallocated_descent, (bowl, np.array([1.0, -2.0]), 0.1, 3), "gradient_descent", GD_ARGS)
    assert text.startswith("`gradient_descent(grad, w_init, learning_rate, num_steps)` stores an array in a single entry")
    assert "np.zeros(num_steps + 1) when `w_init` is a vector" in text
    assert "np.zeros((num_steps + 1,) + np.shape(w_init))" in text
    assert "collect the values in a list" in text and "np.array(values)" in text


def test_a_value_of_another_shape_names_both_shapes() -> None:
    text = explained(rows_too_narrow, (bowl, np.array([1.0, -2.0, 0.5]), 0.1, 3), "gradient_descent", GD_ARGS)
    assert "a value of shape (3,) in a place of shape (2,)" in text
    assert "np.zeros((num_steps + 1,) + np.shape(w_init))" in text


def test_without_a_start_and_a_count_the_advice_is_general() -> None:
    error_type, message = raised(preallocated_descent, bowl, np.array([1.0, -2.0]), 0.1, 3)
    text = explain(error_type, message, "stack_rows", ("rows",))
    assert text is not None and "`stack_rows(rows)`" in text
    assert "np.zeros((n,) + np.shape(value))" in text and "num_steps" not in text


def test_values_of_different_shapes_collected_in_a_list() -> None:
    text = explained(ragged_descent, (bowl, np.array([1.0, -2.0]), 0.1, 2), "gradient_descent", GD_ARGS)
    assert "values of different shapes" in text and "np.shape" in text


# ---- functions of the math module on arrays --------------------------------------------------------


@pytest.mark.parametrize(
    "fn, args, function, arg_names, fix",
    [
        (math_exp_sigmoid, (np.array([-1.0, 0.0, 2.0]),), "sigmoid", ("z",), "use np.exp"),
        (math_log_loss, (np.array([1.0, 0.0]), np.array([0.9, 0.2])), "bce_loss", ("y", "p"), "use np.log"),
        (math_pow_dg_dw, (np.linspace(-1.0, 1.0, 3),), "dg_dw", ("w",), "use ** (or np.power)"),
    ],
    ids=["math.exp", "math.log", "math.pow"],
)
def test_a_math_function_on_an_array_is_named_with_its_numpy_version(fn, args, function, arg_names, fix) -> None:
    error_type, message = raised(fn, *args)
    generic = explain(error_type, message, function, arg_names)
    assert generic is not None and f"`{function}({', '.join(arg_names)})` hands an array to" in generic
    assert "math.exp, math.log, math.pow" in generic and "np.exp, np.log" in generic and "np.power" in generic
    # The grader's message carries the learner's line, so the very function is named, and its fix.
    call = safe_call(fn, args, arg_names=arg_names, timeout_s=None)
    named = explain(call.error_type, call.error, function, arg_names)
    assert named is not None and f"hands an array to math.{fn.__name__.split('_')[1]}, which takes one number" in named
    assert fix in named


def test_float_of_an_array() -> None:
    call = safe_call(float_of_array, (np.array([1.0, 2.0]),), arg_names=("z",), timeout_s=None)
    text = explain(call.error_type, call.error, "sigmoid", ("z",))
    assert text is not None and "hands an array to float()" in text and "np.asarray(x, dtype=float)" in text


def test_the_older_length_1_wording_is_recognised_too() -> None:
    # NumPy still words it "Only length-1 arrays ..." for masked arrays, as it once did for all.
    error_type, message = raised(math.exp, np.ma.array([1.0, 2.0]))
    assert "length-1" in message
    text = explain(error_type, message, "sigmoid", ("z",))
    assert text is not None and "takes one number only" in text


# ---- a single number used as a sequence -------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [looping_predict, looping_over_0d_array, len_of_scores, len_of_numpy_scalar, indexing_scores_by_sample,
     indexing_0d_array],
)
def test_a_loop_over_the_scores_of_one_sample_is_told_to_vectorise(fn) -> None:
    error_type, message = raised(fn, *ONE_SAMPLE)
    assert error_type in ("TypeError", "IndexError")
    text = explained(fn, ONE_SAMPLE, "predict", XWW0)
    assert text.startswith("`predict(X, W, w0)` loops over, indexes or takes len() of a single number")
    assert "when `X` holds one sample" in text and "0-d number" in text
    assert "np.where(z >= 0, 1, 0)" in text and "np.atleast_1d(z)" in text


def test_the_same_loop_works_for_a_batch() -> None:
    # what makes the error a puzzle to a learner: their loop is right for every batch
    batch = (np.array([[-1.0, 2.0], [1.0, 0.0]]), ONE_SAMPLE[1], ONE_SAMPLE[2])
    assert looping_predict(*batch).tolist() == [0, 1]


def test_a_loop_over_a_count_is_told_to_use_range() -> None:
    text = explained(loop_over_num_steps, (bowl, 1.0, 0.1, 3), "gradient_descent", GD_ARGS)
    assert "`for i in num_steps`" in text and "`for i in range(num_steps)`" in text


# ---- an array where one True or False is needed ------------------------------------------------------


def test_if_on_an_array() -> None:
    text = explained(if_on_array_sigmoid, (np.array([-1.0, 2.0]),), "sigmoid", ("z",))
    assert "`if z >= 0:`" in text and "np.where(condition" in text and "np.any" in text


# ---- what it does not know ---------------------------------------------------------------------------


def misaligned(X, W, w0):
    return w0 + np.dot(W, X)


def divide(x):
    return 1 // x


@pytest.mark.parametrize(
    "fn, args",
    [(misaligned, (np.ones((3, 2)), np.ones(2), 0.0)), (divide, (0,)), (lambda: {}["w"], ())],
    ids=["shapes not aligned", "ZeroDivisionError", "KeyError"],
)
def test_other_errors_get_no_explanation(fn, args) -> None:
    error_type, message = raised(fn, *args)
    assert explain(error_type, message, "f", ("x",)) is None


def test_a_known_message_under_another_exception_type_is_not_explained() -> None:
    _, message = raised(looping_predict, *ONE_SAMPLE)
    assert explain("KeyError", message, "predict", XWW0) is None
    # Without a type (what a caller may lack), the message alone decides.
    assert explain(None, message, "predict", XWW0) == explain("TypeError", message, "predict", XWW0)


def test_nothing_to_go_on_gives_none() -> None:
    assert explain(None, None, "f", ()) is None
    assert explain("ValueError", "", "f", ()) is None


# ---- what the grader will pass: a part graded as usual ---------------------------------------------------


def test_the_failed_cases_of_a_graded_part_carry_what_explain_needs() -> None:
    from check_support import ctx_for, grade_part

    result = grade_part("perceptron", "predict", {"predict": looping_predict}, ctx_for("ada"))
    raised_cases = [o for o in result.failures() if (o.problem or "").startswith("it raised ")]
    assert [o.label for o in raised_cases] == ["the lecture's example (z = -6)"]  # the one single sample
    error = raised_cases[0].problem.removeprefix("it raised ")
    text = explain(error.split(":", 1)[0], error, "predict", XWW0)
    assert text is not None and "np.where(z >= 0, 1, 0)" in text
