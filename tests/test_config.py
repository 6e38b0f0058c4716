"""course.yaml: the bundled one loads; broken ones give one clear message naming file, key path and expectation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.course.config import load_course
from grader.errors import CourseError

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_course_loads(course) -> None:
    assert course.course.id == "intro-dl"
    assert [a.id for a in course.assignments] == ["perceptron", "bce", "backprop", "gradient_descent", "dropout"]
    assert all(a.points == 10 for a in course.assignments)
    quartic = course.settings_of("gradient_descent").quartic
    assert quartic.coefficients == (1, 0, -3, 5, 0) and quartic.scale == 16
    assert course.settings_of("perceptron") is None


GD = 3  # gradient_descent's place in course.yaml's assignments
QUARTIC_PATH = f"assignments[{GD}](id=gradient_descent).settings.quartic"


def _quartic(data: dict) -> dict:
    assert data["assignments"][GD]["id"] == "gradient_descent"
    return data["assignments"][GD]["settings"]["quartic"]


@pytest.fixture
def broken(tmp_path):
    """Write a modified copy of course.yaml next to copies of the notebooks; return its path."""

    def write(change) -> Path:
        data = yaml.safe_load((ROOT / "course.yaml").read_text())
        change(data)
        shutil.copytree(ROOT / "exercises", tmp_path / "exercises", dirs_exist_ok=True)
        path = tmp_path / "course.yaml"
        path.write_text(yaml.safe_dump(data))
        return path

    return write


def _problems(path: Path) -> str:
    with pytest.raises(CourseError) as info:
        load_course(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    return message


def test_unknown_key_is_named(broken) -> None:
    msg = _problems(broken(lambda d: d["grading"].update(rtoll=0.1)))
    assert "grading.rtoll: unknown key" in msg


def test_unknown_key_says_it_is_not_part_of_the_course_format(broken) -> None:
    msg = _problems(broken(lambda d: d["course"].update(colour="red")))
    assert "course.colour: unknown key (not part of the course format; check its spelling)" in msg


def test_wrong_type_is_named_with_the_value(broken) -> None:
    msg = _problems(broken(lambda d: d["grading"].update(atol="small")))
    assert "grading.atol: expected a number, got 'small'" in msg


@pytest.mark.parametrize("key, value", [("rtol", True), ("memory_limit_mb", False)])
def test_a_yaml_boolean_is_not_read_as_a_number(broken, key: str, value: bool) -> None:
    # `rtol: yes` is YAML for True; read as 1.0 it would accept nearly any answer.
    msg = _problems(broken(lambda d: d["grading"].update({key: value})))
    assert f"grading.{key}:" in msg and f"the boolean {value}" in msg


def test_a_wrong_id_says_which_characters_are_allowed(broken) -> None:
    msg = _problems(broken(lambda d: d["course"].update(id="Intro DL")))
    assert "course.id: 'Intro DL' is not allowed: use lower-case letters, digits and -" in msg


def test_too_few_quartic_coefficients_are_named_not_a_crash(broken) -> None:
    msg = _problems(broken(lambda d: _quartic(d).update(coefficients=[1, 2])))
    assert f"{QUARTIC_PATH}.coefficients[2]: required item is missing (the list is too short)" in msg


def test_the_quartic_is_gradient_descents_own_setting_and_required_there(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][GD].pop("settings")))
    assert f"{QUARTIC_PATH}: required key is missing" in msg


def test_a_misspelt_setting_is_named_by_its_key_path(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][GD]["settings"].update(quartik={})))
    assert f"assignments[{GD}](id=gradient_descent).settings.quartik: unknown key" in msg


def test_an_exercise_that_declares_no_settings_takes_none(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][0].update(settings={"quartic": {}})))
    assert "assignments[0](id=perceptron).settings: perceptron takes no settings" in msg


def test_a_top_level_quartic_is_no_longer_part_of_the_course_format(broken) -> None:
    msg = _problems(broken(lambda d: d.update(quartic=_quartic(d))))
    assert "quartic: unknown key" in msg


def test_a_course_without_gradient_descent_needs_no_quartic(broken) -> None:
    def without(d):
        d["assignments"] = [a for a in d["assignments"] if a["id"] != "gradient_descent"]
        d["quizzes"] = [q for q in d["quizzes"] if "gradient_descent" not in q]

    course = load_course(broken(without))
    assert "gradient_descent" not in [a.id for a in course.assignments]
    assert course.settings_of("gradient_descent") is None


def test_missing_field_is_named(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][1].pop("notebook")))
    assert "assignments[1](id=bce).notebook: required key is missing" in msg


def test_negative_points_are_rejected(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][2]["parts"][0].update(points=-1)))
    assert "assignments[2](id=backprop).parts[0](id=forward).points: must be greater than or equal to 0, got -1" in msg


def test_negative_rtol_is_rejected(broken) -> None:
    assert "grading.rtol" in _problems(broken(lambda d: d["grading"].update(rtol=-1e-6)))


def test_missing_notebook_is_named(broken) -> None:
    msg = _problems(broken(lambda d: d["assignments"][0].update(notebook="exercises/nope.ipynb")))
    assert "assignments[0](id=perceptron).notebook: file exercises/nope.ipynb does not exist" in msg


def test_quartic_without_a_minimum_is_rejected(broken) -> None:
    msg = _problems(broken(lambda d: _quartic(d).update(coefficients=[-1, 0, 0, 0, 0])))
    assert f"{QUARTIC_PATH}.coefficients" in msg and "must be > 0" in msg


def test_duplicate_part_ids_are_rejected(broken) -> None:
    def dup(d):
        d["assignments"][0]["parts"].append(dict(d["assignments"][0]["parts"][0]))

    assert "appears twice" in _problems(broken(dup))


def test_all_problems_are_reported_at_once(broken) -> None:
    def three(d):
        d["grading"]["rtol"] = -1
        d["course"]["colour"] = "red"
        _quartic(d)["scale"] = 0

    msg = _problems(broken(three))
    assert "3 problem(s)" in msg and "grading.rtol" in msg and "course.colour" in msg and f"{QUARTIC_PATH}.scale" in msg


def test_invalid_yaml_names_the_line(tmp_path) -> None:
    path = tmp_path / "course.yaml"
    path.write_text("course:\n  id: x\n  title: [unclosed\n")
    assert "not valid YAML at line" in _problems(path)


def test_missing_file(tmp_path) -> None:
    assert "file not found" in _problems(tmp_path / "absent.yaml")


def test_cli_reports_a_broken_course_without_traceback(broken) -> None:
    path = broken(lambda d: d["grading"].update(memory_limit_mb=0))
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "validate", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2
    out = proc.stdout + proc.stderr
    assert "grading.memory_limit_mb" in out
    assert "Traceback" not in out
