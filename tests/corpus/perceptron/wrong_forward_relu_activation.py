"""Used the other activation function written just before.

mistake: relu instead of the sigmoid
parts: perceptron_forward
"""

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    z = w0 + np.dot(X, W)
    return relu(z)
