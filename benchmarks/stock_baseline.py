"""The baseline an instructor would use instead: stock nbgrader, a notebook of five NumPy functions,
each graded by a test cell of plain ``assert`` statements (no sandbox, no feedback beyond the
AssertionError), autograded by nbgrader's own ``Execute`` in a Jupyter kernel per submission.

``source_notebook()`` is that assignment as an instructor writes it (solution regions marked for
``nbgrader generate_assignment``); ``submission(i)`` is learner ``i``'s copy, right or with one
function wrong, so the baseline grades correct and wrong work as the course's batch does.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "numpy_basics"

#: (function, right body, a wrong body, test cell): the five functions of the course's exercises.
PARTS = [
    ("sigmoid", "return 1.0 / (1.0 + np.exp(-z))", "return np.exp(-z)",
     "assert np.isclose(sigmoid(0.0), 0.5)\nassert np.allclose(sigmoid(np.array([-2.0, 2.0])), [0.11920292, 0.88079708])"),
    ("relu", "return np.maximum(z, 0.0)", "return np.abs(z)",
     "assert np.array_equal(relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])"),
    ("bce_loss", "p = np.clip(p, 1e-12, 1 - 1e-12)\n    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))",
     "return float(np.mean((y - p) ** 2))",
     "assert np.isclose(bce_loss(np.array([1.0, 0.0]), np.array([0.9, 0.2])), 0.164252033)"),
    ("forward", "z1 = w1 * x + b1\n    a1 = 1.0 / (1.0 + np.exp(-z1))\n    return 1.0 / (1.0 + np.exp(-(w2 * a1 + b2)))",
     "return w2 * (w1 * x + b1) + b2",
     "assert np.isclose(forward(1.0, 0.5, 0.0, -1.0, 0.25), 0.40794689)"),
    ("dropout_inference", "return x", "return x * (1 - p_drop)",
     "x = np.arange(6.0)\nassert np.array_equal(dropout_inference(x, 0.5), x)"),
]
SIGNATURES = {"sigmoid": "z", "relu": "z", "bce_loss": "y, p", "forward": "x, w1, b1, w2, b2",
              "dropout_inference": "x, p_drop"}


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: int = 0) -> dict:
    meta = {"grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution,
            "grade": grade, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _notebook(body_of) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# Five NumPy functions"),
             new_code_cell("import numpy as np", metadata=_meta("setup"))]
    for name, right, wrong, test in PARTS:
        code = f"def {name}({SIGNATURES[name]}):\n    {body_of(name, right, wrong)}\n"
        cells.append(new_code_cell(code, metadata=_meta(f"{name}_code", solution=True)))
        cells.append(new_code_cell(test, metadata=_meta(f"{name}_test", grade=True, points=2)))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's source: each right body between nbgrader's solution markers."""
    return _notebook(lambda name, right, wrong: f"### BEGIN SOLUTION\n    {right}\n    ### END SOLUTION")


def submission(i: int) -> nbformat.NotebookNode:
    """Learner ``i``: every even learner right throughout, every odd one with function ``i % 5`` wrong."""
    broken = PARTS[(i // 2) % len(PARTS)][0] if i % 2 else None
    return _notebook(lambda name, right, wrong: wrong if name == broken else right)
