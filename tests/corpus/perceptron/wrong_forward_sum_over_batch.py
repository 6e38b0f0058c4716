"""Translated sum_i x_i w_i literally: np.sum adds the terms of every sample into one number.

mistake: weighted sums of the whole batch added together
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    z = w0 + np.sum(X * W)
    return sigmoid(z)
