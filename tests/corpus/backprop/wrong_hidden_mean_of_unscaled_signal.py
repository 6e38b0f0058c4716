"""dz2 kept per sample without the 1/n; the mean is taken with np.mean in both layers instead.

backward's own w2 and b2 come out right (np.mean supplies the 1/n), and its w1 and b1 too, but only
because its helper undoes the missing 1/n; hidden_layer_gradients breaks the notebook's contract
(dz2 = dJ/dz2, which carries the 1/n of the mean loss). Given that dz2, its np.mean divides by n a
second time, so the hidden layer alone loses points.

mistake: dz2 divided by n twice
parts: backward_hidden
"""

# %% forward_code
def forward(x, params):
    w1, b1, w2, b2 = (params[k] for k in ("w1", "b1", "w2", "b2"))
    x = np.array(x, dtype=np.float64)
    z1 = w1 * x + b1
    a1 = sigmoid(z1)
    z2 = w2 * a1 + b2
    return dict(z1=z1, a1=a1, z2=z2, yhat=sigmoid(z2))

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    # per-sample derivative of the BCE wrt z2; the 1/n comes from np.mean below
    dz2 = cache["yhat"] - y
    dw2 = np.mean(dz2 * cache["a1"])
    db2 = np.mean(dz2)
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    # my dz2 is per sample (no 1/n), so average here as well
    da1 = dz2 * params["w2"]
    dz1 = da1 * cache["a1"] * (1 - cache["a1"])
    return np.mean(dz1 * x), np.mean(dz1)
