"""A learner's public-repository backprop for one hidden neuron, adapted to the notebook's signatures only.

expect: full
"""

# %% backward_output_code
def backward(x, y, params, cache):
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    A1 = np.asarray(cache["a1"]).reshape(1, -1)
    A2 = np.asarray(cache["yhat"]).reshape(1, -1)
    m = X.shape[1]
    W2 = np.array([[params["w2"]]])
    dZ2 = A2 - Y
    dW2 = (1 / m) * dZ2 @ A1.T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (A1 * (1 - A1))
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"w1": dW1.item(), "b1": db1.item(), "w2": dW2.item(), "b2": db2.item()}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    # YOUR CODE HERE
    raise NotImplementedError()
