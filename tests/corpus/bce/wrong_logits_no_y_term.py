"""Left out the - y * z term of the stable formula.

mistake: the - y z term is missing
parts: bce_with_logits
"""

# %% bce_with_logits_code
def bce_with_logits(y, z):
    z = np.asarray(z, dtype=float)
    loss = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(loss))
