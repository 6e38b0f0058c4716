"""Sample by sample, every gradient accumulated in backward; the notebook's NaN stand-in for part 3 kept.

expect: full
"""

# %% backward_output_code
def backward(x, y, params, cache):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    grads = {"w1": 0.0, "b1": 0.0, "w2": 0.0, "b2": 0.0}
    for i in range(n):
        a = cache["a1"][i]
        delta_out = (cache["yhat"][i] - y[i]) / n
        delta_hidden = delta_out * params["w2"] * a * (1 - a)
        grads["w2"] += delta_out * a
        grads["b2"] += delta_out
        grads["w1"] += delta_hidden * x[i]
        grads["b1"] += delta_hidden
    return grads

# %% backward_hidden_code
# (part 3's cell left empty: the stand-in defined above answers NaN)
