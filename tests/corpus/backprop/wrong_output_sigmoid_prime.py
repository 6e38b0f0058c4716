"""The squared error's delta at the output, as XOR tutorials write it, with the log loss.

mistake: an extra sigmoid'(z2) at the output
parts: backward_output
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    yhat = cache["yhat"]
    dz2 = (yhat - y) * yhat * (1 - yhat) / x.size
    dw2 = np.sum(dz2 * cache["a1"])
    db2 = np.sum(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
