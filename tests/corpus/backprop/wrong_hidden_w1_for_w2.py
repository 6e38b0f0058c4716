"""The helper goes back through w1 where w2 belongs.

mistake: w1 instead of w2 in the chain
parts: backward_hidden
"""

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w1"] * a1 * (1.0 - a1)
    return np.sum(dz1 * x), np.sum(dz1)
