"""Returns the per-sample gradients as arrays instead of summing them.

mistake: gradients not summed over the samples
parts: backward_hidden
"""

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * a1 * (1 - a1)
    dw1 = dz1 * x
    db1 = dz1
    return dw1, db1
