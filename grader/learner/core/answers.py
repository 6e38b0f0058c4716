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

import ast
import io
import keyword
import math
import numbers
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

#: Function names a formula may call (the trusted side maps each to its SymPy function).
FUNCTION_NAMES = ("exp", "log", "ln", "sqrt", "tanh", "abs")
MAX_FORMULA_LENGTH = 300
_ALLOWED_CHARS = re.compile(r"^[A-Za-z0-9_+\-*/^(). ]*$")
_NUMBER = re.compile(r"^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_OPERATORS = {"+", "-", "*", "/", "**", "^", "(", ")"}

# Bounds on a formula's size. 300 characters are enough for (w + 1)**999999999 or 9**9**9, which
# SymPy would multiply out or compute, taking gigabytes; so the size is bounded on Python's parse
# tree of the text, which costs nothing to build, before SymPy sees it. Every formula of the course
# is far inside them; grading and the notebook's form check use these same numbers.
#: Levels of nested operations, functions and parentheses (a chain a + b - c, or a*b/c, is one level,
#: as SymPy flattens it; each power, function call and unary minus is one more).
MAX_FORMULA_DEPTH = 20
#: Numbers and symbols written in the formula.
MAX_FORMULA_OPERANDS = 60
#: Terms once every product and integer power is multiplied out (an upper estimate): (a+b+c+d)**64
#: is short but expands to 47905 terms, which is what simplify may do.
MAX_EXPANDED_TERMS = 10_000
#: Absolute value of an exponent. A constant exponent counts exactly; one with symbols counts each
#: symbol as 1 and each number as the larger of it and its inverse (a bound on whatever SymPy can
#: fold it to, as in w**(w - w + 99)), functions included (log(exp(99)) folds to 99).
MAX_EXPONENT = 64
#: Digits of a number, and the largest size (magnitude or inverse) of a number or constant power.
MAX_NUMBER_DIGITS = 30
MAX_NUMBER_SIZE = 1e300


class AnswerFormError(ValueError):
    """An answer in the wrong form; str() says what is wrong, kindly, without saying what is right."""


SizeBound = Literal["depth", "terms", "exponent", "number"]


class FormulaTooLargeError(AnswerFormError):
    """A formula over one of the size bounds: too large to be checked, not wrong in form."""

    def __init__(self, bound: SizeBound, reason: str) -> None:
        super().__init__(f"the expression is too large ({reason})")
        #: Which bound it is over.
        self.bound: SizeBound = bound
        #: Which bound, in words for the learner ("exponent too large: ...").
        self.reason = reason


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
    check_formula_size(text)
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


def check_formula_size(text: str) -> None:
    """FormulaTooLargeError when a whitelisted formula is over one of the size bounds above.

    Only Python's parse tree of the text (``^`` read as ``**``) is built, and nothing is computed
    but rational constants already known to stay within ``MAX_NUMBER_SIZE``. Text that Python
    cannot parse passes: reading it as a formula fails later, with its own message.
    """
    level = 0
    for char in text:
        level += (char == "(") - (char == ")")
        if level > MAX_FORMULA_DEPTH:
            raise _too_deep()
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError:
        return
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    try:
        _SizeWalk(text.replace("^", "**")).visit(tree.body)
    except RecursionError:  # - - - ... w or a 150-term chain, walked from deep inside a caller's stack
        raise _too_deep() from None


def _too_deep() -> FormulaTooLargeError:
    return FormulaTooLargeError("depth", f"too deep: more than {MAX_FORMULA_DEPTH} levels of nested operations, "
                                         "functions or parentheses")


@dataclass(frozen=True)
class _Size:
    level: int
    #: "add" or "mul" when the node is such a chain, which a parent of the same kind continues.
    group: str | None
    #: At least max(|v|, 1/|v|) for any value v that SymPy can fold the node to, symbols read as 1.
    size: float
    #: The node's value when it is a rational constant.
    exact: Fraction | None
    #: At least its number of terms once multiplied out.
    terms: int


def _height(value: Fraction) -> float:
    # max(|numerator|, denominator) bounds both |value| and 1/|value|.
    try:
        return float(max(abs(value.numerator), value.denominator))
    except OverflowError:
        return math.inf


class _SizeWalk:
    """One formula's parse tree, bottom up, raising FormulaTooLargeError at the first bound passed."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.operands = 0

    def visit(self, node: ast.AST) -> _Size:
        size = self._visit(node)
        if size.level > MAX_FORMULA_DEPTH:
            raise _too_deep()
        if size.terms > MAX_EXPANDED_TERMS:
            raise FormulaTooLargeError("terms", f"too many terms: more than {MAX_EXPANDED_TERMS} once every "
                                                "product and power is multiplied out")
        return size

    def _operand(self) -> None:
        self.operands += 1
        if self.operands > MAX_FORMULA_OPERANDS:
            raise FormulaTooLargeError("terms", f"too many terms: more than {MAX_FORMULA_OPERANDS} numbers and "
                                                "symbols")

    def _visit(self, node: ast.AST) -> _Size:
        if isinstance(node, ast.Name):
            self._operand()
            return _Size(1, None, 1.0, None, 1)
        if isinstance(node, ast.Constant):
            self._operand()
            return self._number(ast.get_source_segment(self.source, node) or repr(node.value))
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            exact = -operand.exact if operand.exact is not None else None
            # A product continues through -x, but - - - ... x nests: SymPy keeps each level unevaluated.
            return _Size(operand.level + 1, "mul", operand.size, exact, operand.terms)
        if isinstance(node, ast.BinOp):
            left, right = self.visit(node.left), self.visit(node.right)
            if isinstance(node.op, ast.Pow):
                return self._power(left, right)
            return self._chain(node.op, left, right)
        if isinstance(node, ast.Call):
            args = [self.visit(arg) for arg in node.args]
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            inner = max((a.size for a in args), default=1.0)
            if name == "exp":
                try:
                    inner = math.exp(inner)
                except OverflowError:
                    inner = math.inf
            # log(exp(x)), sqrt(x**2) and abs(x) fold back to x; |log(v)| is below max(|v|, 1/|v|).
            exact = abs(args[0].exact) if name == "abs" and len(args) == 1 and args[0].exact is not None else None
            return _Size(self._level(None, *args), None, inner, exact, 1)
        return _Size(1, None, 1.0, None, 1)  # not a formula; the parser refuses it later

    @staticmethod
    def _level(group: str | None, *children: _Size) -> int:
        return 1 + max((c.level - (group is not None and c.group == group) for c in children), default=0)

    def _number(self, literal: str) -> _Size:
        match = _NUMBER.match(literal)
        if match is None:
            return _Size(1, None, 1.0, None, 1)
        if sum(c.isdigit() for c in match.group(1)) > MAX_NUMBER_DIGITS:
            raise FormulaTooLargeError("number", f"number too large: more than {MAX_NUMBER_DIGITS} digits")
        exponent = match.group(2)
        if exponent and (len(exponent) > 6 or abs(int(exponent[1:])) > math.log10(MAX_NUMBER_SIZE)):
            raise FormulaTooLargeError("number", f"number too large: beyond {MAX_NUMBER_SIZE:g} or its inverse")
        value = Fraction(literal)
        return _Size(1, None, _height(value), value, 1)

    def _chain(self, op: ast.operator, left: _Size, right: _Size) -> _Size:
        additive = isinstance(op, (ast.Add, ast.Sub))
        group = "add" if additive else "mul"
        exact: Fraction | None = None
        if left.exact is not None and right.exact is not None:
            if isinstance(op, ast.Add):
                exact = left.exact + right.exact
            elif isinstance(op, ast.Sub):
                exact = left.exact - right.exact
            elif isinstance(op, ast.Mult):
                exact = left.exact * right.exact
            elif right.exact != 0:
                exact = left.exact / right.exact
        if exact is not None:
            size = _height(exact)
        else:
            size = left.size + right.size if additive else left.size * right.size
        terms = left.terms + right.terms if additive else left.terms * right.terms
        return _Size(self._level(group, left, right), group, size, exact, terms)

    def _power(self, base: _Size, exponent: _Size) -> _Size:
        if exponent.exact is not None:
            bound = float(abs(exponent.exact)) if abs(exponent.exact) <= MAX_EXPONENT else math.inf
        else:
            bound = exponent.size
        if bound > MAX_EXPONENT:
            shown = exponent.exact is not None and _height(exponent.exact) < 1e15
            which = f"{exponent.exact} is" if shown else "it can be"
            raise FormulaTooLargeError("exponent", f"exponent too large: {which} more than {MAX_EXPONENT} in "
                                                   "absolute value")
        try:
            size = base.size ** bound
        except OverflowError:
            size = math.inf
        if size > MAX_NUMBER_SIZE:
            raise FormulaTooLargeError("number", f"number too large: a power in it can be beyond "
                                                 f"{MAX_NUMBER_SIZE:g} or its inverse")
        exact = None
        if base.exact is not None and exponent.exact is not None and exponent.exact.denominator == 1:
            try:
                exact = base.exact ** int(exponent.exact)
            except ZeroDivisionError:
                exact = None
        # A power with exponent n of k terms has at most comb(k + n - 1, n) once multiplied out.
        n = math.floor(bound)
        terms = math.comb(base.terms + n - 1, n) if n >= 1 else 1
        return _Size(1 + max(base.level, exponent.level), None, size, exact, terms)


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
