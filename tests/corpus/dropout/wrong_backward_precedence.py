"""No brackets around 1 - p_drop: p_drop is subtracted from the masked gradient.

mistake: p_drop subtracted instead of divided by 1 - p_drop
parts: dropout_backward
"""

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p_drop = check_p_drop(p_drop)
    return dout * mask / 1 - p_drop
