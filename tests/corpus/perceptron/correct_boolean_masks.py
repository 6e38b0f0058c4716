"""Vectorised with boolean masks instead of np.where.

expect: full
"""

# %% sigmoid_code
def sigmoid(z):
    z = np.array(z, dtype=float)
    out = np.zeros_like(z)
    pos = z >= 0
    neg = ~pos
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[neg])  # z < 0 here: exp(z) < 1
    out[neg] = ez / (1.0 + ez)
    return out

# %% relu_code
def relu(z):
    z = np.array(z, dtype=float)
    return z * (z > 0)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    z = np.dot(X, W) + w0
    return sigmoid(z)

# %% predict_code
def predict(X, W, w0):
    z = np.dot(X, W) + w0
    return np.where(z >= 0, 1, 0)

# %% count_parameters_code
def count_parameters(layer_sizes):
    pairs = zip(layer_sizes, layer_sizes[1:])
    return int(sum(n_in * n_out + n_out for n_in, n_out in pairs))
