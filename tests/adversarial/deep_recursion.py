"""Recurses without end: plainly, through C calls with a raised recursion limit (a C stack overflow), and in a cell.

attack: makes sigmoid recurse forever, relu raise the recursion limit to a million and recurse through map() until the C stack overflows, perceptron_forward return a self-referential list, and a cell of its own overflow the C stack as well
class: crash
honest: predict, count_parameters
"""

# %% sigmoid_code
def sigmoid(z):
    return sigmoid(z)

# %% relu_code
import sys


def _down(n):
    return sum(map(_down, [n + 1]))


def relu(z):
    sys.setrecursionlimit(1_000_000)
    return _down(0)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    loop = [X]
    loop.append(loop)
    return loop

# %% +after count_parameters_code
import sys

sys.setrecursionlimit(1_000_000)


def _deeper(n):
    return sum(map(_deeper, [n + 1]))


_deeper(0)
