"""Sigmoid through tanh (never overflows), np.heaviside for the classes, counting with np.dot.

expect: full
"""

# %% sigmoid_code
def sigmoid(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2, and tanh never overflows
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * z))

# %% relu_code
def relu(z):
    return np.clip(np.asarray(z, dtype=float), 0.0, None)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    logits = np.matmul(X, W) + w0
    return sigmoid(logits)

# %% predict_code
def predict(X, W, w0):
    logits = np.matmul(np.asarray(X, dtype=float), W) + w0
    # heaviside(0, 1) = 1: the boundary belongs to class 1
    return np.heaviside(logits, 1.0).astype(int)

# %% count_parameters_code
def count_parameters(layer_sizes):
    sizes = np.asarray(layer_sizes, dtype=np.int64)
    n_weights = np.dot(sizes[:-1], sizes[1:])
    n_biases = sizes[1:].sum()
    return int(n_weights + n_biases)
