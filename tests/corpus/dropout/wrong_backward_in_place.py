"""Zeroes and rescales the incoming gradient array itself.

mistake: dout changed in place
parts: dropout_backward
"""

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p_drop = check_p_drop(p_drop)
    dout[~mask] = 0
    dout /= 1 - p_drop
    return dout
