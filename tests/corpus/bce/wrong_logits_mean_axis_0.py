"""The mean taken over axis 0 only.

mistake: mean over axis 0 only
parts: bce_with_logits
"""

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    per_sample = np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
    return per_sample.mean(axis=0)
