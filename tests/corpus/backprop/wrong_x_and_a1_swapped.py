"""Multiplies each layer's signal by the other layer's input.

mistake: x and a1 swapped
parts: backward_output, backward_hidden
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    dz2 = (cache["yhat"] - y) / n
    dw2 = np.sum(dz2 * x)
    db2 = np.sum(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    dw1 = np.sum(dz1 * a1)
    db1 = np.sum(dz1)
    return dw1, db1
