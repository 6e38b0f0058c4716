"""Rewrote the given lines and lost the inference branch: units are dropped at test time too.

mistake: dropping at inference
parts: dropout_inference
"""

# %% dropout_forward_code
def dropout_forward(a, p_drop, rng, training=True):
    p_drop = check_p_drop(p_drop)
    a = np.asarray(a, dtype=float)
    keep = rng.random(a.shape) >= p_drop
    out = np.where(keep, a / (1 - p_drop), 0.0)
    return out, keep
