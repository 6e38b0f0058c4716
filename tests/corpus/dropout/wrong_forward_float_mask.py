"""Returns the mask as 0.0/1.0 floats instead of booleans.

mistake: it must be boolean (True = kept)
parts: dropout_forward
"""

# %% dropout_forward_code
def dropout_forward(a, p_drop, rng, training=True):
    """Inverted dropout.

    a: activations, any shape.  p_drop: probability of dropping a unit, in [0, 1).
    rng: a np.random.Generator.  training: False at inference.
    Returns (out, mask). In training, mask is a boolean array of a's shape, True where a unit
    is kept (drawn as rng.random(a.shape) >= p_drop), and out = a / (1 - p_drop) where kept,
    0 elsewhere. At inference it returns (a, None). ValueError if p_drop is not in [0, 1).
    """
    p_drop = check_p_drop(p_drop)  # part 2
    a = np.asarray(a, dtype=float)
    if not training:
        return a, None  # inference: the identity, and no mask
    mask = (rng.random(a.shape) >= p_drop).astype(float)
    out = a * mask / (1 - p_drop)
    return out, mask
