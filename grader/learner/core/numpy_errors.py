"""NumPy's most common errors, told in the words of the exercise: why a learner's function raised, and the fix.

``explain(error_type, message, function, arg_names)`` takes what the grader knows of a call that raised
(``CallResult.error_type`` and ``CallResult.error``: the exception's message, which may start with its type and
be followed by the learner's traceback lines) and returns a sentence or two naming the cause and the fix, or None
for an error it does not recognise. NumPy words its messages differently from version to version (``only
length-1 arrays ...`` became ``only 0-dimensional arrays ...``); every wording known is matched.

This ships to learners: it imports only the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["explain"]

#: ``math.<name>`` (in the learner's traceback) -> what takes arrays instead.
_NUMPY_FOR_MATH = {
    "pow": "** (or np.power)",
    "fabs": "np.abs",
    "fsum": "np.sum",
    "prod": "np.prod",
    "isclose": "np.isclose",
    "isnan": "np.isnan",
    "isinf": "np.isinf",
    "isfinite": "np.isfinite",
}

_BROADCAST_INTO = re.compile(r"could not broadcast input array from shape (\([^)]*\)) into shape (\([^)]*\))")
_SCALAR_CONVERSION = re.compile(r"only (?:0-dimensional|length-1|size-1) arrays can be converted to Python scalars", re.I)
_MATH_CALL = re.compile(r"\bmath\.(\w+)\s*\(")
_PLAIN_CONVERSION = re.compile(r"\b(float|int|complex)\s*\(")
#: A single number used as a sequence: looped over, measured with len(), or indexed.
_NOT_A_SEQUENCE = (
    re.compile(r"'(numpy\.\w+|float|bool)' object is not iterable"),
    re.compile(r"iteration over a 0-d array"),
    re.compile(r"len\(\) of unsized object"),
    re.compile(r"object of type '(numpy\.\w+|float|int|bool)' has no len\(\)"),
    re.compile(r"invalid index to scalar variable"),
    re.compile(r"too many indices for array: array is 0-dimensional"),
    re.compile(r"'(numpy\.\w+|float)' object is not subscriptable"),
)
_INT_NOT_ITERABLE = re.compile(r"'int' object is not iterable")
_AMBIGUOUS = re.compile(r"truth value of an array with more than one element is ambiguous")


def explain(error_type: str | None, message: str | None, function: str, arg_names: Sequence[str] = ()) -> str | None:
    """Why ``function`` raised, in a learner's terms, with the fix; None for an error not recognised here.

    ``error_type`` is the exception's class name ("ValueError"); ``message`` its text, as ``str(exc)`` or as the
    grader's traceback ("ValueError: ...\\n  line 7, in f: ...") gives it. ``arg_names`` are the function's
    parameters, used to word the advice ("np.shape(w_init)").
    """
    text = message or ""
    names = tuple(arg_names)
    for kinds, explainer in _EXPLAINERS:
        if error_type is not None and error_type not in kinds:
            continue
        sentence = explainer(text, function, names)
        if sentence is not None:
            return sentence
    return None


def _signature(function: str, arg_names: tuple[str, ...]) -> str:
    return f"`{function}({', '.join(arg_names)})`"


def _preallocated_shape(start: str | None, count: str | None) -> str:
    """An array with room for each value, in the function's own names where it has a start value and a count."""
    if start and count:
        # A start value and a number of steps: the start and one value per step, each shaped like the start.
        return f"np.zeros(({count} + 1,) + np.shape({start}))"
    return "np.zeros((n,) + np.shape(value))"


