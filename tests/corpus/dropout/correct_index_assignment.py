"""Fills zeros and writes the kept entries by boolean indexing.

expect: full
"""

# %% dropout_forward_code
def dropout_forward(a, p_drop, rng, training=True):
    p_drop = check_p_drop(p_drop)  # part 2
    a = np.asarray(a, dtype=float)
    if not training:
        return a, None  # inference: the identity, and no mask
    r = rng.random(a.shape)
    dropped = r < p_drop
    mask = np.logical_not(dropped)  # True = kept
    scale = 1.0 / (1.0 - p_drop)
    out = np.zeros_like(a)
    out[mask] = a[mask] * scale
    return out, mask

# %% dropout_inference_code
def check_p_drop(p_drop):
    try:
        p = float(p_drop)
    except (TypeError, ValueError) as err:
        raise ValueError(f"p_drop must be a number: {err}") from err
    if p != p:  # NaN
        raise ValueError("p_drop is NaN")
    if p < 0.0:
        raise ValueError(f"p_drop = {p} is negative")
    if p >= 1.0:
        raise ValueError(f"p_drop = {p} would drop every unit; it must be below 1")
    return p

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p = check_p_drop(p_drop)
    dout = np.asarray(dout, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    da = np.zeros_like(dout)
    da[mask] = dout[mask] / (1.0 - p)
    return da
