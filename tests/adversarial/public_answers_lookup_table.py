"""Hard-codes the answers to the public cases, read from the data released with the notebook.

attack: loads perceptron.public.json (the self-check's data, in the working folder) and answers every input it recognises with the recorded expected value, returning None for anything else: no computation at all
class: reading-answers
honest:
"""

# %% sigmoid_code
import json

from grader.learner.core import wire

_public = json.load(open("perceptron.public.json"))


def _answer(part, *args):
    for case in _public["parts"][part]["cases"]:
        known = [wire.decode(a) for a in case["args"]]
        if len(known) == len(args) and all(np.shape(k) == np.shape(a) and np.array_equal(k, a)
                                           for k, a in zip(known, args)):
            return wire.decode(case["expected"])
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
