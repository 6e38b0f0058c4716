"""The form of a quiz answer, judged without knowing the answer.

One definition for both sides: the learner's test cell calls ``form_problem``
at once ("'e' is not one of the options", "write the number without quotes",
"'s' is a symbol, not a function"), and the trusted grader reads answers with
the very same functions before it compares them with the right one
(``grader.quiz.checking``, ``grader.quiz.symbolic``).

A question's form is plain public data, written into the released notebook:
``{"kind": "single" | "multiple", "options": [...]}``, ``{"kind": "number"}``,
``{"kind": "integer"}`` or ``{"kind": "formula", "symbols": [...], "functions": [...]}``.
"""

from __future__ import annotations

import io
import keyword
import math
import numbers
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

#: Function names a formula may call (the trusted side maps each to its SymPy function).
FUNCTION_NAMES = ("exp", "log", "ln", "sqrt", "tanh", "abs")
MAX_FORMULA_LENGTH = 300
_ALLOWED_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^(). ]*$")
_NUMBER = re.compile(r"^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_OPERATORS = {"+", "-", "*", "/", "**", "^", "(", ")"}


class AnswerFormError(ValueError):
    """An answer in the wrong form; str() says what is wrong, kindly, without saying what is right."""


def describe(value: Any) -> str:
    """A short description of what a learner assigned."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    try:
        text = repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"
    except Exception:  # noqa: BLE001 - a learner's object may have a broken repr
        text = f"a {type(value).__name__} object"
    return text if len(text) <= 80 else text[:77] + "..."


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value) == 0
    return False


def choice_key(value: Any, keys: Iterable[str]) -> str:
    """The option letter a single-choice answer names ("b", "B", "(b)" and "b." all mean b)."""
    keys = list(keys)
    if not isinstance(value, str):
        raise AnswerFormError(f"The answer should be the letter of one option as text, e.g. \"{keys[0]}\"; "
                              f"you gave {describe(value)}.")
    key = re.sub(r"[\s().]", "", value).lower()
    if key not in keys:
        raise AnswerFormError(f"Your answer {value.strip()!r} is not one of the options ({', '.join(keys)}).")
    return key


def key_set(value: Any, keys: Iterable[str]) -> set[str]:
    """The option letters a multiple-choice answer names ({"a", "c"}, ["a", "c"], "a, c" or "ac")."""
    keys = list(keys)
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,;]+", value.strip().lower()) if p]
        if len(parts) == 1 and parts[0].isalpha() and len(parts[0]) > 1:
            parts = list(parts[0])  # "ac" means {"a", "c"}
        chosen = {p.strip("()") for p in parts}
    elif isinstance(value, (set, frozenset, list, tuple)):
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            raise AnswerFormError(f"Every chosen option should be a letter in quotes; {describe(bad[0])} is not.")
        chosen = {v.strip().strip("()").lower() for v in value}
    else:
        raise AnswerFormError(f"The answer should be a set of option letters, e.g. {{\"a\", \"c\"}}; "
                              f"you gave {describe(value)}.")
    unknown = sorted(chosen - set(keys))
    if unknown:
        raise AnswerFormError(f"{', '.join(map(repr, unknown))}: not among the options ({', '.join(keys)}).")
    return chosen


def as_number(value: Any) -> float:
    """A finite real number."""
    if isinstance(value, (bool, np.bool_)):
        raise AnswerFormError(f"The answer is a boolean ({value}); a number was expected.")
    if isinstance(value, str):
        raise AnswerFormError(
            f"The answer is text ({value.strip()[:40]!r}); write the number itself without quotes, "
            "e.g. answer = 0.25 rather than answer = \"0.25\"."
        )
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise AnswerFormError(f"The answer is {describe(value)}; a single number was expected.")
        value = value.reshape(()).item()
    if isinstance(value, complex) or not isinstance(value, numbers.Real):
        raise AnswerFormError(f"The answer is {describe(value)}; a single real number was expected.")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise AnswerFormError("the answer is too large to be a sensible value here.") from None
    if math.isnan(number):
        raise AnswerFormError("The answer is NaN (not a number), which usually means a 0/0 or a log of a "
                              "negative number slipped in.")
    if math.isinf(number):
        raise AnswerFormError("The answer is infinite; check for a division by zero or a log of 0.")
    return number


def as_integer(value: Any) -> int:
    """A whole number (3, 3.0 and np.int64(3) all are)."""
    try:
        number = as_number(value)
    except AnswerFormError as exc:
        raise AnswerFormError(str(exc).replace("a number was expected", "a whole number was expected")) from None
    if not float(number).is_integer():
        raise AnswerFormError(f"Your answer {number:.6g} is not a whole number; this question asks for an integer.")
    return int(number)


def formula_text(value: Any, symbols: Sequence[str]) -> str:
    """A formula answer as text: a number counts as the formula it writes (0.5 and np.float64(0.5) -> "0.5")."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return repr(int(value)) if isinstance(value, numbers.Integral) else repr(float(value))
        except (OverflowError, ValueError, TypeError):
            raise AnswerFormError(f"The answer {describe(value)} cannot be read as a number.") from None
    if not isinstance(value, str):
        raise AnswerFormError(f"The answer should be a formula written as text, e.g. "
                              f"\"2*{symbols[0]} + 1\"; you gave {describe(value)}.")
    return value


def check_formula(text: Any, symbols: Iterable[str], functions: Iterable[str] | None = None) -> str:
    """The formula's text, stripped, if only allowed characters, numbers, symbols and functions occur."""
    if not isinstance(text, str):
        raise AnswerFormError(f"expected the expression as text, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise AnswerFormError("the expression is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise AnswerFormError(f"the expression is longer than {MAX_FORMULA_LENGTH} characters")
    if "__" in text:
        raise AnswerFormError("double underscores are not allowed in an expression")
    if not _ALLOWED_CHARS.match(text):
        bad = sorted({c for c in text if not _ALLOWED_CHARS.match(c)})
        raise AnswerFormError(f"the character(s) {' '.join(repr(c) for c in bad)} are not allowed; use letters, "
                              "digits, spaces, + - * / ** ^ and ( )")
    _check_tokens(text, set(symbols), set(FUNCTION_NAMES if functions is None else functions))
    return text


def _check_tokens(text: str, symbols: set[str], functions: set[str]) -> None:
    allowed = ", ".join(sorted(symbols))
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise AnswerFormError("the parentheses are not balanced") from None
    for i, tok in enumerate(tokens):
        following = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if tok.type == tokenize.NAME:
            if tok.string in symbols:
                if following == "(":
                    raise AnswerFormError(f"{tok.string!r} is a symbol, not a function; write {tok.string}*(...) "
                                          "to multiply")
            elif tok.string in functions:
                if following != "(":
                    raise AnswerFormError(f"the function {tok.string!r} must be followed by (...)")
            else:
                funcs = ", ".join(sorted(functions)) or "none"
                raise AnswerFormError(f"the name {tok.string!r} is not allowed here; use only the symbols {allowed} "
                                      f"and the functions {funcs}")
        elif tok.type == tokenize.NUMBER:
            if not _NUMBER.match(tok.string):
                raise AnswerFormError(f"{tok.string!r} is not a plain decimal number")
        elif tok.type == tokenize.OP:
            if tok.string not in _OPERATORS:
                raise AnswerFormError(f"the character(s) {tok.string!r} are not allowed; use only + - * / ** ^ "
                                      "and ( )")
        else:
            raise AnswerFormError(f"{tok.string!r} is not allowed in an expression")


def check_symbol_name(name: str) -> str | None:
    """Why ``name`` cannot be a question symbol, or None if it can."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name) or "__" in name:
        return f"symbol {name!r} must be a letter followed by letters, digits or single underscores"
    if keyword.iskeyword(name):
        return f"symbol {name!r} is a Python keyword"
    if name in FUNCTION_NAMES:
        return f"symbol {name!r} is also the name of a function"
    return None


def form_problem(form: Mapping[str, Any], value: Any) -> str | None:
    """What is wrong with the form of ``value`` for a question of this form; None when it is well formed."""
    kind = form.get("kind")
    try:
        if kind == "single":
            choice_key(value, form["options"])
        elif kind == "multiple":
            key_set(value, form["options"])
        elif kind == "number":
            as_number(value)
        elif kind == "integer":
            as_integer(value)
        elif kind == "formula":
            check_formula(formula_text(value, form["symbols"]), form["symbols"], form.get("functions"))
        else:
            raise ValueError(f"unknown answer form {kind!r}")
    except AnswerFormError as exc:
        return str(exc)
    return None
