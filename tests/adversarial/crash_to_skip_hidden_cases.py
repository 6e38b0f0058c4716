"""Answers the public cases from the released data and kills the worker on any other input.

attack: looks every input up in perceptron.public.json (released with the notebook) and returns the recorded answer, and, when called by the grader (an op_call frame on the stack), calls os._exit(0) on an input it does not know, so that grading skips the learner-specific hidden cases instead of failing them
class: crash
honest:
"""

# %% sigmoid_code
import json
import os
import sys

from grader.learner.core import wire

_public = json.load(open("perceptron.public.json"))


def _answer(part, *args):
    for case in _public["parts"][part]["cases"]:
        known = [wire.decode(a) for a in case["args"]]
        if len(known) == len(args) and all(np.shape(k) == np.shape(a) and np.array_equal(k, a)
                                           for k, a in zip(known, args)):
            return wire.decode(case["expected"])
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "op_call":
            os._exit(0)  # being graded: die rather than be judged on a case we cannot answer
        frame = frame.f_back
    return None


def sigmoid(z):
    return _answer("sigmoid", z)

# %% relu_code
def relu(z):
    return _answer("relu", z)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    return _answer("perceptron_forward", X, W, w0)

# %% predict_code
def predict(X, W, w0):
    return _answer("predict", X, W, w0)

# %% count_parameters_code
def count_parameters(layer_sizes):
    return _answer("count_parameters", layer_sizes)
