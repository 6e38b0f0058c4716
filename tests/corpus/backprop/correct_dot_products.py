"""sigmoid'(z1) recomputed from z1, sums written as dot products.

expect: full
"""

# %% forward_code
def forward(x, params):
    x = np.asarray(x, dtype=float)
    cache = {}
    cache["z1"] = params["w1"] * x + params["b1"]
    cache["a1"] = sigmoid(cache["z1"])
    cache["z2"] = params["w2"] * cache["a1"] + params["b2"]
    cache["yhat"] = sigmoid(cache["z2"])
    return cache

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.shape[0]
    dz2 = (cache["yhat"] - y) / n
    dw2 = float(dz2 @ cache["a1"])
    db2 = float(dz2 @ np.ones(n))
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}

# %% backward_hidden_code
def dsigmoid(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def hidden_layer_gradients(x, dz2, params, cache):
    dz1 = dz2 * params["w2"] * dsigmoid(cache["z1"])
    return float(np.dot(dz1, x)), float(dz1.sum())
