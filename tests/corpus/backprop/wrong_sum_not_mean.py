"""dz2 = yhat - y without the 1/n of the mean loss; backward's w1 and b1 inherit the factor n too.

The mistake is in dz2 (part 2); the hidden layer (the notebook's correct hidden_layer_gradients) is
graded on the reference's dz2, so only the output layer loses points.

mistake: sum instead of mean
parts: backward_output
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    yhat = cache["yhat"]
    dz2 = yhat - y  # sigmoid + BCE simplifies nicely
    dw2 = np.sum(dz2 * cache["a1"])
    db2 = np.sum(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
