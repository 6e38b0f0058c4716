"""What ``dlcourse validate`` checks besides the checks: course.yaml against the material it names.

* every exercise notebook, as it will be released (course.yaml's points stamped in), follows the
  notebook rules and has exactly course.yaml's parts (``grader.release.notebook_rules``);
* every formula an exercise's settings fix (its module's ``stated_formulas``: gradient_descent's
  ``g(w)`` and ``g'(w)`` of its quartic) that a notebook or a quiz states, in its math or its
  docstrings, and every quiz formula answer asked for by that name, is course.yaml's. Numbers that flow from course.yaml (self-check data, plots, compute answers) need no check;
  the words an author wrote do.

Each problem names the file, where in it (cell or question), and both values.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import nbformat
import sympy
from sympy.parsing.sympy_parser import convert_xor, implicit_multiplication, parse_expr, standard_transformations

from grader.course.config import Course
from grader.exercises import exercise_modules
from grader.release.notebook_rules import notebook_problems, stamp_course

#: ``$...$`` and ``$$...$$`` spans of Markdown or quiz text.
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_LOCALS = {"w": sympy.Symbol("w")}


def _statement_patterns(names: Iterable[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A statement of one of ``names`` (``g(w)``, ``g'(w)``): the name, then the formula up to the end of
    the statement; in math, and in code (up to a comma, semicolon, quote or line end)."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return (re.compile(rf"(?<![\w'])({alternatives})\s*=\s*(.+)", re.S),
            re.compile(rf"(?<![\w'])({alternatives})\s*=\s*([^,;\n\"']+)"))


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
        return parse_expr(text.strip().rstrip("."), local_dict=dict(_LOCALS),
                          transformations=(*standard_transformations, implicit_multiplication, convert_xor))
    except Exception:  # noqa: BLE001 - prose after the formula, or not a formula at all
        return None


def _statements(text: str, code: bool, names: Iterable[str]) -> Iterator[tuple[str, str, sympy.Expr]]:
    """(the name stated, the formula as written, its expression) for each readable statement in ``text``."""
    in_math, in_code = _statement_patterns(names)
    if code:
        for m in in_code.finditer(text):
            expr = _from_code(m.group(2))
            if expr is not None:
                yield m.group(1), m.group(2).strip(), expr
        return
    for span in _MATH.finditer(text):
        m = in_math.search(span.group(1) or span.group(2))
        if m:
            expr = _from_latex(m.group(2))
            if expr is not None:
                yield m.group(1), m.group(2).strip(), expr


def _disagreement(formulas: Mapping[str, sympy.Expr], name: str, written: str, expr: sympy.Expr) -> str | None:
    want = formulas[name]
    if sympy.simplify(expr - want) == 0:
        return None
    return f"states {name} = {written}, but course.yaml gives {name} = {sympy.factor(want)}"


def stated_formulas(course: Course) -> dict[str, sympy.Expr]:
    """What the course material may state about the course's settings, from each exercise module's
    ``stated_formulas(settings)`` (gradient_descent: g(w) and g'(w) of its quartic)."""
    formulas: dict[str, sympy.Expr] = {}
    for assignment in course.assignments:
        module = exercise_modules().get(assignment.id)
        if module is not None and hasattr(module, "stated_formulas"):
            formulas.update(module.stated_formulas(course.settings_of(assignment.id)))
    return formulas


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


def formula_problems(course: Course, notebooks: dict[str, nbformat.NotebookNode]) -> list[str]:
    """Every statement of a formula the course's settings fix, in the notebooks and quizzes, that
    disagrees with course.yaml."""
    from grader.quiz.load import load_course_quizzes
    from grader.quiz.model import Symbolic

    formulas = stated_formulas(course)
    if not formulas:
        return []
    problems = []
    for assignment in course.assignments:
        path = course.path(assignment.notebook)
        for i, cell in enumerate(notebooks[assignment.id].cells if assignment.id in notebooks else []):
            for name, written, expr in _statements(cell.source, cell.cell_type == "code", formulas):
                if why := _disagreement(formulas, name, written, expr):
                    problems.append(f"{path}: cell {i}: {why}")
    for quiz in load_course_quizzes(course):
        texts = [("intro", quiz.intro or "")]
        texts += [(f"{q.id}.{field}", getattr(q, field, "") or "") for q in quiz.questions for field in ("prompt", "explanation")]
        for where, text in texts:
            for name, written, expr in _statements(text, False, formulas):
                if why := _disagreement(formulas, name, written, expr):
                    problems.append(f"{quiz.source}: {where}: {why}")
        for q in quiz.questions:
            # A formula question asks for the formula its prompt names first ("Write the derivative g'(w) of g(w) = ...").
            named = sorted((q.prompt.find(n), n) for n in formulas if n in q.prompt) if isinstance(q, Symbolic) else []
            if named and (expr := _from_code(q.answer)) is not None:
                name = named[0][1]
                if why := _disagreement(formulas, name, q.answer, expr):
                    problems.append(f"{quiz.source}: {q.id}.answer: asks for {name} and {why.removeprefix('states ')}")
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
    return unreadable + structure_problems(course, notebooks) + formula_problems(course, notebooks)
