"""Feedback figures: the learner's own result drawn against the right one, never a cause of failure."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest

from grader.checks.figures import feedback_figures
from grader.exercises import feedback_figure
from grader.grading.context import context_for
from grader.course.config import load_course
from grader.exercises import exercise_modules
from grader.validate.checks import reference_namespace

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
DRAWN = [(a, part) for a, m in exercise_modules().items() for part in getattr(m, "FEEDBACK_FIGURES", {})]


def test_a_part_without_a_figure_draws_none() -> None:
    assert feedback_figure("bce", "mse_loss") is None and feedback_figure("no_such_exercise", "x") is None
    assert feedback_figures(None, {}, context_for(COURSE, "ada")) == []


def test_the_figures_cover_what_the_issue_asks_for() -> None:
    assert {("gradient_descent", "gradient_descent"), ("perceptron", "sigmoid"), ("bce", "bce_loss"),
            ("dropout", "dropout_forward"), ("backprop", "backward_output"), ("backprop", "backward_hidden")} <= set(DRAWN)
    for assignment, part in DRAWN:
        assert part in [p.id for p in COURSE.assignment(assignment).parts]


@pytest.mark.parametrize("assignment, part", DRAWN, ids=lambda v: str(v))
def test_the_reference_gets_one_png(assignment: str, part: str) -> None:
    figures = feedback_figures(feedback_figure(assignment, part), reference_namespace(COURSE, assignment),
                               context_for(COURSE, "ada"))
    assert len(figures) == 1
    assert base64.b64decode(figures[0]).startswith(b"\x89PNG\r\n\x1a\n")


def _unfinished(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("assignment, part", DRAWN, ids=lambda v: str(v))
@pytest.mark.parametrize("learner", [_unfinished, lambda *a, **k: "not numbers", lambda *a, **k: None, None],
                         ids=["unfinished", "text", "None", "undefined"])
def test_unusable_work_draws_nothing_and_never_raises(assignment: str, part: str, learner) -> None:
    namespace = reference_namespace(COURSE, assignment)
    for name in [c.function for c in exercise_modules()[assignment].CHECKS] + ["hidden_layer_gradients"]:
        if learner is None:
            namespace.pop(name, None)
        else:
            namespace[name] = learner
    assert feedback_figures(feedback_figure(assignment, part), namespace, context_for(COURSE, "ada")) == []


def test_the_descent_figure_plots_the_learners_own_iterates() -> None:
    def sign_flipped(grad, w_init, learning_rate, num_steps):
        w = [float(w_init)]
        for _ in range(num_steps):
            w.append(w[-1] + learning_rate * float(grad(w[-1])))
        return np.array(w)

    namespace = {**reference_namespace(COURSE, "gradient_descent"), "gradient_descent": sign_flipped}
    draw = exercise_modules()["gradient_descent"].FEEDBACK_FIGURES["gradient_descent"]
    fig = draw(namespace, context_for(COURSE, "ada"))
    yours = next(line for line in fig.axes[0].lines if line.get_label() == "your iterates")
    right = next(line for line in fig.axes[0].lines if line.get_label() == "the right iterates")
    assert yours.get_xdata()[0] == right.get_xdata()[0] == 2.5
    assert yours.get_xdata()[1] > 2.5 > right.get_xdata()[1]  # uphill, where the right step goes down


@pytest.mark.slow
def test_a_learners_feedback_page_shows_their_path_in_a_real_browser(tmp_path: Path) -> None:
    """Real nbgrader autograde and generate_feedback of a descent that climbs; the page, in Chromium."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import headless_chromium, screenshot
    from corpus_support import build_notebook, corpus

    from grader.nbgrader_glue.course import CourseDirectory

    cdir = CourseDirectory.prepare(COURSE, tmp_path / "work")
    released = cdir.release("gradient_descent")
    sub = next(s for s in corpus("gradient_descent") if s.name == "wrong_ascent")
    cdir.submit("ada", "gradient_descent", build_notebook(sub, COURSE.path(COURSE.assignment("gradient_descent").notebook), released))
    assert cdir.autograde("gradient_descent").returncode == 0
    cdir.generate_feedback("gradient_descent")
    page = cdir.feedback_html("ada", "gradient_descent")

    with headless_chromium((1200, 1600)) as driver:
        driver.get(page.as_uri())
        text = driver.find_element("tag name", "body").text
        assert "gradient_descent — 0 / 6 points" in text or "gradient_descent — " in text
        assert "Likely mistake" in text
        loaded = driver.execute_script(
            "return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
        assert loaded >= 3  # the learner's own plots, and the part's figure against the right path
        figure = driver.execute_script(
            "const i = Array.from(document.images).find(i => i.closest('.jp-Cell, .cell') && "
            "i.closest('.jp-Cell, .cell').innerText.includes('gradient_descent —'));"
            "if (!i) return null; i.scrollIntoView(); window.scrollBy(0, -420); return i.naturalWidth;")
        assert figure and figure > 100
        screenshot(driver, tmp_path, "feedback.png")
