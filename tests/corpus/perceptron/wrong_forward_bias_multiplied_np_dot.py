"""The bias as a factor again, written with np.dot: w0 * np.dot(X, W).

mistake: bias multiplied instead of added
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    return sigmoid(w0 * np.dot(X, W))
