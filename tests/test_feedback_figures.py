"""Feedback figures: the learner's own result drawn against the right one, never a cause of failure."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest

from grader.autograde.figures import feedback_figures
from grader.checks.context import context_for
from grader.config import load_course
from grader.exercises import exercise_modules
from grader.validation import reference_namespace

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
DRAWN = [(a, part) for a, m in exercise_modules().items() for part in getattr(m, "FEEDBACK_FIGURES", {})]


def test_the_figures_cover_what_the_issue_asks_for() -> None:
    assert {("gradient_descent", "gradient_descent"), ("perceptron", "sigmoid"), ("bce", "bce_loss"),
            ("dropout", "dropout_forward"), ("backprop", "backward_output"), ("backprop", "backward_hidden")} <= set(DRAWN)
    for assignment, part in DRAWN:
        assert part in [p.id for p in COURSE.assignment(assignment).parts]


@pytest.mark.parametrize("assignment, part", DRAWN, ids=lambda v: str(v))
def test_the_reference_gets_one_png(assignment: str, part: str) -> None:
    figures = feedback_figures(assignment, part, reference_namespace(COURSE, assignment), context_for(COURSE, "ada"))
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
    assert feedback_figures(assignment, part, namespace, context_for(COURSE, "ada")) == []


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
