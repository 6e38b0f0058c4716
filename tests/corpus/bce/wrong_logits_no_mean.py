"""The stable per-sample loss, returned without averaging.

mistake: per-sample losses returned (no mean)
parts: bce_with_logits
"""

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
