"""np.max(z, 0) for max(z, 0): the largest logit, not an elementwise maximum.

mistake: np.max instead of np.maximum
parts: bce_with_logits
"""

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    return np.mean(np.max(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