def _into_preallocated(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    shapes = _BROADCAST_INTO.search(text)
    start = next((a for a in arg_names if a.endswith("_init")), None)
    count = next((a for a in arg_names if a.startswith("num_")), None)
    if shapes is not None:
        what = (
            f"stores a value of shape {shapes.group(1)} in a place of shape {shapes.group(2)} of an array made "
            "beforehand: the array was made for values of another shape"
        )
    elif "setting an array element with a sequence" in text and "inhomogeneous" not in text:
        example = f"np.zeros({count} + 1) when `{start}` is a vector" if start and count else "np.zeros(n) for vectors"
        what = f"stores an array in a single entry of an array made to hold one number per entry, e.g. {example}"
    else:
        return None
    return (
        f"{_signature(function, arg_names)} {what}. Make the array with room for each value, "
        f"e.g. {_preallocated_shape(start, count)}, or collect the values in a list and turn it into an array "
        "at the end with np.array(values)."
    )


def _ragged(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    if "setting an array element with a sequence" not in text or "inhomogeneous" not in text:
        return None
    start = next((a for a in arg_names if a.endswith("_init")), None)
    first = f"np.array({start}, dtype=float) as the first one" if start else "np.asarray(value, dtype=float) for each"
    return (
        f"{_signature(function, arg_names)} makes an array from values of different shapes (a number next to "
        "arrays, or arrays of different lengths), and np.array cannot stack those into one array. Give every "
        f"value the same shape before collecting them ({first}), and check the shape of what is appended with "
        "np.shape."
    )


def _math_on_array(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    if not _SCALAR_CONVERSION.search(text):
        return None
    called = _MATH_CALL.search(text)
    if called is not None:
        name = called.group(1)
        culprit = f"math.{name}"
        fix = f"use {_NUMPY_FOR_MATH.get(name, f'np.{name}')}, which works entry by entry on arrays and on numbers alike"
    elif (plain := _PLAIN_CONVERSION.search(text)) is not None:
        culprit = f"{plain.group(1)}()"
        fix = "keep the value as an array (np.asarray(x, dtype=float) converts without losing the entries)"
    else:
        culprit = "a function of Python's math module (math.exp, math.log, math.pow, math.sqrt), or float()"
        fix = "use NumPy's elementwise versions, which take numbers and arrays alike: np.exp, np.log, np.sqrt, ** or np.power"
    return (
        f"{_signature(function, arg_names)} hands an array to {culprit}, which takes one number only: it works "
        f"for a single value but not for an array of them. Instead, {fix}."
    )


def _number_as_sequence(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    if not any(pattern.search(text) for pattern in _NOT_A_SEQUENCE):
        return None
    first = f"`{arg_names[0]}`" if arg_names else "the input"
    return (
        f"{_signature(function, arg_names)} loops over, indexes or takes len() of a single number: when {first} "
        "holds one sample (or one number), a value computed from it, such as a weighted sum, is a 0-d number, not "
        "an array of one entry. Work on the whole array at once, e.g. np.where(z >= 0, 1, 0) instead of a loop "
        "over z: that gives a number for one sample and an array for many. (np.atleast_1d(z) makes a loop "
        "possible, but its result then has shape (1,) where a single number may be expected.)"
    )


def _int_not_iterable(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    if not _INT_NOT_ITERABLE.search(text):
        return None
    count = next((a for a in arg_names if a.startswith(("num_", "n_"))), "n")
    return (
        f"{_signature(function, arg_names)} loops over a whole number: `for i in {count}` (or `for i in len(x)`) "
        f"needs range, `for i in range({count})`."
    )


def _ambiguous_truth(text: str, function: str, arg_names: tuple[str, ...]) -> str | None:
    if not _AMBIGUOUS.search(text):
        return None
    return (
        f"{_signature(function, arg_names)} asks for one True or False of an array with several entries: an "
        "`if`, `while`, `and`, `or` or `not` on an array (such as `if z >= 0:` for an array z) works for a single "
        "number only. Decide entry by entry with np.where(condition, value_if_true, value_if_false) or a boolean "
        "mask, or reduce the condition to one value first (np.all, np.any, np.linalg.norm(step) < tol)."
    )


_Explainer = Callable[[str, str, tuple[str, ...]], str | None]

#: (the exception types it can come as, how to explain it), tried in order.
_EXPLAINERS: tuple[tuple[frozenset[str], _Explainer], ...] = (
    (frozenset({"ValueError"}), _into_preallocated),
    (frozenset({"ValueError"}), _ragged),
    (frozenset({"TypeError"}), _math_on_array),
    (frozenset({"TypeError", "IndexError"}), _number_as_sequence),
    (frozenset({"TypeError"}), _int_not_iterable),
    (frozenset({"ValueError"}), _ambiguous_truth),
)
