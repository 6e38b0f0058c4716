"""The exercise notebooks follow docs/notebooks.md and agree with course.yaml.

``notebook_problems`` holds every structural rule and returns what is wrong, so
the same function is run on the real notebooks (no problems expected) and on
deliberately broken copies of the course data and of the notebooks (each break
must be reported). The slow tests execute the notebooks in a real kernel beside
their released self-check data: the released version (solutions removed) must
run from top to bottom, and the source version must pass every self-check.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402

from grader.learner.core.found import every_module  # noqa: E402
from grader.learner.kernel.plots import generic  # noqa: E402
from grader.course.config import Assignment, Course, load_course, parse_course  # noqa: E402
from grader.course.cells import nbgrader_metadata  # noqa: E402
from grader.release.notebook_rules import BEGIN_HIDDEN, END_HIDDEN, END_SOLUTION, notebook_problems  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COURSE_YAML = ROOT / "course.yaml"
EXERCISES = tuple(a.id for a in load_course(COURSE_YAML).assignments)
#: Every plot a notebook may call: each exercise's (its learner-side module's ``__all__``) and the generic ones.
PLOTS = {name: getattr(m, name) for m in [*every_module(), generic] for name in m.__all__}

def _notebook(course: Course, assignment: Assignment) -> Any:
    return nbformat.read(course.path(assignment.notebook), as_version=4)


# ---- the real notebooks ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_course() -> Course:
    return load_course(COURSE_YAML)


@pytest.mark.parametrize("assignment_id", EXERCISES)
def test_notebook_matches_convention_and_course(real_course: Course, assignment_id: str) -> None:
    assignment = real_course.assignment(assignment_id)
    assert notebook_problems(assignment, _notebook(real_course, assignment)) == []


def test_every_assignment_has_its_notebook(real_course: Course) -> None:
    for assignment in real_course.assignments:
        assert assignment.notebook == Path(f"exercises/{assignment.id}/{assignment.id}.ipynb")
        assert real_course.path(assignment.notebook).is_file()


# ---- the rules catch what they are meant to catch --------------------------------------------------


def _course_with(edit: Callable[[dict[str, Any]], None]) -> Course:
    data = yaml.safe_load(COURSE_YAML.read_text(encoding="utf-8"))
    edit(data)
    return parse_course(data, "edited course.yaml", ROOT)


def _assignment_data(data: dict[str, Any], assignment_id: str) -> dict[str, Any]:
    return next(a for a in data["assignments"] if a["id"] == assignment_id)


def test_changed_points_in_course_yaml_are_detected(real_course: Course) -> None:
    def bump(data: dict[str, Any]) -> None:
        _assignment_data(data, "bce")["parts"][1]["points"] = 5

    edited = _course_with(bump).assignment("bce")
    problems = notebook_problems(edited, _notebook(real_course, edited))
    assert any("'bce_grad'" in p and "points" in p for p in problems), problems


def test_a_part_added_or_removed_in_course_yaml_is_detected(real_course: Course) -> None:
    def add(data: dict[str, Any]) -> None:
        _assignment_data(data, "dropout")["parts"].append({"id": "dropout_extra", "points": 1})

    def remove(data: dict[str, Any]) -> None:
        del _assignment_data(data, "perceptron")["parts"][1]

    for edit, aid in ((add, "dropout"), (remove, "perceptron")):
        edited = _course_with(edit).assignment(aid)
        problems = notebook_problems(edited, _notebook(real_course, edited))
        assert any("grade cells are" in p for p in problems), problems


def _cell(nb: Any, grade_id: str) -> Any:
    return next(c for c in nb.cells if nbgrader_metadata(c).get("grade_id") == grade_id)


def _hidden_block(nb: Any) -> None:
    cell = _cell(nb, "sigmoid")
    cell.source += "\n" + BEGIN_HIDDEN + "\nprint('graded')\n" + END_HIDDEN


def _duplicate_id(nb: Any) -> None:
    _cell(nb, "relu_code").metadata["nbgrader"]["grade_id"] = "sigmoid_code"


def _import_reference(nb: Any) -> None:
    nb.cells.insert(2, nbformat.v4.new_code_cell("from reference.perceptron import sigmoid"))


def _unclosed_solution(nb: Any) -> None:
    cell = _cell(nb, "predict_code")
    cell.source = cell.source.replace(END_SOLUTION, "")


def _no_solution_block(nb: Any) -> None:
    cell = _cell(nb, "relu_code")
    cell.source = "\n".join(line for line in cell.source.splitlines() if "SOLUTION" not in line)


def _no_latex(nb: Any) -> None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("$", "")


def _no_plots(nb: Any) -> None:
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and not nbgrader_metadata(c) and "plots." in c.source)]


def _wrong_points(nb: Any) -> None:
    _cell(nb, "count_parameters").metadata["nbgrader"]["points"] = 3


def _no_gpu_cell(nb: Any) -> None:
    nb.cells = [c for c in nb.cells if nbgrader_metadata(c).get("grade_id") != "gpu"]


def _grading_the_wrong_part(nb: Any) -> None:
    cell = _cell(nb, "relu")
    cell.source = cell.source.replace('exercise.check("relu")', 'exercise.check("sigmoid")')


def _outputs_left(nb: Any) -> None:
    _cell(nb, "setup").execution_count = 3


def _unlocked_test(nb: Any) -> None:
    _cell(nb, "predict").metadata["nbgrader"]["locked"] = False


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (_hidden_block, "test cell 'sigmoid' has a hidden block"),
        (_duplicate_id, "grade_id 'sigmoid_code' is used by cells"),
        (_import_reference, "imports `reference`"),
        (_unclosed_solution, "never closed"),
        (_no_solution_block, "has no ### BEGIN SOLUTION"),
        (_no_latex, "no markdown cell with LaTeX"),
        (_no_plots, "no plot cell"),
        (_wrong_points, "'count_parameters' is worth 3 points"),
        (_no_gpu_cell, "grade cells are"),
        (_grading_the_wrong_part, 'does not call exercise.check("relu")'),
        (_outputs_left, "outputs or an execution count"),
        (_unlocked_test, "test cell 'predict' must be locked"),
    ],
)
def test_a_broken_notebook_is_detected(real_course: Course, breakage: Callable[[Any], None], expected: str) -> None:
    assignment = real_course.assignment("perceptron")
    nb = copy.deepcopy(_notebook(real_course, assignment))
    assert notebook_problems(assignment, nb) == []
    breakage(nb)
    problems = notebook_problems(assignment, nb)
    assert any(expected in p for p in problems), problems


# ---- the plots ---------------------------------------------------------------------------------------


def _unfinished(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError()


def _working_functions() -> dict[str, tuple[Any, ...]]:
    from reference import backprop, bce, dropout, gradient_descent, perceptron

    return {
        "activation_functions": (perceptron.sigmoid, perceptron.relu),
        "sigmoid_and_decision_line": (perceptron.sigmoid, perceptron.perceptron_forward),
        "predict_regions": (perceptron.predict,),
        "parameter_growth": (perceptron.count_parameters,),
        "bce_curves": (bce.bce_loss,),
        "bce_vs_mse": (bce.bce_loss, bce.mse_loss),
        "logits_vs_probabilities": (bce.bce_loss, bce.bce_with_logits),
        "computational_graph": (backprop.forward, backprop.backward),
        "training_curve": (backprop.forward, backprop.backward),
        "quartic": (gradient_descent.g,),
        "slopes": (gradient_descent.g, gradient_descent.dg_dw),
        "descent_paths": (gradient_descent.g, gradient_descent.gradient_descent, gradient_descent.dg_dw),
        "descent_2d": (gradient_descent.gradient_descent,),
        "dropout_masks": (dropout.dropout_forward,),
        "kept_fraction": (dropout.dropout_forward,),
        "function_curve": (perceptron.sigmoid, "sigmoid"),
    }


def test_every_plot_is_exercised_here() -> None:
    assert set(_working_functions()) == set(PLOTS)


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_draws_with_working_functions(name: str, recwarn: pytest.WarningsRecorder) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        result = PLOTS[name](*_working_functions()[name])
    assert result is None
    assert out.getvalue() == ""
    assert plt.get_fignums() == []
    assert [str(w.message) for w in recwarn if not issubclass(w.category, DeprecationWarning)] == []


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_with_an_unfinished_function_prints_a_note_instead(name: str) -> None:
    functions = _working_functions()[name]
    for i in [i for i, f in enumerate(functions) if callable(f)]:
        given = list(functions)
        given[i] = _unfinished
        out = io.StringIO()
        with redirect_stdout(out):
            PLOTS[name](*given)
        assert "above to see this plot" in out.getvalue()
        assert plt.get_fignums() == []


def test_plot_names_the_broken_function_and_survives_garbage() -> None:
    from reference import perceptron

    def broken(z: Any) -> Any:
        raise ZeroDivisionError("oops")

    out = io.StringIO()
    with redirect_stdout(out):
        PLOTS["sigmoid_and_decision_line"](broken, perceptron.perceptron_forward)
        PLOTS["predict_regions"](lambda X, W, w0: "not an array")
        PLOTS["dropout_masks"](lambda a, p, rng, training=True: np.zeros(3))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert "`sigmoid` does not work yet (ZeroDivisionError: oops)" in lines[0]
    assert all("above to see this plot" in line for line in lines)
    assert plt.get_fignums() == []


# ---- executing the notebooks ---------------------------------------------------------------------------


def _released(nb: Any) -> Any:
    """What learners get: nbgrader's own preprocessors clear the solutions and drop the hidden tests."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = copy.deepcopy(nb)
    nb, resources = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, resources)
    return nb


