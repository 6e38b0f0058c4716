"""course.yaml is the one truth: changing it either changes what is graded, or `validate` says
which file and part disagree; and the course file that is named is the one every step reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from grader.cli.main import main
from grader.course.config import Course, load_course
from grader.validate.consistency import course_problems
from grader.nbgrader_glue.course import CourseDirectory

ROOT = Path(__file__).resolve().parents[1]


def edited_course(tmp_path: Path, edit: Any = None, name: str = "other-course.yaml",
                  only: tuple[str, ...] | None = None, quizzes: bool = True) -> Path:
    """A copy of course.yaml under another name in ``tmp_path``, its paths made absolute, then edited."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["assignments"] = [a for a in data["assignments"] if only is None or a["id"] in only]
    for a in data["assignments"]:
        a["notebook"] = str(ROOT / a["notebook"])
    data["quizzes"] = [str(ROOT / q) for q in data["quizzes"]] if quizzes else []
    if edit is not None:
        edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def part(data: dict[str, Any], assignment: str, part_id: str) -> dict[str, Any]:
    a = next(a for a in data["assignments"] if a["id"] == assignment)
    return next(p for p in a["parts"] if p["id"] == part_id)


def test_the_bundled_course_agrees_with_its_material() -> None:
    assert course_problems(load_course(ROOT / "course.yaml")) == []


def test_a_part_removed_from_course_yaml_fails_validate_naming_file_and_part(tmp_path: Path) -> None:
    def remove_relu(data: dict[str, Any]) -> None:
        a = next(a for a in data["assignments"] if a["id"] == "perceptron")
        a["parts"] = [p for p in a["parts"] if p["id"] != "relu"]

    problems = course_problems(load_course(edited_course(tmp_path, remove_relu)))
    notebook = str(ROOT / "exercises" / "perceptron" / "perceptron.ipynb")
    assert any(notebook in p and "test cell 'relu' grades a part course.yaml does not list" in p
               and "sigmoid, perceptron_forward, predict, count_parameters" in p for p in problems), problems
    assert main(["validate", str(edited_course(tmp_path, remove_relu))]) == 1


