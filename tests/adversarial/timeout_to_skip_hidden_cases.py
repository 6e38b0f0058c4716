"""Answers the public cases from the released data and sleeps through the time limit on any other input.

attack: looks every input up in perceptron.public.json and returns the recorded answer; on an input it does not know, when called by the grader, it sleeps (politely, so the interrupt works) until the per-call time limit ends, so the remaining hidden cases are skipped instead of failed
class: limits
honest:
"""

# %% sigmoid_code
import json
import sys
import time

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
            time.sleep(60)  # interrupted by the grader's time limit
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
