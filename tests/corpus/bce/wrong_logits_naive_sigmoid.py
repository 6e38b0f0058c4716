"""Forms p = sigmoid(z) with the naive formula and takes logs of it.

mistake: naive sigmoid then log
parts: bce_with_logits
"""

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    p = 1.0 / (1.0 + np.exp(-z))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
