"""Invalid quiz files: one CourseError naming the file, the question id and the field,
for every problem of the file at once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.errors import CourseError
from grader.course.config import load_course
from grader.quiz import checking
from grader.quiz.load import course_quiz, load_course_quizzes, load_quiz

ROOT = Path(__file__).resolve().parents[1]

VALID: dict[str, Any] = {
    "id": "quiz_demo",
    "title": "Demo",
    "questions": [
        {
            "id": "q1_range", "type": "single_choice", "points": 1, "prompt": "Range?",
            "options": [{"key": "a", "text": "(0, 1)"}, {"key": "b", "text": "[0, 1]"}],
            "answer": "a", "explanation": "Open interval.",
        },
        {
            "id": "q2_many", "type": "multiple_choice", "points": 2, "prompt": "Which?",
            "options": [{"key": "a", "text": "x"}, {"key": "b", "text": "y"}, {"key": "c", "text": "z"}],
            "answer": ["a", "c"], "explanation": "Because.",
        },
        {"id": "q3_sigmoid_range", "type": "numeric", "points": 1, "prompt": "sigmoid(0)?", "answer": 0.5,
         "explanation": "Half."},
        {"id": "q4_int", "type": "integer", "points": 1, "prompt": "Year?", "answer": 1847, "explanation": "Cauchy."},
        {"id": "q5_sym", "type": "symbolic", "points": 2, "prompt": "d sigma/dz?", "symbols": ["s"],
         "answer": "s*(1-s)", "explanation": "Chain rule."},
        {"id": "q6_count", "type": "compute", "points": 2, "result": "integer", "prompt": "Count {{layers}}",
         "parameters": {"layers": {"choices": [[29, 16, 1], [2, 3, 1]]}},
         "compute": {"function": "count_parameters", "args": {"layer_sizes": "{{layers}}"}},
         "explanation": "a*b + b."},
    ],
}


def write(tmp_path: Path, data: Any, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, data: Any) -> tuple[str, list[str]]:
    path = write(tmp_path, data)
    with pytest.raises(CourseError) as info:
        load_quiz(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)
    return str(info.value), info.value.problems


def edited(**changes: Any) -> dict[str, Any]:
    """VALID with question fields changed: edited(q3_sigmoid_range={"answer": "abc"})."""
    data = copy.deepcopy(VALID)
    for qid, fields in changes.items():
        question = next(q for q in data["questions"] if q["id"] == qid)
        for key, value in fields.items():
            if value is None:
                question.pop(key, None)
            else:
                question[key] = value
    return data


def test_the_valid_example_loads(tmp_path: Path) -> None:
    quiz = load_quiz(write(tmp_path, VALID))
    assert [q.id for q in quiz.questions] == [q["id"] for q in VALID["questions"]]


CASES = [
    (edited(q3_sigmoid_range={"answer": "abc"}), "q3_sigmoid_range.answer: expected a number, got 'abc'"),
    (edited(q1_range={"answer": "c"}), "q1_range.answer: 'c' is not among the options (a, b)"),
    (edited(q2_many={"answer": ["a", "d"]}), "q2_many.answer: 'd' is not among the options (a, b, c)"),
    (edited(q1_range={"points": -1}), "q1_range.points: must be greater than or equal to 0, got -1"),
    (edited(q5_sym={"answer": "s*(1-"}), "q5_sym.answer: 's*(1-' does not parse"),
    (edited(q5_sym={"answer": "__import__('os')"}), "q5_sym.answer: \"__import__('os')\" does not parse"),
    (edited(q6_count={"compute": {"function": "count_params", "args": {}}}),
     "q6_count.compute.function: unknown compute function 'count_params'"),
    (edited(q6_count={"compute": {"function": "count_parameters", "args": {"sizes": "{{layers}}"}}}),
     "q6_count.compute.args: do not fit count_parameters"),
    (edited(q6_count={"prompt": "Count {{layer}}"}), "q6_count.prompt: placeholder(s) layer are not declared"),
    (edited(q4_int={"answer": 18.5}), "q4_int.answer: expected a whole number, got 18.5"),
    (edited(q4_int={"type": "essay"}), "q4_int.type: unknown question type 'essay'"),
    (edited(q4_int={"type": None}), "q4_int.type: required key is missing"),
    (edited(q4_int={"explanation": None}), "q4_int.explanation: required key is missing"),
    (edited(q4_int={"hint": "x"}), "q4_int.hint: unknown key"),
    (edited(q1_range={"options": [{"key": "a", "text": "x"}, {"key": "a", "text": "y"}]}),
     "q1_range.options: key 'a' is used by more than one option"),
    (edited(q3_sigmoid_range={"answer": None}), "q3_sigmoid_range.answer: give exactly one of 'answer'"),
    (edited(q5_sym={"symbols": ["exp"]}), "q5_sym.symbols: symbol 'exp' is also the name of a function"),
    (edited(q5_sym={"functions": ["eval"]}), "q5_sym.functions: unknown function(s) eval"),
    (edited(q6_count={"parameters": {"layers": {"choices": [[29, 16, 1], ["x"]]}}}), "q6_count.compute: count_parameters with"),
    (edited(q3_sigmoid_range={"answer": float("nan")}), "q3_sigmoid_range.answer: expected a finite number, got nan"),
    (edited(q3_sigmoid_range={"answer": True}), "q3_sigmoid_range.answer: expected a number, got the boolean True"),
    (edited(q1_range={"points": "many"}), "q1_range.points: expected a number, got 'many'"),
    (edited(q1_range={"options": [{"key": "A", "text": "x"}, {"key": "b", "text": "y"}]}),
     "q1_range.options[0].key: 'A' is not allowed: use one lower-case letter"),
    (edited(q6_count={"parameters": {"layers": {"low": "x", "high": 3, "step": 1}}}),
     "q6_count.parameters.layers.low (if layers is a GridParameter): expected a number, got 'x'"),
    (edited(q2_many={"answer": "a"}), "q2_many.answer: expected a list, got 'a'"),
]


@pytest.mark.parametrize(("data", "expected"), CASES, ids=[e.split(":")[0] + "-" + str(i) for i, (_, e) in enumerate(CASES)])
def test_problem_names_question_and_field(tmp_path: Path, data: dict, expected: str) -> None:
    text, problems = problems_of(tmp_path, data)
    assert any(expected in p for p in problems), text


def test_duplicate_ids(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["questions"][3]["id"] = "q1_range"
    _, problems = problems_of(tmp_path, data)
    assert any(p.startswith("q1_range.id: used by more than one question") for p in problems)


def test_question_without_id_is_named_by_position(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    del data["questions"][2]["id"]
    _, problems = problems_of(tmp_path, data)
    assert "questions[2].id: required key is missing" in problems


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    data = edited(
        q1_range={"answer": "z", "points": -2},
        q3_sigmoid_range={"answer": "abc"},
        q5_sym={"answer": "s*(1-"},
        q6_count={"compute": {"function": "nope", "args": {}}},
    )
    data["title"] = None
    data["questions"][3]["id"] = "q2_many"
    _, problems = problems_of(tmp_path, data)
    starts = sorted({p.split(":")[0] for p in problems})
    assert starts == sorted(["title", "q1_range.points", "q3_sigmoid_range.answer", "q5_sym.answer",
                             "q6_count.compute.function", "q2_many.id"]), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [("id: [unclosed\n", "not valid YAML at line"), ("- just\n- a list\n", "expected a mapping"),
     ("id: quiz_x\ntitle: t\nquestions: []\n", "questions: List should have at least 1 item")],
)
def test_file_level_problems(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseError) as info:
        load_quiz(path)
    assert "broken.yaml" in str(info.value) and expected in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="file not found"):
        load_quiz(tmp_path / "nope.yaml")


QUARTIC_STEP = {
    "id": "q7_step", "type": "compute", "points": 1, "prompt": "One step from 2.5?",
    "compute": {"function": "gradient_descent_iterate", "args": {"w_init": 2.5, "learning_rate": 1.0, "num_steps": 1}},
    "explanation": "w - g'(w).",
}


def _course_with(tmp_path: Path, quizzes: list[str], quartic: dict[str, Any] | None = None) -> Path:
    data = yaml.safe_load((ROOT / "course.yaml").read_text())
    for a in data["assignments"]:
        a["notebook"] = str(ROOT / a["notebook"])
    data["quizzes"] = quizzes
    if quartic is not None:
        next(a for a in data["assignments"] if a["id"] == "gradient_descent")["settings"] = {"quartic": quartic}
    path = tmp_path / "other-course.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_quizzes_come_only_from_the_courses_list(tmp_path: Path) -> None:
    write(tmp_path, VALID, "demo.yaml")
    course = load_course(_course_with(tmp_path, ["demo.yaml"]))
    assert [q.id for q in load_course_quizzes(course)] == ["quiz_demo"]
    assert course_quiz(course, "quiz_demo").title == "Demo"
    # The bundled quizzes are not found just because they sit in the default folder.
    with pytest.raises(LookupError, match="no quiz with id 'quiz_perceptron'.*other-course.yaml|other-course.yaml.*quiz_perceptron"):
        course_quiz(course, "quiz_perceptron")


def test_compute_answers_on_the_quartic_follow_the_course_file(tmp_path: Path) -> None:
    write(tmp_path, {**VALID, "questions": [QUARTIC_STEP]}, "steps.yaml")
    bundled = load_course(_course_with(tmp_path, ["steps.yaml"]))
    steeper = load_course(_course_with(tmp_path, ["steps.yaml"], {"coefficients": [2, 0, -3, 5, 0], "scale": 16}))
    answer = {}
    for name, course in (("bundled", bundled), ("steeper", steeper)):
        quiz = course_quiz(course, "quiz_demo")
        answer[name] = checking.expected_answer(quiz, quiz.question("q7_step"), "anyone")
    assert answer["bundled"] == pytest.approx(2.5 - (4 * 2.5**3 - 6 * 2.5 + 5) / 16)
    assert answer["steeper"] == pytest.approx(2.5 - (8 * 2.5**3 - 6 * 2.5 + 5) / 16)


def test_a_quartic_question_outside_a_course_says_it_needs_the_course(tmp_path: Path) -> None:
    path = write(tmp_path, {**VALID, "questions": [QUARTIC_STEP]})
    with pytest.raises(CourseError, match=r"q7_step\.compute: gradient_descent_iterate is computed on the course's "
                                          r"coefficients, scale; load this quiz through its course"):
        load_quiz(path)
