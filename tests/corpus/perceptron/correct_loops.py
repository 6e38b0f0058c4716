"""Everything with explicit Python loops and math.exp.

expect: full
"""

# %% sigmoid_code
import math


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    result = np.empty_like(z)
    flat_in = z.ravel()
    flat_out = result.reshape(-1)  # a view, so writing here fills result
    for i in range(flat_in.size):
        v = flat_in[i]
        if v >= 0:
            flat_out[i] = 1.0 / (1.0 + math.exp(-v))
        else:
            e = math.exp(v)  # v < 0 so this is small, no overflow
            flat_out[i] = e / (1.0 + e)
    return result

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    out = z.copy()
    flat = out.reshape(-1)
    for i in range(flat.size):
        if flat[i] < 0:
            flat[i] = 0.0
    return out

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    if X.ndim == 1:
        z = w0
        for x_i, w_i in zip(X, W):
            z += x_i * w_i
        return sigmoid(z)
    outputs = np.zeros(X.shape[0])
    for n in range(X.shape[0]):
        z = w0
        for i in range(X.shape[1]):
            z += X[n, i] * W[i]
        outputs[n] = sigmoid(z)
    return outputs

# %% predict_code
def predict(X, W, w0):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        z = w0 + sum(x * w for x, w in zip(X, W))
        return 1 if z >= 0 else 0
    classes = []
    for row in X:
        z = w0 + sum(x * w for x, w in zip(row, W))
        classes.append(1 if z >= 0 else 0)
    return np.array(classes, dtype=int)

# %% count_parameters_code
def count_parameters(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        fan_in = layer_sizes[i - 1]
        fan_out = layer_sizes[i]
        total += fan_in * fan_out  # weights
        total += fan_out  # one bias per unit
    return int(total)
