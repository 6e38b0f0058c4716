"""Goes back through w2 but forgets the derivative of the hidden sigmoid.

mistake: missing sigmoid'(z1)
parts: backward_hidden
"""

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    # chain rule: dJ/dz1 = dJ/dz2 * dz2/da1 ... and dz2/da1 = w2
    dz1 = dz2 * params["w2"]
    dw1 = np.sum(dz1 * x)
    db1 = np.sum(dz1)
    return dw1, db1
