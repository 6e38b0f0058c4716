"""Forgot to add the bias w0 in the forward pass.

mistake: bias missing
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    # weighted sum of the inputs, then squash it with the sigmoid
    X = np.array(X, dtype=float)
    weighted_sum = X @ W
    y_hat = sigmoid(weighted_sum)
    return y_hat