def _execute(nb: Any, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def _errors(nb: Any) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i} ({nbgrader_metadata(cell).get('grade_id', 'plain')}): {out.get('ename')}: {out.get('evalue')}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", EXERCISES)
def test_released_notebook_runs_top_to_bottom(
    real_course: Course, assignment_id: str, public_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assignment = real_course.assignment(assignment_id)
    path = real_course.path(assignment.notebook)
    nb = _execute(_released(nbformat.read(path, as_version=4)), public_dir, monkeypatch)
    assert _errors(nb) == []
    notes = "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code" and not nbgrader_metadata(cell) and "plots." in cell.source
        for out in cell.outputs
        if out.get("output_type") == "stream"
    )
    assert "above to see this plot" in notes


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", EXERCISES)
def test_source_notebook_passes_every_self_check(
    real_course: Course, assignment_id: str, public_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assignment = real_course.assignment(assignment_id)
    path = real_course.path(assignment.notebook)
    nb = _execute(nbformat.read(path, as_version=4), public_dir, monkeypatch)
    assert _errors(nb) == []
    reports = {}
    for cell in nb.cells:
        meta = nbgrader_metadata(cell)
        if meta.get("grade") and meta["grade_id"] != "gpu":
            reports[meta["grade_id"]] = "".join(o.get("text", "") for o in cell.outputs)
    for part in assignment.parts:
        assert f"{part.points:g} / {part.points:g} points" in reports[part.id], reports[part.id]
        assert "✓ all" in reports[part.id], reports[part.id]


def test_a_hanging_function_costs_a_plot_seconds_not_the_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from grader.learner.kernel.plots import _common

    monkeypatch.setattr(_common, "CALL_TIMEOUT_S", 0.5)

    def hangs(z):
        while True:
            pass

    out = io.StringIO()
    start = time.monotonic()
    with redirect_stdout(out):
        PLOTS["activation_functions"](hangs)
    assert time.monotonic() - start < 5
    assert "did not finish within 0.5 s" in out.getvalue()
    assert plt.get_fignums() == []
