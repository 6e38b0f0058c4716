"""The squared error's delta at the output, all gradients in backward: the hidden ones inherit it.

mistake: an extra sigmoid'(z2) at the output
parts: backward_output, backward_hidden
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    a1, yhat = cache["a1"], cache["yhat"]
    delta2 = (yhat - y) * yhat * (1 - yhat) / x.size
    delta1 = delta2 * params["w2"] * a1 * (1 - a1)
    return {"w1": np.sum(delta1 * x), "b1": np.sum(delta1), "w2": np.sum(delta2 * a1), "b2": np.sum(delta2)}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    raise NotImplementedError()
