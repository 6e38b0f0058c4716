"""dJ/dw2 uses the network input x instead of the hidden activation a1.

mistake: x and a1 swapped
parts: backward_output
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    dz2 = (cache["yhat"] - y) / n
    # dz2/dw2 = input of the layer
    dw2 = np.dot(dz2, x)
    db2 = dz2.sum()
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
