"""Reading quiz files: YAML -> validated ``Quiz``, or one ``CourseError`` listing every problem.

Each problem reads ``<question id>.<field>: <what was expected>`` (or
``questions[3].<field>`` when the question has no usable id), and the
error's source is the file, so an author sees file, question and field.
The header and each question are validated separately, and the checks
that relate fields to each other run on every question that passed the
type checks, so one load reports everything wrong in the file.
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from grader.course.config import Course, read_yaml
from grader.errors import CourseError
from grader.course.typed import TaggedUnion, validation_problems
from grader.quiz import compute, symbolic
from grader.learner.core import variants
from grader.quiz.model import (
    QUESTION_TYPES,
    VARIANT_SET,
    Compute,
    MultipleChoice,
    Numeric,
    Question,
    Quiz,
    QuizHeader,
    RangeFeedback,
    SingleChoice,
    Symbolic,
)

_QUESTION = TypeAdapter(Question)
#: A question is one of the question types, told apart by its ``type``.
_QUESTION_TYPE = TaggedUnion(key="type", meaning="question type", tags=QUESTION_TYPES)
#: Compute-it answers are checked for every combination of parameters up to this many.
MAX_CHECKED_VARIANTS = 500


def _question_label(raw: Any, index: int) -> str:
    qid = raw.get("id") if isinstance(raw, dict) else None
    return qid if isinstance(qid, str) and qid.strip() else f"questions[{index}]"


def _check_ranges(label: str, ranges: Iterable[RangeFeedback]) -> list[str]:
    return [
        f"{label}.feedback[{i}]: low ({r.low}) is above high ({r.high})"
        for i, r in enumerate(ranges)
        if r.low is not None and r.high is not None and r.low > r.high
    ]


def _check_options(label: str, q: SingleChoice | MultipleChoice) -> list[str]:
    problems: list[str] = []
    keys = [o.key for o in q.options]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"{label}.options: key {key!r} is used by more than one option")
    answers = [q.answer] if isinstance(q, SingleChoice) else q.answer
    for a in answers:
        if a not in keys:
            problems.append(f"{label}.answer: {a!r} is not among the options ({', '.join(keys)})")
    if isinstance(q, MultipleChoice):
        for a in sorted({a for a in answers if answers.count(a) > 1}):
            problems.append(f"{label}.answer: {a!r} is listed more than once")
    return problems


def _check_placeholders(label: str, q: Question, declared: set[str]) -> list[str]:
    unknown = sorted(q.placeholders - declared)
    if not unknown:
        return []
    known = ", ".join(sorted(declared)) or "none for this question type"
    return [f"{label}.prompt: placeholder(s) {', '.join(unknown)} are not declared parameters ({known})"]


def _check_symbolic(label: str, q: Symbolic) -> list[str]:
    problems = [f"{label}.symbols: {why}" for s in q.symbols if (why := symbolic.check_symbol_name(s))]
    if q.functions is not None:
        unknown = sorted(set(q.functions) - set(symbolic.FUNCTIONS))
        if unknown:
            problems.append(
                f"{label}.functions: unknown function(s) {', '.join(unknown)} "
                f"(allowed: {', '.join(sorted(symbolic.FUNCTIONS))})"
            )
    if q.sample_range[0] >= q.sample_range[1]:
        problems.append(f"{label}.sample_range: the low end must be below the high end, got {list(q.sample_range)}")
    if problems:
        return problems  # parsing with broken symbols would only repeat the same problem
    try:
        symbolic.safe_parse(q.answer, q.symbols, q.functions)
    except symbolic.ExpressionError as exc:
        problems.append(f"{label}.answer: {q.answer!r} does not parse as an expression: {exc}")
    for i, m in enumerate(q.mistakes):
        try:
            symbolic.safe_parse(m.expression, q.symbols, q.functions)
        except symbolic.ExpressionError as exc:
            problems.append(f"{label}.mistakes[{i}].expression: {m.expression!r} does not parse: {exc}")
    return problems


def _check_numeric(label: str, q: Numeric) -> list[str]:
    problems = _check_ranges(label, q.feedback)
    if (q.answer is None) == (q.variants is None):
        problems.append(f"{label}.answer: give exactly one of 'answer' (everyone) and 'variants' (one per learner)")
        return problems
    if q.variants is not None:
        if not q.variants:
            problems.append(f"{label}.variants: the list is empty")
        names = [set(v.values) for v in q.variants]
        for i, n in enumerate(names):
            if n != names[0]:
                problems.append(f"{label}.variants[{i}].values: names {sorted(n)} differ from variants[0]'s {sorted(names[0])}")
        declared = names[0] if names else set()
    else:
        declared = set()
    return problems + _check_placeholders(label, q, declared)


def _check_compute(label: str, q: Compute) -> list[str]:
    problems = _check_ranges(label, q.feedback)
    function = compute.functions().get(q.compute.function)
    if function is None:
        return problems + [
            f"{label}.compute.function: unknown compute function {q.compute.function!r} "
            f"(known: {', '.join(sorted(compute.functions()))})"
        ]
    declared = set(q.parameters)
    used = variants.referenced(q.compute.args)
    problems += [f"{label}.compute.args: refers to {{{{{n}}}}}, which is not under parameters" for n in sorted(used - declared)]
    problems += [f"{label}.parameters.{n}: declared but used neither in compute.args nor the prompt" for n in sorted(declared - used - q.placeholders)]
    problems += _check_placeholders(label, q, declared)
    if VARIANT_SET in declared:
        problems.append(f"{label}.parameters.{VARIANT_SET}: this name is reserved; choose another")
    if problems:
        return problems
    try:
        inspect.signature(function).bind(**q.compute.args)
    except TypeError as exc:
        return [f"{label}.compute.args: do not fit {q.compute.function}{inspect.signature(function)}: {exc}"]
    draws = q.draws()
    combos = itertools.islice(itertools.product(*draws.values()), MAX_CHECKED_VARIANTS)
    for combo in combos:
        values = dict(zip(draws, combo))
        try:
            result = function(**variants.substitute(dict(q.compute.args), values))
        except Exception as exc:  # noqa: BLE001 - any failure of the reference is the author's to fix
            shown = f" with {values}" if values else ""
            return [f"{label}.compute: {q.compute.function}{shown} failed: {type(exc).__name__}: {exc}"]
        if not isinstance(result, (int, float)) or not math.isfinite(result):
            return [f"{label}.compute: {q.compute.function} gave {result!r}, not a finite number, for {values}"]
        if q.result == "integer" and not float(result).is_integer():
            return [f"{label}.result: declared integer, but {q.compute.function} gave {result!r} for {values}"]
    return []


def _semantic_problems(label: str, q: Question) -> list[str]:
    if isinstance(q, (SingleChoice, MultipleChoice)):
        return _check_options(label, q) + _check_placeholders(label, q, set())
    if isinstance(q, Numeric):
        return _check_numeric(label, q)
    if isinstance(q, Compute):
        return _check_compute(label, q)
    if isinstance(q, Symbolic):
        return _check_symbolic(label, q) + _check_placeholders(label, q, set())
    return _check_ranges(label, getattr(q, "feedback", [])) + _check_placeholders(label, q, set())


def _with_course_settings(raw: dict[str, Any], label: str, settings: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """A compute question whose function takes course settings (the quartic) gets the course's.

    A quiz file states only what a question asks; the quartic it is asked about is course.yaml's,
    so a changed quartic changes these answers too.
    """
    spec = raw.get("compute")
    function = compute.functions().get(spec.get("function")) if isinstance(spec, dict) else None
    args = spec.get("args", {}) if isinstance(spec, dict) else None
    if function is None or not isinstance(args, dict):
        return raw, []
    wanted = [name for name in compute.setting_names() if name in inspect.signature(function).parameters and name not in args]
    if not wanted:
        return raw, []
    if settings is None:
        return raw, [f"{label}.compute: {spec['function']} is computed on the course's "
                     f"{', '.join(wanted)}; load this quiz through its course (course.yaml's quizzes: list)"]
    if missing := [n for n in wanted if n not in settings]:
        return raw, [f"{label}.compute: {spec['function']} is computed on the course's {', '.join(missing)}, "
                     "which no assignment of this course sets (its exercise is not in course.yaml)"]
    return {**raw, "compute": {**spec, "args": {**args, **{n: settings[n] for n in wanted}}}}, []


def parse_quiz(data: Any, source: str, settings: Mapping[str, Any] | None = None) -> Quiz:
    """Validate an already-parsed quiz mapping; CourseError(source, every problem) otherwise.

    ``settings`` are the course's values compute questions may use (``compute.course_settings``).
    """
    if not isinstance(data, dict):
        raise CourseError(source, [f"(top level): expected a mapping of keys, got {type(data).__name__}"])
    problems: list[str] = []
    try:
        header = QuizHeader.model_validate(data)
        raw_questions = header.questions
    except ValidationError as exc:
        problems += validation_problems(exc, data, "quiz")
        header = None
        raw_questions = data.get("questions") if isinstance(data.get("questions"), list) else []

    questions: list[Question] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        label = _question_label(raw, index)
        if isinstance(label, str) and not label.startswith("questions["):
            if label in seen:
                problems.append(f"{label}.id: used by more than one question (questions[{seen[label]}] and questions[{index}])")
            seen.setdefault(label, index)
        if not isinstance(raw, dict):
            problems.append(f"{label}: expected a mapping of keys, got {type(raw).__name__}")
            continue
        raw, missing = _with_course_settings(raw, label, settings)
        if missing:
            problems += missing
            continue
        try:
            question = _QUESTION.validate_python(raw)
        except ValidationError as exc:
            problems += validation_problems(exc, raw, "quiz", prefix=label, union=_QUESTION_TYPE)
            continue
        problems += _semantic_problems(label, question)
        questions.append(question)

    if problems or header is None:
        raise CourseError(source, problems)
    return Quiz(id=header.id, title=header.title, intro=header.intro, questions=questions, source=source)


def load_quiz(path: str | Path, settings: Mapping[str, Any] | None = None) -> Quiz:
    """Read and validate one quiz file (with the course's ``settings`` when it has compute questions on them)."""
    path = Path(path)
    return parse_quiz(read_yaml(path), str(path), settings)


def load_course_quizzes(course: Course) -> list[Quiz]:
    """Every quiz listed under ``quizzes:`` in course.yaml, computed on its settings; duplicate ids are an error."""
    settings = compute.course_settings(course)
    quizzes = [load_quiz(course.path(p), settings) for p in course.quizzes]
    by_id: dict[str, str] = {}
    problems = []
    for quiz in quizzes:
        if quiz.id in by_id:
            problems.append(f"quizzes: quiz id {quiz.id!r} is used by both {by_id[quiz.id]} and {quiz.source}")
        by_id.setdefault(quiz.id, quiz.source)
    if problems:
        raise CourseError(str(course.file), problems)
    return quizzes


def course_quiz(course: Course, quiz_id: str) -> Quiz:
    """The quiz with this id among course.yaml's quizzes (the only place quizzes come from)."""
    quizzes = {q.id: q for q in load_course_quizzes(course)}
    if quiz_id not in quizzes:
        raise LookupError(f"{course.file}: no quiz with id {quiz_id!r} under quizzes: "
                          f"(listed: {', '.join(quizzes) or 'none'})")
    return quizzes[quiz_id]
