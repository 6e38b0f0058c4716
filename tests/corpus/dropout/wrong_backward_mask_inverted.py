"""Lets the gradient through the dropped units instead of the kept ones.

mistake: mask meaning inverted
parts: dropout_backward
"""

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p = check_p_drop(p_drop)
    dout = np.asarray(dout, dtype=float)
    # dropped units get no gradient
    return np.where(mask, 0.0, dout / (1 - p))
