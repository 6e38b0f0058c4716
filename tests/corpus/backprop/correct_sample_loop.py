"""Forward and backward sample by sample, in explicit loops.

expect: full
"""

# %% forward_code
def forward(x, params):
    x = np.asarray(x, dtype=float)
    z1 = np.zeros_like(x)
    a1 = np.zeros_like(x)
    z2 = np.zeros_like(x)
    yhat = np.zeros_like(x)
    for i in range(x.shape[0]):
        z1[i] = params["w1"] * x[i] + params["b1"]
        a1[i] = sigmoid(z1[i])
        z2[i] = params["w2"] * a1[i] + params["b2"]
        yhat[i] = sigmoid(z2[i])
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": yhat}

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    dz2 = np.zeros(n)
    dw2 = 0.0
    db2 = 0.0
    for i in range(n):
        dz2[i] = (cache["yhat"][i] - y[i]) / n  # mean over the samples
        dw2 += dz2[i] * cache["a1"][i]
        db2 += dz2[i]
    dw1, db1 = hidden_layer_gradients(x, dz2, params, cache)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}

# %% backward_hidden_code
def hidden_layer_gradients(x, dz2, params, cache):
    dw1 = 0.0
    db1 = 0.0
    for i in range(len(x)):
        a = cache["a1"][i]
        dz1_i = dz2[i] * params["w2"] * a * (1.0 - a)
        dw1 += dz1_i * x[i]
        db1 += dz1_i
    return dw1, db1
