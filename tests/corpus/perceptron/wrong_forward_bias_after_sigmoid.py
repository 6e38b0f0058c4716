"""Applies the sigmoid to the weighted sum, then adds the bias.

mistake: bias added after the sigmoid
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    return sigmoid(X @ W) + w0
