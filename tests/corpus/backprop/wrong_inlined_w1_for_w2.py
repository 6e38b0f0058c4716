"""All in backward; the chain rule goes back through w1 where w2 belongs.

mistake: w1 instead of w2 in the chain
parts: backward_hidden
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    a1 = cache["a1"]
    dz2 = (cache["yhat"] - y) / n
    dz1 = dz2 * params["w1"] * a1 * (1 - a1)
    return {"w1": np.sum(dz1 * x), "b1": np.sum(dz1), "w2": np.sum(dz2 * a1), "b2": np.sum(dz2)}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    raise NotImplementedError()
