"""Pictures for the exercise notebooks, drawn with the learner's own functions: one module per exercise.

Every public function takes the learner's functions as arguments, computes what it needs from
them, draws one figure and shows it. None of them ever raises (``_common.friendly``). Nothing here
uses the reference solution; where a picture needs a helper value (a stable sigmoid, say) it
computes it itself. Notebooks call them as ``plots.<name>(...)``.
"""

from __future__ import annotations

from grader.learner.kernel.plots.perceptron import activation_functions, sigmoid_and_decision_line, predict_regions, parameter_growth
from grader.learner.kernel.plots.bce import bce_curves, bce_vs_mse, logits_vs_probabilities
from grader.learner.kernel.plots.backprop import computational_graph, training_curve
from grader.learner.kernel.plots.gradient_descent import quartic, slopes, descent_paths, descent_2d
from grader.learner.kernel.plots.dropout import dropout_masks, kept_fraction
from grader.learner.kernel.plots.generic import function_curve

__all__ = [
    "activation_functions",
    "sigmoid_and_decision_line",
    "predict_regions",
    "parameter_growth",
    "bce_curves",
    "bce_vs_mse",
    "logits_vs_probabilities",
    "computational_graph",
    "training_curve",
    "quartic",
    "slopes",
    "descent_paths",
    "descent_2d",
    "dropout_masks",
    "kept_fraction",
    "function_curve",
]
