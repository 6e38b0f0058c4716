"""Sets db1 to 0 because "b1 does not multiply anything".

mistake: missing bias gradients
parts: backward_hidden
"""

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    dw1 = np.sum(dz1 * x)
    db1 = 0.0  # TODO is this right? b1 has no input
    return dw1, db1
