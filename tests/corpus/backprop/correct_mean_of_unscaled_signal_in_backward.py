"""The unscaled signal (yhat - y) with np.mean for the output layer; dz2 handed on with its 1/n.

expect: full
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    signal = cache["yhat"] - y  # dJ_i/dz2_i of each sample's own loss
    dw2 = np.mean(signal * cache["a1"])
    db2 = np.mean(signal)
    dz2 = signal / len(x)  # what hidden_layer_gradients expects: dJ/dz2, the 1/n of the mean included
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    sigmoid_prime = a1 - a1**2
    dz1 = params["w2"] * sigmoid_prime * dz2
    return float(dz1 @ x), float(dz1.sum())
