"""A forward without the output sigmoid, and a right backward that does all its work itself:
the forward's mistake costs the forward alone.

mistake: no sigmoid on the output
parts: forward
"""

# %% forward_code
def forward(x, params):
    x = np.asarray(x, dtype=float)
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": z2}

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / n
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    raise NotImplementedError()