def test_a_part_added_to_course_yaml_fails_validate(tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        next(a for a in data["assignments"] if a["id"] == "dropout")["parts"].append({"id": "dropout_extra", "points": 1.5})

    problems = course_problems(load_course(edited_course(tmp_path, add)))
    assert any("dropout.ipynb" in p and "part 'dropout_extra' (1.5 points in course.yaml) has no test cell" in p
               for p in problems), problems


def test_a_changed_quartic_fails_validate_for_every_statement_of_the_old_one(tmp_path: Path) -> None:
    def steeper(data: dict[str, Any]) -> None:
        next(a for a in data["assignments"] if a["id"] == "gradient_descent")["settings"] = {
            "quartic": {"coefficients": [2, 0, -3, 5, 0], "scale": 16}}

    problems = course_problems(load_course(edited_course(tmp_path, steeper)))
    notebook = [p for p in problems if "gradient_descent.ipynb" in p]
    quiz = [p for p in problems if "quizzes/gradient_descent.yaml" in p]
    # The text's g and g', and the dg_dw docstring; the quiz's intro, prompt, explanations and its answer.
    assert len(notebook) == 3 and len(quiz) == 5, problems
    assert any("cell 5: states g(w) = (w**4 - 3 w**2 + 5 w) / 16, but course.yaml gives "
               "g(w) = w*(2*w**3 - 3*w + 5)/16" in p for p in notebook), notebook
    assert any("g4_quartic_derivative.answer: asks for g'(w)" in p and "(4*w**3 - 6*w + 5)/16" in p
               and "(8*w**3 - 6*w + 5)/16" in p for p in quiz), quiz


def test_an_unreadable_notebook_or_quiz_file_is_named_not_a_traceback(tmp_path: Path, capsys) -> None:
    broken_nb = tmp_path / "broken.ipynb"
    broken_nb.write_text("{ not a notebook")

    def point_bce_at_it(data: dict[str, Any]) -> None:
        next(a for a in data["assignments"] if a["id"] == "bce")["notebook"] = str(broken_nb)

    problems = course_problems(load_course(edited_course(tmp_path, point_bce_at_it)))
    assert any(p.startswith(f"{broken_nb}: not a readable notebook") for p in problems), problems

    broken_quiz = tmp_path / "quiz.yaml"
    broken_quiz.write_text("id: quiz_x\ntitle: X\nquestions: [{id: q1, type: nonsense}]\n")

    def add_quiz(data: dict[str, Any]) -> None:
        data["quizzes"].append(str(broken_quiz))

    assert main(["validate", str(edited_course(tmp_path, add_quiz, name="with-quiz.yaml"))]) == 2
    out = capsys.readouterr().out
    assert str(broken_quiz) in out and "q1" in out and "Traceback" not in out


def test_the_statements_found_are_all_of_the_quartic_in_the_material() -> None:
    # Guards the finder itself: if it stopped reading a formula, the test above would pass vacuously.
    from grader.validate.consistency import _statements, stated_formulas

    formulas = stated_formulas(load_course(ROOT / "course.yaml"))
    nb = nbformat.read(ROOT / "exercises" / "gradient_descent" / "gradient_descent.ipynb", as_version=4)
    found = [s for c in nb.cells for s in _statements(c.source, c.cell_type == "code", formulas)]
    assert [name for name, _, _ in found] == ["g(w)", "g'(w)", "g(w)"]


# ---- real nbgrader ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_changed_points_are_what_nbgrader_grades_and_demos_stay_out_of_the_course(tmp_path: Path, capsys) -> None:
    """`dlcourse run` on a renamed course file with relu worth 5: the source solution scores 14/14."""
    def relu_five(data: dict[str, Any]) -> None:
        part(data, "perceptron", "relu")["points"] = 5

    course_file = edited_course(tmp_path, relu_five, name="my-course.yaml", only=("perceptron",), quizzes=False)
    work, demo = tmp_path / "work", tmp_path / "demo"
    code = main(["run", str(course_file), "--work", str(work), "--demo-work", str(demo)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Valid" in out
    # The instructor's course folder holds the release and nothing of the demo learners.
    assert (work / "release" / "perceptron" / "perceptron.ipynb").is_file()
    assert not (work / "submitted").exists()
    assert CourseDirectory(work, load_course(course_file)).gradebook().empty
    book = CourseDirectory(demo, load_course(course_file)).gradebook()
    solution = book[(book.student == "demo-solution") & (book.part != "gpu")].set_index("part")
    assert solution.loc["relu", "max_score"] == 5 and solution.loc["relu", "score"] == 5
    assert solution.score.sum() == solution.max_score.sum() == 14
    assert str(course_file) in (demo / "nbgrader_config.py").read_text()
    # The demo is graded by the batch and its pages are nbgrader's own generate_feedback's.
    assert (demo / "dlcourse-results").is_dir()
    for learner in ("demo-solution", "demo-blank"):
        page = demo / "feedback" / learner / "perceptron" / "perceptron.html"
        assert page.is_file() and "relu" in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_grading_reads_the_named_course_file_and_its_settings(tmp_path: Path, capsys) -> None:
    """A sigmoid off by one part in 10**4 fails under course.yaml's rtol 1e-6 and passes under 1e-3."""
    source = ROOT / "exercises" / "perceptron" / "perceptron.ipynb"
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid_code":
            cell.source += "\n\n_exact_sigmoid = sigmoid\n\ndef sigmoid(z):\n    return _exact_sigmoid(z) * (1 + 1e-4)\n"
    submissions = tmp_path / "submissions" / "ann" / "perceptron"
    submissions.mkdir(parents=True)
    nbformat.write(nb, submissions / "perceptron.ipynb")

    def loose(data: dict[str, Any]) -> None:
        data["grading"]["rtol"] = 1e-3

    scores = {}
    for name, edit in (("strict.yaml", None), ("loose.yaml", loose)):
        course_file = edited_course(tmp_path, edit, name=name, only=("perceptron",), quizzes=False)
        work = tmp_path / f"work-{name}"
        assert main(["release", str(course_file), "--work", str(work)]) == 0
        main(["grade", str(course_file), "--work", str(work), "--submissions", str(tmp_path / "submissions")])
        book = CourseDirectory(work, load_course(course_file)).gradebook().set_index("part")
        scores[name] = (book.loc["sigmoid", "score"], book.loc["sigmoid", "max_score"])
    capsys.readouterr()
    assert scores["loose.yaml"] == (2, 2)
    assert scores["strict.yaml"][0] < 2
