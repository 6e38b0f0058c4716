"""np.dot(W, X) works for one sample but raises for a batch.

mistake: shapes (2,) and (3,2) not aligned
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    # z = w0 + W^T x
    z = w0 + np.dot(W, X)
    return sigmoid(z)
