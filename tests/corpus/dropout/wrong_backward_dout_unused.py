"""Returns the local derivative of dropout, forgetting to multiply by the incoming gradient.

mistake: dout not used
parts: dropout_backward
"""

# %% dropout_backward_code
def dropout_backward(dout, mask, p_drop):
    p_drop = check_p_drop(p_drop)
    # d out / d a = mask / (1 - p_drop)
    return mask / (1 - p_drop)
