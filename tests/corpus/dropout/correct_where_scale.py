"""A keep-scale computed once and np.where in both directions.

expect: full
"""

# %% dropout_forward_code
def dropout_forward(a, p_drop, rng, training=True):
    """Inverted dropout; returns (out, mask)."""
    p_drop = check_p_drop(p_drop)  # part 2
    a = np.asarray(a, dtype=float)
    if not training:
        return a, None  # inference: the identity, and no mask
    keep_prob = 1.0 - p_drop
    u = rng.random(a.shape)
    keep = u >= p_drop
    out = np.where(keep, a / keep_prob, 0.0)
    return out, keep

# %% dropout_inference_code
def check_p_drop(p_drop):
    try:
        value = float(p_drop)
    except Exception:
        raise ValueError("p_drop must be a real number") from None
    if not (0.0 <= value < 1.0):  # also false for NaN
        raise ValueError("p_drop must satisfy 0 <= p_drop < 1, got %r" % (p_drop,))
    return value

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    keep_prob = 1.0 - check_p_drop(p_drop)
    return np.where(mask, np.asarray(dout, dtype=float) / keep_prob, 0.0)
