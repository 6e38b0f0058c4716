"""What ``dlcourse validate`` checks besides the checks: course.yaml against the material it names.

* every exercise notebook, as it will be released (course.yaml's points stamped in), follows the
  notebook rules and has exactly course.yaml's parts (``grader.release.notebook_rules``);
* every formula of the quartic that a notebook or a quiz states, ``g(w) = ...`` or ``g'(w) = ...``
  in its math or its docstrings, and every quiz formula answer asked for as ``g'(w)``, is course.yaml's
  quartic (gradient_descent's setting; a course without that exercise states none). Numbers that flow from course.yaml (self-check data, plots, compute answers) need no check;
  the words an author wrote do.

Each problem names the file, where in it (cell or question), and both values.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import sympy
from sympy.parsing.sympy_parser import convert_xor, implicit_multiplication, parse_expr, standard_transformations

from grader.course.config import Course
from grader.exercises.gradient_descent import ASSIGNMENT as QUARTIC_EXERCISE, quartic_of
from grader.release.notebook_rules import notebook_problems, stamp_course
from reference.gradient_descent import Quartic

W = sympy.Symbol("w")
#: ``$...$`` and ``$$...$$`` spans of Markdown or quiz text.
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
#: A statement of g or of its derivative: the name, then the formula up to the end of the statement.
_STATEMENT = re.compile(r"\bg(')?\(w\)\s*=\s*(.+)", re.S)
_CODE_STATEMENT = re.compile(r"\bg(')?\(w\)\s*=\s*([^,;\n\"']+)")


def quartic_expr(quartic: Quartic, derivative: bool = False) -> sympy.Expr:
    """g(w) (or g'(w)) as an exact sympy expression."""
    degree = len(quartic.coefficients) - 1
    g = sum(sympy.nsimplify(c) * W ** (degree - k) for k, c in enumerate(quartic.coefficients)) / sympy.nsimplify(quartic.scale)
    return sympy.expand(sympy.diff(g, W) if derivative else g)


def _from_latex(text: str) -> sympy.Expr | None:
    from sympy.parsing.latex import parse_latex

    text = re.split(r"\\q?quad|\\text|,\s|;", text)[0]
    text = text.replace(r"\left", "").replace(r"\right", "").strip().rstrip(".,; ")
    try:
        expr = parse_latex(text, backend="lark")
    except Exception:  # noqa: BLE001 - a formula sympy cannot read is not judged
        return None
    return expr if isinstance(expr, sympy.Expr) else None


def _from_code(text: str) -> sympy.Expr | None:
    try:
        return parse_expr(text.strip().rstrip("."), local_dict={"w": W},
                          transformations=(*standard_transformations, implicit_multiplication, convert_xor))
    except Exception:  # noqa: BLE001 - prose after the formula, or not a formula at all
        return None


def _statements(text: str, code: bool) -> Iterator[tuple[bool, str, sympy.Expr]]:
    """(is the derivative, the formula as written, its expression) for each readable statement in ``text``."""
    if code:
        for m in _CODE_STATEMENT.finditer(text):
            expr = _from_code(m.group(2))
            if expr is not None:
                yield bool(m.group(1)), m.group(2).strip(), expr
        return
    for span in _MATH.finditer(text):
        m = _STATEMENT.search(span.group(1) or span.group(2))
        if m:
            expr = _from_latex(m.group(2))
            if expr is not None:
                yield bool(m.group(1)), m.group(2).strip(), expr


def _disagreement(quartic: Quartic, derivative: bool, written: str, expr: sympy.Expr) -> str | None:
    want = quartic_expr(quartic, derivative)
    if sympy.simplify(expr - want) == 0:
        return None
    name = "g'(w)" if derivative else "g(w)"
    return f"states {name} = {written}, but course.yaml's quartic gives {name} = {sympy.factor(want)}"


def _notebooks(course: Course) -> tuple[dict[str, nbformat.NotebookNode], list[str]]:
    """Every exercise notebook, read once, by assignment id; and a problem for each that cannot be read."""
    notebooks, problems = {}, []
    for assignment in course.assignments:
        path = course.path(assignment.notebook)
        try:
            notebooks[assignment.id] = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook is reported, not raised
            problems.append(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})")
    return notebooks, problems


def quartic_problems(course: Course, notebooks: dict[str, nbformat.NotebookNode]) -> list[str]:
    """Every statement of the quartic, in the notebooks and quizzes, that is not course.yaml's."""
    from grader.quiz.load import load_course_quizzes
    from grader.quiz.model import Symbolic

    if course.settings_of(QUARTIC_EXERCISE) is None:
        return []
    quartic = quartic_of(course.settings_of(QUARTIC_EXERCISE))
    problems = []
    for assignment in course.assignments:
        path = course.path(assignment.notebook)
        for i, cell in enumerate(notebooks[assignment.id].cells if assignment.id in notebooks else []):
            for derivative, written, expr in _statements(cell.source, code=cell.cell_type == "code"):
                if why := _disagreement(quartic, derivative, written, expr):
                    problems.append(f"{path}: cell {i}: {why}")
    for quiz in load_course_quizzes(course):
        texts = [("intro", quiz.intro or "")]
        texts += [(f"{q.id}.{field}", getattr(q, field, "") or "") for q in quiz.questions for field in ("prompt", "explanation")]
        for where, text in texts:
            for derivative, written, expr in _statements(text, code=False):
                if why := _disagreement(quartic, derivative, written, expr):
                    problems.append(f"{quiz.source}: {where}: {why}")
        for q in quiz.questions:
            if isinstance(q, Symbolic) and "g'(w)" in q.prompt and (expr := _from_code(q.answer)) is not None:
                if why := _disagreement(quartic, True, q.answer, expr):
                    problems.append(f"{quiz.source}: {q.id}.answer: asks for g'(w) and {why.removeprefix('states ')}")
    return problems


def structure_problems(course: Course, notebooks: dict[str, nbformat.NotebookNode]) -> list[str]:
    """Every exercise notebook, with course.yaml's points stamped in as at release, against the rules."""
    problems = []
    for assignment in course.assignments:
        if assignment.id not in notebooks:
            continue
        released = copy.deepcopy(notebooks[assignment.id])
        stamp_course(assignment, released)
        path: Path = course.path(assignment.notebook)
        problems += [f"{path} ({assignment.id}): {p}" for p in notebook_problems(assignment, released)]
    return problems


def course_problems(course: Course) -> list[str]:
    notebooks, unreadable = _notebooks(course)
    return unreadable + structure_problems(course, notebooks) + quartic_problems(course, notebooks)
