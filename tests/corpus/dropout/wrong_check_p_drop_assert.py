"""Validates p_drop with assert, which raises AssertionError rather than ValueError.

mistake: it raised AssertionError instead of ValueError
parts: dropout_inference
"""

# %% dropout_inference_code
def check_p_drop(p_drop):
    p = float(p_drop)
    assert 0 <= p < 1, "p_drop has to be between 0 and 1"
    return p
