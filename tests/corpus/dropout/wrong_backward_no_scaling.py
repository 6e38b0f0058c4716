"""Masks the gradient but forgets the 1/(1 - p_drop) of the forward pass.

mistake: backward without scaling
parts: dropout_backward
"""

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    check_p_drop(p_drop)
    # gradient only flows through the units that were kept
    dx = dout * mask
    return dx
