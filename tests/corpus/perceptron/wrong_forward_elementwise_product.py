"""Multiplied inputs and weights entry by entry and never added the terms up.

mistake: X * W not summed
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    z = w0 + X * W
    return sigmoid(z)
