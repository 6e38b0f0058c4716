"""Allocates 3 GiB with np.ones at the top of the perceptron_forward cell.

attack: allocates np.ones of 3 GiB in a cell, hoping to take the grading machine's memory (or the grader) down with it
class: limits
honest: sigmoid, relu, predict, count_parameters
grading-failed: perceptron_forward
"""

# %% perceptron_forward_code
_ballast = np.ones(3 * 1024**3 // 8)


def perceptron_forward(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return sigmoid(z)
