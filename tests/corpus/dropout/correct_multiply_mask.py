"""out = a * mask / (1 - p); range check with chained comparison and math.isnan.

expect: full
"""

# %% dropout_forward_code
def dropout_forward(a, p_drop, rng, training=True):
    p_drop = check_p_drop(p_drop)  # part 2
    a = np.asarray(a, dtype=float)
    if not training:
        return a, None  # inference: the identity, and no mask
    mask = rng.random(a.shape) >= p_drop
    out = a * mask / (1 - p_drop)
    return out, mask

# %% dropout_inference_code
import math


def check_p_drop(p_drop):
    try:
        p = float(p_drop)
    except (TypeError, ValueError):
        raise ValueError(f"p_drop should be a number, got {p_drop!r}")
    if math.isnan(p) or p < 0 or p >= 1:
        raise ValueError(f"p_drop should be in [0, 1), got {p}")
    return p

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p_drop = check_p_drop(p_drop)
    return np.asarray(dout, dtype=float) * mask / (1 - p_drop)
