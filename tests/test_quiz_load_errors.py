"""Invalid quiz files: one CourseError naming the file, the question id and the field,
for every problem of the file at once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.errors import CourseError
from grader.quiz.load import find_quiz, load_quiz

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


def test_find_quiz_by_id_from_the_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, VALID)
    monkeypatch.setenv("DLCOURSE_QUIZ_PATH", str(tmp_path))
    assert find_quiz("quiz_demo").title == "Demo"
    assert find_quiz("quiz_perceptron").id == "quiz_perceptron"  # the course folder is still searched
    with pytest.raises(LookupError):
        find_quiz("quiz_missing")
