"""Uses the bias as a factor of the weighted sum: w0 * X @ W instead of X @ W + w0.

mistake: bias multiplied instead of added
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    z = w0 * X @ W
    return sigmoid(z)
