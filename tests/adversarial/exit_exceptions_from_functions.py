"""Raises SystemExit and KeyboardInterrupt out of its functions and out of a cell.

attack: raises SystemExit(0) from count_parameters, KeyboardInterrupt from predict and SystemExit at the end of the perceptron_forward cell, hoping exceptions that are not Exceptions escape the grader's handling
class: crash
honest: sigmoid, relu, perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return sigmoid(z)


raise SystemExit(0)

# %% predict_code
def predict(X, W, w0):
    raise KeyboardInterrupt

# %% count_parameters_code
def count_parameters(layer_sizes):
    raise SystemExit(0)
