"""A mistake in one part never costs points in another part that is right.

The notebooks split a function across parts (backward calls part 3's
hidden_layer_gradients; dropout_forward calls the inference part's
check_p_drop). An unwritten or broken later helper must not sink the earlier
part, in-process (the self-check's judge) and through the sandbox alike.
"""

from __future__ import annotations

import copy

import nbformat
import numpy as np
from nbgrader.preprocessors import ClearSolutions

import reference.backprop as ref_backprop
import reference.dropout as ref_dropout
from check_support import course, ctx_for, grade_part
from grader.nbgrader_glue.notebook import NotebookGrader


# Defined in the namespace, as a notebook cell defines them: helpers are found in its globals.
BACKWARD = """
def backward(x, y, params, cache):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dz2 = (cache["yhat"] - y) / x.size
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": np.sum(dz2 * cache["a1"]), "b2": np.sum(dz2)}
"""
DROPOUT_FORWARD = """
def dropout_forward(a, p_drop, rng, training=True):
    p_drop = check_p_drop(p_drop)
    return REF(a, p_drop, rng, training)
"""


def test_an_unwritten_or_broken_hidden_layer_does_not_cost_the_output_layer() -> None:
    def unwritten(x, dz2, params, cache):
        raise NotImplementedError

    for helper in (unwritten, lambda *a: None, lambda *a: (1, 2, 3)):
        namespace: dict = {"hidden_layer_gradients": helper, "np": np, "forward": ref_backprop.forward}
        exec(BACKWARD, namespace)  # noqa: S102
        output = grade_part("backprop", "backward_output", namespace, ctx_for("ann"))
        assert output.points == output.max_points, output
        hidden = grade_part("backprop", "backward_hidden", namespace, ctx_for("ann"))
        assert hidden.points == 0
        assert namespace["hidden_layer_gradients"] is helper  # the learner's own helper is put back


def test_an_unwritten_check_p_drop_does_not_cost_the_training_part() -> None:
    def check_p_drop(p_drop):
        raise NotImplementedError

    namespace: dict = {"check_p_drop": check_p_drop, "REF": ref_dropout.dropout_forward}
    exec(DROPOUT_FORWARD, namespace)  # noqa: S102
    training = grade_part("dropout", "dropout_forward", namespace, ctx_for("ann"))
    assert training.points == training.max_points, training
    assert grade_part("dropout", "dropout_inference", namespace, ctx_for("ann")).points == 0


def test_through_the_sandbox_part_two_earns_its_points_before_part_three_is_written() -> None:
    c = course()
    source = nbformat.read(c.path(c.assignment("backprop").notebook), as_version=4)
    release, _ = ClearSolutions(code_stub={"python": "# YOUR CODE HERE\nraise NotImplementedError()"}).preprocess(
        copy.deepcopy(source), {})
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in ("forward_code", "backward_output_code"):
            cell.source = solutions[cell.metadata["nbgrader"]["grade_id"]]
    parts = NotebookGrader(c).grade(release, "backprop", "ann").parts
    assert parts["forward"].points == 3 and parts["backward_output"].points == 3
    assert parts["backward_hidden"].points == 0 and "not written yet" in parts["backward_hidden"].message
