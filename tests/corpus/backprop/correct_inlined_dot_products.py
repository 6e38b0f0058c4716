"""Gradients as dot products, all in backward; part 3's helper left as released.

expect: full
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    m = x.shape[0]
    a1 = cache["a1"]
    dZ2 = cache["yhat"] - y
    dW2 = np.dot(dZ2, a1) / m
    dB2 = np.sum(dZ2) / m
    dA1 = params["w2"] * dZ2
    dZ1 = dA1 * a1 * (1.0 - a1)
    dW1 = np.dot(dZ1, x) / m
    dB1 = np.sum(dZ1) / m
    return {"w1": dW1, "b1": dB1, "w2": dW2, "b2": dB2}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    # YOUR CODE HERE
    raise NotImplementedError()
