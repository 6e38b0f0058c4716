"""(y - yhat) instead of (yhat - y); every gradient backward returns has the wrong sign.

The mistake is in dz2 (part 2); the hidden layer (the notebook's correct hidden_layer_gradients) is
graded on the reference's dz2, so only the output layer loses points.

mistake: sign flipped
parts: backward_output
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    error = y - cache["yhat"]
    dz2 = error / n
    dw2 = np.sum(dz2 * cache["a1"])
    db2 = np.sum(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
